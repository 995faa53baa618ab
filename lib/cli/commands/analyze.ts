import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { renderText, verdictJson } from "../../analysis/report";
import { renderSparklines } from "../../analysis/report-sparkline";
import { renderSvg } from "../../analysis/report-svg";
import { analyzeNow, verdictExit } from "../../ops/evidence";
import type { CommandSpec } from "../command";
import { EXIT, UsageError } from "../exit-codes";
import { ENV, JSON_OUTPUT, LANE_ARGUMENT, LANE_OPTION, SERVICE_REQUIRED, WINDOW, laneOf, option, required, windowMinutes } from "../options";

/** `user-api-dev-gray-vs-default-20250602T0900Z`: the report files' name, from the window's start. */
function reportName(service: string, env: string, lane: string, start: Date): string {
  return `${service}-${env}-${lane}-vs-default-${start.toISOString().slice(0, 16).replace(/[-:]/g, "")}Z`;
}

export const command: CommandSpec = {
  name: "analyze",
  summary: "judge an http lane against default over a window of their ALB metrics (5xx rate, latency p95 and p99): pass, fail or inconclusive",
  description: [
    "Reads CloudWatch (GetMetricData, per minute) for the lane's target group and default's over the same window, and tests whether the lane is worse:",
    "the 5xx rate with a two-proportion z-test (Fisher's exact test for small counts), latency p95/p99 with Mann-Whitney U on the per-minute values.",
    "A metric fails only when the difference is significant and beyond its tolerance; too little traffic is inconclusive.",
    "Tolerances, minimum samples and the default window: laneDefaults.analysis in params/{service}-{env}.json.",
    "Prints the table and a terminal chart of the window; --report DIR writes the JSON and an SVG picture there.",
  ].join(" "),
  arguments: [{ ...LANE_ARGUMENT, description: "the lane to judge against default" }],
  options: [
    ENV,
    SERVICE_REQUIRED,
    LANE_OPTION,
    WINDOW,
    { flags: "--report <dir>", description: "write the verdict as JSON and the window as an SVG picture into DIR" },
    JSON_OUTPUT,
  ],
  examples: ["lanes analyze gray --service user-api --env dev --window 15m", "lanes analyze gray --service user-api --env dev --report reports --json"],
  exitCodes: ["usage", "regression", "undecided"],
  async run(input, ctx) {
    const env = required(input, "env", "--env dev");
    const service = required(input, "service", "--service user-api");
    const lane = laneOf(input);
    if (!lane) throw new UsageError(`analyze needs a lane: lanes analyze gray --service ${service} --env ${env}`);
    const minutes = windowMinutes(input);
    const ops = ctx.ops(env, { dryRun: false });
    const { metrics, verdict } = await analyzeNow(ops, ctx.evidence(ctx.params.infra(env).region), env, service, lane, minutes);
    const json = verdictJson(verdict, metrics);
    const lines = [renderText(verdict), "", renderSparklines(metrics)];
    const dir = option(input, "report");
    let report: { json: string; svg: string } | undefined;
    if (dir) {
      mkdirSync(dir, { recursive: true });
      const base = join(resolve(dir), reportName(service, env, lane, verdict.start));
      report = { json: `${base}.json`, svg: `${base}.svg` };
      writeFileSync(report.json, `${JSON.stringify(json, null, 2)}\n`);
      writeFileSync(report.svg, renderSvg(verdict, metrics));
      lines.push("", `report: ${report.svg} (${report.json})`);
    }
    const exit = verdictExit(verdict);
    return { code: exit ? EXIT[exit].code : EXIT.ok.code, result: { ...json, ...(report ? { report } : {}) }, text: lines.join("\n") };
  },
};
