/**
 * The lane protocol: the one place every part of the platform takes lane names, carriers and
 * limits from (service code through this package; later the synth code in lib/ and the
 * generated CloudFront edge constants). Data and pure functions only: no imports, no I/O, so
 * any runtime (Node, CloudFront Functions after generation, a bundler) can use it.
 *
 * A request is in lane L when its W3C `tracestate` carries the list member `ctx=lane:L`
 * (what the ALB listener rules match) and, as a second carrier, its W3C `baggage` carries
 * `lane=L`. A request without a lane member is in the `default` lane.
 */

/** The lane of every request that carries none; it has no ALB rule (the listener's default action). */
export const DEFAULT_LANE = "default";

/**
 * Lane names: DNS-label style, lower-case letters, digits and inner hyphens. Keeps out the ALB
 * wildcards `*` and `?`, and the tracestate separators `,` and `=`, and upper case (the ALB
 * matches case-insensitively; tracestate values are case-sensitive, so one spelling only).
 */
export const LANE_PATTERN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/** AWS: an ALB `http-header` condition value is at most 128 characters. */
export const ALB_HEADER_VALUE_LIMIT = 128;

/** W3C Trace Context: the `tracestate` list-member key that carries the lane. */
export const TRACESTATE_KEY = "ctx";

/** The lane member's value is `lane:{lane}`, so `ctx` can carry other context kinds later. */
export const LANE_VALUE_PREFIX = "lane:";

/**
 * The longest ALB value for a lane is `*,ctx=lane:{lane},*` (the member in the middle of the
 * list); it must fit ALB_HEADER_VALUE_LIMIT, so a lane name has at most 128 - 13 = 115 characters.
 */
export const MAX_LANE_LENGTH = ALB_HEADER_VALUE_LIMIT - `*,${TRACESTATE_KEY}=${LANE_VALUE_PREFIX},*`.length;

/** W3C Trace Context: header names (sent lower-case; received in any case). */
export const TRACESTATE_HEADER = "tracestate";
export const TRACEPARENT_HEADER = "traceparent";

/**
 * Response header a lane's task answers with: the lane it runs in (the `LANE` the platform puts
 * in every task's environment). The pipeline's verify step reads it to prove the lane itself
 * answered, not `default` behind a missing or wrong rule. The package's server middleware sets it.
 */
export const SERVED_BY_HEADER = "x-lanes-served-by";

/** W3C Baggage: header name, and the key of the lane's list member (`baggage: lane=gray`). */
export const BAGGAGE_HEADER = "baggage";
export const BAGGAGE_KEY = "lane";

/** W3C Trace Context: a `tracestate` list holds at most 32 list-members. */
export const TRACESTATE_MAX_MEMBERS = 32;

/**
 * W3C Trace Context: vendors SHOULD propagate at least 512 characters of the combined header
 * (commas and optional whitespace included). OpenTelemetry does not keep more on receive, so
 * this package never writes more.
 */
export const TRACESTATE_MAX_LENGTH = 512;

/** W3C Trace Context: when truncating, list-members longer than 128 characters SHOULD go first. */
export const TRACESTATE_LARGE_MEMBER = 128;

/** W3C Baggage: a platform MUST propagate at least 64 list-members; this package writes no more. */
export const BAGGAGE_MAX_MEMBERS = 64;

/** W3C Baggage: a platform MUST propagate a baggage-string of at least 8192 bytes; this package writes no more. */
export const BAGGAGE_MAX_BYTES = 8192;

/** SQS: the message attribute that carries the lane (`{ DataType: "String", StringValue: lane }`). */
export const SQS_LANE_ATTRIBUTE = "lane";

/** AWS SQS: a message has at most 10 message attributes. */
export const SQS_MAX_MESSAGE_ATTRIBUTES = 10;

/** Human-readable form of the lane name rule, for error messages. */
export const LANE_RULE_TEXT = `lower-case letters, digits and hyphens, starting and ending with a letter or digit, at most ${MAX_LANE_LENGTH} characters`;

/** Returns why `lane` is not a valid lane name, or undefined when it is one. */
export function laneNameProblem(lane: string): string | undefined {
  if (lane.length === 0) return "lane name is empty";
  if (lane.length > MAX_LANE_LENGTH) return `lane name is ${lane.length} characters long (at most ${MAX_LANE_LENGTH})`;
  if (!LANE_PATTERN.test(lane)) return "lane name has characters outside [a-z0-9-] or starts/ends with a hyphen";
  return undefined;
}

/** True when `lane` is a valid lane name (`default` included). */
export function isLaneName(lane: unknown): lane is string {
  return typeof lane === "string" && lane.length <= MAX_LANE_LENGTH && LANE_PATTERN.test(lane);
}

