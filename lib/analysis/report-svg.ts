/**
 * The window as a picture, readable at a glance: a self-contained SVG (no scripts, fonts or links)
 * with three panels — requests per minute, 5xx rate, p95 latency — each drawing the lane against
 * the baseline on one scale, under a headline with the verdict and each metric's outcome.
 * Minutes without data break the line. Written next to the JSON by `lanes analyze`.
 */
import type { MetricRow, Verdict } from "./judge";
import { formatP } from "./judge";
import type { WindowMetrics } from "./metrics";
import { formatValue, minuteTimes, seriesOf, type Series } from "./series";

export const SVG_COLORS = { lane: "#d1495b", baseline: "#2e86ab", pass: "#2a9d4a", fail: "#c0392b", inconclusive: "#b7791f" } as const;

const WIDTH = 860;
const LEFT = 70;
const RIGHT = 20;
const TOP = 104;
const PANEL = 150;
const GAP = 46;

/** Text safe inside an XML element or attribute. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}

/** A round upper bound for an axis: 1, 2 or 5 × 10^k at or above `v`. */
export function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(v));
  const step = [1, 2, 5, 10].find((s) => s * power >= v)!;
  return step * power;
}

const fixed = (v: number) => Number(v.toFixed(1));

/** An axis value without trailing zeros: 0%, 0.5%, 250 ms, 5000. */
function axisLabel(v: number, unit: Series["unit"]): string {
  const shown = String(Number(v.toPrecision(3)));
  return unit === "%" ? `${shown}%` : unit === "ms" ? `${shown} ms` : shown;
}

function panel(s: Series, row: MetricRow | undefined, index: number, times: readonly Date[]): string {
  const top = TOP + index * (PANEL + GAP);
  const plotWidth = WIDTH - LEFT - RIGHT;
  const n = times.length;
  const x = (i: number) => fixed(LEFT + (n <= 1 ? plotWidth / 2 : (i * plotWidth) / (n - 1)));
  // The limit a metric is judged against: the baseline's value plus the tolerated difference.
  const limit = row && row.baseline !== null && row.limit !== null ? row.baseline + row.limit : null;
  const max = niceMax(Math.max(0, limit ?? 0, ...[...s.lane, ...s.baseline].filter((v): v is number => v !== null)));
  const y = (v: number) => fixed(top + PANEL - (v / max) * PANEL);
  const line = (values: readonly (number | null)[], side: "lane" | "baseline") => {
    let d = "";
    let pen = false;
    values.forEach((v, i) => {
      if (v === null) return void (pen = false);
      d += `${pen ? "L" : "M"}${x(i)} ${y(v)} `;
      pen = true;
    });
    const dots = values.map((v, i) => (v === null ? "" : `<circle cx="${x(i)}" cy="${y(v)}" r="2.2"/>`)).join("");
    return `<g id="${side}-${s.key}" class="series" fill="${SVG_COLORS[side]}" stroke="${SVG_COLORS[side]}"><path d="${d.trim()}" fill="none" stroke-width="2"/>${dots}</g>`;
  };
  const grid = [0, 0.5, 1]
    .map((f) => `<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${y(f * max)}" y2="${y(f * max)}" stroke="#ddd"/><text x="${LEFT - 6}" y="${y(f * max) + 4}" text-anchor="end">${escapeXml(axisLabel(f * max, s.unit))}</text>`)
    .join("");
  const ticks = [0, Math.floor((n - 1) / 2), n - 1]
    .filter((i, k, all) => i >= 0 && all.indexOf(i) === k)
    .map((i) => `<text x="${x(i)}" y="${top + PANEL + 16}" text-anchor="middle">${times[i]!.toISOString().slice(11, 16)}</text>`)
    .join("");
  const outcome = row
    ? `— ${row.verdict}${row.pValue !== null ? ` (${formatP(row.pValue)})` : ""}: lane ${row.lane === null ? "–" : formatValue(row.lane, row.unit)}, baseline ${row.baseline === null ? "–" : formatValue(row.baseline, row.unit)}`
    : "";
  const color = row ? SVG_COLORS[row.verdict] : "#333";
  return [
    `<g id="panel-${s.key}">`,
    `<text x="${LEFT}" y="${top - 10}" font-weight="bold">${escapeXml(s.title)} <tspan font-weight="normal" fill="${color}">${escapeXml(outcome)}</tspan></text>`,
    `<rect x="${LEFT}" y="${top}" width="${plotWidth}" height="${PANEL}" fill="#fafafa" stroke="#bbb"/>`,
    grid,
    ticks,
    limit === null
      ? ""
      : `<g id="limit-${s.key}"><line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${y(limit)}" y2="${y(limit)}" stroke="${SVG_COLORS.fail}" stroke-dasharray="6 4"/><text x="${WIDTH - RIGHT - 4}" y="${y(limit) - 4}" text-anchor="end" fill="${SVG_COLORS.fail}">${escapeXml(`limit${s.unit === "ms" ? " (median)" : " (window)"} ${formatValue(limit, s.unit)}`)}</text></g>`,
    line(s.baseline, "baseline"),
    line(s.lane, "lane"),
    `</g>`,
  ].join("");
}

/** The SVG document of a window and its verdict. */
export function renderSvg(verdict: Verdict, metrics: WindowMetrics): string {
  const series = seriesOf(metrics);
  const times = minuteTimes(metrics);
  const rowFor: Record<Series["key"], MetricRow | undefined> = {
    requests: undefined,
    rate: verdict.rows.find((r) => r.metric === "5xx rate"),
    p95: verdict.rows.find((r) => r.metric === "latency p95"),
  };
  const height = TOP + series.length * (PANEL + GAP) - 6;
  const title = `${verdict.lane} vs ${verdict.baseline}: ${verdict.verdict.toUpperCase()}`;
  const when = `${verdict.start.toISOString().slice(0, 16).replace("T", " ")}–${verdict.end.toISOString().slice(11, 16)} UTC`;
  const legend = (["lane", "baseline"] as const)
    .map((side, i) => {
      const x0 = WIDTH - RIGHT - 250 + i * 125;
      const name = side === "lane" ? verdict.lane : verdict.baseline;
      return `<line x1="${x0}" x2="${x0 + 22}" y1="44" y2="44" stroke="${SVG_COLORS[side]}" stroke-width="3"/><text x="${x0 + 28}" y="48">${escapeXml(name)}</text>`;
    })
    .join("");
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12" role="img">`,
    `<title>${escapeXml(`${title} (${when})`)}</title>`,
    `<desc>${escapeXml(verdict.reason)}</desc>`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<rect x="${LEFT}" y="14" width="${title.length * 9 + 24}" height="28" rx="5" fill="${SVG_COLORS[verdict.verdict]}"/>`,
    `<text x="${LEFT + 12}" y="33" font-size="16" font-weight="bold" fill="#fff">${escapeXml(title)}</text>`,
    `<text x="${LEFT}" y="60" fill="#555">${escapeXml(when)}</text>`,
    legend,
    ...series.map((s, i) => panel(s, rowFor[s.key], i, times)),
    `</svg>`,
    ``,
  ].join("\n");
}
