/**
 * W3C Baggage: `list-member 0*179( OWS "," OWS list-member )`, a list-member is
 * `key OWS "=" OWS value *( OWS ";" OWS property )`, keys are RFC 7230 tokens, values are
 * percent-encoded UTF-8 made of baggage-octets. Several header lines combine into one list.
 * Whitespace around keys, values and properties MUST be trimmed when reading. Duplicate keys
 * are allowed; a system MAY deduplicate (keep first, keep last, ...). A platform MUST propagate
 * at least 64 list-members and 8192 bytes; this package writes no more than that, whole
 * members only.
 */
import { BAGGAGE_KEY, BAGGAGE_MAX_BYTES, BAGGAGE_MAX_MEMBERS, isLaneName } from "./protocol";

/** A whole list-member: key, `=`, value of baggage-octets, then properties (key or key=value). */
const MEMBER =
  /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+[ \t]*=[ \t]*[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*(?:[ \t]*;[ \t]*[!#$%&'*+\-.^_`|~0-9A-Za-z]+(?:[ \t]*=[ \t]*[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*)?)*$/;

/** What a `baggage` header says about the lane, and the other members to pass on. */
export interface ParsedBaggage {
  /** The first valid `lane` member's (decoded) value, or undefined. */
  readonly lane: string | undefined;
  /** How many `lane` members were seen (valid or not). */
  readonly laneMembers: number;
  /** `lane` members whose decoded value is not a valid lane name (ignored). */
  readonly invalidLaneMembers: number;
  /** Valid members other than `lane`, in order, surrounding whitespace removed. */
  readonly others: readonly string[];
}

const EMPTY: ParsedBaggage = { lane: undefined, laneMembers: 0, invalidLaneMembers: 0, others: [] };

function decode(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

/** Space or horizontal tab: RFC 7230 optional whitespace. */
function isOws(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/** The (decoded) lane of a `lane` member whose value starts at `from` and whose member ends at `to`. */
function laneFromValue(raw: string, from: number, to: number): string | undefined {
  const semicolon = raw.indexOf(";", from);
  let end = semicolon < 0 || semicolon > to ? to : semicolon;
  let start = from;
  while (start < end && isOws(raw.charCodeAt(start))) start++;
  while (end > start && isOws(raw.charCodeAt(end - 1))) end--;
  const text = raw.slice(start, end);
  const value = text.indexOf("%") < 0 ? text : decode(text);
  return isLaneName(value) ? value : undefined;
}

/**
 * Parses a (joined) `baggage` header. Duplicate `lane` members: the first valid one wins (the
 * same rule as for `tracestate`); the writer keeps only one. Members that do not follow the
 * grammar are dropped.
 */
export function parseBaggage(raw: string): ParsedBaggage {
  if (raw.length === 0) return EMPTY;
  let lane: string | undefined;
  let laneMembers = 0;
  let invalidLaneMembers = 0;
  const others: string[] = [];
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
    let keyEnd = eq;
    while (keyEnd > from && isOws(raw.charCodeAt(keyEnd - 1))) keyEnd--;
    const member = raw.slice(from, to);
    if (!MEMBER.test(member)) continue;
    if (keyEnd - from === BAGGAGE_KEY.length && raw.startsWith(BAGGAGE_KEY, from)) {
      laneMembers++;
      const memberLane = laneFromValue(raw, eq + 1, to);
      if (memberLane === undefined) invalidLaneMembers++;
      else if (lane === undefined) lane = memberLane;
      continue;
    }
    others.push(member);
  }
  return { lane, laneMembers, invalidLaneMembers, others };
}

/** UTF-8 length; baggage members are ASCII by grammar, so this is their length. */
function bytes(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

/**
 * Canonical outgoing `baggage`: `lane={lane}` first (none for `lane` undefined, i.e. the default
 * lane), then `others` in order, joined by `,`, at most 64 members and 8192 bytes. Members are
 * added whole while they fit and never cut; the lane member always fits (at most 120 bytes).
 * Returns "" when nothing is left.
 */
export function formatBaggage(lane: string | undefined, others: readonly string[]): string {
  const list: string[] = lane === undefined ? [] : [`${BAGGAGE_KEY}=${lane}`];
  let size = list.length === 0 ? 0 : bytes(list[0]!);
  for (const member of others) {
    if (list.length >= BAGGAGE_MAX_MEMBERS) break;
    const added = bytes(member) + (list.length > 0 ? 1 : 0);
    if (size + added > BAGGAGE_MAX_BYTES) continue;
    list.push(member);
    size += added;
  }
  return list.join(",");
}
