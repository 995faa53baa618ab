import { ROOT_CONTEXT, defaultTextMapGetter, trace } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { readLane } from "../src/read";
import { LaneNameError, laneHeaders, laneHeadersFromRead } from "../src/write";
import { albConditionMatches } from "./helpers/alb";
import { otelBaggage } from "./helpers/otel";

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT = "00f067aa0ba902b7";
const TP = `00-${TRACE}-${PARENT}-01`;
const V00 = /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;
const GRAY = ["ctx=lane:gray", "ctx=lane:gray,*", "*,ctx=lane:gray", "*,ctx=lane:gray,*"];
const BLUE = ["ctx=lane:blue", "ctx=lane:blue,*", "*,ctx=lane:blue", "*,ctx=lane:blue,*"];

/** What OpenTelemetry's W3C propagator makes of headers. */
function otelExtract(headers: Record<string, string | undefined>) {
  const context = new W3CTraceContextPropagator().extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
  return trace.getSpanContext(context);
}

describe("laneHeadersFromRead", () => {
  it("writes spaced input canonically: lane first, no spaces, traceparent passed on", () => {
    const out = laneHeadersFromRead(
      readLane({ traceparent: TP, tracestate: "rojo=00f067aa0ba902b7 , congo=t61rcWkgMzE,  ctx=lane:gray", baggage: "userId=alice, lane=gray" }),
    );
    expect(out).toEqual({
      traceparent: TP,
      tracestate: "ctx=lane:gray,rojo=00f067aa0ba902b7,congo=t61rcWkgMzE",
      baggage: "lane=gray,userId=alice",
    });
    expect(albConditionMatches(GRAY, out.tracestate!)).toBe(true);
    expect(albConditionMatches(BLUE, out.tracestate!)).toBe(false);
    const span = otelExtract({ ...out });
    expect(span?.traceId).toBe(TRACE);
    expect(span?.traceState?.get("ctx")).toBe("lane:gray");
    expect(span?.traceState?.serialize()).toBe(out.tracestate);
    expect(otelBaggage(out.baggage!)).toEqual({ lane: "gray", userId: "alice" });
  });

  it.each([
    ["missing", undefined],
    ["all-zero trace id", `00-${"0".repeat(32)}-${PARENT}-01`],
    ["malformed", "00-xyz"],
  ])("starts a new trace when the traceparent is %s, keeping the lane so OpenTelemetry sees it", (_name, traceparent) => {
    const out = laneHeadersFromRead(readLane({ traceparent, tracestate: "rojo=1,ctx=lane:gray", baggage: "a=1" }));
    expect(out.traceparent).toMatch(V00);
    expect(out.traceparent).not.toContain(TRACE);
    expect(out.tracestate).toBe("ctx=lane:gray");
    expect(out.baggage).toBe("lane=gray,a=1");
    // Without our traceparent OpenTelemetry ignores the tracestate entirely.
    expect(otelExtract({ tracestate: "ctx=lane:gray" })).toBeUndefined();
    expect(otelExtract({ ...out })?.traceState?.get("ctx")).toBe("lane:gray");
  });

  it("downgrades a future-version traceparent to 00 with the same ids and keeps the tracestate", () => {
    const out = laneHeadersFromRead(readLane({ traceparent: `01-${TRACE}-${PARENT}-01-future`, tracestate: "rojo=1, ctx=lane:gray" }));
    expect(out.traceparent).toBe(TP);
    expect(out.tracestate).toBe("ctx=lane:gray,rojo=1");
    const span = otelExtract({ ...out });
    expect([span?.traceId, span?.spanId, span?.traceState?.get("ctx")]).toEqual([TRACE, PARENT, "lane:gray"]);
  });

  it("writes no lane member for the default lane and keeps the context", () => {
    const out = laneHeadersFromRead(readLane({ traceparent: TP, tracestate: "rojo=1, ctx=lane:default", baggage: "lane=default,a=1" }));
    expect(out).toEqual({ traceparent: TP, tracestate: "rojo=1", baggage: "a=1" });
    expect(laneHeadersFromRead(readLane({ traceparent: TP }))).toEqual({ traceparent: TP });
  });

  it("rewrites a request's lane into another one, replacing both carriers", () => {
    const read = readLane({ traceparent: TP, tracestate: "ctx=lane:gray,a=1", baggage: "lane=gray" });
    expect(laneHeadersFromRead(read, "blue")).toEqual({ traceparent: TP, tracestate: "ctx=lane:blue,a=1", baggage: "lane=blue" });
    expect(laneHeadersFromRead(read, "default")).toEqual({ traceparent: TP, tracestate: "a=1" });
  });

  it("resolves duplicate ctx members to one member, which ALB and OpenTelemetry then agree on", () => {
    const input = { traceparent: TP, tracestate: "ctx=lane:gray,a=1,ctx=lane:blue" };
    // As received, the gray and the blue rule both match, and OpenTelemetry reads blue.
    expect(albConditionMatches(GRAY, input.tracestate) && albConditionMatches(BLUE, input.tracestate)).toBe(true);
    expect(otelExtract(input)?.traceState?.get("ctx")).toBe("lane:blue");
    const out = laneHeadersFromRead(readLane(input));
    expect(out.tracestate).toBe("ctx=lane:gray,a=1");
    expect(albConditionMatches(GRAY, out.tracestate!)).toBe(true);
    expect(albConditionMatches(BLUE, out.tracestate!)).toBe(false);
    expect(otelExtract({ ...out })?.traceState?.get("ctx")).toBe("lane:gray");
  });

  it("refuses an invalid lane", () => {
    expect(() => laneHeaders({ lane: "Gray" })).toThrow(LaneNameError);
    expect(() => laneHeaders({ lane: "a".repeat(116) })).toThrow(/not a valid lane/);
  });

  it("starts a trace for a lane without any incoming context", () => {
    const out = laneHeaders({ lane: "gray" });
    expect(out.traceparent).toMatch(V00);
    expect(out.tracestate).toBe("ctx=lane:gray");
    expect(out.baggage).toBe("lane=gray");
  });
});
