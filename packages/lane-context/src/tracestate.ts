/**
 * W3C Trace Context `tracestate`: list-members `key=value` separated by `,`, with optional spaces
 * and tabs around members; empty members allowed; one entry per key, a modified key moves to
 * the front; at most 32 members; propagate at least 512 characters; when truncating, drop
 * members longer than 128 characters first, then from the end.
 *
 * Reading is lenient (any position, any spacing, repeated header lines, more than 32 members or
 * 512 characters); writing is canonical (lane member first, `,` without spaces, within limits).
 */
import {
  LANE_VALUE_PREFIX,
  TRACESTATE_KEY,
  TRACESTATE_LARGE_MEMBER,
  TRACESTATE_MAX_LENGTH,
  TRACESTATE_MAX_MEMBERS,
  isLaneName,
  laneMember,
} from "./protocol";

/** W3C list-member key: simple key, or multi-tenant `tenant@system`. */
const KEY = /^(?:[a-z0-9][_0-9a-z*/-]{0,255}|[a-z0-9][_0-9a-z*/-]{0,240}@[a-z][_0-9a-z*/-]{0,13})$/;

/**
 * W3C list-member value `raw[from, to)`: 1 to 256 printable ASCII characters except `,` and `=`,
 * not ending in a space (a loop: the equivalent regular expression costs more per request).
 */
function isValue(raw: string, from: number, to: number): boolean {
  const length = to - from;
  if (length < 1 || length > 256 || raw.charCodeAt(to - 1) === 0x20) return false;
  for (let i = from; i < to; i++) {
    const code = raw.charCodeAt(i);
    if (code < 0x20 || code > 0x7e || code === 0x2c || code === 0x3d) return false;
  }
  return true;
}

/** What a `tracestate` says about the lane, and the other members to pass on. */
export interface ParsedTracestate {
  /** The first valid lane member's lane, or undefined. */
  readonly lane: string | undefined;
  /** How many `ctx` members were seen (valid or not); more than one is a duplicate. */
  readonly ctxMembers: number;
  /** `ctx` members whose value is not `lane:{valid lane}` (ignored). */
  readonly invalidCtxMembers: number;
  /** Valid non-`ctx` members in order, whitespace removed, first of each key kept. */
  readonly others: readonly string[];
}

const EMPTY: ParsedTracestate = { lane: undefined, ctxMembers: 0, invalidCtxMembers: 0, others: [] };

/** The lane carried by one `ctx` value (`lane:{lane}`), or undefined. */
export function laneFromCtxValue(value: string): string | undefined {
  if (!value.startsWith(LANE_VALUE_PREFIX)) return undefined;
  const lane = value.slice(LANE_VALUE_PREFIX.length);
  return isLaneName(lane) ? lane : undefined;
}

/** Space or horizontal tab: W3C optional whitespace around list-members. */
function isOws(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/**
 * Parses a (joined) `tracestate`. Duplicate `ctx` members: the first valid one wins (W3C moves a
 * changed key to the front, so the leftmost is the newest; the writer keeps only one). Other
 * members: invalid ones are dropped, duplicates keep the first.
 */
export function parseTracestate(raw: string): ParsedTracestate {
  if (raw.length === 0) return EMPTY;
  let lane: string | undefined;
  let ctxMembers = 0;
  let invalidCtxMembers = 0;
  const others: string[] = [];
  const keys: string[] = [];
  const length = raw.length;
  let next = 0;
  while (next <= length) {
    let end = raw.indexOf(",", next);
    if (end < 0) end = length;
    let from = next;
    let to = end;
    next = end + 1;
    while (from < to && isOws(raw.charCodeAt(from))) from++;
    while (to > from && isOws(raw.charCodeAt(to - 1))) to--;
    const eq = raw.indexOf("=", from);
    if (eq <= from || eq >= to) continue;
    if (eq - from === TRACESTATE_KEY.length && raw.startsWith(TRACESTATE_KEY, from)) {
      ctxMembers++;
      const memberLane = laneFromCtxValue(raw.slice(eq + 1, to));
      if (memberLane === undefined) invalidCtxMembers++;
      else if (lane === undefined) lane = memberLane;
      continue;
    }
    const key = raw.slice(from, eq);
    if (keys.includes(key) || !isValue(raw, eq + 1, to) || !KEY.test(key)) continue;
    keys.push(key);
    others.push(raw.slice(from, to));
  }
  return { lane, ctxMembers, invalidCtxMembers, others };
}

/**
 * Canonical outgoing `tracestate`: `ctx=lane:{lane}` first (none for `lane` undefined, i.e. the
 * default lane), then `others` in order, joined by `,`, at most 32 members and 512 characters.
 * Members are dropped whole, never the lane member: past 32 from the end; past 512 characters
 * the last member longer than 128 characters first, else the last one. `others` must be valid
 * members without `ctx` (as `parseTracestate` returns them). Returns "" when nothing is left.
 */
export function formatTracestate(lane: string | undefined, others: readonly string[]): string {
  const list: string[] = lane === undefined ? [] : [laneMember(lane)];
  const fixed = list.length;
  for (const member of others) {
    if (list.length >= TRACESTATE_MAX_MEMBERS) break;
    list.push(member);
  }
  let length = list.reduce((sum, m) => sum + m.length, 0) + Math.max(0, list.length - 1);
  while (length > TRACESTATE_MAX_LENGTH && list.length > fixed) {
    let drop = list.length - 1;
    for (let i = list.length - 1; i >= fixed; i--) {
      if (list[i]!.length > TRACESTATE_LARGE_MEMBER) {
        drop = i;
        break;
      }
    }
    length -= list[drop]!.length + (list.length > 1 ? 1 : 0);
    list.splice(drop, 1);
  }
  return list.join(",");
}
