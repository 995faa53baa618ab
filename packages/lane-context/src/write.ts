/**
 * Writing outgoing headers (canonical).
 *
 * - `traceparent`: the incoming valid one (a higher version downgraded to 00), else a new random
 *   one. It is passed on unchanged otherwise: this package records no spans, so it acts like a
 *   pass-through hop; OpenTelemetry users get a new parent-id from their tracer instead.
 * - `tracestate`: `ctx=lane:{lane}` first, then the other vendors' valid members in their order,
 *   joined by "," without spaces, at most 32 members and 512 characters, never dropping the lane
 *   member. Other vendors' members are kept only when the incoming traceparent was valid: they
 *   describe a parent that a restarted trace no longer has (W3C: clean up tracestate on restart).
 * - `baggage`: `lane={lane}` first, then the other valid members, at most 64 members and 8192
 *   bytes, whole members only.
 * - The `default` lane writes no lane member in either carrier (requests without one route to
 *   default) and still passes the rest of the context on.
 */
import { formatBaggage } from "./baggage";
import { BAGGAGE_HEADER, DEFAULT_LANE, TRACEPARENT_HEADER, TRACESTATE_HEADER, laneNameProblem } from "./protocol";
import type { LaneRead } from "./read";
import { type Traceparent, formatTraceparent, newTraceparent } from "./traceparent";
import { formatTracestate } from "./tracestate";

/** Outgoing trace-context and baggage headers; absent entries are not to be sent. */
export interface LaneHeaders {
  readonly traceparent: string;
  readonly tracestate?: string;
  readonly baggage?: string;
}

/** What the writer needs: the lane, the trace to continue, and the members to pass on. */
export interface LaneWriteInput {
  readonly lane: string;
  /** The trace to continue; a new one is started when undefined. */
  readonly traceparent?: Traceparent | undefined;
  /** Valid non-`ctx` tracestate members (used only with a traceparent). */
  readonly tracestateMembers?: readonly string[];
  /** Valid non-`lane` baggage members. */
  readonly baggageMembers?: readonly string[];
}

export class LaneNameError extends Error {
  constructor(lane: string, problem: string) {
    super(`'${lane}' is not a valid lane: ${problem}`);
    this.name = "LaneNameError";
  }
}

/** Throws LaneNameError unless `lane` is a valid lane name; returns it. */
export function assertLane(lane: string): string {
  const problem = laneNameProblem(lane);
  if (problem !== undefined) throw new LaneNameError(lane, problem);
  return lane;
}

/** The lane as the carriers write it: undefined for the default lane (no member). */
export function laneToWrite(lane: string): string | undefined {
  return assertLane(lane) === DEFAULT_LANE ? undefined : lane;
}

/** Canonical outgoing headers for `input`. Throws LaneNameError for an invalid lane. */
export function laneHeaders(input: LaneWriteInput): LaneHeaders {
  const lane = laneToWrite(input.lane);
  const traceparent = input.traceparent ?? newTraceparent();
  const tracestate = formatTracestate(lane, input.traceparent ? (input.tracestateMembers ?? []) : []);
  const baggage = formatBaggage(lane, input.baggageMembers ?? []);
  return {
    traceparent: formatTraceparent(traceparent),
    ...(tracestate ? { tracestate } : {}),
    ...(baggage ? { baggage } : {}),
  };
}

/** Canonical outgoing headers that carry the lane of an incoming request read with `readLane`. */
export function laneHeadersFromRead(read: LaneRead, lane: string = read.lane): LaneHeaders {
  return laneHeaders({
    lane,
    traceparent: read.traceparent,
    tracestateMembers: read.tracestate.others,
    baggageMembers: read.baggage.others,
  });
}

/** The header names this package writes. */
export const LANE_HEADER_NAMES: readonly string[] = [TRACEPARENT_HEADER, TRACESTATE_HEADER, BAGGAGE_HEADER];
