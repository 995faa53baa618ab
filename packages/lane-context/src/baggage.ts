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

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** A whole list-member: key, `=`, value of baggage-octets, then properties (key or key=value). */
const MEMBER =
  /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+[ \t]*=[ \t]*[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*(?:[ \t]*;[ \t]*[!#$%&'*+\-.^_`|~0-9A-Za-z]+(?:[ \t]*=[ \t]*[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*)?)*$/;
const OWS = /^[ \t]+|[ \t]+$/g;

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

/** The (decoded) lane of one `lane` member's text after the key, or undefined. */
function laneFromMember(member: string, eq: number): string | undefined {
  const semicolon = member.indexOf(";", eq + 1);
  const raw = (semicolon < 0 ? member.slice(eq + 1) : member.slice(eq + 1, semicolon)).replace(OWS, "");
  const value = raw.indexOf("%") < 0 ? raw : decode(raw);
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
  for (const part of raw.split(",")) {
    const member = part.replace(OWS, "");
    if (member.length === 0) continue;
    const eq = member.indexOf("=");
    if (eq < 1) continue;
    const key = member.slice(0, eq).replace(OWS, "");
    if (!TOKEN.test(key) || !MEMBER.test(member)) continue;
    if (key === BAGGAGE_KEY) {
      laneMembers++;
      const memberLane = laneFromMember(member, eq);
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
