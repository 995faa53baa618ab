/**
 * An OpenTelemetry `TextMapPropagator` that keeps the lane member first in `tracestate` and the
 * lane in `baggage`. It matches `@opentelemetry/api`'s interfaces structurally and imports
 * nothing from it, so the peer dependency stays optional.
 *
 * Use it in place of the W3C propagators, wrapping them:
 *
 *   new LanePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] })
 *
 * It has to wrap them rather than sit beside them in a CompositePropagator: a propagator only
 * gets a setter on inject, so it cannot read what another one wrote, and OpenTelemetry's own
 * tracestate (a TraceState whose `set` silently does nothing past 512 characters, and which
 * serialises members in the order it holds them) decides where the lane member ends up.
 *
 * extract: runs the wrapped propagators, then reads the lane from the carrier with this
 *   package's rules (lenient; tracestate before baggage; first valid duplicate) and stores it in
 *   the OpenTelemetry Context under LANE_CONTEXT_KEY (`getLane(context)`).
 * inject: runs the wrapped propagators into a scratch carrier, then writes their headers with
 *   `tracestate` and `baggage` rewritten canonically for the lane: lane member first, at most 32
 *   members / 512 characters (tracestate) and 64 members / 8192 bytes (baggage), and a
 *   traceparent when the lane needs one and the tracer wrote none. The lane is the current lane
 *   context's (AsyncLocalStorage: this package's middleware, runWithLane, a queue message), else
 *   the OpenTelemetry Context's (LANE_CONTEXT_KEY, set by extract or setLane), else the one the
 *   wrapped propagators wrote (the span's tracestate, the baggage), else `default`.
 */
import { formatBaggage, parseBaggage } from "./baggage";
import { currentLaneContext } from "./context";
import { BAGGAGE_HEADER, TRACEPARENT_HEADER, TRACESTATE_HEADER, isLaneName } from "./protocol";
import { type ReadOptions, newLaneReadCounters, readLaneFromValues } from "./read";
import { formatTraceparent, newTraceparent, parseTraceparent } from "./traceparent";
import { formatTracestate, parseTracestate } from "./tracestate";
import { laneToWrite } from "./write";

/** Structural `@opentelemetry/api` Context. */
export interface OtelContext {
  getValue(key: symbol): unknown;
  setValue(key: symbol, value: unknown): OtelContext;
  deleteValue(key: symbol): OtelContext;
}

/** Structural `@opentelemetry/api` TextMapGetter. */
export interface OtelTextMapGetter<Carrier> {
  keys(carrier: Carrier): string[];
  get(carrier: Carrier, key: string): undefined | string | string[];
}

/** Structural `@opentelemetry/api` TextMapSetter. */
export interface OtelTextMapSetter<Carrier> {
  set(carrier: Carrier, key: string, value: string): void;
}

/** Structural `@opentelemetry/api` TextMapPropagator. */
export interface OtelTextMapPropagator {
  inject<Carrier>(context: OtelContext, carrier: Carrier, setter: OtelTextMapSetter<Carrier>): void;
  extract<Carrier>(context: OtelContext, carrier: Carrier, getter: OtelTextMapGetter<Carrier>): OtelContext;
  fields(): string[];
}

/**
 * The Context key holding the lane (a string). `Symbol.for`, as `createContextKey` does, so
 * every copy of this package agrees on it.
 */
export const LANE_CONTEXT_KEY: symbol = Symbol.for("@lanes/lane-context lane");

/** The lane stored in an OpenTelemetry Context by `LanePropagator.extract` or `setLane`. */
export function getLane(context: OtelContext): string | undefined {
  const lane = context.getValue(LANE_CONTEXT_KEY);
  return isLaneName(lane) ? lane : undefined;
}

/** A Context carrying `lane` (for code that runs an outgoing call in another lane). */
export function setLane(context: OtelContext, lane: string): OtelContext {
  laneToWrite(lane);
  return context.setValue(LANE_CONTEXT_KEY, lane);
}

