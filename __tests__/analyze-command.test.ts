/**
 * `lanes analyze` and `lanes promote --analyze` end to end (lib/harness/ramp-world.ts): real S3
 * state and DynamoDB locks, CloudWatch answered at the SDK edge from per-minute traffic of gray
 * (requests that carry its lane) and default, Terraform steps recorded, a virtual clock (now =
 * 09:00, so the default 15-minute window is 08:45–09:00).
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RampWorld, regression } from "../lib/harness/ramp-world";
import { steady, throttled } from "./analysis/helpers/cloudwatch";

const ANALYZE = ["analyze", "gray", "--service", "user-api", "--env", "dev"];
/** gray's requests a minute (those that carry its lane): default's quality, a regression, or too few. */
const healthy = (minuteMs: number) => ({ ...steady(minuteMs, 300, 500, 120, 7), requests: 300 });
const worse = (minuteMs: number) => regression(300, minuteMs);
const few = (minuteMs: number) => ({ ...steady(minuteMs, 10, 500, 120, 7), requests: 10 });

describe("lanes analyze", () => {
  let world: RampWorld;
  const temps: string[] = [];
  beforeAll(async () => {
    world = await RampWorld.start();
    await world.reset();
  });
  afterAll(async () => {
    await world?.stop();
    temps.forEach((d) => rmSync(d, { recursive: true, force: true }));
  });

  test("a lane as good as default passes (exit 0): the table, and a terminal chart of the window", async () => {
    const ran = await world.lanes(ANALYZE, { laneOnly: healthy });
    expect(ran.outcome.code).toBe(0);
    const text = ran.outcome.text.split("\n");
    expect(text[0]).toBe("gray vs default, 2026-11-23 08:45–09:00 UTC (15 min): PASS");
    expect(text[2]).toMatch(/^metric +lane +baseline +difference +p-value +limit +verdict +reason$/);
    expect(text.slice(3, 6).map((l) => [l.split(/ {2,}/)[0], l.split(/ {2,}/)[6]])).toEqual([
      ["5xx rate", "pass"],
      ["latency p95", "pass"],
      ["latency p99", "pass"],
    ]);
    // One sparkline per series and side, 15 columns (one a minute).
    const charts = text.filter((l) => / {2}max /.test(l));
    expect(charts).toHaveLength(6);
    expect(charts[0]).toMatch(/^requests \/ min +gray +[▁▂▃▄▅▆▇█]{15} {2}max \d+$/);
  });

  test("--json carries the verdict, every metric row and the minute series; --report writes them and an SVG", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lanes-report-"));
    temps.push(dir);
    const ran = await world.lanes([...ANALYZE, "--json", "--report", dir], { laneOnly: healthy });
    const result = ran.outcome.result as { verdict: string; metrics: { metric: string; pValue: number }[]; series: { minutes: string[]; lane: { requests: number }[] }; report: { json: string; svg: string } };
    expect(result.verdict).toBe("pass");
    expect(result.metrics.map((m) => m.metric)).toEqual(["5xx rate", "latency p95", "latency p99"]);
    expect(result.series.minutes).toHaveLength(15);
    expect(result.series.minutes[0]).toBe("2026-11-23T08:45:00.000Z");
    expect(result.series.lane.every((p) => p.requests === 300)).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(["user-api-dev-gray-vs-default-20261123T0845Z.json", "user-api-dev-gray-vs-default-20261123T0845Z.svg"]);
    expect(JSON.parse(readFileSync(result.report.json, "utf8")).verdict).toBe("pass");
    const svg = readFileSync(result.report.svg, "utf8");
    expect(svg).toMatch(/^<\?xml [^>]*\?>\n<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).toContain("<title>gray vs default: PASS (2026-11-23 08:45–09:00 UTC)</title>");
  });

  test("a clear regression fails (exit 9)", async () => {
    const ran = await world.lanes(ANALYZE, { laneOnly: worse });
    expect(ran.outcome.code).toBe(9);
    expect(ran.outcome.text.split("\n")[0]).toBe("gray vs default, 2026-11-23 08:45–09:00 UTC (15 min): FAIL");
  });

  test("too few requests are inconclusive (exit 10)", async () => {
    const ran = await world.lanes(ANALYZE, { laneOnly: few });
    expect(ran.outcome.code).toBe(10);
    expect(ran.outcome.text).toContain("inconclusive: 5xx rate: the lane had 150 requests; 500 needed");
  });

  test("--window 1h judges the last hour", async () => {
    const ran = await world.lanes([...ANALYZE, "--window", "1h"], { laneOnly: healthy });
    expect(ran.outcome.text.split("\n")[0]).toBe("gray vs default, 2026-11-23 08:00–09:00 UTC (60 min): PASS");
  });

  test("metrics that cannot be read are a failure (exit 1), never a verdict", async () => {
    const ran = await world.lanes(ANALYZE, { laneOnly: healthy, failCall: () => throttled() });
    expect([ran.outcome.code, ran.outcome.text]).toEqual([1, "the metrics of gray and default could not be read: CloudWatch GetMetricData failed 5 times (Throttling: Rate exceeded)"]);
  });

  test.each([
    ["a window under a minute", [...ANALYZE, "--window", "30s"], "--window 30s: the analysis reads whole minutes of metrics"],
    ["the default lane", ["analyze", "default", "--service", "user-api", "--env", "dev"], "analyze compares a lane with default, and default is the baseline"],
    ["a worker", ["analyze", "canary", "--service", "order-worker", "--env", "dev"], "order-worker is a worker"],
    ["an unknown lane", ["analyze", "purple", "--service", "user-api", "--env", "dev"], "lane 'purple' of user-api in dev has no state"],
  ])("bad input: %s is exit 2, nothing read", async (_what, argv, message) => {
    const ran = await world.lanes(argv, { laneOnly: healthy });
    expect([ran.outcome.code, ran.outcome.text]).toEqual([2, expect.stringContaining(message)]);
    expect(world.cloudWatchCalls()).toBe(0);
  });
});

