import { PIPELINE_ACTIONS } from "../../ci/actions";
import { renderText } from "../../analysis/report";
import { DEFAULT_LANE } from "../../naming";
import { OpsError, promote } from "../../ops/commands";
import { analyzeNow, verdictExit } from "../../ops/evidence";
import type { CommandSpec } from "../command";
import { UsageError } from "../exit-codes";
import { DRY_RUN, ENV, JSON_OUTPUT, LANE_ARGUMENT, LANE_OPTION, OUTPUT, SERVICE_REQUIRED, WINDOW, flag, laneOf, opsOf, required, windowMinutes } from "../options";

export const command: CommandSpec = {
  name: "promote",
  summary: "make a lane the default: default takes the lane's image, becomes healthy, then the lane is destroyed",
  description:
    "Stops and changes nothing more when default does not become healthy (rollout completed, every task running, a healthy target) within LANES_HEALTH_TIMEOUT_SECONDS (900). With --analyze it first judges the lane against default (as lanes analyze) and promotes only on a pass; fail or inconclusive stop before any change.",
  arguments: [{ ...LANE_ARGUMENT, description: "the lane to promote into default" }],
  options: [
    ENV,
    SERVICE_REQUIRED,
    LANE_OPTION,
    { flags: "--analyze", description: "promote only when the lane passes its analysis against default (http services)" },
    WINDOW,
    DRY_RUN,
    OUTPUT,
    JSON_OUTPUT,
  ],
  examples: ["lanes promote gray --service user-api --env dev", "lanes promote gray --service user-api --env dev --analyze --window 30m"],
  exitCodes: ["usage", "lowerLayerMissing", "locked", "unhealthy", "refused", "unknownLane", "regression", "undecided"],
  pipelineAction: PIPELINE_ACTIONS.promote,
  async run(input, ctx) {
    const env = required(input, "env", "--env dev");
    const service = required(input, "service", "--service user-api");
    const lane = laneOf(input);
    if (!lane) throw new UsageError(`promote needs a lane: lanes promote gray --service ${service} --env ${env}`);
    const minutes = windowMinutes(input);
    if (minutes !== undefined && !flag(input, "analyze")) throw new UsageError("--window is the analysis window: give it with --analyze");
    const ops = opsOf(ctx, input);
    let analysis: { verdict: string; reason: string } | undefined;
    // Default itself is refused by promote (exit 6) before anything is analysed or changed.
    if (flag(input, "analyze") && lane !== DEFAULT_LANE) {
      const { verdict } = await analyzeNow(ops, ctx.evidence(ctx.params.infra(env).region), env, service, lane, minutes, "promote --analyze");
      const exit = verdictExit(verdict);
      if (exit) throw new OpsError(`promotion of ${lane} stopped before any change: its analysis is ${verdict.verdict}.\n${renderText(verdict)}`, exit);
      ops.progress(`analysis: ${verdict.verdict} — ${verdict.reason}`);
      analysis = { verdict: verdict.verdict, reason: verdict.reason };
    }
    const { image } = await promote(ops, env, service, lane);
    return {
      code: 0,
      result: { promoted: lane, image, ...(analysis ? { analysis } : {}), steps: ops.steps.done.map((s) => ({ ...s })) },
      text: `${lane} promoted: default runs ${image}; lane ${lane} removed`,
    };
  },
};
