import { stackNameOf } from "../../layers/registry";
import { preflight } from "../../ops/commands";
import { CdktfSteps } from "../../ops/steps";
import type { CommandSpec } from "../command";
import { ENV, JSON_OUTPUT, LANE_ARGUMENT, LANE_OPTION, LAYER, OUTPUT, SERVICE, option, required } from "../options";
import { targetOf } from "../target";

export const command: CommandSpec = {
  name: "plan",
  summary: "cdktf diff of one stack against its real state, after the preflight",
  arguments: [LANE_ARGUMENT],
  options: [ENV, SERVICE, LANE_OPTION, LAYER, OUTPUT, JSON_OUTPUT],
  examples: ["lanes plan gray --service user-api --env dev"],
  exitCodes: ["usage", "lowerLayerMissing", "locked"],
  async run(input, ctx) {
    const target = targetOf(ctx.params, input, "plan");
    await preflight(ctx.ops(required(input, "env", "--env dev"), { dryRun: false }), target);
    const stack = stackNameOf(target);
    ctx.progress(`${stack}: lower layers present, state not locked`);
    await new CdktfSteps(ctx.env, ctx.progress, option(input, "output")).diff(target);
    return { code: 0, result: { stack, planned: true }, text: `${stack}: planned` };
  },
};