export interface LanePropagatorOptions extends ReadOptions {
  /** The propagators to wrap, usually W3CTraceContextPropagator and W3CBaggagePropagator. */
  readonly propagators?: readonly OtelTextMapPropagator[];
}

/** What the wrapped propagators wrote, by lower-case name (keeping the name as written). */
type Scratch = Map<string, { readonly key: string; readonly value: string }>;
const scratchSetter: OtelTextMapSetter<Scratch> = {
  set(carrier, key, value) {
    carrier.set(key.toLowerCase(), { key, value });
  },
};

export class LanePropagator implements OtelTextMapPropagator {
  private readonly propagators: readonly OtelTextMapPropagator[];
  private readonly readOptions: ReadOptions;

  constructor(options: LanePropagatorOptions = {}) {
    this.propagators = options.propagators ?? [];
    this.readOptions = options;
  }

  extract<Carrier>(context: OtelContext, carrier: Carrier, getter: OtelTextMapGetter<Carrier>): OtelContext {
    let ctx = context;
    for (const propagator of this.propagators) ctx = propagator.extract(ctx, carrier, getter);
    const value = (name: string, all: boolean): string => {
      const v = getter.get(carrier, name);
      if (v === undefined) return "";
      if (typeof v === "string") return v;
      return all ? v.join(",") : (v[0] ?? "");
    };
    const read = readLaneFromValues(
      value(TRACEPARENT_HEADER, false),
      value(TRACESTATE_HEADER, true),
      value(BAGGAGE_HEADER, true),
      this.readOptions,
    );
    return ctx.setValue(LANE_CONTEXT_KEY, read.lane);
  }

  inject<Carrier>(context: OtelContext, carrier: Carrier, setter: OtelTextMapSetter<Carrier>): void {
    const scratch: Scratch = new Map();
    for (const propagator of this.propagators) propagator.inject(context, scratch, scratchSetter);
    const written = scratch.get(TRACESTATE_HEADER)?.value ?? "";
    const writtenBaggage = scratch.get(BAGGAGE_HEADER)?.value ?? "";
    const lane = this.laneFor(context, written, writtenBaggage);
    const laneMember = laneToWrite(lane);

    const tracestate = formatTracestate(laneMember, parseTracestate(written).others);
    const baggage = formatBaggage(laneMember, parseBaggage(writtenBaggage).others);
    let traceparent = scratch.get(TRACEPARENT_HEADER)?.value;
    if (parseTraceparent(traceparent) === undefined) {
      traceparent = undefined;
      if (laneMember !== undefined) {
        traceparent = formatTraceparent(currentLaneContext()?.traceparent ?? newTraceparent());
      }
    }
    scratch.delete(TRACEPARENT_HEADER);
    scratch.delete(TRACESTATE_HEADER);
    scratch.delete(BAGGAGE_HEADER);
    for (const { key, value } of scratch.values()) setter.set(carrier, key, value);
    if (traceparent !== undefined) {
      setter.set(carrier, TRACEPARENT_HEADER, traceparent);
      if (tracestate) setter.set(carrier, TRACESTATE_HEADER, tracestate);
    }
    if (baggage) setter.set(carrier, BAGGAGE_HEADER, baggage);
  }

  fields(): string[] {
    const fields = new Set<string>([TRACEPARENT_HEADER, TRACESTATE_HEADER, BAGGAGE_HEADER]);
    for (const propagator of this.propagators) for (const field of propagator.fields()) fields.add(field);
    return [...fields];
  }

  private laneFor(context: OtelContext, tracestate: string, baggage: string): string {
    const current = currentLaneContext();
    if (current !== undefined) return current.lane;
    const fromContext = getLane(context);
    if (fromContext !== undefined) return fromContext;
    // What the tracer wrote is this process's own output, not a request: not counted as a read.
    return readLaneFromValues("", tracestate, baggage, { counters: newLaneReadCounters() }).lane;
  }
}
