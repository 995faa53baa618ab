/**
 * The verdict rendered: the aligned table, the --json object, the SVG picture (parsed with an XML
 * parser: well-formed, every series drawn) and the terminal sparklines.
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { judge, type Verdict } from "../../lib/analysis/judge";
import type { MinutePoint, WindowMetrics } from "../../lib/analysis/metrics";
import { alignTable, renderText, verdictJson } from "../../lib/analysis/report";
import { bucket, renderSparklines, sparkline } from "../../lib/analysis/report-sparkline";
import { SVG_COLORS, escapeXml, niceMax, renderSvg } from "../../lib/analysis/report-svg";

const T0 = Date.UTC(2025, 5, 2, 9, 0);

function minute(i: number, requests: number, errors5xx: number, p95?: number): MinutePoint {
  return { at: new Date(T0 + i * 60_000), requests, errors5xx, ...(p95 === undefined ? {} : { p50: p95 / 2, p95, p99: p95 * 1.5 }) };
}

/** Ten minutes: the lane's errors and latency jump from minute 6; no lane requests in minute 3. */
function regressionWindow(laneName = "gray"): WindowMetrics {
  const lane = Array.from({ length: 10 }, (_, i) => (i === 3 ? minute(i, 0, 0) : minute(i, 100, i >= 6 ? 8 : 0, i >= 6 ? 210 + i : 118 + (i % 3))));
  const baseline = Array.from({ length: 10 }, (_, i) => minute(i, 1900 + i * 10, 4, 117 + (i % 4)));
  return {
    start: new Date(T0),
    end: new Date(T0 + 10 * 60_000),
    lane: { name: laneName, targetGroup: "targetgroup/user-api-dev-gray-tg/73e2d6bc24d8a067", minutes: lane },
    baseline: { name: "default", targetGroup: "targetgroup/user-api-dev-default-tg/1f8a6e2c9b3d4e5f", minutes: baseline },
  };
}

describe("text", () => {
  test("an aligned table with the verdict and why", () => {
    const m = regressionWindow();
    const text = renderText(judge(m));
    const lines = text.split("\n");
    expect(lines[0]).toBe("gray vs default, 2025-06-02 09:00–09:10 UTC (10 min): FAIL");
    expect(lines.slice(2, 6)).toEqual([
      "metric       lane             baseline           difference  p-value   limit       verdict  reason",
      "5xx rate     3.56% (900 req)  0.21% (19450 req)  +3.35 pp    p<0.0001  ≤ +0.50 pp  fail     3.56% vs 0.21%: +3.35 pp, above the +0.50 pp allowed (p<0.0001 < 0.05)",
      // Four slow minutes of nine move the median little: significant, but within the limit.
      expect.stringMatching(/^latency p95  120 ms \(9 min\)   118 ms \(9 min\)     \+2 ms       p=[\d.]+  ≤ \+25 ms    pass     median 120 ms vs 118 ms: slower \(p=[\d.]+\) but within \+25 ms$/),
      expect.stringMatching(/^latency p99  /),
    ]);
    // Columns line up: every cell of a column starts at the same place.
    const at = (line: string, word: string) => line.indexOf(word);
    expect(at(lines[3]!, "3.56%")).toBe(at(lines[2]!, "lane"));
    expect(at(lines[3]!, "fail")).toBe(at(lines[2]!, "verdict"));
    expect(lines.at(-1)).toBe(
      // 900 lane requests at the pooled 0.35 % expect 3.2 errors (< 5): Fisher's test; latencies tie: the normal approximation.
      "one-sided tests (lane worse), alpha 0.05 (Fisher exact test; Mann-Whitney U, normal approximation); a metric fails only when significant and beyond its limit",
    );
  });

  test("alignTable pads every column but the last", () => {
    expect(alignTable([["a", "bbb", "c"], ["dddd", "e", "ffff"]])).toEqual(["a     bbb  c", "dddd  e    ffff"]);
  });

  test("an inconclusive row shows dashes where there is nothing to show", () => {
    const m = regressionWindow();
    const v = judge({ ...m, baseline: { ...m.baseline, minutes: m.baseline.minutes.map((p) => ({ at: p.at, requests: 0, errors5xx: 0 })) } });
    expect(v.verdict).toBe("inconclusive");
    expect(renderText(v)).toContain("5xx rate     3.56% (900 req)  – (0 req)  –           –        –      inconclusive  the baseline had 0 requests; 500 needed\n");
  });
});

