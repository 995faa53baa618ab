/**
 * The weighted ramp on a virtual clock (time moves only when a program sleeps), with CloudWatch
 * answered at the SDK edge (aws-sdk-client-mock) from per-minute traffic that follows the weights
 * the ramp sets: the real metrics reader and judge decide every step.
 */
import { CloudWatchClient, GetMetricDataCommand, type GetMetricDataCommandInput } from "@aws-sdk/client-cloudwatch";
import { mockClient } from "aws-sdk-client-mock";
import { analyzeLane } from "../../lib/analysis/analyze";
import { CloudWatchLaneMetrics } from "../../lib/analysis/metrics";
import { RAMP_EXIT, RampAborted, ramp, type RampDeps, type RampPlan } from "../../lib/analysis/ramp";
import { RampInputError } from "../../lib/analysis/ramp-input";
import { DEFAULT_TG, DEFAULT_TG_ARN, LANE_TG, LANE_TG_ARN, LOAD_BALANCER_ARN, answer, steady, throttled, type Traffic } from "./helpers/cloudwatch";

const cw = mockClient(CloudWatchClient);
const T0 = Date.UTC(2025, 5, 2, 9, 0);
const MIN = 60_000;
const plan: RampPlan = { steps: [5, 25, 50], intervalMs: 10 * MIN, label: "user-api dev lane gray" };
const target = { loadBalancer: LOAD_BALANCER_ARN, lane: { name: "gray", targetGroup: LANE_TG_ARN }, baseline: { name: "default", targetGroup: DEFAULT_TG_ARN } };

interface Scenario {
  /** Requests per minute to the service (split by weight). */
  readonly total?: number;
  /** The lane's traffic quality at a weight: healthy unless this says otherwise. */
  readonly lane?: (weight: number, minuteMs: number, requests: number) => Traffic | undefined;
  /** Makes the n-th GetMetricData call (1-based) fail. */
  readonly failCall?: (call: number, nowMs: number) => Error | undefined;
}

function harness(scenario: Scenario = {}) {
  const clock = { t: T0, now: () => clock.t, sleep: async (ms: number) => void (clock.t += ms) };
  const weights: { at: number; weight: number }[] = [];
  const events: string[] = [];
  const lines: string[] = [];
  const total = scenario.total ?? 2000;
  const weightAt = (ms: number) => [...weights].reverse().find((w) => w.at <= ms)?.weight ?? 0;
  let calls = 0;
  cw.reset();
  cw.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => {
    calls++;
    const error = scenario.failCall?.(calls, clock.now());
    if (error) throw error;
    return answer(input, (tg, minuteMs) => {
      if (minuteMs >= clock.now()) return undefined; // the future has no datapoints
      const weight = weightAt(minuteMs);
      const laneRequests = Math.round((total * weight) / 100);
      if (tg === DEFAULT_TG) return total - laneRequests > 0 ? { ...steady(minuteMs, total - laneRequests, 500, 120, 3) } : undefined;
      if (tg !== LANE_TG || laneRequests === 0) return undefined;
      const healthy = { ...steady(minuteMs, laneRequests, 500, 120, 7), requests: laneRequests };
      return scenario.lane ? scenario.lane(weight, minuteMs, laneRequests) ?? healthy : healthy;
    });
  });
  const reader = new CloudWatchLaneMetrics({ client: new CloudWatchClient({ region: "ap-southeast-2" }), clock, onRetry: (l) => lines.push(`${" ".repeat(8)}${l.trim()}`) });
  const deps: RampDeps = {
    clock,
    progress: (l) => lines.push(l),
    setWeight: async (weight) => {
      weights.push({ at: clock.now(), weight });
      events.push(`weight ${weight} at ${(clock.now() - T0) / MIN} min`);
    },
    analyze: async (window) => (await analyzeLane(reader, target, window)).verdict,
    promote: async () => void events.push(`promote at ${(clock.now() - T0) / MIN} min`),
  };
  return { clock, deps, events, lines, calls: () => calls };
}

/** 5 % of requests fail and p95 is 80 ms slower. */
const regression = (requests: number, minuteMs: number): Traffic => {
  const t = steady(minuteMs, requests, 500, 200, 7);
  return { ...t, requests, errors5xx: Math.round(requests * 0.05) };
};

