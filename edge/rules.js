"use strict";
/**
 * Lane rules: the contract between the master copy (DynamoDB), the sync Lambda (edge/sync), the
 * lanes CLI and the CloudFront Function that assigns requests to lanes. The function reads the
 * rules from the KeyValueStore key RULES_KEY as JSON.
 *
 *   {
 *     "version": 3,                                   required, positive integer
 *     "lanes": ["default", "gray", "blue"],           required, unique lane names, must include "default"
 *     "userId": { "header": "x-user-id", "cookie": "uid" },   where the user id comes from (one or both)
 *     "testerHeader": "x-lane",                       header a tester sets to pick a lane
 *     "users": { "gray": ["u-1", "u-2"], "default": ["u-9"] },   pinned users per lane (needs userId)
 *     "percentages": [ { "lane": "gray", "percent": 10 } ],   shares of the users, in this order
 *     "cookie": { "name": "lane", "maxAgeSeconds": 86400 },   sticky lane cookie
 *     "changed": { "gray": 3, "default": 1 }          per lane, the last version a user left it (set by `lanes edge set`)
 *   }
 *
 * Everything but version and lanes is optional. `default` never appears in percentages: it gets
 * whoever is left; pinning users to `default` takes them out of every other lane. Unknown fields
 * are refused, so that a typo ("percentage") cannot silently turn a rollout off.
 *
 * Who gets which lane (edge/viewer-request.js): a signed tester token (`lanes edge token`), else
 * the user's pin, else the user's percentage bucket; the user id comes from an HS256 JWT (plain
 * ids only where `requireSigned` is off). Every user has one bucket, 0..PERCENT_BUCKETS-1 (SHA-256
 * of the user id); the lanes of `percentages` take consecutive ranges in list order and `default`
 * the rest, so `blue 50, gray 50` is 50/50/0. When one lane's share changes, the lanes listed after
 * it shift by the difference and some of their users move; the lanes before it keep theirs. So
 * append a new lane at the end (nobody but default's users moves), and grow or shrink the last
 * one (only users between it and default move).
 * A request without a user id keeps the lane of its signed sticky cookie, which remembers a
 * bucket decision, until a user leaves that lane (`changed`): cookies from older versions are
 * ignored and replaced.
 *
 * validateRules reports every problem it finds, each as "<JSON path>: <rule broken>".
 * CommonJS, node:crypto only: it runs in the Lambda as is.
 */

// The lane protocol (lane names, the rules' keys, defaults and bounds): one module for the whole
// platform; the sync Lambda's bundle includes it.
const { createHash } = require("node:crypto");
const protocol = require("../packages/lane-context/src/protocol");

const RULES_KEY = protocol.RULES_KEY;
const MAX_VALUE_BYTES = protocol.RULES_MAX_VALUE_BYTES;
const LANE_NAME = protocol.LANE_PATTERN;
const MAX_LANE_NAME = protocol.MAX_LANE_LENGTH;
const DEFAULT_LANE = protocol.DEFAULT_LANE;
const HEADER_NAME = protocol.HEADER_NAME_PATTERN;
const COOKIE_NAME = protocol.COOKIE_NAME_PATTERN;
const USER_ID = protocol.USER_ID_PATTERN;
const MAX_USER_ID = protocol.MAX_USER_ID_LENGTH;
const MIN_COOKIE_AGE = protocol.RULES_MIN_COOKIE_MAX_AGE;
const MAX_COOKIE_AGE = protocol.RULES_MAX_COOKIE_MAX_AGE;

const PERCENT_BUCKETS = protocol.PERCENT_BUCKETS;

const TOP_FIELDS = ["version", "lanes", "userId", "testerHeader", "users", "percentages", "cookie", "changed"];
const USER_ID_FIELDS = ["header", "cookie"];
const PERCENTAGE_FIELDS = ["lane", "percent"];
const COOKIE_FIELDS = ["name", "maxAgeSeconds"];

