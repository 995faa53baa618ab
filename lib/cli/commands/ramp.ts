import { PIPELINE_ACTIONS } from "../../ci/actions";
import { parseSteps } from "../../analysis/ramp-input";
import { RAMP_RULE_PRIORITY } from "../../routing";
import { rampLane } from "../../ops/evidence";
import type { CommandSpec } from "../command";
import { UsageError } from "../exit-codes";
import { DRY_RUN, ENV, JSON_OUTPUT, LANE_ARGUMENT, LANE_OPTION, OUTPUT, SERVICE_REQUIRED, buildBudgetMinutes, durationOption, laneOf, option, opsOf, required } from "../options";

export const command: CommandSpec = {
  name: "ramp",
  summary:
    "send a growing share of the requests without a lane to an http lane (e.g. 5% → 25% → 50%), judging each step against default; promote at the end, or abort: weight back to 0, lane kept",
  description: [
    `The lane's stack adds a weighted catch-all rule at priority ${RAMP_RULE_PRIORITY} on the service's listener (after every lane rule, so requests with a lane are unaffected);`,
    "only one lane per listener can hold it, and a second ramp is refused naming the lane that does.",
    "Each step's weight is set on the ALB (ModifyRule), runs for the interval, and is analysed like lanes analyze over the step's window:",
    "fail aborts at once; inconclusive waits another interval, up to laneDefaults.ramp.maxInconclusiveWaits; metrics that cannot be read are never taken as a pass.",
    "After the last step the lane gets 100% and is promoted (lanes promote). On an abort the weight goes back to 0, the rule is removed, the lane stays for debugging.",
    "Defaults: laneDefaults.ramp in params/{service}-{env}.json.",
  ].join(" "),
  arguments: [{ ...LANE_ARGUMENT, description: "the lane to ramp up and promote" }],
  options: [
    ENV,
    SERVICE_REQUIRED,
    LANE_OPTION,
    { flags: "--steps <list>", description: "weights in percent, strictly rising, e.g. 5,25,50 (default: laneDefaults.ramp.steps)" },
    { flags: "--interval <duration>", description: "time per step before its analysis, e.g. 10m (default: laneDefaults.ramp.intervalSeconds)" },
    { flags: "--stickiness <duration>", description: "keep a client on the side it reached for this long, e.g. 1h; 0 turns it off (default: laneDefaults.ramp.stickinessSeconds)" },
    DRY_RUN,
    OUTPUT,
    JSON_OUTPUT,
  ],
  examples: ["lanes ramp gray --service user-api --env dev --steps 5,25,50 --interval 10m"],
  exitCodes: ["usage", "lowerLayerMissing", "locked", "unhealthy", "refused", "regression", "undecided"],
  pipelineAction: PIPELINE_ACTIONS.ramp,
  async run(input, ctx) {
    const env = required(input, "env", "--env dev");
    const service = required(input, "service", "--service user-api");
    const lane = laneOf(input);
    if (!lane) throw new UsageError(`ramp needs a lane: lanes ramp gray --service ${service} --env ${env}`);
    const defaults = ctx.params.service(service, env).ramp;
    const steps = option(input, "steps");
    const interval = durationOption(input, "interval");
    const stickiness = durationOption(input, "stickiness");
    const buildMinutes = buildBudgetMinutes(ctx.env);
    const request = {
      ...defaults,
      ...(steps !== undefined ? { steps: parseSteps(steps) } : {}),
      ...(interval !== undefined ? { intervalSeconds: interval } : {}),
      ...(stickiness !== undefined ? { stickinessSeconds: stickiness } : {}),
      ...(buildMinutes !== undefined ? { budgetMinutes: buildMinutes } : {}),
    };
    const ops = opsOf(ctx, input);
    const outcome = await rampLane(ops, ctx.evidence(ctx.params.infra(env).region), env, service, lane, request);
    const stepsDone = ops.steps.done.map((s) => ({ ...s }));
    if (outcome.dryRun) {
      return { code: 0, result: { lane, image: outcome.image, dryRun: true, steps: stepsDone }, text: `dry run: ${lane} would be ramped and promoted with ${outcome.image}` };
    }
    const decisions = (outcome.result?.decisions ?? []).map((d) => ({
      weight: d.weight,
      verdict: d.verdict.verdict,
      reason: d.verdict.reason,
      window: { start: d.window.start.toISOString(), end: d.window.end.toISOString() },
      metrics: d.verdict.rows,
    }));
    return {
      code: 0,
      result: { ramped: lane, promoted: true, image: outcome.image, decisions, steps: stepsDone },
      text: `${lane} ramped to 100% and promoted: default runs ${outcome.image}; lane ${lane} removed`,
    };
  },
};
