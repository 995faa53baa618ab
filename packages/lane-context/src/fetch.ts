/**
 * A `fetch` that carries the current lane: `const fetch = laneFetch();` then use it as usual.
 * Inside a lane context it sets `traceparent`, `tracestate` and `baggage` canonically; headers
 * the caller set explicitly keep their own members (and a valid traceparent of their own), only
 * the lane members are replaced by the current lane's. Outside any context the request goes
 * out unchanged.
 */
import { type LaneContext, currentLaneContext } from "./context";
import { parseBaggage } from "./baggage";
import { BAGGAGE_HEADER, TRACEPARENT_HEADER, TRACESTATE_HEADER } from "./protocol";
import { parseTraceparent } from "./traceparent";
import { parseTracestate } from "./tracestate";
import { laneHeaders } from "./write";

type FetchFn = typeof globalThis.fetch;
type FetchInput = Parameters<FetchFn>[0];
type FetchInit = NonNullable<Parameters<FetchFn>[1]>;

/**
 * Sets the lane headers of `context` on `headers` (mutated and returned), merging with what the
 * caller already set there.
 */
export function injectLaneHeaders(headers: Headers, context: LaneContext): Headers {
  const ownTraceparent = parseTraceparent(headers.get(TRACEPARENT_HEADER) ?? undefined);
  const ownTracestate = headers.get(TRACESTATE_HEADER);
  const ownBaggage = headers.get(BAGGAGE_HEADER);
  const out =
    ownTraceparent === undefined && ownTracestate === null && ownBaggage === null
      ? context.headers
      : laneHeaders({
          lane: context.lane,
          traceparent: ownTraceparent ?? context.traceparent,
          tracestateMembers: ownTracestate === null ? context.tracestateMembers : parseTracestate(ownTracestate).others,
          baggageMembers: ownBaggage === null ? context.baggageMembers : parseBaggage(ownBaggage).others,
        });
  headers.set(TRACEPARENT_HEADER, out.traceparent);
  if (out.tracestate !== undefined) headers.set(TRACESTATE_HEADER, out.tracestate);
  else headers.delete(TRACESTATE_HEADER);
  if (out.baggage !== undefined) headers.set(BAGGAGE_HEADER, out.baggage);
  else headers.delete(BAGGAGE_HEADER);
  return headers;
}

/** Wraps `fetchImpl` (default: the global fetch) so every call carries the current lane. */
export function laneFetch(fetchImpl: FetchFn = globalThis.fetch): FetchFn {
  return function fetchInLane(input: FetchInput, init?: FetchInit): Promise<Response> {
    const context = currentLaneContext();
    if (context === undefined) return fetchImpl(input, init);
    const base = init?.headers ?? (input instanceof Request ? input.headers : undefined);
    const headers = injectLaneHeaders(new Headers(base), context);
    return fetchImpl(input, { ...init, headers });
  };
}
