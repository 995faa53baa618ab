/**
 * The verdict for people and for programs: an aligned text table (`lanes analyze`) and a plain
 * object ready for `--json` (dates as ISO strings, numbers unrounded, the minute series when the
 * metrics are given). The pictures are in report-svg.ts and report-sparkline.ts.
 */
import type { MetricRow, Verdict } from "./judge";
import { formatP } from "./judge";
import type { WindowMetrics } from "./metrics";

const MINUTE_MS = 60_000;

function number(v: number | null, unit: MetricRow["unit"], signed = false): string {
  if (v === null || !Number.isFinite(v)) return "–";
  const sign = signed && v > 0 ? "+" : "";
  if (unit === "%") return `${sign}${v.toFixed(2)}${signed ? " pp" : "%"}`;
  return `${sign}${Math.round(v)} ms`;
}

const sample = (n: number, unit: string) => `${n} ${unit === "minutes" ? "min" : unit === "requests" ? "req" : unit === "messages" ? "msg" : unit}`;

/** The table's cells for one row, in column order. */
export function rowCells(r: MetricRow): string[] {
  return [
    r.metric,
    `${number(r.lane, r.unit)} (${sample(r.samples.lane, r.samples.unit)})`,
    `${number(r.baseline, r.unit)} (${sample(r.samples.baseline, r.samples.unit)})`,
    number(r.difference, r.unit, true),
    r.pValue === null ? "–" : formatP(r.pValue),
    r.limit === null ? "–" : `≤ ${number(r.limit, r.unit, true).replace(/^(?!\+)/, "+")}`,
    r.verdict,
    r.reason,
  ];
}

export const TABLE_HEADER = ["metric", "lane", "baseline", "difference", "p-value", "limit", "verdict", "reason"] as const;

/** Columns padded to their widest cell; the last column is not padded. */
export function alignTable(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => [...(r[i] ?? "")].length)));
  return rows.map((r) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell + " ".repeat(widths[i]! - [...cell].length)))
      .join("  ")
      .trimEnd(),
  );
}

const hhmm = (d: Date) => d.toISOString().slice(11, 16);

/** The head line: who against whom, when, and the verdict. */
export function headline(v: Verdict): string {
  const minutes = Math.round((v.end.getTime() - v.start.getTime()) / MINUTE_MS);
  return `${v.lane} vs ${v.baseline}, ${v.start.toISOString().slice(0, 10)} ${hhmm(v.start)}–${hhmm(v.end)} UTC (${minutes} min): ${v.verdict.toUpperCase()}`;
}

/** The verdict as text: headline, aligned table, and why. */
export function renderText(v: Verdict): string {
  const table = alignTable([[...TABLE_HEADER], ...v.rows.map(rowCells)]);
  const tests = [...new Set(v.rows.map((r) => r.test).filter((t): t is string => t !== null))];
  return [
    headline(v),
    "",
    ...table,
    "",
    `${v.verdict}: ${v.reason}`,
    `one-sided tests (lane worse), alpha ${v.alpha}${tests.length > 0 ? ` (${tests.join("; ")})` : ""}; a metric fails only when significant and beyond its limit`,
  ].join("\n");
}

export interface VerdictJson {
  readonly verdict: Verdict["verdict"];
  readonly reason: string;
  readonly lane: string;
  readonly baseline: string;
  readonly window: { readonly start: string; readonly end: string; readonly minutes: number };
  readonly alpha: number;
  readonly metrics: readonly MetricRow[];
  readonly series?: {
    readonly minutes: readonly string[];
    readonly lane: readonly SeriesPoint[];
    readonly baseline: readonly SeriesPoint[];
  };
}

export interface SeriesPoint {
  readonly requests: number;
  readonly errors5xx: number;
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
}

/** A plain object for `--json`; with `metrics`, the minute series too. */
export function verdictJson(v: Verdict, metrics?: WindowMetrics): VerdictJson {
  const points = (m: WindowMetrics["lane"]): SeriesPoint[] =>
    m.minutes.map((p) => ({ requests: p.requests, errors5xx: p.errors5xx, p50: p.p50 ?? null, p95: p.p95 ?? null, p99: p.p99 ?? null }));
  return {
    verdict: v.verdict,
    reason: v.reason,
    lane: v.lane,
    baseline: v.baseline,
    window: { start: v.start.toISOString(), end: v.end.toISOString(), minutes: Math.round((v.end.getTime() - v.start.getTime()) / MINUTE_MS) },
    alpha: v.alpha,
    metrics: v.rows,
    ...(metrics
      ? { series: { minutes: metrics.lane.minutes.map((p) => p.at.toISOString()), lane: points(metrics.lane), baseline: points(metrics.baseline) } }
      : {}),
  };
}
