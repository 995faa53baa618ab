/**
 * The judgement of a lane against its baseline over one window (Kayenta-style): each metric is
 * `fail` only when the lane is worse with statistical significance (one-sided test, p < alpha)
 * AND by more than the tolerance; `inconclusive` when there is too little data to say; `pass`
 * otherwise. Overall: any fail → fail, else any inconclusive → inconclusive, else pass.
 * - 5xx rate: errors per request, summed over the window; a proportion test (statistics.ts).
 * - latency p95 and p99: the per-minute percentiles of the minutes both had requests, compared
 *   with the Mann-Whitney U test; the effect is the difference of their medians.
 */
import { DEFAULT_ANALYSIS, type AnalysisConfig } from "./config";
import type { MinutePoint, WindowMetrics } from "./metrics";
import { mannWhitneyTest, median, proportionTest, type Proportion } from "./statistics";

export type Outcome = "pass" | "fail" | "inconclusive";

export interface MetricRow {
  readonly metric: string;
  /** Unit of lane, baseline, difference and limit: percent (a rate) or milliseconds. */
  readonly unit: "%" | "ms";
  readonly lane: number | null;
  readonly baseline: number | null;
  /** lane − baseline (percentage points for a rate). */
  readonly difference: number | null;
  /** One-sided p-value of "the lane is worse"; null when not tested. */
  readonly pValue: number | null;
  readonly test: string | null;
  /** The largest difference tolerated. */
  readonly limit: number | null;
  /** What the test saw: requests (or messages) for a rate, minutes for a latency. */
  readonly samples: { readonly lane: number; readonly baseline: number; readonly unit: string };
  readonly verdict: Outcome;
  readonly reason: string;
}

export interface Verdict {
  readonly verdict: Outcome;
  readonly lane: string;
  readonly baseline: string;
  readonly start: Date;
  readonly end: Date;
  readonly alpha: number;
  readonly rows: readonly MetricRow[];
  /** One line: why. */
  readonly reason: string;
}

/** p-values as people read them. */
export function formatP(p: number): string {
  return p < 0.0001 ? "p<0.0001" : `p=${p < 0.01 ? p.toPrecision(2) : p.toFixed(3)}`;
}

export interface RateLabels {
  readonly metric: string;
  /** What is counted: "requests", "messages". */
  readonly trials: string;
}

/** Errors per trial of the lane against the baseline's. Events above trials count as trials. */
export function judgeRate(lane: Proportion, baseline: Proportion, config: AnalysisConfig = DEFAULT_ANALYSIS, labels: RateLabels = { metric: "5xx rate", trials: "requests" }): MetricRow {
  const l = { trials: lane.trials, events: Math.min(lane.events, lane.trials) };
  const b = { trials: baseline.trials, events: Math.min(baseline.events, baseline.trials) };
  const rate = (p: Proportion) => (p.trials > 0 ? (100 * p.events) / p.trials : null);
  const laneRate = rate(l);
  const baseRate = rate(b);
  const samples = { lane: l.trials, baseline: b.trials, unit: labels.trials };
  const base = { metric: labels.metric, unit: "%" as const, lane: laneRate, baseline: baseRate, samples };
  const limit = baseRate === null ? null : Math.max(config.maxErrorRateIncreasePoints, config.maxErrorRateIncreaseRatio * baseRate);
  const difference = laneRate !== null && baseRate !== null ? laneRate - baseRate : null;
  const few = [l.trials < config.minRequests ? `the lane had ${l.trials} ${labels.trials}` : "", b.trials < config.minRequests ? `the baseline had ${b.trials} ${labels.trials}` : ""].filter(Boolean);
  if (few.length > 0) {
    return { ...base, difference, pValue: null, test: null, limit, verdict: "inconclusive", reason: `${few.join(" and ")}; ${config.minRequests} needed` };
  }
  const t = proportionTest(l, b);
  const shown = `${laneRate!.toFixed(2)}% vs ${baseRate!.toFixed(2)}%`;
  const worse = t.pValue < config.alpha;
  const tooMuch = difference! > limit!;
  const verdict: Outcome = worse && tooMuch ? "fail" : "pass";
  const reason =
    verdict === "fail"
      ? `${shown}: +${difference!.toFixed(2)} pp, above the +${limit!.toFixed(2)} pp allowed (${formatP(t.pValue)} < ${config.alpha})`
      : worse
        ? `${shown}: higher (${formatP(t.pValue)}) but within +${limit!.toFixed(2)} pp`
        : `${shown}: no significant increase (${formatP(t.pValue)})`;
  return { ...base, difference, pValue: t.pValue, test: t.method, limit, verdict, reason };
}

