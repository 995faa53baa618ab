import {
  ROOT_CONTEXT,
  type Context,
  type TextMapPropagator,
  defaultTextMapGetter,
  defaultTextMapSetter,
  propagation,
  trace,
} from "@opentelemetry/api";
import { CompositePropagator, TraceState, W3CBaggagePropagator, W3CTraceContextPropagator } from "@opentelemetry/core";
import { runWithLane } from "../src/context";
import { LANE_CONTEXT_KEY, LanePropagator, getLane, setLane } from "../src/otel";
import { newLaneReadCounters } from "../src/read";
import { LaneNameError } from "../src/write";
import { otelBaggage } from "./helpers/otel";

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT = "00f067aa0ba902b7";
const CHILD = "b7ad6b7169203331";
const TP = `00-${TRACE}-${PARENT}-01`;
const V00 = /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

function lanePropagator(options: ConstructorParameters<typeof LanePropagator>[0] = {}): LanePropagator {
  return new LanePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()], counters: newLaneReadCounters(), ...options });
}

/** A service that uses OpenTelemetry's stock W3C propagators only (no lane package). */
const stock: TextMapPropagator = new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] });

function extract(propagator: TextMapPropagator, headers: Record<string, string | string[]>): Context {
  return propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
}

function inject(propagator: TextMapPropagator, context: Context): Record<string, string> {
  const out: Record<string, string> = {};
  propagator.inject(context, out, defaultTextMapSetter);
  return out;
}

/** What a tracer does between extract and inject: a child span of the remote parent, same trace state. */
function childSpan(context: Context): Context {
  const parent = trace.getSpanContext(context);
  if (!parent) throw new Error("no remote span");
  return trace.setSpanContext(context, { ...parent, spanId: CHILD, isRemote: false });
}

const forty = [...Array.from({ length: 39 }, (_, i) => `v${i}=x`), "ctx=lane:gray"].join(", ");
const sixHundred = [...Array.from({ length: 10 }, (_, i) => `vendor${i}=${"y".repeat(55)}`), "ctx=lane:gray"].join(",");

