import { PIPELINE_ACTIONS } from "../../ci/actions";
import { destroyLane } from "../../ops/commands";
import type { CommandSpec } from "../command";
import { UsageError } from "../exit-codes";
import { OpsError } from "../../ops/commands";
import { DRY_RUN, ENV, JSON_OUTPUT, LANE_ARGUMENT, LANE_OPTION, LAYER, OUTPUT, SERVICE_REQUIRED, flag, laneOf, opsOf, option, required } from "../options";

export const command: CommandSpec = {
  name: "destroy",
  summary: "destroy one lane's stack (its rule, target group, service); never a shared layer",
  arguments: [LANE_ARGUMENT],
  options: [ENV, SERVICE_REQUIRED, LANE_OPTION, LAYER, { flags: "--force", description: "allow destroying the default lane" }, DRY_RUN, OUTPUT, JSON_OUTPUT],
  examples: ["lanes destroy gray --service user-api --env dev"],
  exitCodes: ["usage", "locked", "refused", "unknownLane"],
  pipelineAction: PIPELINE_ACTIONS.destroy,
  async run(input, ctx) {
    const env = required(input, "env", "--env dev");
    const layer = option(input, "layer");
    if (layer) throw new OpsError(`lanes destroys lane stacks only; the ${layer} layer is shared and protected (destroy it with cdktf by hand if you really mean to).`, "refused");
    const service = required(input, "service", "--service user-api");
    const lane = laneOf(input);
    if (!lane) throw new UsageError(`destroy needs a lane: lanes destroy gray --service ${service} --env ${env}`);
    const ops = opsOf(ctx, input);
    await destroyLane(ops, env, service, lane, flag(input, "force"));
    return { code: 0, result: { destroyed: lane, steps: ops.steps.done.map((s) => ({ ...s })) }, text: `lane ${lane} of ${service} destroyed` };
  },
};