describe("lanes promote --analyze", () => {
  let world: RampWorld;
  beforeAll(async () => {
    world = await RampWorld.start();
  });
  afterAll(async () => world?.stop());
  beforeEach(async () => world.reset());
  const PROMOTE = ["promote", "gray", "--service", "user-api", "--env", "dev", "--analyze"];

  test("a passing lane is promoted, and the analysis is in the result", async () => {
    const ran = await world.lanes([...PROMOTE, "--json"], { laneOnly: healthy });
    expect(ran.outcome.code).toBe(0);
    expect(ran.lines[0]).toBe("analysis: pass — all 3 metrics within limits");
    expect(ran.outcome.result.analysis).toEqual({ verdict: "pass", reason: "all 3 metrics within limits" });
    expect(ran.steps.map((s) => `${s.action} ${s.stack}`)).toEqual(["deploy app-user-api-dev-default", "destroy app-user-api-dev-gray"]);
  });

  test.each([
    ["a failing lane", worse, 9, "fail"],
    ["an undecided lane", few, 10, "inconclusive"],
  ])("%s stops the promotion before any change", async (_what, laneOnly, code, verdict) => {
    const ran = await world.lanes(PROMOTE, { laneOnly });
    expect(ran.outcome.code).toBe(code);
    expect(ran.outcome.text.split("\n")[0]).toBe(`promotion of gray stopped before any change: its analysis is ${verdict}.`);
    expect(ran.steps).toEqual([]);
  });

  test("--window without --analyze is bad input; default is refused as without --analyze, before any metric is read", async () => {
    const window = await world.lanes(["promote", "gray", "--service", "user-api", "--env", "dev", "--window", "30m"]);
    expect([window.outcome.code, window.outcome.text]).toEqual([2, "--window is the analysis window: give it with --analyze"]);
    const def = await world.lanes(["promote", "default", "--service", "user-api", "--env", "dev", "--analyze"], { laneOnly: healthy });
    expect(def.outcome.code).toBe(6);
    expect(world.cloudWatchCalls()).toBe(0);
    expect([...window.steps, ...def.steps]).toEqual([]);
  });
});
