/**
 * The judge on fixed windows with known answers. Expected p-values: R's rules (exact
 * Mann-Whitney below 50 values without ties, else the normal approximation with corrections),
 * confirmed with scipy 1.17.1: scipy.stats.mannwhitneyu(lane, baseline, alternative="greater",
 * method="exact" | "asymptotic") and, for rates, chi2_contingency(correction=False) (X² = z²; the
 * one-sided p is half the two-sided one when the lane's rate is the higher).
 */
import { DEFAULT_ANALYSIS, analysisConfig } from "../../lib/analysis/config";
import { judge, judgeLatency, judgeRate, overall, type MetricRow } from "../../lib/analysis/judge";
import type { MinutePoint, WindowMetrics } from "../../lib/analysis/metrics";

const T0 = Date.UTC(2025, 5, 2, 9, 0);
const BASE_P95 = [121, 118, 125, 119, 130, 117, 122, 124, 120, 126];
const BASE_P99 = [190, 185, 200, 188, 205, 183, 195, 198, 189, 201];

/** Ten minutes of one target group: requests and 5xx per minute, latency percentiles per minute. */
function minutes(requests: number, errors: number, p95: readonly (number | undefined)[], p99: readonly (number | undefined)[]): MinutePoint[] {
  return p95.map((v, i) => ({
    at: new Date(T0 + i * 60_000),
    requests: v === undefined ? 0 : requests,
    errors5xx: v === undefined ? 0 : errors,
    ...(v === undefined ? {} : { p50: v / 2, p95: v, p99: p99[i]! }),
  }));
}

function windowOf(lane: MinutePoint[], baseline: MinutePoint[] = minutes(4000, 10, BASE_P95, BASE_P99)): WindowMetrics {
  return {
    start: new Date(T0),
    end: new Date(T0 + 10 * 60_000),
    lane: { name: "gray", targetGroup: "targetgroup/user-api-dev-gray-tg/73e2d6bc24d8a067", minutes: lane },
    baseline: { name: "default", targetGroup: "targetgroup/user-api-dev-default-tg/1f8a6e2c9b3d4e5f", minutes: baseline },
  };
}

const row = (rows: readonly MetricRow[], metric: string) => rows.find((r) => r.metric === metric)!;

describe("judge", () => {
  test("a clear regression fails: 3% 5xx against 0.25%, p95 and p99 above every baseline minute", () => {
    const lane = minutes(200, 6, [182, 175, 190, 168, 201, 177, 185, 172, 195, 180], [260, 251, 280, 240, 300, 255, 270, 248, 290, 262]);
    const v = judge(windowOf(lane));
    expect(v.verdict).toBe("fail");
    const rate = row(v.rows, "5xx rate");
    // 60/2000 vs 100/40000: X² = 19.482581571845987², one-sided p = 7.714979150060745e-85.
    expect(rate).toMatchObject({ verdict: "fail", test: "two-proportion z-test", lane: 3, baseline: 0.25, limit: 0.5 });
    expect(rate.difference).toBeCloseTo(2.75, 12);
    expect(rate.pValue! / 7.714979150060745e-85).toBeCloseTo(1, 6);
    expect(rate.reason).toBe("3.00% vs 0.25%: +2.75 pp, above the +0.50 pp allowed (p<0.0001 < 0.05)");
    // Every lane minute above every baseline minute: 1 ordering of C(20, 10) = 184756;
    // scipy exact → 5.412544112234515e-06.
    for (const metric of ["latency p95", "latency p99"]) {
      const r = row(v.rows, metric);
      expect(r.verdict).toBe("fail");
      expect(r.test).toBe("Mann-Whitney U, exact");
      expect(r.pValue).toBeCloseTo(1 / 184756, 15);
    }
    const p95 = row(v.rows, "latency p95");
    expect(p95).toMatchObject({ lane: 181, baseline: 121.5, difference: 59.5, limit: 25 });
    expect(p95.reason).toBe("median 181 ms vs 122 ms: +60 ms (+49%), above the +25 ms allowed (p<0.0001 < 0.05)");
    expect(row(v.rows, "latency p99")).toMatchObject({ lane: 261, baseline: 192.5, limit: 38.5 });
    expect(v.reason).toMatch(/^5xx rate: 3\.00% vs 0\.25%.*; latency p95: .*; latency p99: /);
  });

  test("noise passes: 0.30% against 0.25% 5xx, interleaved latencies", () => {
    const lane = minutes(200, 0, [119, 127, 116, 123, 121, 131, 118, 125.5, 122.5, 120.5], [187, 199, 184, 193, 191, 204, 186, 196, 194, 190.5]);
    const withErrors = lane.map((p, i) => ({ ...p, errors5xx: i < 6 ? 1 : 0 })); // 6 of 2000
    const v = judge(windowOf(withErrors));
    expect(v.verdict).toBe("pass");
    expect(v.reason).toBe("all 3 metrics within limits");
    // 6/2000 vs 100/40000: expected lane errors 2000 × 106/42000 = 5.05 ≥ 5, so the z-test;
    // z = 0.43492141889552016, one-sided p = 0.33180973348319304.
    const rate = row(v.rows, "5xx rate");
    expect(rate.test).toBe("two-proportion z-test");
    expect(rate.pValue).toBeCloseTo(0.33180973348319304, 12);
    // p95 has ties (119, 121) → normal approximation: U = 51.5, p = 0.4698375225718726.
    const p95 = row(v.rows, "latency p95");
    expect(p95.test).toBe("Mann-Whitney U, normal approximation");
    expect(p95.pValue).toBeCloseTo(0.4698375225718726, 12);
    // p99 has none → exact: U = 47, p = 0.6020318690597327.
    const p99 = row(v.rows, "latency p99");
    expect(p99.test).toBe("Mann-Whitney U, exact");
    expect(p99.pValue).toBeCloseTo(0.6020318690597327, 12);
    expect(p99.reason).toBe("median 192 ms vs 193 ms: not significantly slower (p=0.602)");
  });

  test("too few requests in the lane is inconclusive, however good the numbers look", () => {
    const lane = minutes(30, 0, BASE_P95, BASE_P99); // 300 requests
    const v = judge(windowOf(lane));
    expect(v.verdict).toBe("inconclusive");
    expect(row(v.rows, "5xx rate")).toMatchObject({ verdict: "inconclusive", pValue: null, reason: "the lane had 300 requests; 500 needed" });
    expect(v.reason).toBe("5xx rate: the lane had 300 requests; 500 needed");
  });

  test("too few minutes with requests is inconclusive for latency", () => {
    const p95 = [130, undefined, undefined, 140, undefined, undefined, undefined, 135, undefined, undefined];
    const lane = minutes(600, 0, p95, p95.map((x) => (x === undefined ? undefined : x + 60)));
    const v = judge(windowOf(lane));
    expect(row(v.rows, "5xx rate").verdict).toBe("pass");
    expect(row(v.rows, "latency p95")).toMatchObject({ verdict: "inconclusive", samples: { lane: 3, baseline: 3, unit: "minutes" } });
    expect(row(v.rows, "latency p95").reason).toBe("3 lane and 3 baseline minutes with requests to compare; 5 needed");
    expect(v.verdict).toBe("inconclusive");
  });

  test("a significant but small slowdown passes: +5 ms is within the tolerance", () => {
    // Every minute 5 ms slower: U = 81.5 with ties, normal approximation p = 0.009442404257384011.
    const lane = minutes(200, 0, BASE_P95.map((v) => v + 5), BASE_P99);
    const r = row(judge(windowOf(lane)).rows, "latency p95");
    expect(r.verdict).toBe("pass");
    expect(r.pValue).toBeCloseTo(0.009442404257384011, 12);
    expect(r.reason).toBe("median 127 ms vs 122 ms: slower (p=0.0094) but within +25 ms");
  });

  test("the tolerances come from the config", () => {
    const lane = minutes(200, 0, BASE_P95.map((v) => v + 5), BASE_P99);
    const strict = analysisConfig({ maxLatencyIncreaseMs: 1, maxLatencyIncreasePercent: 2 });
    const r = row(judge(windowOf(lane), strict).rows, "latency p95");
    expect(r).toMatchObject({ verdict: "fail", limit: 2.43 });
  });
});