/** `$.a.b`, `$.a[0]`, `$.a["not-an-identifier"]`: an index is no identifier, and its JSON is the number. */
function child(path, key) {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function show(value) {
  let text;
  try {
    text = JSON.stringify(value);
  } catch {
    // a BigInt or a cycle: String() below
  }
  // undefined (a missing field), a function or a symbol have no JSON.
  if (text === undefined) text = String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function kind(value) {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

function isObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * @param {unknown} value the parsed JSON
 * @returns {{ ok: true, rules: object } | { ok: false, problems: string[] }}
 */
function validateRules(value) {
  const problems = [];
  const problem = (path, rule) => problems.push(`${path}: ${rule}`);

  if (!isObject(value)) {
    return { ok: false, problems: [`$: rules must be a JSON object, got ${kind(value)}`] };
  }

  const unknown = (path, obj, allowed) => {
    for (const key of Object.keys(obj)) {
      if (!allowed.includes(key)) problem(child(path, key), `unknown field; allowed: ${allowed.join(", ")}`);
    }
  };
  unknown("$", value, TOP_FIELDS);

  // version
  if (!("version" in value)) problem("$.version", "is required (a positive integer)");
  else if (!Number.isSafeInteger(value.version) || value.version < 1) {
    problem("$.version", `must be a positive integer, got ${show(value.version)}`);
  }

  // lanes
  /** Lane names that are valid, for the cross-references below. */
  const lanes = new Set();
  if (!("lanes" in value)) problem("$.lanes", `is required (a list of lane names including "${DEFAULT_LANE}")`);
  else if (!Array.isArray(value.lanes)) problem("$.lanes", `must be a list of lane names, got ${kind(value.lanes)}`);
  else if (value.lanes.length === 0) problem("$.lanes", `must not be empty; it must include "${DEFAULT_LANE}"`);
  else {
    const firstAt = new Map();
    value.lanes.forEach((lane, i) => {
      const path = child("$.lanes", i);
      if (typeof lane !== "string") return problem(path, `a lane name must be a string, got ${kind(lane)}`);
      if (lane.length > MAX_LANE_NAME) return problem(path, `lane name is ${lane.length} characters, more than ${MAX_LANE_NAME}`);
      if (!LANE_NAME.test(lane)) {
        return problem(path, `lane name ${show(lane)} must be lower-case letters, digits and inner hyphens (${LANE_NAME.source})`);
      }
      if (firstAt.has(lane)) return problem(path, `lane "${lane}" is listed twice (first at ${child("$.lanes", firstAt.get(lane))})`);
      firstAt.set(lane, i);
      lanes.add(lane);
    });
    if (!value.lanes.includes(DEFAULT_LANE)) problem("$.lanes", `must include "${DEFAULT_LANE}"`);
  }
  const lanesKnown = Array.isArray(value.lanes);

  /** A lane named by users or percentages must be a declared lane (percentages: other than default). */
  const checkLaneRef = (path, lane, what) => {
    if (lane === DEFAULT_LANE && what !== "pinned users") {
      problem(path, `"${DEFAULT_LANE}" cannot have ${what}; it gets all traffic no other lane takes`);
      return false;
    }
    if (lanesKnown && !lanes.has(lane)) {
      problem(path, `lane ${show(lane)} is not in $.lanes`);
      return false;
    }
    return true;
  };

  // userId
  if ("userId" in value) {
    const userId = value.userId;
    if (!isObject(userId)) problem("$.userId", `must be an object { header?, cookie? }, got ${kind(userId)}`);
    else {
      unknown("$.userId", userId, USER_ID_FIELDS);
      if (!("header" in userId) && !("cookie" in userId)) problem("$.userId", "must name a header, a cookie or both");
      if ("header" in userId) checkHeader("$.userId.header", userId.header, problem);
      if ("cookie" in userId) checkCookieName("$.userId.cookie", userId.cookie, problem);
    }
  }

  // testerHeader
  if ("testerHeader" in value) checkHeader("$.testerHeader", value.testerHeader, problem);

  // users
  if ("users" in value) {
    const users = value.users;
    if (!isObject(users)) problem("$.users", `must be an object mapping lane names to lists of user ids, got ${kind(users)}`);
    else {
      const laneOf = new Map();
      let anyUser = false;
      for (const [lane, list] of Object.entries(users)) {
        const lanePath = child("$.users", lane);
        checkLaneRef(lanePath, lane, "pinned users");
        if (!Array.isArray(list)) {
          problem(lanePath, `must be a list of user ids, got ${kind(list)}`);
          continue;
        }
        list.forEach((user, i) => {
          const path = child(lanePath, i);
          // USER_ID has no length bound, and refuses the empty id.
          if (typeof user !== "string" || user.length > MAX_USER_ID || !USER_ID.test(user)) {
            return problem(
              path,
              `a user id must be a non-empty string of at most ${MAX_USER_ID} characters without ",", ";" or whitespace, got ${show(user)}`,
            );
          }
          anyUser = true;
          const first = laneOf.get(user);
          if (first === undefined) laneOf.set(user, { lane, path });
          else if (first.lane !== lane) {
            problem(path, `user "${user}" is already in lane "${first.lane}" (${first.path}); a user can be pinned to one lane only`);
          }
        });
      }
      if (anyUser && !isObject(value.userId)) problem("$.users", "pinned users need $.userId to say where the user id comes from");
    }
  }

  // percentages
  if ("percentages" in value) {
    const percentages = value.percentages;
    if (!Array.isArray(percentages)) problem("$.percentages", `must be a list of { lane, percent }, got ${kind(percentages)}`);
    else {
      let sum = 0;
      let summable = true;
      const firstAt = new Map();
      percentages.forEach((entry, i) => {
        const path = child("$.percentages", i);
        if (!isObject(entry)) {
          summable = false;
          return problem(path, `must be an object { lane, percent }, got ${kind(entry)}`);
        }
        unknown(path, entry, PERCENTAGE_FIELDS);
        if (typeof entry.lane !== "string") problem(child(path, "lane"), `must be a lane name, got ${show(entry.lane)}`);
        else if (checkLaneRef(child(path, "lane"), entry.lane, "a percentage")) {
          if (firstAt.has(entry.lane)) {
            problem(child(path, "lane"), `lane "${entry.lane}" has a percentage twice (first at ${child("$.percentages", firstAt.get(entry.lane))})`);
          } else firstAt.set(entry.lane, i);
        }
        const percent = entry.percent;
        // Number.isFinite is false for anything but a finite number (a string "10" too).
        if (!Number.isFinite(percent) || percent < 0 || percent > 100) {
          summable = false;
          problem(child(path, "percent"), `must be a number from 0 to 100, got ${show(percent)}`);
        } else sum += percent;
      });
      // Rounded to a millionth: binary fractions (33.3 + 33.3 + 33.4) may add up to a hair over 100.
      const total = Math.round(sum * 1e6) / 1e6;
      if (summable && total > 100) problem("$.percentages", `percents add up to ${total}; the total must be at most 100`);
    }
  }

  // cookie
  if ("cookie" in value) {
    const cookie = value.cookie;
    if (!isObject(cookie)) problem("$.cookie", `must be an object { name, maxAgeSeconds }, got ${kind(cookie)}`);
    else {
      unknown("$.cookie", cookie, COOKIE_FIELDS);
      if (!("name" in cookie)) problem("$.cookie.name", "is required");
      else checkCookieName("$.cookie.name", cookie.name, problem);
      const age = cookie.maxAgeSeconds;
      if (!("maxAgeSeconds" in cookie)) problem("$.cookie.maxAgeSeconds", `is required (${MIN_COOKIE_AGE} to ${MAX_COOKIE_AGE} seconds)`);
      else if (!Number.isSafeInteger(age) || age < MIN_COOKIE_AGE || age > MAX_COOKIE_AGE) {
        problem("$.cookie.maxAgeSeconds", `must be a whole number of seconds from ${MIN_COOKIE_AGE} to ${MAX_COOKIE_AGE} (one year), got ${show(age)}`);
      }
    }
  }

  // changed
  if ("changed" in value) {
    const changed = value.changed;
    if (!isObject(changed)) problem("$.changed", `must be an object mapping lane names to rules versions, got ${kind(changed)}`);
    else {
      for (const [lane, version] of Object.entries(changed)) {
        const path = child("$.changed", lane);
        if (lanesKnown && !lanes.has(lane)) problem(path, `lane ${show(lane)} is not in $.lanes`);
        if (!Number.isSafeInteger(version) || version < 1 || (Number.isSafeInteger(value.version) && version > value.version)) {
          problem(path, `must be a rules version from 1 to $.version, got ${show(version)}`);
        }
      }
    }
  }

  // size in the KeyValueStore (an object always has JSON, unless it holds a BigInt or a cycle)
  let bytes;
  try {
    bytes = new TextEncoder().encode(JSON.stringify(value)).length;
  } catch (err) {
    problem("$", `rules cannot be serialized as JSON (${err.message})`);
  }
  if (bytes > MAX_VALUE_BYTES) {
    problem("$", `serialized rules are ${bytes} bytes; a CloudFront KeyValueStore value is at most ${MAX_VALUE_BYTES} bytes`);
  }

  return problems.length === 0 ? { ok: true, rules: value } : { ok: false, problems };
}

function checkHeader(path, name, problem) {
  if (typeof name !== "string" || !HEADER_NAME.test(name)) {
    problem(path, `header name must be lower-case token characters (a-z 0-9 !#$%&'*+-.^_\`|~), got ${show(name)}`);
  }
}

function checkCookieName(path, name, problem) {
  if (typeof name !== "string" || !COOKIE_NAME.test(name)) {
    problem(path, `cookie name must be token characters (A-Z a-z 0-9 !#$%&'*+-.^_\`|~), got ${show(name)}`);
  }
}

/** The exact string the sync writes to the KeyValueStore for valid rules. */
function serializeRules(rules) {
  return JSON.stringify(rules);
}

/** A user's bucket, 0..PERCENT_BUCKETS-1: the first 32 bits of the SHA-256 of the id (as the edge computes it). */
function bucketOf(userId) {
  const hex = createHash("sha256").update(userId).digest("hex");
  return parseInt(hex.slice(0, 8), 16) % PERCENT_BUCKETS;
}

/** The lane of bucket `b` by the percentage ranges (consecutive, in list order; an entry of a lane not in lanes goes to default). */
function laneOfBucket(rules, b) {
  if (!Array.isArray(rules.percentages)) return DEFAULT_LANE;
  let end = 0;
  for (const p of rules.percentages) {
    end += (p.percent * PERCENT_BUCKETS) / 100;
    if (b < end) return rules.lanes.includes(p.lane) ? p.lane : DEFAULT_LANE;
  }
  return DEFAULT_LANE;
}

function pinOf(rules, userId) {
  for (const [lane, users] of Object.entries(rules.users || {})) if (rules.lanes.includes(lane) && users.includes(userId)) return lane;
  return undefined;
}

/** The lane the edge gives a user with a verified id (no tester token): the pin, else the bucket's lane. */
function laneOf(rules, userId) {
  return pinOf(rules, userId) || laneOfBucket(rules, bucketOf(userId));
}

/**
 * `changed` for `next` given the rules it replaces: per lane, the last version in which a user
 * left the lane (a bucket that was the lane's is another lane's now, or a pin took a user away),
 * so that only those lanes' sticky cookies stop holding. A lane new in `next` starts at its
 * version; without `previous` every lane does.
 */
function laneChanges(previous, next) {
  const changed = {};
  if (!previous) {
    for (const lane of next.lanes) changed[lane] = next.version;
    return changed;
  }
  const left = new Set();
  for (let b = 0; b < PERCENT_BUCKETS; b++) {
    const from = laneOfBucket(previous, b);
    if (from !== laneOfBucket(next, b)) left.add(from);
  }
  const pinned = new Set([...Object.values(previous.users || {}).flat(), ...Object.values(next.users || {}).flat()]);
  for (const user of pinned) {
    const from = laneOf(previous, user);
    if (from !== laneOf(next, user)) left.add(from);
  }
  const prior = isObject(previous.changed) ? previous.changed : {};
  for (const lane of next.lanes) {
    const known = previous.lanes.includes(lane);
    changed[lane] = !known || left.has(lane) ? next.version : Number.isSafeInteger(prior[lane]) ? prior[lane] : previous.version;
  }
  return changed;
}

module.exports = { RULES_KEY, MAX_VALUE_BYTES, DEFAULT_LANE, validateRules, serializeRules, bucketOf, laneOf, laneChanges };
