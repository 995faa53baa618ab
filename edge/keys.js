"use strict";
/**
 * The edge's keys: the contract between their master copy (item `keys` of the rules table), the
 * sync Lambda (edge/sync, which rotates the edge keys and copies them to the KeyValueStore), the
 * lanes CLI (which mints tester tokens and registers user keys) and the viewer-request function
 * (which verifies with them).
 *
 *   item attribute `keys` (JSON):
 *   {
 *     "edge": [ { "id": "e20261202t0700", "key": "<base64url, 32 random bytes>", "created": "2026-12-02T07:00:00.000Z" }, <previous> ],
 *     "user": [ { "id": "idp-2026", "key": "<the identity provider's HS256 secret>", "created": "…" }, <previous> ]
 *   }
 *
 * `edge` keys sign tester tokens and sticky cookies: the first one signs, every listed one is
 * accepted. The sync puts a new key first when the current one is older than the rotation period
 * and keeps one previous key, so a value signed just before a rotation stays valid for one more
 * period and anything older is refused. `user` keys verify the HS256 JWTs that carry user ids;
 * they are registered by an operator (`lanes edge user-key`), newest first, two at most.
 * The KeyValueStore gets `{ edge: [{id, key}], user: [{id, key}] }` (no dates).
 *
 * Signed values (packages/lane-context/src/protocol.ts): `{payload}.{signature}` where the
 * signature is the base64url HMAC-SHA256 of `{kind}.{payload}`; a tester token's payload is
 * `{lane}.{expires}.{key id}`, a sticky cookie's `{lane}.{rules version}.{expires}.{key id}`
 * (expires in Unix seconds).
 * CommonJS; node:crypto only: it runs in the Lambda as is.
 */
const crypto = require("node:crypto");
const protocol = require("../packages/lane-context/src/protocol");

const KEYS_KEY = protocol.KEYS_KEY;
/** How many edge keys are accepted at once (the current one and the previous one). */
const EDGE_KEYS = 2;
/** How many user keys are accepted at once. */
const USER_KEYS = 2;
const MIN_USER_KEY_LENGTH = 32;

function isObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function base64url(bytes) {
  return Buffer.from(bytes).toString("base64url");
}

/** `{payload}.{signature}` for the payload parts, signed as `kind`. */
function signValue(kind, parts, key) {
  const payload = parts.join(protocol.SIGNED_SEPARATOR);
  const signature = crypto.createHmac("sha256", key).update(`${kind}${protocol.SIGNED_SEPARATOR}${payload}`).digest("base64url");
  return `${payload}${protocol.SIGNED_SEPARATOR}${signature}`;
}

/**
 * A tester token for `lane`, valid until `expires` (Unix seconds), signed with `key` ({ id, key }).
 */
function mintToken(lane, expires, key) {
  if (!protocol.isLaneName(lane)) throw new Error(`'${lane}' is not a lane name`);
  if (!Number.isSafeInteger(expires) || expires < 1) throw new Error(`expires must be Unix seconds, got ${expires}`);
  return signValue(protocol.TOKEN_KIND, [lane, expires, key.id], key.key);
}

/** A fresh edge key: 32 random bytes, named after its creation time (UTC, to the second). */
function newEdgeKey(now) {
  // "2026-12-02T07:00:00.000Z" -> "20261202t070000"
  const stamp = now.toISOString().slice(0, 19).replace(/[-:]/g, "").toLowerCase();
  return { id: `e${stamp}`, key: base64url(crypto.randomBytes(32)), created: now.toISOString() };
}

function keyProblems(list, path, problems) {
  if (!Array.isArray(list)) return problems.push(`${path}: must be a list of { id, key, created }`);
  list.forEach((entry, i) => {
    if (!isObject(entry)) return problems.push(`${path}[${i}]: must be an object { id, key, created }`);
    if (typeof entry.id !== "string" || !protocol.KEY_ID_PATTERN.test(entry.id)) problems.push(`${path}[${i}].id: must match ${protocol.KEY_ID_PATTERN.source}`);
    if (typeof entry.key !== "string" || entry.key.length === 0) problems.push(`${path}[${i}].key: must be a non-empty string`);
    if (typeof entry.created !== "string" || Number.isNaN(Date.parse(entry.created))) problems.push(`${path}[${i}].created: must be an ISO date`);
  });
}

/**
 * Checks the keys document; returns the problems found ("<path>: <rule broken>").
 * @param {unknown} value
 * @returns {string[]}
 */
function keysProblems(value) {
  if (!isObject(value)) return ["$: the keys must be a JSON object { edge, user }"];
  const problems = [];
  for (const field of Object.keys(value)) if (field !== "edge" && field !== "user") problems.push(`$.${field}: unknown field; allowed: edge, user`);
  keyProblems(value.edge ?? [], "$.edge", problems);
  keyProblems(value.user ?? [], "$.user", problems);
  return problems;
}

/**
 * The keys after a rotation check at `now`: a new edge key first when there is none or the
 * current one is at least `rotationDays` old; one previous key kept. `rotated` says whether
 * anything changed.
 */
function rotateEdgeKeys(keys, now, rotationDays) {
  const edge = Array.isArray(keys.edge) ? keys.edge : [];
  const current = edge[0];
  const age = current ? now.getTime() - Date.parse(current.created) : Infinity;
  if (age < rotationDays * 86400 * 1000) return { keys, rotated: false };
  return { keys: { ...keys, edge: [newEdgeKey(now), ...edge].slice(0, EDGE_KEYS) }, rotated: true };
}

/** The keys with a user key added first (replacing one of the same id); two at most. */
function addUserKey(keys, id, key, now) {
  if (!protocol.KEY_ID_PATTERN.test(id)) throw new Error(`a key id must match ${protocol.KEY_ID_PATTERN.source}, got '${id}'`);
  if (typeof key !== "string" || key.length < MIN_USER_KEY_LENGTH) throw new Error(`an HS256 key must be at least ${MIN_USER_KEY_LENGTH} characters (RFC 7518: at least 256 bits)`);
  const user = (Array.isArray(keys.user) ? keys.user : []).filter((k) => k.id !== id);
  return { ...keys, user: [{ id, key, created: now.toISOString() }, ...user].slice(0, USER_KEYS) };
}

/** The exact string the sync writes to the KeyValueStore: ids and keys only. */
function serializeKeys(keys) {
  const strip = (list) => (Array.isArray(list) ? list.map((k) => ({ id: k.id, key: k.key })) : []);
  return JSON.stringify({ edge: strip(keys.edge), user: strip(keys.user) });
}

module.exports = { KEYS_KEY, EDGE_KEYS, USER_KEYS, signValue, mintToken, newEdgeKey, keysProblems, rotateEdgeKeys, addUserKey, serializeKeys };
