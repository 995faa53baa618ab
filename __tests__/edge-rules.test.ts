/**
 * The lane rules contract (edge/rules.js): what validateRules refuses, each problem written out
 * whole (its JSON path and the rule broken), what it accepts at each bound, and who is in which
 * lane (buckets, pins, the `changed` versions that end sticky cookies). Expected values are
 * literals from the contract (edge/rules.d.ts, the header of edge/rules.js): a user's bucket from
 * Python's hashlib, not from bucketOf.
 */
import { MAX_VALUE_BYTES, bucketOf, laneChanges, laneOf, validateRules, type LaneRules } from "../edge/rules";
import { exampleRules, jsonBytes, rulesOfSize, rulesWith } from "./helpers/edge-rules";

const EXAMPLE: LaneRules = exampleRules();

// ---------------------------------------------------------------------------------------------
// validateRules: every problem names its JSON path and the rule broken

describe("validateRules", () => {
  test("accepts the documented example and returns it as the rules", () => {
    const result = validateRules(EXAMPLE);
    expect(result).toEqual({ ok: true, rules: EXAMPLE });
  });

  test("accepts the minimal rules: a version and the default lane", () => {
    expect(validateRules({ version: 1, lanes: ["default"] }).ok).toBe(true);
  });

  test("accepts percents that add up to exactly 100 in binary fractions", () => {
    const rules = rulesWith({
      lanes: ["default", "a", "b", "c"],
      users: undefined,
      percentages: [
        { lane: "a", percent: 33.3 },
        { lane: "b", percent: 33.3 },
        { lane: "c", percent: 33.4 },
      ],
    });
    expect(validateRules(rules).ok).toBe(true);
  });

  test.each<[string, unknown, string]>([
    ["a non-object", ["default"], "$: rules must be a JSON object, got an array"],
    ["a missing version", rulesWith({ version: undefined }), "$.version: is required (a positive integer)"],
    ["a zero version", rulesWith({ version: 0 }), "$.version: must be a positive integer, got 0"],
    ["a fractional version", rulesWith({ version: 1.5 }), "$.version: must be a positive integer, got 1.5"],
    ["a version given as a string", rulesWith({ version: "3" }), '$.version: must be a positive integer, got "3"'],
    ["missing lanes", rulesWith({ lanes: undefined }), '$.lanes: is required (a list of lane names including "default")'],
    ["empty lanes", rulesWith({ lanes: [], users: undefined, percentages: undefined }), '$.lanes: must not be empty; it must include "default"'],
    ["lanes without default", rulesWith({ lanes: ["gray", "blue"] }), '$.lanes: must include "default"'],
    [
      "an upper-case lane name",
      rulesWith({ lanes: ["default", "Gray"], users: undefined, percentages: undefined }),
      '$.lanes[1]: lane name "Gray" must be lower-case letters, digits and inner hyphens (^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$)',
    ],
    [
      "a lane name ending in a hyphen",
      rulesWith({ lanes: ["default", "gray-"], users: undefined, percentages: undefined }),
      '$.lanes[1]: lane name "gray-" must be lower-case letters, digits and inner hyphens (^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$)',
    ],
    [
      "a lane name over 115 characters",
      rulesWith({ lanes: ["default", "a".repeat(116)], users: undefined, percentages: undefined }),
      "$.lanes[1]: lane name is 116 characters, more than 115",
    ],
    ["a lane listed twice", rulesWith({ lanes: ["default", "gray", "gray"] }), '$.lanes[2]: lane "gray" is listed twice (first at $.lanes[1])'],
    ["users of an unknown lane", rulesWith({ users: { blue: ["u-1"], green: ["u-9"] } }), '$.users.green: lane "green" is not in $.lanes'],
    ["`changed` naming an unknown lane", rulesWith({ changed: { green: 1 } }), '$.changed.green: lane "green" is not in $.lanes'],
    ["`changed` past the version", rulesWith({ changed: { gray: 4 } }), "$.changed.gray: must be a rules version from 1 to $.version, got 4"],
    ["`changed` not an object", rulesWith({ changed: [1] }), "$.changed: must be an object mapping lane names to rules versions, got an array"],
    ["a user list that is a string", rulesWith({ users: { gray: "u-1,u-2" } }), "$.users.gray: must be a list of user ids, got a string"],
    [
      "a user id with a comma",
      rulesWith({ users: { gray: ["u-1", "u-2,u-3"] } }),
      '$.users.gray[1]: a user id must be a non-empty string of at most 128 characters without ",", ";" or whitespace, got "u-2,u-3"',
    ],
    [
      "a user id with a space",
      rulesWith({ users: { gray: ["u 1"] } }),
      '$.users.gray[0]: a user id must be a non-empty string of at most 128 characters without ",", ";" or whitespace, got "u 1"',
    ],
    [
      "an empty user id",
      rulesWith({ users: { gray: [""] } }),
      '$.users.gray[0]: a user id must be a non-empty string of at most 128 characters without ",", ";" or whitespace, got ""',
    ],
    [
      "a numeric user id",
      rulesWith({ users: { gray: [42] } }),
      '$.users.gray[0]: a user id must be a non-empty string of at most 128 characters without ",", ";" or whitespace, got 42',
    ],
    [
      "a user in two lanes",
      rulesWith({ users: { gray: ["u-1", "u-2"], blue: ["u-3", "u-2"] } }),
      '$.users.blue[1]: user "u-2" is already in lane "gray" ($.users.gray[1]); a user can be pinned to one lane only',
    ],
    ["pinned users without userId", rulesWith({ userId: undefined }), "$.users: pinned users need $.userId to say where the user id comes from"],
    [
      "percents over 100",
      rulesWith({
        percentages: [
          { lane: "gray", percent: 60 },
          { lane: "blue", percent: 50 },
        ],
      }),
      "$.percentages: percents add up to 110; the total must be at most 100",
    ],
    ["a negative percent", rulesWith({ percentages: [{ lane: "gray", percent: -1 }] }), "$.percentages[0].percent: must be a number from 0 to 100, got -1"],
    [
      "a percent given as a string",
      rulesWith({ percentages: [{ lane: "gray", percent: "10" }] }),
      '$.percentages[0].percent: must be a number from 0 to 100, got "10"',
    ],
    [
      "default in percentages",
      rulesWith({ percentages: [{ lane: "default", percent: 90 }] }),
      '$.percentages[0].lane: "default" cannot have a percentage; it gets all traffic no other lane takes',
    ],
    ["an unknown lane in percentages", rulesWith({ percentages: [{ lane: "green", percent: 5 }] }), '$.percentages[0].lane: lane "green" is not in $.lanes'],
    [
      "a lane with two percentages",
      rulesWith({
        percentages: [
          { lane: "gray", percent: 5 },
          { lane: "gray", percent: 5 },
        ],
      }),
      '$.percentages[1].lane: lane "gray" has a percentage twice (first at $.percentages[0])',
    ],
    [
      "an upper-case userId header",
      rulesWith({ userId: { header: "X-User-Id" } }),
      '$.userId.header: header name must be lower-case token characters (a-z 0-9 !#$%&\'*+-.^_`|~), got "X-User-Id"',
    ],
    ["a userId naming neither header nor cookie", rulesWith({ userId: {} }), "$.userId: must name a header, a cookie or both"],
    [
      "a tester header with a space",
      rulesWith({ testerHeader: "x lane" }),
      '$.testerHeader: header name must be lower-case token characters (a-z 0-9 !#$%&\'*+-.^_`|~), got "x lane"',
    ],
    [
      "a cookie name with a semicolon",
      rulesWith({ cookie: { name: "lane;", maxAgeSeconds: 60 } }),
      '$.cookie.name: cookie name must be token characters (A-Z a-z 0-9 !#$%&\'*+-.^_`|~), got "lane;"',
    ],
    [
      "a cookie max age of 0",
      rulesWith({ cookie: { name: "lane", maxAgeSeconds: 0 } }),
      "$.cookie.maxAgeSeconds: must be a whole number of seconds from 1 to 31536000 (one year), got 0",
    ],
    [
      "a cookie max age over a year",
      rulesWith({ cookie: { name: "lane", maxAgeSeconds: 31536001 } }),
      "$.cookie.maxAgeSeconds: must be a whole number of seconds from 1 to 31536000 (one year), got 31536001",
    ],
    [
      "a misspelt field",
      rulesWith({ percentage: [] }),
      "$.percentage: unknown field; allowed: version, lanes, userId, testerHeader, users, percentages, cookie, changed",
    ],
    [
      "rules over the KeyValueStore value limit",
      rulesOfSize(MAX_VALUE_BYTES + 1),
      "$: serialized rules are 1025 bytes; a CloudFront KeyValueStore value is at most 1024 bytes",
    ],
  ])("refuses %s, with that problem alone", (_what, value, problem) => {
    expect(validateRules(value)).toEqual({ ok: false, problems: [problem] });
  });

  test("accepts rules of exactly the KeyValueStore value limit", () => {
    expect(validateRules(rulesOfSize(MAX_VALUE_BYTES)).ok).toBe(true);
  });

  test("counts the size in UTF-8 bytes, not characters", () => {
    const rules = rulesWith({ users: { gray: Array.from({ length: 8 }, (_, i) => `ü${i}-${"ü".repeat(60)}`) } });
    expect(JSON.stringify(rules).length).toBeLessThanOrEqual(MAX_VALUE_BYTES);
    const result = validateRules(rules);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([`$: serialized rules are ${jsonBytes(rules)} bytes; a CloudFront KeyValueStore value is at most 1024 bytes`]);
  });

  test("reports every problem at once, not just the first", () => {
    const result = validateRules(rulesWith({ version: -1, lanes: ["gray"], percentages: [{ lane: "gray", percent: 101 }] }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([
      "$.version: must be a positive integer, got -1",
      '$.lanes: must include "default"',
      "$.percentages[0].percent: must be a number from 0 to 100, got 101",
    ]);
  });

  test("quotes keys that are not identifiers in paths", () => {
    const result = validateRules(rulesWith({ users: { "blue-2": ["u-9"] } }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual(['$.users["blue-2"]: lane "blue-2" is not in $.lanes']);
  });
});

// The JSON kinds a field may wrongly hold, the fields' own unknown-field lists, and each bound
// from both sides: one problem each, written out whole.
const SHAPE = "must be an object mapping lane names to lists of user ids";
const USER_ID_RULE = 'a user id must be a non-empty string of at most 128 characters without ",", ";" or whitespace';
const HEADER_RULE = "header name must be lower-case token characters (a-z 0-9 !#$%&'*+-.^_`|~)";
const COOKIE_RULE = "cookie name must be token characters (A-Z a-z 0-9 !#$%&'*+-.^_`|~)";
const LANES4 = ["default", "gray", "blue", "green"];

describe("validateRules: kinds, fields and bounds", () => {
  // A userId that is no object also leaves the example's pinned users without a source.
  test.each<[string, unknown, string[]]>([
    ["lanes that are a string", { version: 3, lanes: "default" }, ["$.lanes: must be a list of lane names, got a string"]],
    ["a lane name that is a number", { version: 3, lanes: ["default", 7] }, ["$.lanes[1]: a lane name must be a string, got a number"]],
    ["a lane name that is null", { version: 3, lanes: ["default", null] }, ["$.lanes[1]: a lane name must be a string, got null"]],
    [
      "a userId that is a string",
      rulesWith({ userId: "x-user-id" }),
      ["$.userId: must be an object { header?, cookie? }, got a string", "$.users: pinned users need $.userId to say where the user id comes from"],
    ],
    [
      "a userId that is null",
      rulesWith({ userId: null }),
      ["$.userId: must be an object { header?, cookie? }, got null", "$.users: pinned users need $.userId to say where the user id comes from"],
    ],
    [
      "a userId that is a list",
      rulesWith({ userId: ["x-user-id"] }),
      ["$.userId: must be an object { header?, cookie? }, got an array", "$.users: pinned users need $.userId to say where the user id comes from"],
    ],
    ["an unknown field of userId", rulesWith({ userId: { header: "x-user-id", hdr: "x" } }), ["$.userId.hdr: unknown field; allowed: header, cookie"]],
    ["a userId cookie with a space", rulesWith({ userId: { cookie: "u id" } }), [`$.userId.cookie: ${COOKIE_RULE}, got "u id"`]],
    ["a tester header that is a number", rulesWith({ testerHeader: 5 }), [`$.testerHeader: ${HEADER_RULE}, got 5`]],
    ["users that are a list", rulesWith({ users: ["u-1"] }), [`$.users: ${SHAPE}, got an array`]],
    ["users that are a number", rulesWith({ users: 1 }), [`$.users: ${SHAPE}, got a number`]],
    ["users that are an object as a list", rulesWith({ users: { gray: { u: 1 } } }), ["$.users.gray: must be a list of user ids, got an object"]],
    ["a user id of 129 characters", rulesWith({ users: { gray: ["u".repeat(129)] } }), [`$.users.gray[0]: ${USER_ID_RULE}, got "${"u".repeat(56)}...`]],
    ["a lane key that starts with a digit", rulesWith({ users: { "2x": ["u-9"] } }), ['$.users["2x"]: lane "2x" is not in $.lanes']],
    ["percentages that are an object", rulesWith({ percentages: { gray: 10 } }), ["$.percentages: must be a list of { lane, percent }, got an object"]],
    ["a percentage that is a string", rulesWith({ percentages: ["gray"] }), ["$.percentages[0]: must be an object { lane, percent }, got a string"]],
    ["a percentage that is a list", rulesWith({ percentages: [["gray", 10]] }), ["$.percentages[0]: must be an object { lane, percent }, got an array"]],
    [
      "an unknown field of a percentage",
      rulesWith({ percentages: [{ lane: "gray", percent: 10, weight: 1 }] }),
      ["$.percentages[0].weight: unknown field; allowed: lane, percent"],
    ],
    ["a percentage whose lane is a number", rulesWith({ percentages: [{ lane: 5, percent: 10 }] }), ["$.percentages[0].lane: must be a lane name, got 5"]],
    [
      "a percentage without a percent",
      rulesWith({ percentages: [{ lane: "gray" }] }),
      ["$.percentages[0].percent: must be a number from 0 to 100, got undefined"],
    ],
    [
      "a percent of 100.5",
      rulesWith({ percentages: [{ lane: "gray", percent: 100.5 }] }),
      ["$.percentages[0].percent: must be a number from 0 to 100, got 100.5"],
    ],
    [
      "a percent that is not a number",
      rulesWith({ percentages: [{ lane: "gray", percent: NaN }] }),
      ["$.percentages[0].percent: must be a number from 0 to 100, got null"],
    ],
    [
      "an infinite percent",
      rulesWith({ percentages: [{ lane: "gray", percent: Infinity }] }),
      ["$.percentages[0].percent: must be a number from 0 to 100, got null"],
    ],
    [
      // A list with a broken entry has no total: the entry's problem alone, not "add up to 110".
      "a percentage that is no object beside percents over 100",
      rulesWith({ lanes: LANES4, percentages: ["gray", { lane: "blue", percent: 60 }, { lane: "green", percent: 50 }] }),
      ["$.percentages[0]: must be an object { lane, percent }, got a string"],
    ],
    [
      "a percent out of range beside percents over 100",
      rulesWith({
        lanes: LANES4,
        percentages: [
          { lane: "gray", percent: -1 },
          { lane: "blue", percent: 60 },
          { lane: "green", percent: 50 },
        ],
      }),
      ["$.percentages[0].percent: must be a number from 0 to 100, got -1"],
    ],
    [
      "percents that add up to 100.000001",
      rulesWith({
        percentages: [
          { lane: "gray", percent: 50 },
          { lane: "blue", percent: 50.000001 },
        ],
      }),
      ["$.percentages: percents add up to 100.000001; the total must be at most 100"],
    ],
    [
      "default with two percentages",
      rulesWith({
        percentages: [
          { lane: "default", percent: 1 },
          { lane: "default", percent: 1 },
        ],
      }),
      [
        '$.percentages[0].lane: "default" cannot have a percentage; it gets all traffic no other lane takes',
        '$.percentages[1].lane: "default" cannot have a percentage; it gets all traffic no other lane takes',
      ],
    ],
    [
      "an unknown lane with two percentages",
      rulesWith({
        percentages: [
          { lane: "green", percent: 1 },
          { lane: "green", percent: 1 },
        ],
      }),
      ['$.percentages[0].lane: lane "green" is not in $.lanes', '$.percentages[1].lane: lane "green" is not in $.lanes'],
    ],
    ["a cookie that is a string", rulesWith({ cookie: "lane" }), ["$.cookie: must be an object { name, maxAgeSeconds }, got a string"]],
    [
      "an unknown field of the cookie",
      rulesWith({ cookie: { name: "lane", maxAgeSeconds: 60, path: "/" } }),
      ["$.cookie.path: unknown field; allowed: name, maxAgeSeconds"],
    ],
    ["a cookie without a name", rulesWith({ cookie: { maxAgeSeconds: 60 } }), ["$.cookie.name: is required"]],
    ["a cookie name that is a number", rulesWith({ cookie: { name: 5, maxAgeSeconds: 60 } }), [`$.cookie.name: ${COOKIE_RULE}, got 5`]],
    ["a cookie without a max age", rulesWith({ cookie: { name: "lane" } }), ["$.cookie.maxAgeSeconds: is required (1 to 31536000 seconds)"]],
    [
      "a cookie max age of 1.5",
      rulesWith({ cookie: { name: "lane", maxAgeSeconds: 1.5 } }),
      ["$.cookie.maxAgeSeconds: must be a whole number of seconds from 1 to 31536000 (one year), got 1.5"],
    ],
    ["`changed` at version 0", rulesWith({ changed: { gray: 0 } }), ["$.changed.gray: must be a rules version from 1 to $.version, got 0"]],
    ["`changed` as a string", rulesWith({ changed: { gray: "2" } }), ['$.changed.gray: must be a rules version from 1 to $.version, got "2"']],
    // With $.version itself broken there is no upper bound to hold `changed` to.
    ["`changed` past a version that is a string", rulesWith({ version: "3", changed: { gray: 5 } }), ['$.version: must be a positive integer, got "3"']],
    // With $.lanes broken no lane name can be checked against it.
    [
      "`changed` beside lanes that are a string",
      { version: 3, lanes: "default", changed: { gray: 1 } },
      ["$.lanes: must be a list of lane names, got a string"],
    ],
    [
      "a value JSON cannot hold",
      { version: 1, lanes: ["default"], cookie: { name: "lane", maxAgeSeconds: BigInt(60) } },
      [
        "$.cookie.maxAgeSeconds: must be a whole number of seconds from 1 to 31536000 (one year), got 60",
        "$: rules cannot be serialized as JSON (Do not know how to serialize a BigInt)",
      ],
    ],
  ])("refuses %s", (_what, value, problems) => {
    expect(validateRules(value)).toEqual({ ok: false, problems });
  });

  test.each<[string, Record<string, unknown>]>([
    ["a lane name of exactly 115 characters", { lanes: ["default", "a".repeat(115)], users: undefined, percentages: undefined }],
    ["a userId with a header alone", { userId: { header: "x-user-id" } }],
    ["a userId with a cookie alone", { userId: { cookie: "uid" } }],
    ["an empty user list without userId (nobody is pinned)", { userId: undefined, users: { gray: [] } }],
    ["the same user twice in one lane", { users: { gray: ["u-1", "u-1"] } }],
    ["a user id of exactly 128 characters", { users: { gray: ["u".repeat(128)] } }],
    ["a percent of 0", { percentages: [{ lane: "gray", percent: 0 }] }],
    ["a percent of 100", { percentages: [{ lane: "gray", percent: 100 }] }],
    [
      "percents of exactly 100 in whole numbers",
      {
        percentages: [
          { lane: "gray", percent: 40 },
          { lane: "blue", percent: 60 },
        ],
      },
    ],
    ["a cookie max age of 1 second", { cookie: { name: "lane", maxAgeSeconds: 1 } }],
    ["a cookie max age of exactly one year", { cookie: { name: "lane", maxAgeSeconds: 31536000 } }],
    ["`changed` at version 1 and at $.version", { changed: { default: 1, gray: 3 } }],
  ])("accepts %s", (_what, changes) => {
    const rules = rulesWith(changes);
    expect(validateRules(rules)).toEqual({ ok: true, rules });
  });

  test("shows a value of 60 characters whole, and a longer one cut to 57 and '...'", () => {
    // JSON of "u,…" with 58 characters inside the quotes is 60 characters long; a cut one keeps
    // its opening quote and 56 characters.
    const sixty = `u,${"x".repeat(56)}`;
    const sixtyOne = `${sixty}x`;
    expect(validateRules(rulesWith({ users: { gray: [sixty, sixtyOne] } }))).toEqual({
      ok: false,
      problems: [`$.users.gray[0]: ${USER_ID_RULE}, got "${sixty}"`, `$.users.gray[1]: ${USER_ID_RULE}, got "${sixtyOne.slice(0, 56)}...`],
    });
  });
});

describe("rules: pins to default, buckets, and which lanes a change makes users leave", () => {
  const base = (changes: Partial<LaneRules>): LaneRules => ({ version: 3, lanes: ["default", "gray", "blue"], userId: { header: "x-user-id" }, ...changes });

  test("users may be pinned to default (taken out of every lane)", () => {
    expect(validateRules(rulesWith({ users: { default: ["u-1"], gray: ["u-2"] } })).ok).toBe(true);
  });

  test("a user's bucket is the first 32 bits of the SHA-256 of the id, mod 10000", () => {
    // sha256("u-1") = a24a7f55…  →  0xa24a7f55 = 2722791253  →  mod 10000 = 1253
    expect(bucketOf("u-1")).toBe(1253);
  });

  test("without stored rules every lane starts at the new version", () => {
    expect(laneChanges(undefined, base({}))).toEqual({ default: 3, gray: 3, blue: 3 });
  });

  test("appending a lane at the end: only default's users leave (to the new lane)", () => {
    const before = base({ version: 3, percentages: [{ lane: "gray", percent: 10 }], changed: { default: 1, gray: 2, blue: 1 } });
    const after = base({
      version: 4,
      percentages: [
        { lane: "gray", percent: 10 },
        { lane: "blue", percent: 20 },
      ],
    });
    expect(laneChanges(before, after)).toEqual({ default: 4, gray: 2, blue: 1 });
  });

  test("shrinking the first lane shifts the ranges after it: their users leave too", () => {
    const before = base({
      version: 3,
      percentages: [
        { lane: "gray", percent: 20 },
        { lane: "blue", percent: 20 },
      ],
      changed: { default: 1, gray: 1, blue: 1 },
    });
    const after = base({
      version: 4,
      percentages: [
        { lane: "gray", percent: 10 },
        { lane: "blue", percent: 20 },
      ],
    });
    // gray [0,2000) -> [0,1000): users left gray; blue [2000,4000) -> [1000,3000): users left blue; default only grew.
    expect(laneChanges(before, after)).toEqual({ default: 1, gray: 4, blue: 4 });
  });

  test("growing the last lane: users leave default only", () => {
    const before = base({ version: 3, percentages: [{ lane: "gray", percent: 10 }], changed: { default: 2, gray: 2, blue: 2 } });
    const after = base({ version: 4, percentages: [{ lane: "gray", percent: 30 }] });
    expect(laneChanges(before, after)).toEqual({ default: 4, gray: 2, blue: 2 });
  });

  test("pinning a user to default makes the lane the user was in a lane users left", () => {
    // u-1 is in bucket 1253: gray at 100 % holds it.
    const before = base({ version: 3, percentages: [{ lane: "gray", percent: 100 }], changed: { default: 1, gray: 1, blue: 1 } });
    const after = base({ version: 4, percentages: [{ lane: "gray", percent: 100 }], users: { default: ["u-1"] } });
    expect(laneChanges(before, after)).toEqual({ default: 1, gray: 4, blue: 1 });
  });

  test("stored rules without `changed` count as changed at their version", () => {
    const before = base({ version: 3, percentages: [{ lane: "gray", percent: 10 }] });
    const after = base({ version: 4, percentages: [{ lane: "gray", percent: 10 }] });
    expect(laneChanges(before, after)).toEqual({ default: 3, gray: 3, blue: 3 });
  });

  test("the edge's lane for a user agrees with laneOf", () => {
    const rules = base({
      percentages: [
        { lane: "gray", percent: 30 },
        { lane: "blue", percent: 30 },
      ],
      users: { blue: ["u-1"] },
    });
    expect(laneOf(rules, "u-1")).toBe("blue");
    // bucket 1253 is in gray's [0, 3000).
    expect(laneOf({ ...rules, users: {} }, "u-1")).toBe("gray");
  });

  test("a lane's range ends before its end bucket: gray at 10 % is buckets 0 to 999", () => {
    // Python: int(hashlib.sha256(b"u-11159").hexdigest()[:8], 16) % 10000 == 999 (0x3a086e17),
    //         int(hashlib.sha256(b"u-11925").hexdigest()[:8], 16) % 10000 == 1000 (0x0ffe8f08).
    expect([bucketOf("u-11159"), bucketOf("u-11925")]).toEqual([999, 1000]);
    const rules = base({ percentages: [{ lane: "gray", percent: 10 }] });
    expect(laneOf(rules, "u-11159")).toBe("gray");
    expect(laneOf(rules, "u-11925")).toBe("default");
  });

  test("without percentages every unpinned user is in default", () => {
    expect(laneOf(base({}), "u-1")).toBe("default");
  });

  test("a pin the new rules drop: the lane the user was pinned to is a lane users left", () => {
    // u-1 (bucket 1253) is pinned to blue, then falls back to its bucket: gray at 30 % holds it.
    const before = base({ version: 3, percentages: [{ lane: "gray", percent: 30 }], users: { blue: ["u-1"] }, changed: { default: 1, gray: 1, blue: 1 } });
    const after = base({ version: 4, percentages: [{ lane: "gray", percent: 30 }] });
    expect(laneChanges(before, after)).toEqual({ default: 1, gray: 1, blue: 4 });
  });

  test("a pin kept as it was: no lane is left", () => {
    const before = base({ version: 3, users: { blue: ["u-1"] }, changed: { default: 1, gray: 2, blue: 1 } });
    const after = base({ version: 4, users: { blue: ["u-1"] } });
    expect(laneChanges(before, after)).toEqual({ default: 1, gray: 2, blue: 1 });
  });
});