describe("ramp", () => {
  test("a healthy ramp goes 5 → 25 → 50 → 100 % one interval apart, then promotes", async () => {
    const h = harness();
    const result = await ramp(plan, h.deps);
    expect(h.events).toEqual(["weight 5 at 0 min", "weight 25 at 10 min", "weight 50 at 20 min", "weight 100 at 30 min", "promote at 30 min"]);
    expect(result.decisions.map((d) => [d.weight, d.verdict.verdict, d.window.start.toISOString(), d.window.end.toISOString()])).toEqual([
      [5, "pass", "2025-06-02T09:00:00.000Z", "2025-06-02T09:10:00.000Z"],
      [25, "pass", "2025-06-02T09:10:00.000Z", "2025-06-02T09:20:00.000Z"],
      [50, "pass", "2025-06-02T09:20:00.000Z", "2025-06-02T09:30:00.000Z"],
    ]);
    expect(h.lines).toEqual([
      "[00:00] ramp user-api dev lane gray: 5% → 25% → 50% → 100%, analysed every 10 min; promote at the end",
      "[00:00] weight 5%",
      "[10:00] 5% for 09:00–09:10: pass — all 3 metrics within limits",
      "[10:00] weight 25%",
      "[20:00] 25% for 09:10–09:20: pass — all 3 metrics within limits",
      "[20:00] weight 50%",
      "[30:00] 50% for 09:20–09:30: pass — all 3 metrics within limits",
      "[30:00] weight 100%",
      "[30:00] promote",
      "[30:00] ramp complete",
    ]);
  });

  test("a regression at step 2 aborts within one interval: weight back to 0, never promoted, default untouched", async () => {
    const h = harness({ lane: (weight, minuteMs, requests) => (weight === 25 ? regression(requests, minuteMs) : undefined) });
    const run = ramp(plan, h.deps);
    await expect(run).rejects.toThrow(RampAborted);
    const err = (await run.catch((e: unknown) => e)) as RampAborted;
    expect(err.kind).toBe("fail");
    expect(err.exitCode).toBe(RAMP_EXIT.regression);
    expect(err.weight).toBe(25);
    expect(err.weightReset).toBe(true);
    expect(err.verdict!.rows.map((r) => [r.metric, r.verdict])).toEqual([
      ["5xx rate", "fail"],
      ["latency p95", "fail"],
      ["latency p99", "fail"],
    ]);
    expect(err.message).toMatch(/^ramp aborted at 25%: 5xx rate: 5\.00% vs 0\.2\d%: \+4\.\d\d pp, above the \+0\.50 pp allowed .*; latency p95: .*; weight back to 0%, lane kept for debugging$/);
    // Set at 10 min, judged and reset at 20 min: one interval. Only the lane's weight ever moved.
    expect(h.events).toEqual(["weight 5 at 0 min", "weight 25 at 10 min", "weight 0 at 20 min"]);
    expect(h.lines.slice(-3)).toEqual([
      expect.stringMatching(/^\[20:00\] 25% for 09:10–09:20: fail — 5xx rate: /),
      expect.stringMatching(/^\[20:00\] aborting: 5xx rate: /),
      "[20:00] weight 0%: the lane is kept for debugging; default untouched",
    ]);
  });

  test("throttled reads are retried and the ramp goes on", async () => {
    // The first two calls of every analysis are throttled (calls 1-2, 4-5, 7-8).
    const h = harness({ failCall: (call) => (call % 3 !== 0 ? throttled() : undefined) });
    await ramp(plan, h.deps);
    expect(h.events).toEqual(["weight 5 at 0 min", "weight 25 at 10.05 min", "weight 50 at 20.1 min", "weight 100 at 30.15 min", "promote at 30.15 min"]);
    expect(h.calls()).toBe(9);
    expect(h.lines.slice(2, 5)).toEqual([
      "        metrics read failed (Throttling: Rate exceeded), page 1; retry 1/4 in 1 s",
      "        metrics read failed (Throttling: Rate exceeded), page 1; retry 2/4 in 2 s",
      "[10:03] 5% for 09:00–09:10: pass — all 3 metrics within limits",
    ]);
  });

  test("throttling that does not stop is never taken as healthy: the step never passes, the ramp aborts, no promotion", async () => {
    // Healthy traffic, but CloudWatch throttles every call once step 2 is due for analysis.
    const h = harness({ failCall: (_call, now) => (now >= T0 + 20 * MIN ? throttled() : undefined) });
    const run = ramp(plan, h.deps);
    const err = (await run.catch((e: unknown) => e)) as RampAborted;
    expect(err).toBeInstanceOf(RampAborted);
    expect(err.kind).toBe("unreadable");
    expect(err.exitCode).toBe(RAMP_EXIT.undecided);
    expect(err.reason).toBe("the metrics could not be read 3 times in a row (CloudWatch GetMetricData failed 5 times (Throttling: Rate exceeded))");
    expect(h.events).toEqual(["weight 5 at 0 min", "weight 25 at 10 min", expect.stringMatching(/^weight 0 at 2\d\.\d+ min$/)]);
    expect(h.lines.filter((l) => l.includes("not counted as healthy"))).toHaveLength(3);
    expect(h.lines.some((l) => l.includes("25% for"))).toBe(false);
  });

  test("inconclusive waits another interval, then passes when enough requests arrived", async () => {
    // 600 requests a minute: 5 % is 30 a minute, 300 in 10 minutes (< 500), 600 in 20.
    const h = harness({ total: 600 });
    const result = await ramp(plan, h.deps);
    expect(result.decisions.map((d) => [d.weight, d.verdict.verdict, (d.window.end.getTime() - d.window.start.getTime()) / MIN])).toEqual([
      [5, "inconclusive", 10],
      [5, "pass", 20],
      [25, "pass", 10],
      [50, "pass", 10],
    ]);
    expect(h.lines).toContain("[10:00] 5% for 09:00–09:10: inconclusive — 5xx rate: the lane had 300 requests; 500 needed");
    expect(h.lines).toContain("[10:00] 5%: waiting another 10 min for more data (1/3)");
    expect(h.events.at(-1)).toBe("promote at 40 min");
  });

  test("inconclusive up to the limit aborts with its own exit code, weight back to 0", async () => {
    const h = harness({ total: 150 }); // 5 %: 8 requests a minute
    const run = ramp({ ...plan, maxInconclusiveWaits: 2 }, h.deps);
    const err = (await run.catch((e: unknown) => e)) as RampAborted;
    expect(err.kind).toBe("inconclusive");
    expect(err.exitCode).toBe(RAMP_EXIT.undecided);
    expect(err.reason).toBe("still inconclusive after 3 intervals at 5% (5xx rate: the lane had 240 requests; 500 needed)");
    expect(h.events).toEqual(["weight 5 at 0 min", "weight 0 at 30 min"]);
    expect(h.lines.filter((l) => l.includes("waiting another"))).toEqual(["[10:00] 5%: waiting another 10 min for more data (1/2)", "[20:00] 5%: waiting another 10 min for more data (2/2)"]);
  });

  test("when the weight cannot be set back to 0 the error says so", async () => {
    const h = harness({ lane: (weight, minuteMs, requests) => (weight === 5 ? regression(requests, minuteMs) : undefined) });
    const setWeight = h.deps.setWeight;
    h.deps.setWeight = async (w) => {
      if (w === 0) throw new Error("listener rule update denied");
      await setWeight(w);
    };
    const err = (await ramp(plan, h.deps).catch((e: unknown) => e)) as RampAborted;
    expect(err.weightReset).toBe(false);
    expect(err.message).toMatch(/THE WEIGHT COULD NOT BE SET BACK TO 0%$/);
    expect(h.lines.at(-1)).toBe("[10:00] the weight could not be set back to 0% (listener rule update denied): set it by hand");
  });

  test("a final step of 100 is reached without analysis; an invalid plan touches nothing", async () => {
    const h = harness();
    const result = await ramp({ ...plan, steps: [10, 100] }, h.deps);
    expect(result.decisions.map((d) => d.weight)).toEqual([10]);
    expect(h.events).toEqual(["weight 10 at 0 min", "weight 100 at 10 min", "promote at 10 min"]);

    const bad = harness();
    await expect(ramp({ ...plan, steps: [25, 5] }, bad.deps)).rejects.toThrow(RampInputError);
    await expect(ramp({ ...plan, intervalMs: 30_000 }, bad.deps)).rejects.toThrow("interval 30 s is shorter than the metric period (60 s)");
    expect(bad.events).toEqual([]);
  });
});
