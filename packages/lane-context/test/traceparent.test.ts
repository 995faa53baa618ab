import { parseTraceParent } from "@opentelemetry/core";
import { formatTraceparent, newTraceparent, parseTraceparent } from "../src/traceparent";

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT = "00f067aa0ba902b7";
/** W3C Trace Context version 00: 2+32+16+2 lower-case hex with dashes, ids not all zero. */
const V00 = /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

describe("parseTraceparent", () => {
  it("reads a version 00 traceparent (the spec's example)", () => {
    expect(parseTraceparent(`00-${TRACE}-${PARENT}-01`)).toEqual({ traceId: TRACE, parentId: PARENT, flags: 1 });
    expect(parseTraceparent(`00-${TRACE}-${PARENT}-00`)).toEqual({ traceId: TRACE, parentId: PARENT, flags: 0 });
  });

  it("ignores spaces around the value", () => {
    expect(parseTraceparent(` 00-${TRACE}-${PARENT}-01 `)).toEqual({ traceId: TRACE, parentId: PARENT, flags: 1 });
  });

  it.each([
    ["missing", undefined],
    ["empty", ""],
    ["all-zero trace id", `00-${"0".repeat(32)}-${PARENT}-01`],
    ["all-zero parent id", `00-${TRACE}-${"0".repeat(16)}-01`],
    ["upper-case hex", `00-${TRACE.toUpperCase()}-${PARENT}-01`],
    ["version ff", `ff-${TRACE}-${PARENT}-01`],
    ["version 00 with an extra field", `00-${TRACE}-${PARENT}-01-extra`],
    ["short trace id", `00-${TRACE.slice(1)}-${PARENT}-01`],
    ["non-hex parent id", `00-${TRACE}-${PARENT.slice(1)}g-01`],
    ["wrong separator", `00_${TRACE}_${PARENT}_01`],
    ["higher version shorter than 55", `01-${TRACE}-${PARENT}-1`],
    ["higher version whose flags run on", `01-${TRACE}-${PARENT}-01x`],
    ["unparseable version", `0x-${TRACE}-${PARENT}-01`],
  ])("rejects a %s traceparent", (_name, value) => {
    expect(parseTraceparent(value)).toBeUndefined();
  });

  it("parses a higher version by its first four fields and keeps only the sampled flag", () => {
    expect(parseTraceparent(`01-${TRACE}-${PARENT}-01-what-the-future-holds`)).toEqual({ traceId: TRACE, parentId: PARENT, flags: 1 });
    expect(parseTraceparent(`cc-${TRACE}-${PARENT}-09`)).toEqual({ traceId: TRACE, parentId: PARENT, flags: 1 });
    expect(parseTraceparent(`02-${TRACE}-${PARENT}-fe-x`)).toEqual({ traceId: TRACE, parentId: PARENT, flags: 0 });
  });

  it("agrees with OpenTelemetry on which traceparents are valid", () => {
    const cases = [
      `00-${TRACE}-${PARENT}-01`,
      `00-${"0".repeat(32)}-${PARENT}-01`,
      `00-${TRACE}-${"0".repeat(16)}-01`,
      `00-${TRACE.toUpperCase()}-${PARENT}-01`,
      `ff-${TRACE}-${PARENT}-01`,
      `00-${TRACE}-${PARENT}-01-extra`,
      `01-${TRACE}-${PARENT}-01-extra`,
      `01-${TRACE}-${PARENT}-01`,
      `01-${TRACE}-${PARENT}-01x`,
      `00-${TRACE}-${PARENT}`,
      "garbage",
    ];
    for (const value of cases) {
      const otel = parseTraceParent(value);
      const ours = parseTraceparent(value);
      expect({ value, valid: ours !== undefined }).toEqual({ value, valid: otel !== null });
      if (otel && ours) expect([ours.traceId, ours.parentId]).toEqual([otel.traceId, otel.spanId]);
    }
  });
});

describe("formatTraceparent and newTraceparent", () => {
  it("write version 00, downgrading a higher version", () => {
    const future = parseTraceparent(`01-${TRACE}-${PARENT}-01-extra`);
    expect(future && formatTraceparent(future)).toBe(`00-${TRACE}-${PARENT}-01`);
  });

  it("start valid, random traces that OpenTelemetry accepts", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const value = formatTraceparent(newTraceparent());
      expect(value).toMatch(V00);
      expect(value).not.toMatch(/^00-0{32}-|-0{16}-/);
      expect(parseTraceParent(value)).not.toBeNull();
      seen.add(value.slice(3, 35));
    }
    expect(seen.size).toBe(50);
  });
});
