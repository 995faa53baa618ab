import { PIPELINE_ACTIONS } from "../../ci/actions";
import { rollback } from "../../ops/commands";
import type { CommandSpec } from "../command";
import { UsageError } from "../exit-codes";
import { DRY_RUN, ENV, JSON_OUTPUT, LANE_ARGUMENT, LANE_OPTION, OUTPUT, SERVICE_REQUIRED, laneOf, opsOf, required } from "../options";

export const command: CommandSpec = {
  name: "rollback",
  summary: "re-deploy the lane's previous image (from the image history in its state)",
  arguments: [LANE_ARGUMENT],
  options: [ENV, SERVICE_REQUIRED, LANE_OPTION, DRY_RUN, OUTPUT, JSON_OUTPUT],
  examples: ["lanes rollback default --service user-api --env dev"],
  exitCodes: ["usage", "lowerLayerMissing", "locked", "unknownLane"],
  pipelineAction: PIPELINE_ACTIONS.rollback,
  async run(input, ctx) {
    const env = required(input, "env", "--env dev");
    const service = required(input, "service", "--service user-api");
    const lane = laneOf(input);
    if (!lane) throw new UsageError(`rollback needs a lane: lanes rollback gray --service ${service} --env ${env}`);
    const ops = opsOf(ctx, input);
    const { from, to } = await rollback(ops, env, service, lane);
    return { code: 0, result: { lane, from, to, steps: ops.steps.done.map((s) => ({ ...s })) }, text: `lane ${lane} rolled back from ${from} to ${to}` };
  },
};