/** The `tracestate` list member that carries a lane: `ctx=lane:{lane}`. */
export function laneMember(lane: string): string {
  return `${TRACESTATE_KEY}=${LANE_VALUE_PREFIX}${lane}`;
}

/**
 * ALB `http-header` condition values on `tracestate` that match the lane member as a whole list
 * member anywhere in a canonical list (alone, first, last, middle): 4 values, 4 wildcards.
 * `*ctx=lane:gray*` is never used: it also matches `ctx=lane:gray2` and `xctx=lane:gray`.
 */
export function laneHeaderValues(lane: string): string[] {
  const member = laneMember(lane);
  return [member, `${member},*`, `*,${member}`, `*,${member},*`];
}

// ---------------------------------------------------------------- the edge's lane rules

/**
 * The rules that assign requests to lanes at the edge (CloudFront Functions reading a
 * KeyValueStore; master copy in DynamoDB, validated by the sync Lambda and the lanes CLI): the
 * format's keys, defaults and bounds. The CloudFront functions get these as constants generated
 * at synth (lib/edge/function-code.ts); edge/rules.js validates with them.
 */
/** The KeyValueStore key holding the rules (JSON). */
export const RULES_KEY = "rules";
/** AWS: a CloudFront KeyValueStore value is at most 1 KB; counted in UTF-8 bytes (the stricter reading). */
export const RULES_MAX_VALUE_BYTES = 1024;
/** The sticky lane cookie when the rules name none. */
export const RULES_DEFAULT_COOKIE_NAME = "lane";
export const RULES_DEFAULT_COOKIE_MAX_AGE = 86400;
/** The sticky cookie's Max-Age: 1 second to one year. */
export const RULES_MIN_COOKIE_MAX_AGE = 1;
export const RULES_MAX_COOKIE_MAX_AGE = 31536000;
/** RFC 9110 token, lower case only: CloudFront Functions see header names in lower case. */
export const HEADER_NAME_PATTERN = /^[a-z0-9!#$%&'*+.^_`|~-]+$/;
/** RFC 6265 cookie-name = token. */
export const COOKIE_NAME_PATTERN = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
/** A user id in the rules or a request: no list or cookie separators, no whitespace. */
export const USER_ID_PATTERN = /^[^,;\s]+$/;
export const MAX_USER_ID_LENGTH = 128;

// ---------------------------------------------------------------- signed lane selection at the edge

/**
 * Nobody chooses a lane from outside without a signature: the tester override (a token minted by
 * `lanes edge token`) and the sticky cookie are `{payload}.{signature}`, the signature being the
 * base64url HMAC-SHA256, under one of the edge's keys, of `{kind}.{payload}` (the kind keeps a
 * cookie from passing as a token). The user id comes from an HS256 JWT (RFC 7519) under one of
 * the user keys. The keys are in the KeyValueStore key KEYS_KEY.
 */
/** The KeyValueStore key holding the keys: `{ "edge": [{ "id", "key" }…], "user": [{ "id", "key" }…] }`, the current edge key first. */
export const KEYS_KEY = "keys";
/** The separator of a signed value's parts (lane names, numbers, key ids and base64url hold none). */
export const SIGNED_SEPARATOR = ".";
/** Tester token: `{lane}.{expires}.{key id}.{signature}`, signed as `t.{lane}.{expires}.{key id}`. */
export const TOKEN_KIND = "t";
/** Sticky cookie: `{lane}.{rules version}.{expires}.{key id}.{signature}`, signed as `c.{lane}.{rules version}.{expires}.{key id}`. */
export const COOKIE_KIND = "c";
/** A key id: base64url characters. */
export const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** A sticky cookie as the edge writes it (the viewer-response function sets nothing else). */
export const STICKY_COOKIE_PATTERN = new RegExp(`^[a-z0-9-]{1,${MAX_LANE_LENGTH}}\\.[0-9]{1,15}\\.[0-9]{1,12}\\.[A-Za-z0-9_-]{1,64}\\.[A-Za-z0-9_-]{43}$`);
/** The only JWT algorithm the edge takes for the user id (RFC 7518 HMAC SHA-256). */
export const JWT_ALGORITHM = "HS256";
/**
 * Percentages: every user has one bucket 0..PERCENT_BUCKETS-1 (the first 32 bits of the SHA-256
 * of the user id, mod PERCENT_BUCKETS); the lanes of `percentages` take consecutive ranges in
 * list order, `percent * PERCENT_BUCKETS / 100` buckets each; `default` keeps the rest.
 */
export const PERCENT_BUCKETS = 10000;
/** Log line prefix of a rejected (unsigned, badly signed, expired) tester token, user id or cookie; a metric filter counts them. */
export const REJECTED_LOG_PREFIX = "lanes-rejected";
