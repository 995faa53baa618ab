/**
 * The edge's keys (edge/keys.js): signing, minting tester tokens, the keys document's checks,
 * rotation and user keys. Expected values are literals: the signature from OpenSSL
 * (`printf 't.blue.1700000000.k1' | openssl dgst -sha256 -hmac secret-key -binary | basenc --base64url`),
 * the messages as the contract in the file's header states them.
 */
import { EDGE_KEYS, USER_KEYS, addUserKey, keysProblems, mintToken, newEdgeKey, rotateEdgeKeys, serializeKeys, signValue, type EdgeKeys } from "../edge/keys";

const K1 = { id: "k1", key: "secret-key" };
/** OpenSSL's HMAC-SHA256 of "t.blue.1700000000.k1" under "secret-key", base64url without padding. */
const K1_SIGNATURE = "58DIz7rPvXBERq2HbGf-Z9jgNTmltfQp_aGO1XTzmeQ";

const DAY = 86_400_000;
const NOW = new Date("2026-12-02T07:00:00.000Z");
const ago = (ms: number): string => new Date(NOW.getTime() - ms).toISOString();
const edgeKey = (id: string, created: string) => ({ id, key: `key-of-${id}`, created });
/** A user key of exactly 32 characters (the least RFC 7518 allows for HS256). */
const USER_SECRET = "s".repeat(32);

describe("signing and tester tokens", () => {
  test("a signed value is the payload, a dot, and the base64url HMAC-SHA256 of `{kind}.{payload}`", () => {
    expect(signValue("t", ["blue", 1700000000, "k1"], "secret-key")).toBe(`blue.1700000000.k1.${K1_SIGNATURE}`);
  });

  test("a tester token is signed as kind `t` with the key's id in its payload", () => {
    expect(mintToken("blue", 1700000000, K1)).toBe(`blue.1700000000.k1.${K1_SIGNATURE}`);
  });

  test("a token may expire at the first second of the epoch", () => {
    expect(mintToken("blue", 1, K1)).toMatch(/^blue\.1\.k1\.[A-Za-z0-9_-]{43}$/);
  });

  test.each<[string, string, unknown, string]>([
    ["an upper-case lane", "Blue", 1700000000, "'Blue' is not a lane name"],
    ["an empty lane", "", 1700000000, "'' is not a lane name"],
    ["expiry 0", "blue", 0, "expires must be Unix seconds, got 0"],
    ["a negative expiry", "blue", -5, "expires must be Unix seconds, got -5"],
    ["a fractional expiry", "blue", 1700000000.5, "expires must be Unix seconds, got 1700000000.5"],
    ["an expiry in milliseconds past the safe integers", "blue", 2 ** 53, "expires must be Unix seconds, got 9007199254740992"],
    ["an expiry given as a string", "blue", "1700000000", "expires must be Unix seconds, got 1700000000"],
  ])("refuses to mint a token for %s", (_what, lane, expires, message) => {
    expect(() => mintToken(lane, expires as number, K1)).toThrow(new Error(message));
  });
});

describe("a new edge key", () => {
  test("is named after its creation time to the second (UTC, lower case) and holds 32 random bytes in base64url", () => {
    const key = newEdgeKey(new Date("2026-12-02T07:08:09.123Z"));
    expect(key.id).toBe("e20261202t070809");
    expect(key.created).toBe("2026-12-02T07:08:09.123Z");
    expect(key.key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(key.key, "base64url")).toHaveLength(32);
    expect(newEdgeKey(NOW).key).not.toBe(newEdgeKey(NOW).key);
  });
});

describe("keysProblems", () => {
  test("accepts the documented document, and one with either list left out", () => {
    const keys = { edge: [edgeKey("e20261202t070000", NOW.toISOString())], user: [{ id: "idp-2026", key: USER_SECRET, created: NOW.toISOString() }] };
    expect(keysProblems(keys)).toEqual([]);
    expect(keysProblems({})).toEqual([]);
    expect(keysProblems({ user: [] })).toEqual([]);
  });

  test.each<[string, unknown, string[]]>([
    ["null", null, ["$: the keys must be a JSON object { edge, user }"]],
    ["a list", [], ["$: the keys must be a JSON object { edge, user }"]],
    ["a string", "keys", ["$: the keys must be a JSON object { edge, user }"]],
    ["an unknown field", { edge: [], users: [] }, ["$.users: unknown field; allowed: edge, user"]],
    ["edge keys that are an object", { edge: { id: "e1" } }, ["$.edge: must be a list of { id, key, created }"]],
    ["user keys that are a string", { user: "idp" }, ["$.user: must be a list of { id, key, created }"]],
    ["an edge key that is null", { edge: [null] }, ["$.edge[0]: must be an object { id, key, created }"]],
    ["a user key that is a list", { user: [edgeKey("a", NOW.toISOString()), ["b"]] }, ["$.user[1]: must be an object { id, key, created }"]],
    ["a key id with a space", { edge: [edgeKey("e 1", NOW.toISOString())] }, ["$.edge[0].id: must match ^[A-Za-z0-9_-]{1,64}$"]],
    ["a key id of 65 characters", { edge: [edgeKey("e".repeat(65), NOW.toISOString())] }, ["$.edge[0].id: must match ^[A-Za-z0-9_-]{1,64}$"]],
    ["a key id that is a number", { edge: [{ id: 7, key: "k", created: NOW.toISOString() }] }, ["$.edge[0].id: must match ^[A-Za-z0-9_-]{1,64}$"]],
    ["an empty key", { user: [{ id: "idp", key: "", created: NOW.toISOString() }] }, ["$.user[0].key: must be a non-empty string"]],
    ["a key that is a number", { user: [{ id: "idp", key: 42, created: NOW.toISOString() }] }, ["$.user[0].key: must be a non-empty string"]],
    ["a creation date that is no date", { edge: [edgeKey("e1", "yesterday")] }, ["$.edge[0].created: must be an ISO date"]],
    // A number whose text Date.parse reads as a date (the year 2026) is still no ISO date string.
    ["a creation date that is a number", { edge: [{ id: "e1", key: "k", created: 2026 }] }, ["$.edge[0].created: must be an ISO date"]],
    [
      "an entry wrong in every field",
      { edge: [{ id: "", key: null }] },
      ["$.edge[0].id: must match ^[A-Za-z0-9_-]{1,64}$", "$.edge[0].key: must be a non-empty string", "$.edge[0].created: must be an ISO date"],
    ],
  ])("refuses %s", (_what, value, problems) => {
    expect(keysProblems(value)).toEqual(problems);
  });
});

