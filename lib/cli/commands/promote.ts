import { PIPELINE_ACTIONS } from "../../ci/actions";
import { promote } from "../../ops/commands";
import type { CommandSpec } from "../command";
import { UsageError } from "../exit-codes";
import { DRY_RUN, ENV, JSON_OUTPUT, LANE_ARGUMENT, LANE_OPTION, OUTPUT, SERVICE_REQUIRED, laneOf, opsOf, required } from "../options";

export const command: CommandSpec = {
  name: "promote",
  summary: "make a lane the default: default takes the lane's image, becomes healthy, then the lane is destroyed",
  description:
    "Stops and changes nothing more when default does not become healthy (rollout completed, every task running, a healthy target) within LANES_HEALTH_TIMEOUT_SECONDS (900).",
  arguments: [{ ...LANE_ARGUMENT, description: "the lane to promote into default" }],
  options: [ENV, SERVICE_REQUIRED, LANE_OPTION, DRY_RUN, OUTPUT, JSON_OUTPUT],
  examples: ["lanes promote gray --service user-api --env dev"],
  exitCodes: ["usage", "lowerLayerMissing", "locked", "unhealthy", "refused", "unknownLane"],
  pipelineAction: PIPELINE_ACTIONS.promote,
  async run(input, ctx) {
    const env = required(input, "env", "--env dev");
    const service = required(input, "service", "--service user-api");
    const lane = laneOf(input);
    if (!lane) throw new UsageError(`promote needs a lane: lanes promote gray --service ${service} --env ${env}`);
    const ops = opsOf(ctx, input);
    const { image } = await promote(ops, env, service, lane);
    return { code: 0, result: { promoted: lane, image, steps: ops.steps.done.map((s) => ({ ...s })) }, text: `${lane} promoted: default runs ${image}; lane ${lane} removed` };
  },
};
