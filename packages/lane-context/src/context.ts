/**
 * The current lane context: an AsyncLocalStorage store set for the duration of one request (or
 * one queue message). Each request runs in its own `run()`, never `enterWith()`, so nothing
 * leaks into the next request handled on the same keep-alive connection or in the same async
 * context: a request without a lane gets a fresh `default` context, not its predecessor's.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { HeaderSource } from "./header-values";
import { DEFAULT_LANE } from "./protocol";
import { type LaneRead, type LaneSource, type ReadOptions, readLane } from "./read";
import { type Traceparent, newTraceparent } from "./traceparent";
import { type LaneHeaders, assertLane, laneHeaders } from "./write";

/** One request's lane and the trace context its outgoing calls carry on. */
export class LaneContext {
  private cachedHeaders: LaneHeaders | undefined;

  private constructor(
    /** The lane outgoing calls carry. */
    readonly lane: string,
    /** Where the lane came from: a carrier, or `explicit` (runWithLane, a queue message). */
    readonly source: LaneSource | "explicit",
    /** The trace outgoing calls continue (the incoming one, or one started here). */
    readonly traceparent: Traceparent,
    /** Other vendors' tracestate members to pass on (none when the trace was restarted). */
    readonly tracestateMembers: readonly string[],
    /** Other baggage members to pass on. */
    readonly baggageMembers: readonly string[],
  ) {}

  /** The context of an incoming request, read leniently from its headers. */
  static fromRead(read: LaneRead): LaneContext {
    const continued = read.traceparent !== undefined;
    return new LaneContext(
      read.lane,
      read.source,
      read.traceparent ?? newTraceparent(),
      continued ? read.tracestate.others : [],
      read.baggage.others,
    );
  }

  /** The context of an incoming request's headers (see `readLane` for the rules). */
  static fromHeaders(headers: HeaderSource | undefined, options?: ReadOptions): LaneContext {
    return LaneContext.fromRead(readLane(headers, options));
  }

  /** A new trace in `lane` (jobs, queue messages, tests). Throws LaneNameError for an invalid lane. */
  static forLane(lane: string, traceparent: Traceparent = newTraceparent()): LaneContext {
    return new LaneContext(assertLane(lane), "explicit", traceparent, [], []);
  }

  /** The same trace and members in another lane. Throws LaneNameError for an invalid lane. */
  withLane(lane: string): LaneContext {
    return new LaneContext(assertLane(lane), "explicit", this.traceparent, this.tracestateMembers, this.baggageMembers);
  }

  /** Canonical outgoing headers (computed once per context). */
  get headers(): LaneHeaders {
    this.cachedHeaders ??= laneHeaders({
      lane: this.lane,
      traceparent: this.traceparent,
      tracestateMembers: this.tracestateMembers,
      baggageMembers: this.baggageMembers,
    });
    return this.cachedHeaders;
  }
}

const STORAGE_KEY = Symbol.for("@lanes/lane-context/storage");
type GlobalWithStorage = typeof globalThis & { [STORAGE_KEY]?: AsyncLocalStorage<LaneContext> };

/** One storage per process, even if two copies of this package are loaded. */
function sharedStorage(): AsyncLocalStorage<LaneContext> {
  const holder = globalThis as GlobalWithStorage;
  holder[STORAGE_KEY] ??= new AsyncLocalStorage<LaneContext>();
  return holder[STORAGE_KEY];
}

export const laneStorage: AsyncLocalStorage<LaneContext> = sharedStorage();

/** Runs `fn` with `context` as the current lane context. */
export function runWithLaneContext<A extends unknown[], R>(context: LaneContext, fn: (...args: A) => R, ...args: A): R {
  return laneStorage.run(context, fn, ...args);
}

/**
 * Runs `fn` in `lane`: inside a request the same trace continues in the other lane; outside one
 * a new trace starts. Throws LaneNameError for an invalid lane.
 */
export function runWithLane<R>(lane: string, fn: () => R): R {
  const current = laneStorage.getStore();
  return laneStorage.run(current ? current.withLane(lane) : LaneContext.forLane(lane), fn);
}

/** The current lane context, or undefined outside any request or message. */
export function currentLaneContext(): LaneContext | undefined {
  return laneStorage.getStore();
}

/** The current lane; `default` outside any request or message. */
export function currentLane(): string {
  return laneStorage.getStore()?.lane ?? DEFAULT_LANE;
}
