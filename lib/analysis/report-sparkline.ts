/**
 * The window in a terminal: one sparkline per series and side, a column per minute (or per
 * bucket of minutes when the window is wider than `width`). Lane and baseline share a scale for
 * the 5xx rate and latency, so the heights compare; requests are drawn each on its own scale
 * (a 5 % lane would otherwise be flat) — each line says its maximum. A blank is a minute
 * without data.
 */
import type { WindowMetrics } from "./metrics";
import { formatValue, seriesOf } from "./series";

const BARS = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"] as const;

/** Averages of the defined values in `width` equal buckets (the values as they are when fewer). */
export function bucket(values: readonly (number | null)[], width: number): (number | null)[] {
  if (values.length <= width) return [...values];
  return Array.from({ length: width }, (_, b) => {
    const part = values.slice(Math.floor((b * values.length) / width), Math.floor(((b + 1) * values.length) / width)).filter((v): v is number => v !== null);
    return part.length === 0 ? null : part.reduce((s, v) => s + v, 0) / part.length;
  });
}

/** One sparkline on the scale 0..max (max 0: every value on the lowest bar). */
export function sparkline(values: readonly (number | null)[], max: number): string {
  return values
    .map((v) => {
      if (v === null) return " ";
      const level = max > 0 ? Math.round((Math.max(0, Math.min(v, max)) / max) * (BARS.length - 1)) : 0;
      return BARS[level];
    })
    .join("");
}

/** The chart: three series, lane then baseline. */
export function renderSparklines(metrics: WindowMetrics, width = 60): string {
  const names = [metrics.lane.name, metrics.baseline.name];
  const nameWidth = Math.max(...names.map((n) => n.length));
  const lines: string[] = [];
  for (const s of seriesOf(metrics)) {
    const sides = [bucket(s.lane, width), bucket(s.baseline, width)];
    const maxOf = (vs: readonly (number | null)[]) => Math.max(0, ...vs.filter((v): v is number => v !== null));
    const shared = Math.max(...sides.map(maxOf));
    sides.forEach((values, i) => {
      const max = s.key === "requests" ? maxOf(values) : shared;
      const label = i === 0 ? s.title.padEnd(15) : " ".repeat(15);
      lines.push(`${label}${names[i]!.padEnd(nameWidth)}  ${sparkline(values, max)}  max ${formatValue(maxOf(values), s.unit)}`);
    });
  }
  return lines.join("\n");
}