describe("json", () => {
  test("a plain object: ISO dates, the rows, the minute series", () => {
    const m = regressionWindow();
    const v = judge(m);
    const json = JSON.parse(JSON.stringify(verdictJson(v, m))) as ReturnType<typeof verdictJson>;
    expect(json).toMatchObject({ verdict: "fail", lane: "gray", baseline: "default", alpha: 0.05, window: { start: "2025-06-02T09:00:00.000Z", end: "2025-06-02T09:10:00.000Z", minutes: 10 } });
    expect(json.metrics.map((r) => [r.metric, r.verdict])).toEqual(v.rows.map((r) => [r.metric, r.verdict]));
    expect(json.metrics[0]).toMatchObject({ unit: "%", limit: 0.5, test: "Fisher exact test", samples: { lane: 900, baseline: 19450, unit: "requests" } });
    expect(json.series!.minutes).toHaveLength(10);
    expect(json.series!.lane[3]).toEqual({ requests: 0, errors5xx: 0, p50: null, p95: null, p99: null });
    expect(json.series!.lane[6]).toEqual({ requests: 100, errors5xx: 8, p50: 108, p95: 216, p99: 324 });
    expect(verdictJson(v)).not.toHaveProperty("series");
  });
});

describe("svg", () => {
  const parse = (svg: string) => new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(svg) as { svg: Record<string, unknown> };
  type Node = Record<string, unknown>;
  const all = (node: unknown, name: string): Node[] => {
    if (Array.isArray(node)) return node.flatMap((n) => all(n, name));
    if (node === null || typeof node !== "object") return [];
    const here = Object.entries(node as Node).flatMap(([k, v]) => (k === name ? (Array.isArray(v) ? (v as Node[]) : [v as Node]) : []));
    return [...here, ...Object.values(node as Node).flatMap((v) => all(v, name))];
  };

  test("is a well-formed, self-contained SVG document with the verdict, both sides of every series and the limits", () => {
    const m = regressionWindow();
    const v = judge(m);
    const svg = renderSvg(v, m);
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg).not.toMatch(/<script|href=|@import|url\(/);
    const doc = parse(svg);
    expect(doc.svg.xmlns).toBe("http://www.w3.org/2000/svg");
    expect(doc.svg.title).toBe("gray vs default: FAIL (2025-06-02 09:00–09:10 UTC)");
    const groups = all(doc, "g");
    const series = new Map(groups.filter((g) => g.class === "series").map((g) => [g.id as string, g]));
    expect([...series.keys()].sort()).toEqual(["baseline-p95", "baseline-rate", "baseline-requests", "lane-p95", "lane-rate", "lane-requests"]);
    expect(series.get("lane-p95")!.stroke).toBe(SVG_COLORS.lane);
    // One dot per minute with data: the lane has no requests in minute 3, so no rate nor latency there.
    const dots = (id: string) => all(series.get(id), "circle").length;
    expect([dots("lane-requests"), dots("lane-rate"), dots("lane-p95"), dots("baseline-p95")]).toEqual([10, 9, 9, 10]);
    // The gap breaks the line: the lane's latency path starts again after minute 3.
    const d = (all(series.get("lane-p95"), "path")[0]!.d as string).split(/(?=[ML])/);
    expect(d.filter((s) => s.startsWith("M"))).toHaveLength(2);
    expect(groups.map((g) => g.id).filter((id) => String(id).startsWith("limit-"))).toEqual(["limit-rate", "limit-p95"]);
    expect(svg).toContain("5xx rate <tspan");
    expect(svg).toContain("— fail (p&lt;0.0001): lane 3.56%, baseline 0.21%");
  });

  test("names are escaped", () => {
    const m = regressionWindow(`x<&>"'`);
    const svg = renderSvg(judge(m), m);
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg).toContain("x&lt;&amp;&gt;&quot;&apos;");
    expect(escapeXml("a<b")).toBe("a&lt;b");
  });

  test("a window with no data at all still renders", () => {
    const m = regressionWindow();
    const empty = { ...m, lane: { ...m.lane, minutes: m.lane.minutes.map((p) => ({ at: p.at, requests: 0, errors5xx: 0 })) } };
    const v: Verdict = judge(empty);
    expect(XMLValidator.validate(renderSvg(v, empty))).toBe(true);
  });

  test("axis maxima are round", () => {
    expect([niceMax(0), niceMax(0.26), niceMax(3.56), niceMax(118), niceMax(2000), niceMax(2001)]).toEqual([1, 0.5, 5, 200, 2000, 5000]);
  });
});

describe("sparklines", () => {
  test("lane and baseline, one column a minute, a blank for a minute without data", () => {
    const chart = renderSparklines(regressionWindow()).split("\n");
    expect(chart).toEqual([
      "requests / min gray     ███▁██████  max 100",
      "               default  ██████████  max 1990",
      "5xx rate       gray     ▁▁▁ ▁▁████  max 8.00%",
      "               default  ▁▁▁▁▁▁▁▁▁▁  max 0.21%",
      // 118 ms of 219 ms is level 4 of 0-7 (round(118 / 219 × 7) = 4): ▅.
      "latency p95    gray     ▅▅▅ ▅▅████  max 219 ms",
      "               default  ▅▅▅▅▅▅▅▅▅▅  max 120 ms",
    ]);
  });

  test("levels and buckets", () => {
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7, null], 7)).toBe("▁▂▃▄▅▆▇█ ");
    expect(sparkline([0, 0], 0)).toBe("▁▁");
    expect(bucket([1, 3, null, null, 5, 7], 3)).toEqual([2, null, 6]);
    expect(bucket([1, 2], 5)).toEqual([1, 2]);
  });
});
