/**
 * The per-minute series the pictures draw, lane and baseline side by side: requests, 5xx rate
 * (percent of the minute's requests) and p95 latency (ms). A missing value is null: a minute
 * without requests has no rate and no latency.
 */
import type { LaneSeries, WindowMetrics } from "./metrics";

export interface Series {
  readonly key: "requests" | "rate" | "p95";
  readonly title: string;
  readonly unit: "" | "%" | "ms";
  readonly lane: readonly (number | null)[];
  readonly baseline: readonly (number | null)[];
}

const values = (s: LaneSeries, key: Series["key"]): (number | null)[] =>
  s.minutes.map((p) => {
    if (key === "requests") return p.requests;
    if (key === "rate") return p.requests > 0 ? (100 * Math.min(p.errors5xx, p.requests)) / p.requests : null;
    return p.p95 ?? null;
  });

/** The three series of a window, minute by minute (times: `minuteTimes`). */
export function seriesOf(metrics: WindowMetrics): Series[] {
  return [
    { key: "requests", title: "requests / min", unit: "", lane: values(metrics.lane, "requests"), baseline: values(metrics.baseline, "requests") },
    { key: "rate", title: "5xx rate", unit: "%", lane: values(metrics.lane, "rate"), baseline: values(metrics.baseline, "rate") },
    { key: "p95", title: "latency p95", unit: "ms", lane: values(metrics.lane, "p95"), baseline: values(metrics.baseline, "p95") },
  ];
}

/** Start of each minute of the window. */
export function minuteTimes(metrics: WindowMetrics): Date[] {
  return metrics.lane.minutes.map((p) => p.at);
}

/** A value as a person reads it, in its unit. */
export function formatValue(v: number, unit: Series["unit"]): string {
  if (unit === "%") return `${v < 10 ? v.toFixed(2) : v.toFixed(1)}%`;
  if (unit === "ms") return `${Math.round(v)} ms`;
  return Math.abs(v) >= 10_000 ? `${(v / 1000).toFixed(0)}k` : String(Math.round(v));
}