export type Percentile = "p95" | "p99";

/** Per-minute latency percentiles of the lane against the baseline's (the same minutes). */
export function judgeLatency(percentile: Percentile, lane: readonly number[], baseline: readonly number[], config: AnalysisConfig = DEFAULT_ANALYSIS): MetricRow {
  const metric = `latency ${percentile}`;
  const laneMedian = lane.length > 0 ? median(lane) : null;
  const baseMedian = baseline.length > 0 ? median(baseline) : null;
  const difference = laneMedian !== null && baseMedian !== null ? laneMedian - baseMedian : null;
  const limit = baseMedian === null ? null : Math.max((config.maxLatencyIncreasePercent / 100) * baseMedian, config.maxLatencyIncreaseMs);
  const samples = { lane: lane.length, baseline: baseline.length, unit: "minutes" };
  const base = { metric, unit: "ms" as const, lane: laneMedian, baseline: baseMedian, difference, limit, samples };
  if (Math.min(lane.length, baseline.length) < config.minMinutes) {
    const reason = `${lane.length} lane and ${baseline.length} baseline minutes with requests to compare; ${config.minMinutes} needed`;
    return { ...base, pValue: null, test: null, verdict: "inconclusive", reason };
  }
  const t = mannWhitneyTest(lane, baseline);
  const shown = `median ${Math.round(laneMedian!)} ms vs ${Math.round(baseMedian!)} ms`;
  const worse = t.pValue < config.alpha;
  const tooMuch = difference! > limit!;
  const verdict: Outcome = worse && tooMuch ? "fail" : "pass";
  const pct = baseMedian! > 0 ? ` (+${Math.round((100 * difference!) / baseMedian!)}%)` : "";
  const reason =
    verdict === "fail"
      ? `${shown}: +${Math.round(difference!)} ms${pct}, above the +${Math.round(limit!)} ms allowed (${formatP(t.pValue)} < ${config.alpha})`
      : worse
        ? `${shown}: slower (${formatP(t.pValue)}) but within +${Math.round(limit!)} ms`
        : `${shown}: not significantly slower (${formatP(t.pValue)})`;
  return { ...base, pValue: t.pValue, test: t.method, verdict, reason };
}

/** Any fail → fail; else any inconclusive → inconclusive; else pass. */
export function overall(rows: readonly MetricRow[]): Outcome {
  if (rows.some((r) => r.verdict === "fail")) return "fail";
  if (rows.length === 0 || rows.some((r) => r.verdict === "inconclusive")) return "inconclusive";
  return "pass";
}

/** The verdict over rows already judged (also the worker judgement's). */
export function verdictOf(rows: readonly MetricRow[], window: { lane: string; baseline: string; start: Date; end: Date }, config: AnalysisConfig): Verdict {
  const verdict = overall(rows);
  const telling = rows.filter((r) => r.verdict === verdict);
  const reason = verdict === "pass" ? `all ${rows.length} metrics within limits` : telling.map((r) => `${r.metric}: ${r.reason}`).join("; ") || "no metrics";
  return { verdict, ...window, alpha: config.alpha, rows, reason };
}

const total = (minutes: readonly MinutePoint[], key: "requests" | "errors5xx") => minutes.reduce((s, p) => s + p[key], 0);

/** The lane against the baseline over the window: 5xx rate, latency p95 and p99. */
export function judge(metrics: WindowMetrics, config: AnalysisConfig = DEFAULT_ANALYSIS): Verdict {
  const rate = judgeRate(
    { events: total(metrics.lane.minutes, "errors5xx"), trials: total(metrics.lane.minutes, "requests") },
    { events: total(metrics.baseline.minutes, "errors5xx"), trials: total(metrics.baseline.minutes, "requests") },
    config,
  );
  const baselineAt = new Map(metrics.baseline.minutes.map((p) => [p.at.getTime(), p]));
  const latency = (percentile: Percentile) => {
    const both = metrics.lane.minutes
      .map((p) => [p[percentile], baselineAt.get(p.at.getTime())?.[percentile]] as const)
      .filter((pair): pair is readonly [number, number] => pair[0] !== undefined && pair[1] !== undefined);
    return judgeLatency(
      percentile,
      both.map(([l]) => l),
      both.map(([, b]) => b),
      config,
    );
  };
  const rows = [rate, latency("p95"), latency("p99")];
  return verdictOf(rows, { lane: metrics.lane.name, baseline: metrics.baseline.name, start: metrics.start, end: metrics.end }, config);
}
