import { stackNameOf } from "../../layers/registry";
import { preflight } from "../../ops/commands";
import type { CommandSpec } from "../command";
import { ENV, JSON_OUTPUT, LANE_ARGUMENT, LANE_OPTION, LAYER, SERVICE, required } from "../options";
import { targetOf } from "../target";

export const command: CommandSpec = {
  name: "check",
  summary: "the preflight alone: the lower layers a stack reads exist and its state is not locked",
  arguments: [LANE_ARGUMENT],
  options: [ENV, SERVICE, LANE_OPTION, LAYER, JSON_OUTPUT],
  examples: ["lanes check gray --service user-api --env dev", "lanes check --layer boot --service user-api --env dev"],
  exitCodes: ["usage", "lowerLayerMissing", "locked"],
  async run(input, ctx) {
    const target = targetOf(ctx.params, input, "check");
    await preflight(ctx.ops(required(input, "env", "--env dev"), { dryRun: false }), target);
    const stack = stackNameOf(target);
    return { code: 0, result: { stack, ready: true }, text: `${stack}: lower layers present, state not locked` };
  },
};