describe("LanePropagator is an OpenTelemetry TextMapPropagator", () => {
  it("type-checks as one and lists the fields it writes", () => {
    const propagator: TextMapPropagator = lanePropagator();
    expect(new Set(propagator.fields())).toEqual(new Set(["traceparent", "tracestate", "baggage"]));
  });

  it("round-trips through the global propagation API and a stock OpenTelemetry service downstream", () => {
    propagation.setGlobalPropagator(lanePropagator());
    try {
      const incoming = { traceparent: TP, tracestate: "rojo=1, ctx=lane:gray", baggage: "userId=alice" };
      const context = propagation.extract(ROOT_CONTEXT, incoming);
      expect(getLane(context)).toBe("gray");
      expect(trace.getSpanContext(context)).toMatchObject({ traceId: TRACE, spanId: PARENT, isRemote: true });
      const out: Record<string, string> = {};
      propagation.inject(childSpan(context), out);
      expect(out).toEqual({ traceparent: `00-${TRACE}-${CHILD}-01`, tracestate: "ctx=lane:gray,rojo=1", baggage: "lane=gray,userId=alice" });

      const downstream = extract(stock, out);
      expect(trace.getSpanContext(downstream)?.traceState?.get("ctx")).toBe("lane:gray");
      expect(propagation.getBaggage(downstream)?.getEntry("lane")?.value).toBe("gray");
    } finally {
      propagation.disable();
    }
  });

  it("40 members: OpenTelemetry alone loses the lane (first 32 kept); the lane propagator writes it first", () => {
    const headers = { traceparent: TP, tracestate: forty };
    expect(trace.getSpanContext(extract(stock, headers))?.traceState?.get("ctx")).toBeUndefined();
    const propagator = lanePropagator();
    const context = extract(propagator, headers);
    expect(getLane(context)).toBe("gray");
    const out = inject(propagator, childSpan(context));
    const members = out.tracestate!.split(",");
    expect(members[0]).toBe("ctx=lane:gray");
    expect(members.length).toBeLessThanOrEqual(32);
    expect(trace.getSpanContext(extract(stock, out))?.traceState?.get("ctx")).toBe("lane:gray");
  });

  it("600 characters: OpenTelemetry alone loses the lane; the lane propagator keeps it within 512", () => {
    expect(sixHundred.length).toBeGreaterThan(600);
    const headers = { traceparent: TP, tracestate: sixHundred };
    expect(trace.getSpanContext(extract(stock, headers))?.traceState?.get("ctx")).toBeUndefined();
    const propagator = lanePropagator();
    const out = inject(propagator, childSpan(extract(propagator, headers)));
    expect(out.tracestate!.startsWith("ctx=lane:gray,")).toBe(true);
    expect(out.tracestate!.length).toBeLessThanOrEqual(512);
    expect(new TraceState(out.tracestate).get("ctx")).toBe("lane:gray");
  });

  it("duplicate ctx: OpenTelemetry keeps the last, the lane propagator the first and writes one", () => {
    const headers = { traceparent: TP, tracestate: "ctx=lane:gray,a=1,ctx=lane:blue" };
    expect(trace.getSpanContext(extract(stock, headers))?.traceState?.get("ctx")).toBe("lane:blue");
    const propagator = lanePropagator();
    const context = extract(propagator, headers);
    expect(getLane(context)).toBe("gray");
    const out = inject(propagator, childSpan(context));
    expect(out.tracestate!.split(",").filter((m) => m.startsWith("ctx="))).toEqual(["ctx=lane:gray"]);
    expect(trace.getSpanContext(extract(stock, out))?.traceState?.get("ctx")).toBe("lane:gray");
  });

  it.each([
    ["missing", undefined],
    ["invalid (upper-case hex)", TP.toUpperCase()],
    ["invalid (all-zero trace id)", `00-${"0".repeat(32)}-${PARENT}-01`],
  ])("traceparent %s: OpenTelemetry ignores the tracestate, the lane propagator reads the lane and starts a trace", (_name, traceparent) => {
    const headers: Record<string, string> = { tracestate: "ctx=lane:gray" };
    if (traceparent !== undefined) headers.traceparent = traceparent;
    expect(trace.getSpanContext(extract(stock, headers))).toBeUndefined();
    const propagator = lanePropagator();
    const context = extract(propagator, headers);
    expect(getLane(context)).toBe("gray");
    const out = inject(propagator, context);
    expect(out.traceparent).toMatch(V00);
    expect(out).toMatchObject({ tracestate: "ctx=lane:gray", baggage: "lane=gray" });
    expect(trace.getSpanContext(extract(stock, out))?.traceState?.get("ctx")).toBe("lane:gray");
  });

  it("future-version traceparent: parsed by OpenTelemetry, written back as version 00", () => {
    const propagator = lanePropagator();
    const context = extract(propagator, { traceparent: `01-${TRACE}-${PARENT}-01-future`, tracestate: "ctx=lane:gray" });
    expect(trace.getSpanContext(context)).toMatchObject({ traceId: TRACE, spanId: PARENT });
    expect(inject(propagator, childSpan(context))).toEqual({ traceparent: `00-${TRACE}-${CHILD}-01`, tracestate: "ctx=lane:gray", baggage: "lane=gray" });
  });

  it("tracestate wins over baggage; the disagreement is reported and the baggage rewritten", () => {
    const onDisagreement = jest.fn();
    const propagator = lanePropagator({ onDisagreement });
    const context = extract(propagator, { traceparent: TP, tracestate: "ctx=lane:gray", baggage: "lane=blue,k=v" });
    expect(getLane(context)).toBe("gray");
    expect(onDisagreement).toHaveBeenCalledWith({ lane: "gray", tracestateLane: "gray", baggageLane: "blue" });
    const out = inject(propagator, childSpan(context));
    expect(otelBaggage(out.baggage!)).toEqual({ lane: "gray", k: "v" });
  });

  it("the default lane: no lane member written, the rest of the context kept", () => {
    const propagator = lanePropagator();
    const context = extract(propagator, { traceparent: TP, tracestate: "rojo=1", baggage: "k=v" });
    expect(getLane(context)).toBe("default");
    expect(inject(propagator, childSpan(context))).toEqual({ traceparent: `00-${TRACE}-${CHILD}-01`, tracestate: "rojo=1", baggage: "k=v" });
    expect(inject(propagator, ROOT_CONTEXT)).toEqual({});
  });

  it("inject takes the lane from the lane context, else the OpenTelemetry Context, else the span's tracestate", () => {
    const propagator = lanePropagator();
    const context = extract(propagator, { traceparent: TP, tracestate: "ctx=lane:gray" });
    expect(runWithLane("blue", () => inject(propagator, childSpan(context))).tracestate).toBe("ctx=lane:blue");
    expect(inject(propagator, setLane(childSpan(context), "green")).tracestate).toBe("ctx=lane:green");
    const spanOnly = extract(stock, { traceparent: TP, tracestate: "a=1,ctx=lane:gray" });
    expect(spanOnly.getValue(LANE_CONTEXT_KEY)).toBeUndefined();
    expect(inject(propagator, childSpan(spanOnly))).toMatchObject({ tracestate: "ctx=lane:gray,a=1", baggage: "lane=gray" });
  });

  it("setLane refuses an invalid lane", () => {
    expect(() => setLane(ROOT_CONTEXT, "Gray")).toThrow(LaneNameError);
  });

  it("works inside a CompositePropagator next to other propagators", () => {
    const vendor: TextMapPropagator = {
      inject: (_context, carrier, setter) => setter.set(carrier, "x-vendor", "1"),
      extract: (context) => context,
      fields: () => ["x-vendor"],
    };
    const composite = new CompositePropagator({ propagators: [lanePropagator(), vendor] });
    expect(new Set(composite.fields())).toEqual(new Set(["traceparent", "tracestate", "baggage", "x-vendor"]));
    const context = extract(composite, { traceparent: TP, tracestate: forty, baggage: "lane=gray" });
    expect(getLane(context)).toBe("gray");
    const out = inject(composite, childSpan(context));
    expect(out["x-vendor"]).toBe("1");
    expect(out.tracestate!.startsWith("ctx=lane:gray,")).toBe(true);
    expect(out.traceparent).toBe(`00-${TRACE}-${CHILD}-01`);
  });

  it("passes other headers of the wrapped propagators through", () => {
    const vendor: TextMapPropagator = {
      inject: (_context, carrier, setter) => setter.set(carrier, "X-Vendor", "1"),
      extract: (context) => context,
      fields: () => ["x-vendor"],
    };
    const propagator = new LanePropagator({ propagators: [new W3CTraceContextPropagator(), vendor], counters: newLaneReadCounters() });
    expect(inject(propagator, childSpan(extract(propagator, { traceparent: TP })))).toEqual({ "X-Vendor": "1", traceparent: `00-${TRACE}-${CHILD}-01` });
  });
});