describe("rotateEdgeKeys", () => {
  test("creates the first edge key when there is none (or the list is not a list)", () => {
    for (const keys of [{}, { edge: "broken" }] as EdgeKeys[]) {
      const result = rotateEdgeKeys(keys, NOW, 7);
      expect(result.rotated).toBe(true);
      expect(result.keys.edge).toEqual([{ id: "e20261202t070000", key: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), created: "2026-12-02T07:00:00.000Z" }]);
    }
  });

  test("keeps the keys, the same object, while the current key is younger than the period", () => {
    const keys: EdgeKeys = { edge: [edgeKey("current", ago(7 * DAY - 1))], user: [] };
    expect(rotateEdgeKeys(keys, NOW, 7)).toEqual({ keys, rotated: false });
    expect(rotateEdgeKeys(keys, NOW, 7).keys).toBe(keys);
  });

  test("at exactly the period puts a new key first and keeps one previous key, dropping the older", () => {
    const user = [{ id: "idp", key: USER_SECRET, created: ago(30 * DAY) }];
    const keys: EdgeKeys = { edge: [edgeKey("current", ago(7 * DAY)), edgeKey("previous", ago(14 * DAY))], user };
    const result = rotateEdgeKeys(keys, NOW, 7);
    expect(result.rotated).toBe(true);
    expect(result.keys.edge).toHaveLength(EDGE_KEYS);
    expect(result.keys.edge?.[0]?.id).toBe("e20261202t070000");
    expect(result.keys.edge?.[1]).toEqual(edgeKey("current", ago(7 * DAY)));
    expect(result.keys.user).toBe(user);
    expect(EDGE_KEYS).toBe(2);
  });
});

describe("addUserKey", () => {
  test("puts the new key first, dated now, before the one already there", () => {
    const old = { id: "idp-2025", key: "o".repeat(40), created: ago(300 * DAY) };
    const keys: EdgeKeys = { edge: [edgeKey("e1", ago(DAY))], user: [old] };
    expect(addUserKey(keys, "idp-2026", USER_SECRET, NOW)).toEqual({
      edge: keys.edge,
      user: [{ id: "idp-2026", key: USER_SECRET, created: "2026-12-02T07:00:00.000Z" }, old],
    });
  });

  test("replaces a key of the same id instead of keeping both", () => {
    const keys: EdgeKeys = { user: [{ id: "idp", key: "o".repeat(40), created: ago(DAY) }] };
    expect(addUserKey(keys, "idp", USER_SECRET, NOW).user).toEqual([{ id: "idp", key: USER_SECRET, created: NOW.toISOString() }]);
  });

  test("keeps two user keys at most: the oldest goes", () => {
    const keys: EdgeKeys = {
      user: [
        { id: "b", key: "b".repeat(32), created: ago(DAY) },
        { id: "a", key: "a".repeat(32), created: ago(2 * DAY) },
      ],
    };
    expect(addUserKey(keys, "c", USER_SECRET, NOW).user?.map((k) => k.id)).toEqual(["c", "b"]);
    expect(USER_KEYS).toBe(2);
  });

  test("starts a list when there is none (or it is not a list)", () => {
    for (const keys of [{}, { user: "broken" }] as EdgeKeys[]) {
      expect(addUserKey(keys, "idp", USER_SECRET, NOW).user).toEqual([{ id: "idp", key: USER_SECRET, created: NOW.toISOString() }]);
    }
  });

  test.each<[string, string, unknown, string]>([
    ["an id with a slash", "idp/2026", USER_SECRET, "a key id must match ^[A-Za-z0-9_-]{1,64}$, got 'idp/2026'"],
    ["an empty id", "", USER_SECRET, "a key id must match ^[A-Za-z0-9_-]{1,64}$, got ''"],
    ["a key of 31 characters", "idp", "s".repeat(31), "an HS256 key must be at least 32 characters (RFC 7518: at least 256 bits)"],
    ["a key that is not a string", "idp", 12345678901234567890123456789012345, "an HS256 key must be at least 32 characters (RFC 7518: at least 256 bits)"],
  ])("refuses %s", (_what, id, key, message) => {
    expect(() => addUserKey({}, id, key as string, NOW)).toThrow(new Error(message));
  });
});

describe("serializeKeys", () => {
  test("writes ids and keys only, in the KeyValueStore's shape, with missing lists empty", () => {
    const keys: EdgeKeys = { edge: [edgeKey("e1", ago(DAY))], user: [{ id: "idp", key: USER_SECRET, created: ago(DAY) }] };
    expect(serializeKeys(keys)).toBe(`{"edge":[{"id":"e1","key":"key-of-e1"}],"user":[{"id":"idp","key":"${USER_SECRET}"}]}`);
    expect(serializeKeys({})).toBe('{"edge":[],"user":[]}');
  });
});