describe("judgeRate", () => {
  test("the allowance is the larger of the points and the ratio of the baseline's rate", () => {
    // Baseline 4%: 50% of it is 2 pp, more than 0.5 pp.
    expect(judgeRate({ events: 50, trials: 1000 }, { events: 400, trials: 10000 }).limit).toBeCloseTo(2, 12);
    expect(judgeRate({ events: 5, trials: 1000 }, { events: 20, trials: 10000 }).limit).toBe(0.5);
  });

  test("significant but within the allowance passes", () => {
    // 50/1000 = 5% vs 400/10000 = 4%: +1 pp ≤ 2 pp allowed, whatever the p-value;
    // scipy chi2_contingency(correction=False) → one-sided p = 0.06398293877339511.
    const r = judgeRate({ events: 50, trials: 1000 }, { events: 400, trials: 10000 }, { ...DEFAULT_ANALYSIS, alpha: 0.2 });
    expect(r.pValue).toBeCloseTo(0.06398293877339511, 12);
    expect(r.verdict).toBe("pass");
    expect(r.reason).toBe("5.00% vs 4.00%: higher (p=0.064) but within +2.00 pp");
  });

  test("few errors use Fisher's exact test", () => {
    // 4/600 vs 2/20000: expected lane errors 600 × 6/20600 = 0.17 < 5;
    // scipy fisher_exact([[4, 596], [2, 19998]], alternative="greater") → 1.0201589981852627e-05.
    const r = judgeRate({ events: 4, trials: 600 }, { events: 2, trials: 20000 });
    expect(r.test).toBe("Fisher exact test");
    expect(r.pValue! / 1.0201589981852627e-5).toBeCloseTo(1, 9);
    expect(r.verdict).toBe("fail");
  });

  test("a baseline without traffic is inconclusive", () => {
    expect(judgeRate({ events: 0, trials: 900 }, { events: 0, trials: 0 })).toMatchObject({ verdict: "inconclusive", baseline: null, reason: "the baseline had 0 requests; 500 needed" });
  });
});

test("judgeLatency refuses to decide on fewer minutes than configured", () => {
  expect(judgeLatency("p95", [100, 200], [100, 110, 120, 130, 140]).verdict).toBe("inconclusive");
});

test("overall: any fail, else any inconclusive, else pass; nothing judged is inconclusive", () => {
  const r = (verdict: MetricRow["verdict"]) => ({ verdict }) as MetricRow;
  expect(overall([r("pass"), r("inconclusive"), r("fail")])).toBe("fail");
  expect(overall([r("pass"), r("inconclusive")])).toBe("inconclusive");
  expect(overall([r("pass"), r("pass")])).toBe("pass");
  expect(overall([])).toBe("inconclusive");
});
