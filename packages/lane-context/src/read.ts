/**
 * Reading the lane of an incoming request (lenient).
 *
 * Precedence: the `tracestate` lane member wins over `baggage` `lane=`, and baggage is used only
 * when tracestate carries no valid lane member; neither gives `default`. Tracestate wins
 * because it is what every ALB on the way routes on: the hop that is reading already sits in
 * the tracestate's lane (or in `default` when that lane has no deployment here), and the next
 * hop's ALB will route on the tracestate this package writes. Baggage is the fallback for
 * hops where tracestate was lost (a tracer that dropped it, a proxy that stripped it). When
 * both carry a valid lane and they differ, the disagreement is counted and reported.
 *
 * Duplicates: the first valid `ctx` member (and the first valid baggage `lane`) wins. At the
 * ALB two ctx members match two lane rules and the lower rule priority wins, which has nothing
 * to do with their order; OpenTelemetry keeps the last one. Neither is a rule a service can
 * follow, so this package takes the W3C reading (a changed key moves to the front: the leftmost
 * member is the newest) and writes a single member, after which every hop agrees.
 *
 * The lane is read from tracestate even without a valid traceparent (OpenTelemetry would ignore
 * tracestate then): the ALB routed on it regardless. The writer then starts a new trace.
 */
import { type ParsedBaggage, parseBaggage } from "./baggage";
import { type HeaderSource, firstLine, headerValue, joinedList } from "./header-values";
import { BAGGAGE_HEADER, DEFAULT_LANE, TRACEPARENT_HEADER, TRACESTATE_HEADER } from "./protocol";
import { type Traceparent, parseTraceparent } from "./traceparent";
import { type ParsedTracestate, parseTracestate } from "./tracestate";

/** Where the lane came from. */
export type LaneSource = "tracestate" | "baggage" | "none";

/** Reported when tracestate and baggage both carry a valid lane and the lanes differ. */
export interface LaneDisagreement {
  /** The lane used (tracestate's). */
  readonly lane: string;
  readonly tracestateLane: string;
  readonly baggageLane: string;
}

/** Everything read from one request's headers. */
export interface LaneRead {
  /** The request's lane: tracestate's, else baggage's, else `default`. */
  readonly lane: string;
  readonly source: LaneSource;
  /** Valid incoming traceparent (a higher version parsed by its first four fields), if any. */
  readonly traceparent: Traceparent | undefined;
  readonly tracestate: ParsedTracestate;
  readonly baggage: ParsedBaggage;
}

/** Counters of what the readers saw, for metrics; `laneReadCounters` is the process-wide one. */
export interface LaneReadCounters {
  reads: number;
  fromTracestate: number;
  fromBaggage: number;
  /** Both carriers had a valid lane and they differed. */
  disagreements: number;
  /** More than one `ctx` member in tracestate (or `lane` member in baggage). */
  duplicates: number;
  /** A `ctx` / `lane` member whose lane name is invalid (ignored). */
  invalidLanes: number;
}

export function newLaneReadCounters(): LaneReadCounters {
  return { reads: 0, fromTracestate: 0, fromBaggage: 0, disagreements: 0, duplicates: 0, invalidLanes: 0 };
}

/** Process-wide counters every read updates (unless `counters` is given). */
export const laneReadCounters: LaneReadCounters = newLaneReadCounters();

export interface ReadOptions {
  /** Called when tracestate and baggage carry different valid lanes (after counting). */
  readonly onDisagreement?: (disagreement: LaneDisagreement) => void;
  /** Counters to update instead of `laneReadCounters`. */
  readonly counters?: LaneReadCounters;
}

/** Reads the lane and the trace context from raw header values. */
export function readLaneFromValues(
  traceparent: string,
  tracestate: string,
  baggage: string,
  options: ReadOptions = {},
): LaneRead {
  const ts = parseTracestate(tracestate);
  const bg = parseBaggage(baggage);
  const counters = options.counters ?? laneReadCounters;
  counters.reads++;
  if (ts.ctxMembers > 1 || bg.laneMembers > 1) counters.duplicates++;
  if (ts.invalidCtxMembers > 0 || bg.invalidLaneMembers > 0) counters.invalidLanes++;
  let lane = DEFAULT_LANE;
  let source: LaneSource = "none";
  if (ts.lane !== undefined) {
    lane = ts.lane;
    source = "tracestate";
    counters.fromTracestate++;
    if (bg.lane !== undefined && bg.lane !== ts.lane) {
      counters.disagreements++;
      options.onDisagreement?.({ lane, tracestateLane: ts.lane, baggageLane: bg.lane });
    }
  } else if (bg.lane !== undefined) {
    lane = bg.lane;
    source = "baggage";
    counters.fromBaggage++;
  }
  return { lane, source, traceparent: parseTraceparent(traceparent), tracestate: ts, baggage: bg };
}

/**
 * Reads the lane of a request from its headers: Node's `req.headers`, a fetch `Headers`, or a
 * record whose values may be arrays of header lines (joined with ",").
 */
export function readLane(headers: HeaderSource | undefined, options: ReadOptions = {}): LaneRead {
  return readLaneFromValues(
    firstLine(headerValue(headers, TRACEPARENT_HEADER)),
    joinedList(headerValue(headers, TRACESTATE_HEADER)),
    joinedList(headerValue(headers, BAGGAGE_HEADER)),
    options,
  );
}
