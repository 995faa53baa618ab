/**
 * The CloudFront Functions that assign lanes at the edge (edge/viewer-request.js,
 * edge/viewer-response.js), run as deployed (constants and settings written in, minified)
 * through the `handler` CloudFront calls, with the KeyValueStore injected (see
 * lib/edge/function-runtime.ts). Signed values are built here from their documented format
 * (packages/lane-context/src/protocol.ts, edge/keys.js), not with the code under test.
 */
import { createHmac } from "node:crypto";
import { join } from "node:path";
import { laneHeaderValues } from "../lib/routing";
import { albHeaderConditionMatches } from "../lib/harness/alb-match";
import type { EdgeFunctionSettings } from "../lib/edge/function-code";
import {
  type CfEvent,
  type CfRequest,
  type CfResponse,
  type CfValue,
  type KeyValueStore,
  cloudfrontCrypto,
  cloudfrontModule,
  failingKvs,
  loadCloudFrontFunction,
  memoryKvs,
} from "../lib/edge/function-runtime";
import { exampleRules, type ExampleRules } from "./helpers/edge-rules";

const keysModule = require("../edge/keys.js") as typeof import("../edge/keys");
// Loaded here, not in the test that uses it: its module-level code then counts as static for
// Stryker (ignored), not as covered by that one test (run with it alone, and surviving).
const rulesModule = require("../edge/rules.js") as typeof import("../edge/rules");

const VIEWER_REQUEST = join(__dirname, "..", "edge", "viewer-request.js");
const VIEWER_RESPONSE = join(__dirname, "..", "edge", "viewer-response.js");

type Rules = ExampleRules & { changed?: Record<string, number> };

function rules(overrides: Partial<Rules> = {}): Rules {
  return { ...exampleRules(), ...overrides };
}

const VALID_TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;

// ---------------------------------------------------------------- signed values, by their documented format

interface Key {
  id: string;
  key: string;
}
const CURRENT: Key = { id: "e20261202t070000", key: "Zr3Yq0c7mH2v5S1xW9pL4tK8nB6dF0gJ2hQ7aE1uC3o" };
const PREVIOUS: Key = { id: "e20261125t070000", key: "pP4uT8zR2wY6qL0sN5vX9bM3cD7fG1hJ5kA8eI2oU6y" };
const RETIRED: Key = { id: "e20261118t070000", key: "mM1nB5vC9xZ3aS7dF1gH5jK9lQ3wE7rT1yU5iO9pA3s" };
const USER_KEY: Key = { id: "idp-2026", key: "an HS256 secret the identity provider shares, 40+ chars" };
/** The keys as the sync writes them to the KeyValueStore: current edge key first. */
const KEYS = { edge: [CURRENT, PREVIOUS], user: [USER_KEY] };

const now = () => Math.floor(Date.now() / 1000);
const hmac = (key: string, text: string) => createHmac("sha256", key).update(text).digest("base64url");
const b64url = (text: string) => Buffer.from(text, "utf8").toString("base64url");

/** `{lane}.{expires}.{key id}.{signature of t.{lane}.{expires}.{key id}}` */
function token(lane: string, k: Key = CURRENT, expires = now() + 3600): string {
  const payload = `${lane}.${expires}.${k.id}`;
  return `${payload}.${hmac(k.key, `t.${payload}`)}`;
}

/** `{lane}.{version}.{expires}.{key id}.{signature of c.{…}}` */
function signedCookie(lane: string, version: number, k: Key = CURRENT, expires = now() + 3600): string {
  const payload = `${lane}.${version}.${expires}.${k.id}`;
  return `${payload}.${hmac(k.key, `c.${payload}`)}`;
}

/** An HS256 JWT (RFC 7519) signed with `k`. */
function jwt(claims: Record<string, unknown>, k: Key = USER_KEY, header: Record<string, unknown> = { alg: "HS256", typ: "JWT", kid: k.id }): string {
  const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  return `${signingInput}.${hmac(k.key, signingInput)}`;
}

function userJwt(sub: string, expires = now() + 3600): string {
  return jwt({ sub, exp: expires });
}

// ---------------------------------------------------------------- running the functions

/** The rules and (unless `null`) the keys in the KeyValueStore. */
function kvsWith(r: unknown, keys: unknown = KEYS): KeyValueStore {
  return memoryKvs({ rules: JSON.stringify(r), ...(keys === null ? {} : { keys: JSON.stringify(keys) }) });
}

/** `dev`: requireSigned off (plain tester header and user id taken); `prod`: on. */
const DEV: EdgeFunctionSettings = { requireSigned: false };
const PROD: EdgeFunctionSettings = { requireSigned: true };

function viewerRequest(kvs: KeyValueStore | undefined, settings: EdgeFunctionSettings = DEV): (event: CfEvent) => Promise<CfRequest> {
  const fn = loadCloudFrontFunction<CfRequest>(
    VIEWER_REQUEST,
    {
      cloudfront: cloudfrontModule(kvs),
      crypto: cloudfrontCrypto,
    },
    settings,
  );
  return (event) => fn.handler(event);
}

function viewerResponse(): (event: CfEvent) => Promise<CfResponse> {
  const fn = loadCloudFrontFunction<CfResponse>(VIEWER_RESPONSE, {});
  return (event) => fn.handler(event);
}

interface RequestInput {
  headers?: Record<string, string>;
  cookies?: Record<string, string>;
  /** Leave out the valid traceparent every request gets by default. */
  noTraceparent?: boolean;
}

function values(map: Record<string, string>): Record<string, { value: string }> {
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, { value: v }]));
}

function requestEvent(input: RequestInput = {}): CfEvent {
  const headers = {
    host: "app.example.com",
    ...(input.noTraceparent ? {} : { traceparent: VALID_TRACEPARENT }),
    ...input.headers,
  };
  return {
    version: "1.0",
    context: {
      distributionDomainName: "d111111abcdef8.cloudfront.net",
      distributionId: "EDFDVBD6EXAMPLE",
      eventType: "viewer-request",
      requestId: "4TyzHTaYWb1GX1qTfsHhEqV6HUDd_BzoBZnwfnvQc_1oF26ClkoUSEQ==",
    },
    viewer: { ip: "198.51.100.11" },
    request: {
      method: "GET",
      uri: "/index.html",
      querystring: {},
      headers: values(headers),
      cookies: values(input.cookies ?? {}),
    },
  };
}

function responseEvent(request: CfRequest): CfEvent {
  return {
    ...requestEvent(),
    context: { ...requestEvent().context, eventType: "viewer-response" },
    request,
    response: { statusCode: 200, statusDescription: "OK", headers: {}, cookies: {} },
  };
}

function header(request: CfRequest, name: string): string | undefined {
  return request.headers[name]?.value;
}

/** [lane, sticky] as viewer-request passes them on. */
function decided(request: CfRequest): [string | undefined, string | undefined] {
  return [header(request, "x-lanes-lane"), header(request, "x-lanes-sticky")];
}

/** The lanes whose ALB rule (laneHeaderValues, judged by ALB's documented matching) matches this tracestate. */
function albRoutes(tracestate: string | undefined, lanes: readonly string[]): string[] {
  return lanes.filter((lane) => albHeaderConditionMatches(laneHeaderValues(lane), tracestate));
}

const RULE_LANES = ["gray", "blue"] as const;

// The functions log to the console (the `lanes-rejected …` lines): kept here, not printed.
let consoleLog: jest.SpyInstance;
beforeEach(() => {
  consoleLog = jest.spyOn(console, "log").mockImplementation(() => undefined);
});
afterEach(() => consoleLog.mockRestore());

/** The `lanes-rejected …` lines the function logged while `run` ran. */
async function rejections(run: () => Promise<unknown>): Promise<string[]> {
  consoleLog.mockClear();
  await run();
  return consoleLog.mock.calls.map((c) => String(c[0])).filter((l) => l.startsWith("lanes-rejected"));
}

describe("viewer-request: lane decision (dev: requireSigned off)", () => {
  const run = viewerRequest(kvsWith(rules()));

  test("a plain tester header naming a known lane wins over cookie and user rules, and is not remembered", async () => {
    const req = await run(requestEvent({ headers: { "x-lane": "blue", "x-user-id": "u-1" }, cookies: { lane: signedCookie("gray", 3) } }));
    expect(decided(req)).toEqual(["blue", "0"]);
  });

  test("a tester header naming an unknown lane is ignored", async () => {
    const req = await run(requestEvent({ headers: { "x-lane": "purple", "x-user-id": "u-1" } }));
    expect(header(req, "x-lanes-lane")).toBe("gray");
  });

  test("a plain user id is taken in dev: a user in a lane's list gets that lane (from the header)", async () => {
    const req = await run(requestEvent({ headers: { "x-user-id": "u-2" } }));
    expect(decided(req)).toEqual(["gray", "0"]);
  });

  test("without the user id header the user id cookie is used", async () => {
    const req = await run(requestEvent({ cookies: { uid: "u-1" } }));
    expect(header(req, "x-lanes-lane")).toBe("gray");
  });

  test("the user id header takes precedence over the user id cookie", async () => {
    const onlyBlue = viewerRequest(kvsWith(rules({ users: { blue: ["u-9"] }, percentages: [] })));
    const req = await onlyBlue(requestEvent({ headers: { "x-user-id": "u-9" }, cookies: { uid: "u-1" } }));
    expect(header(req, "x-lanes-lane")).toBe("blue");
  });

  test("user lists of lanes not in `lanes` are ignored", async () => {
    const stale = viewerRequest(kvsWith(rules({ users: { green: ["u-1"] }, percentages: [] })));
    const req = await stale(requestEvent({ headers: { "x-user-id": "u-1" } }));
    expect(header(req, "x-lanes-lane")).toBe("default");
  });

  test("a self-made plain cookie is not a sticky cookie, even in dev", async () => {
    const req = await run(requestEvent({ cookies: { lane: "gray" } }));
    expect(header(req, "x-lanes-lane")).toBe("default");
  });

  test("without a user id or cookie the viewer gets default and nothing is remembered", async () => {
    const all = viewerRequest(kvsWith(rules({ percentages: [{ lane: "gray", percent: 100 }] })));
    const req = await all(requestEvent());
    expect(decided(req)).toEqual(["default", "0"]);
  });

  test("a user in no list and no percentage gets default, and the bucket decision is remembered", async () => {
    const none = viewerRequest(kvsWith(rules({ percentages: [] })));
    const req = await none(requestEvent({ headers: { "x-user-id": "u-77" } }));
    expect(decided(req)).toEqual(["default", "1"]);
  });

  test("x-lanes-* headers sent by the viewer are overwritten", async () => {
    const req = await run(
      requestEvent({
        headers: { "x-lanes-lane": "gray", "x-lanes-sticky": "1", "x-lanes-cookie": "evil", "x-lanes-cookie-value": "gray.9.9999999999.x.y" },
        cookies: { lane: signedCookie("blue", 3) },
      }),
    );
    expect([header(req, "x-lanes-lane"), header(req, "x-lanes-sticky"), header(req, "x-lanes-cookie"), header(req, "x-lanes-cookie-value")]).toEqual([
      "blue",
      "0",
      "lane",
      undefined,
    ]);
  });

  test("without keys in the KeyValueStore nothing is signed, so nothing is remembered", async () => {
    const keyless = viewerRequest(kvsWith(rules({ percentages: [] }), null));
    const req = await keyless(requestEvent({ headers: { "x-user-id": "u-77" } }));
    expect(decided(req)).toEqual(["default", "0"]);
    expect(header(req, "x-lanes-cookie-value")).toBeUndefined();
  });
});

describe("viewer-request: nobody forces a lane from outside (prod: requireSigned on)", () => {
  const RULES = rules({ version: 7, users: { gray: ["u-1"] }, percentages: [] });
  const run = viewerRequest(kvsWith(RULES), PROD);

  test.each<[string, RequestInput]>([
    ["a plain tester header", { headers: { "x-lane": "gray" } }],
    ["a forged tester token (signed with a key the edge does not have)", { headers: { "x-lane": token("gray", { id: CURRENT.id, key: "guessed" }) } }],
    ["a tampered tester token (another lane under gray's signature)", { headers: { "x-lane": token("gray").replace(/^gray\./, "blue.") } }],
    ["an expired tester token", { headers: { "x-lane": token("gray", CURRENT, now() - 1) } }],
    ["a token for a lane that is no longer in the rules", { headers: { "x-lane": token("green") } }],
    ["a sticky cookie signed as a token (the kind is signed)", { headers: { "x-lane": `gray.${now() + 3600}.${CURRENT.id}.${hmac(CURRENT.key, `c.gray.${now() + 3600}.${CURRENT.id}`)}` } }],
    ["a self-made sticky cookie", { cookies: { lane: "gray" } }],
    ["a sticky cookie with a forged signature", { cookies: { lane: signedCookie("gray", 7, { id: CURRENT.id, key: "guessed" }) } }],
    ["an expired sticky cookie", { cookies: { lane: signedCookie("gray", 7, CURRENT, now() - 1) } }],
    ["a plain user id header of a listed user", { headers: { "x-user-id": "u-1" } }],
    ["a plain user id cookie of a listed user", { cookies: { uid: "u-1" } }],
    ["a user id JWT signed with another key", { headers: { "x-user-id": jwt({ sub: "u-1", exp: now() + 60 }, { id: USER_KEY.id, key: "not the identity provider's key at all" }) } }],
    ["a tampered user id JWT (another sub under u-2's signature)", { headers: { "x-user-id": userJwt("u-2").replace(/^([^.]+)\.[^.]+/, `$1.${b64url(JSON.stringify({ sub: "u-1", exp: now() + 60 }))}`) } }],
    ["an unsigned JWT (alg none)", { headers: { "x-user-id": `${b64url('{"alg":"none"}')}.${b64url(JSON.stringify({ sub: "u-1", exp: now() + 60 }))}.` } }],
    ["an expired user id JWT", { headers: { "x-user-id": userJwt("u-1", now() - 1) } }],
    ["a JWT that is not valid yet (nbf)", { headers: { "x-user-id": jwt({ sub: "u-1", exp: now() + 60, nbf: now() + 30 }) } }],
    ["a JWT without exp", { headers: { "x-user-id": jwt({ sub: "u-1" }) } }],
  ])("%s: assigned as without it (default), no ctx member", async (_what, input) => {
    const req = await run(requestEvent(input));
    expect(header(req, "x-lanes-lane")).toBe("default");
    expect(header(req, "tracestate")).toBeUndefined();
  });

  test.each<[string, RequestInput, string]>([
    ["a plain tester header", { headers: { "x-lane": "gray" } }, "lanes-rejected tester format"],
    ["a forged token", { headers: { "x-lane": token("gray", { id: CURRENT.id, key: "guessed" }) } }, "lanes-rejected tester signature"],
    ["an expired token", { headers: { "x-lane": token("gray", CURRENT, now() - 1) } }, "lanes-rejected tester expired"],
    ["a self-made cookie", { cookies: { lane: "gray" } }, "lanes-rejected cookie format"],
    ["a plain user id", { headers: { "x-user-id": "u-1" } }, "lanes-rejected user unsigned"],
    ["a JWT with a bad signature", { headers: { "x-user-id": jwt({ sub: "u-1", exp: now() + 60 }, { id: USER_KEY.id, key: "x".repeat(40) }) } }, "lanes-rejected user signature"],
    ["an expired JWT", { headers: { "x-user-id": userJwt("u-1", now() - 1) } }, "lanes-rejected user expired"],
  ])("%s is counted: one log line naming what and why, without the value", async (_what, input, line) => {
    expect(await rejections(() => run(requestEvent(input)))).toEqual([line]);
  });

  test("valid values are not counted", async () => {
    expect(await rejections(() => run(requestEvent({ headers: { "x-lane": token("gray"), "x-user-id": userJwt("u-1") } })))).toEqual([]);
  });

  test("a valid tester token gets its lane, wins over the user's pin, and is not remembered", async () => {
    const req = await run(requestEvent({ headers: { "x-lane": token("blue"), "x-user-id": userJwt("u-1") } }));
    expect(decided(req)).toEqual(["blue", "0"]);
    expect(header(req, "tracestate")).toBe("ctx=lane:blue");
  });

  test("a tester token minted by `lanes edge token` (edge/keys.js mintToken) is accepted", async () => {
    const req = await run(requestEvent({ headers: { "x-lane": keysModule.mintToken("blue", now() + 600, CURRENT) } }));
    expect(header(req, "x-lanes-lane")).toBe("blue");
  });

  test("a valid user id JWT (header, with or without Bearer, or cookie) gets the user's pin", async () => {
    for (const input of [{ headers: { "x-user-id": userJwt("u-1") } }, { headers: { "x-user-id": `Bearer ${userJwt("u-1")}` } }, { cookies: { uid: userJwt("u-1") } }]) {
      expect(header(await run(requestEvent(input)), "x-lanes-lane")).toBe("gray");
    }
  });

  test("a JWT without kid is checked against every user key", async () => {
    const req = await run(requestEvent({ headers: { "x-user-id": jwt({ sub: "u-1", exp: now() + 60 }, USER_KEY, { alg: "HS256" }) } }));
    expect(header(req, "x-lanes-lane")).toBe("gray");
  });

  test("a JWT with another algorithm is refused even when its HMAC would verify", async () => {
    const req = await run(requestEvent({ headers: { "x-user-id": jwt({ sub: "u-1", exp: now() + 60 }, USER_KEY, { alg: "HS512", kid: USER_KEY.id }) } }));
    expect(header(req, "x-lanes-lane")).toBe("default");
  });

  test("a user id in the JWT with unicode survives the base64url decoding", async () => {
    const unicode = viewerRequest(kvsWith(rules({ version: 7, users: { gray: ["ユーザー-1"] }, percentages: [] })), PROD);
    expect(header(await unicode(requestEvent({ headers: { "x-user-id": userJwt("ユーザー-1") } })), "x-lanes-lane")).toBe("gray");
  });

  test("a valid sticky cookie keeps a viewer without user id in its lane", async () => {
    const req = await run(requestEvent({ cookies: { lane: signedCookie("blue", 7) } }));
    expect(decided(req)).toEqual(["blue", "0"]);
  });
});

describe("viewer-request: precedence is the operator's", () => {
  test("a user pinned to default while holding a gray cookie gets default", async () => {
    const run = viewerRequest(kvsWith(rules({ version: 8, users: { default: ["u-1"] }, percentages: [{ lane: "gray", percent: 100 }] })), PROD);
    const req = await run(requestEvent({ headers: { "x-user-id": userJwt("u-1") }, cookies: { lane: signedCookie("gray", 8) } }));
    expect(header(req, "x-lanes-lane")).toBe("default");
  });

  test("the user's pin wins over the user's percentage bucket and over the cookie", async () => {
    const run = viewerRequest(kvsWith(rules({ version: 8, users: { blue: ["u-1"] }, percentages: [{ lane: "gray", percent: 100 }] })), PROD);
    const req = await run(requestEvent({ headers: { "x-user-id": userJwt("u-1") }, cookies: { lane: signedCookie("gray", 8) } }));
    expect(decided(req)).toEqual(["blue", "0"]);
  });

  test("with a user id the bucket decides, not a cookie the user holds", async () => {
    const run = viewerRequest(kvsWith(rules({ version: 8, users: {}, percentages: [{ lane: "gray", percent: 100 }] })), PROD);
    const req = await run(requestEvent({ headers: { "x-user-id": userJwt("u-5") }, cookies: { lane: signedCookie("blue", 8) } }));
    expect(decided(req)).toEqual(["gray", "1"]);
  });

  test("a cookie for a lane that was removed is ignored, and replaced", async () => {
    const run = viewerRequest(kvsWith(rules({ version: 9, lanes: ["default", "blue"], users: {}, percentages: [] })), PROD);
    const req = await run(requestEvent({ cookies: { lane: signedCookie("gray", 9) } }));
    expect(decided(req)).toEqual(["default", "1"]);
    expect(header(req, "x-lanes-cookie-value")).toMatch(/^default\.9\./);
  });

  test("a cookie from rules older than its lane's last change is ignored, and replaced", async () => {
    const run = viewerRequest(kvsWith(rules({ version: 9, users: {}, percentages: [], changed: { gray: 9, blue: 4 } })), PROD);
    const stale = await run(requestEvent({ cookies: { lane: signedCookie("gray", 8) } }));
    expect(decided(stale)).toEqual(["default", "1"]);
    // blue last changed in version 4: a cookie from version 8 still holds.
    expect(decided(await run(requestEvent({ cookies: { lane: signedCookie("blue", 8) } })))).toEqual(["blue", "0"]);
  });

  test("without `changed`, a cookie from any older rules version is ignored", async () => {
    const run = viewerRequest(kvsWith(rules({ version: 9, users: {}, percentages: [] })), PROD);
    expect(header(await run(requestEvent({ cookies: { lane: signedCookie("blue", 8) } })), "x-lanes-lane")).toBe("default");
    expect(header(await run(requestEvent({ cookies: { lane: signedCookie("blue", 9) } })), "x-lanes-lane")).toBe("blue");
  });

  test("a lane name that is an Object.prototype property does not confuse `changed`", async () => {
    const run = viewerRequest(kvsWith(rules({ version: 9, lanes: ["default", "constructor"], users: {}, percentages: [], changed: {} })), PROD);
    expect(header(await run(requestEvent({ cookies: { lane: signedCookie("constructor", 8) } })), "x-lanes-lane")).toBe("default");
    expect(header(await run(requestEvent({ cookies: { lane: signedCookie("constructor", 9) } })), "x-lanes-lane")).toBe("constructor");
  });
});

describe("viewer-request: key rotation", () => {
  const run = viewerRequest(kvsWith(rules({ version: 7, users: {}, percentages: [] })), PROD);

  test("a token signed with the previous key is still accepted", async () => {
    expect(header(await run(requestEvent({ headers: { "x-lane": token("gray", PREVIOUS) } })), "x-lanes-lane")).toBe("gray");
  });

  test("a token signed with the key before it is refused", async () => {
    expect(header(await run(requestEvent({ headers: { "x-lane": token("gray", RETIRED) } })), "x-lanes-lane")).toBe("default");
    expect(await rejections(() => run(requestEvent({ headers: { "x-lane": token("gray", RETIRED) } })))).toEqual(["lanes-rejected tester key"]);
  });

  test("a cookie signed with the previous key keeps its lane and is signed again with the current key", async () => {
    const req = await run(requestEvent({ cookies: { lane: signedCookie("blue", 7, PREVIOUS) } }));
    expect(decided(req)).toEqual(["blue", "1"]);
    const value = header(req, "x-lanes-cookie-value")!;
    const [lane, version, expires, kid, signature] = value.split(".");
    expect([lane, version, kid]).toEqual(["blue", "7", CURRENT.id]);
    expect(signature).toBe(hmac(CURRENT.key, `c.${lane}.${version}.${expires}.${kid}`));
  });

  test("a cookie signed with a retired key is refused", async () => {
    expect(header(await run(requestEvent({ cookies: { lane: signedCookie("blue", 7, RETIRED) } })), "x-lanes-lane")).toBe("default");
  });
});

describe("viewer-request: baggage", () => {
  const run = viewerRequest(kvsWith(rules()), PROD);

  test("a viewer's own baggage lane member is removed; other members stay", async () => {
    const req = await run(requestEvent({ headers: { baggage: "userId=alice, lane=gray;p=1 ,isProduction=false" } }));
    expect(header(req, "baggage")).toBe("userId=alice,isProduction=false");
  });

  test("a baggage header with only a lane member is removed", async () => {
    const req = await run(requestEvent({ headers: { baggage: " lane = gray " } }));
    expect(req.headers.baggage).toBeUndefined();
  });

  test("baggage sent as several headers loses the lane member of each", async () => {
    const event = requestEvent();
    event.request.headers.baggage = { value: "a=1", multiValue: [{ value: "a=1,lane=gray" }, { value: "LANE=blue,b=2" }] };
    expect(header(await run(event), "baggage")).toBe("a=1,b=2");
  });

  test("the assigned lane goes into baggage first, written with tracestate's member (the viewer's own replaced)", async () => {
    const req = await run(requestEvent({ headers: { "x-lane": token("gray"), baggage: "userId=alice,lane=blue" } }));
    expect(header(req, "x-lanes-lane")).toBe("gray");
    expect(header(req, "tracestate")).toBe("ctx=lane:gray");
    expect(header(req, "baggage")).toBe("lane=gray,userId=alice");
  });

  test("baggage limits (W3C Baggage: 64 members, 8192 bytes): whole members of the viewer's are dropped from the end, never the lane", async () => {
    const many = Array.from({ length: 70 }, (_, i) => `k${i}=v${i}`).join(",");
    const req = await run(requestEvent({ headers: { "x-lane": token("gray"), baggage: many } }));
    const members = (header(req, "baggage") ?? "").split(",");
    expect(members).toHaveLength(64);
    expect(members[0]).toBe("lane=gray");
    expect(members[63]).toBe("k62=v62");
    const big = Array.from({ length: 3 }, (_, i) => `big${i}=${"x".repeat(3000)}`).join(",");
    const sized = header(await run(requestEvent({ headers: { "x-lane": token("gray"), baggage: big } })), "baggage") ?? "";
    expect(sized.split(",").map((m) => m.split("=")[0])).toEqual(["lane", "big0", "big1"]);
    expect(sized.length).toBeLessThanOrEqual(8192);
  });
});

describe("viewer-request: percentages mean what they say", () => {
  const IDS = Array.from({ length: 2000 }, (_, i) => `user-${i.toString(36)}-${(i * 7919) % 100_003}`);
  // Who moves is a property of each id, not a proportion: the same 2,000 ids (about 200 in a 10% lane) show it.
  const MOVERS_IDS = IDS;

  /** lane → the ids of IDS in it, with users' ids as plain ids (dev) and the given percentages. */
  async function shares(percentages: { lane: string; percent: number }[], lanes = ["default", "gray", "blue", "green", "teal"], ids = IDS): Promise<Map<string, Set<string>>> {
    const run = viewerRequest(kvsWith(rules({ lanes, users: {}, percentages })));
    const by = new Map<string, Set<string>>();
    for (const id of ids) {
      const lane = header(await run(requestEvent({ headers: { "x-user-id": id } })), "x-lanes-lane")!;
      if (!by.has(lane)) by.set(lane, new Set());
      by.get(lane)!.add(id);
    }
    return by;
  }

  // The counts are Python's, from the contract (a user's bucket is the first 32 bits of the
  // SHA-256 of the id, mod 10000; the lanes take consecutive ranges in list order):
  //   ids = [f"user-{base36(i)}-{(i * 7919) % 100003}" for i in range(2000)]
  //   bucket = int(hashlib.sha256(id.encode()).hexdigest()[:8], 16) % 10000
  // Each is within 2 points of its lane's share (a check on these literals, below).
  test.each<[string, { lane: string; percent: number }[], Record<string, [number, number]>]>([
    ["one lane: gray 50", [{ lane: "gray", percent: 50 }], { gray: [50, 997], default: [50, 1003] }],
    ["two lanes: blue 50, gray 50", [{ lane: "blue", percent: 50 }, { lane: "gray", percent: 50 }], { blue: [50, 997], gray: [50, 1003] }],
    [
      "three lanes: 10/20/30",
      [{ lane: "gray", percent: 10 }, { lane: "blue", percent: 20 }, { lane: "green", percent: 30 }],
      { gray: [10, 209], blue: [20, 386], green: [30, 608], default: [40, 797] },
    ],
  ])("%s: of 2,000 user ids, each lane gets the ids Python's hashlib puts in its range", async (_what, percentages, expected) => {
    const by = await shares(percentages);
    const counts = Object.fromEntries([...by].map(([lane, ids]) => [lane, ids.size]));
    expect(counts).toEqual(Object.fromEntries(Object.entries(expected).map(([lane, [, count]]) => [lane, count])));
    for (const [lane, [percent, count]] of Object.entries(expected)) expect([lane, Math.abs((100 * count) / IDS.length - percent) <= 2]).toEqual([lane, true]);
  });

  test("a range ends before its end bucket: with gray at 10 %, bucket 999 is gray's and bucket 1000 default's", async () => {
    // Python: u-11159 is in bucket 999 (sha256 0x3a086e17…), u-11925 in bucket 1000 (0x0ffe8f08…).
    const run = viewerRequest(kvsWith(rules({ users: {}, percentages: [{ lane: "gray", percent: 10 }] })));
    const laneOf = async (id: string) => header(await run(requestEvent({ headers: { "x-user-id": id } })), "x-lanes-lane");
    expect([await laneOf("u-11159"), await laneOf("u-11925")]).toEqual(["gray", "default"]);
  });

  test("a user keeps their lane when an unrelated lane is added (at the end of the list)", async () => {
    const before = await shares([{ lane: "gray", percent: 10 }, { lane: "blue", percent: 20 }], undefined, MOVERS_IDS);
    const after = await shares([{ lane: "gray", percent: 10 }, { lane: "blue", percent: 20 }, { lane: "teal", percent: 15 }], undefined, MOVERS_IDS);
    for (const lane of ["gray", "blue"]) expect([lane, [...before.get(lane)!].filter((id) => !after.get(lane)!.has(id))]).toEqual([lane, []]);
    // teal's users all come from default.
    expect([...after.get("teal")!].filter((id) => !before.get("default")!.has(id))).toEqual([]);
  });

  test("growing the last lane moves users only from default into it", async () => {
    const at10 = await shares([{ lane: "blue", percent: 20 }, { lane: "gray", percent: 10 }], undefined, MOVERS_IDS);
    const at20 = await shares([{ lane: "blue", percent: 20 }, { lane: "gray", percent: 20 }], undefined, MOVERS_IDS);
    expect([...at10.get("gray")!].filter((id) => !at20.get("gray")!.has(id))).toEqual([]);
    expect(at10.get("blue")).toEqual(at20.get("blue"));
  });

  test("an entry for a lane that is not in `lanes` keeps its range (served by default): the lanes after it stay put", async () => {
    const withGreen = await shares([{ lane: "green", percent: 30 }, { lane: "gray", percent: 10 }], undefined, MOVERS_IDS);
    const greenGone = await shares([{ lane: "green", percent: 30 }, { lane: "gray", percent: 10 }], ["default", "gray"], MOVERS_IDS);
    expect(greenGone.get("gray")).toEqual(withGreen.get("gray"));
  });

  test("the edge and `lanes edge set` (edge/rules.js laneOf, which computes `changed`) put every user in the same lane", async () => {
    const r = rules({ lanes: ["default", "gray", "blue", "green"], users: { blue: ["user-1-7919"] }, percentages: [{ lane: "gray", percent: 12.5 }, { lane: "green", percent: 30 }, { lane: "blue", percent: 20 }] });
    const run = viewerRequest(kvsWith(r));
    const differ: string[] = [];
    for (const id of IDS) {
      const edge = header(await run(requestEvent({ headers: { "x-user-id": id } })), "x-lanes-lane");
      if (edge !== rulesModule.laneOf(r, id)) differ.push(id);
    }
    expect(differ).toEqual([]);
  });

  test("the same user always gets the same lane", async () => {
    const run = viewerRequest(kvsWith(rules({ users: {}, percentages: [{ lane: "gray", percent: 50 }] })));
    const lanes = new Set<string | undefined>();
    for (let i = 0; i < 20; i++) lanes.add(header(await run(requestEvent({ headers: { "x-user-id": "user-stable" } })), "x-lanes-lane"));
    expect(lanes.size).toBe(1);
  });
});

describe("viewer-request: rules that cannot be used", () => {
  test("a KeyValueStore read that throws gives default, no cookie, no ctx member", async () => {
    const req = await viewerRequest(failingKvs())(
      requestEvent({ headers: { "x-lane": "gray", tracestate: "ctx=lane:gray,rojo=1" }, cookies: { lane: "gray" } }),
    );
    expect(header(req, "x-lanes-lane")).toBe("default");
    expect(header(req, "x-lanes-sticky")).toBe("0");
    expect(header(req, "tracestate")).toBe("rojo=1");
  });

  test("a missing `rules` key gives default without cookie", async () => {
    const req = await viewerRequest(memoryKvs({}))(requestEvent({ headers: { "x-user-id": "u-1" } }));
    expect([header(req, "x-lanes-lane"), header(req, "x-lanes-sticky")]).toEqual(["default", "0"]);
  });

  test("no KeyValueStore associated (cf.kvs() throws) gives default without cookie", async () => {
    const req = await viewerRequest(undefined)(requestEvent({ headers: { "x-user-id": "u-1" } }));
    expect([header(req, "x-lanes-lane"), header(req, "x-lanes-sticky")]).toEqual(["default", "0"]);
  });

  test("a value that is not JSON gives default without cookie", async () => {
    const req = await viewerRequest(memoryKvs({ rules: "{lanes: [gray" }))(requestEvent({ headers: { "x-user-id": "u-1" } }));
    expect([header(req, "x-lanes-lane"), header(req, "x-lanes-sticky")]).toEqual(["default", "0"]);
  });

  test.each<[string, unknown]>([
    ["not an object", ["gray"]],
    ["null", null],
    ["lanes missing", { ...rules(), lanes: undefined }],
    ["lanes not a list", { ...rules(), lanes: "gray" }],
    ["a lane that is not a valid lane name", { ...rules(), lanes: ["default", "Gray,ctx=x"] }],
    ["users not an object", { ...rules(), users: ["u-1"] }],
    ["a user list that is not a list", { ...rules(), users: { gray: "u-1" } }],
    ["percentages not a list", { ...rules(), percentages: { gray: 10 } }],
    ["a percent that is not a number", { ...rules(), percentages: [{ lane: "gray", percent: "10" }] }],
    ["a percent over 100", { ...rules(), percentages: [{ lane: "gray", percent: 120 }] }],
    ["a cookie name that is not a token", { ...rules(), cookie: { name: "la ne;", maxAgeSeconds: 60 } }],
    ["a negative max-age", { ...rules(), cookie: { name: "lane", maxAgeSeconds: -1 } }],
    ["a tester header that is not a string", { ...rules(), testerHeader: 7 }],
    ["no version", { ...rules(), version: undefined }],
    ["`changed` not an object", { ...rules(), changed: [3] }],
  ])("malformed rules (%s) give default without cookie", async (_what, malformed) => {
    const req = await viewerRequest(kvsWith(malformed))(
      requestEvent({ headers: { "x-user-id": "u-1", "x-lane": "gray" }, cookies: { lane: "gray" } }),
    );
    expect([header(req, "x-lanes-lane"), header(req, "x-lanes-sticky")]).toEqual(["default", "0"]);
    expect(header(req, "x-lanes-cookie")).toBeUndefined();
  });
});

describe("viewer-request: tracestate", () => {
  const run = viewerRequest(kvsWith(rules()));
  const gray = { "x-lane": "gray" };

  test("a lane with no tracestate yet gets exactly ctx=lane:{lane}", async () => {
    const req = await run(requestEvent({ headers: gray }));
    expect(header(req, "tracestate")).toBe("ctx=lane:gray");
  });

  test("existing members are kept in order after ctx, without optional spaces", async () => {
    const req = await run(
      requestEvent({ headers: { ...gray, tracestate: "rojo=00f067aa0ba902b7 ,\tcongo=t61rcWkgMzE,  nr@x=a b" } }),
    );
    expect(header(req, "tracestate")).toBe("ctx=lane:gray,rojo=00f067aa0ba902b7,congo=t61rcWkgMzE,nr@x=a b");
  });

  test("an old ctx member is replaced and the new one moved to the front", async () => {
    const req = await run(requestEvent({ headers: { ...gray, tracestate: "rojo=1,ctx=lane:blue,congo=2" } }));
    expect(header(req, "tracestate")).toBe("ctx=lane:gray,rojo=1,congo=2");
  });

  test("the default lane removes a stale ctx member and adds none", async () => {
    const req = await run(requestEvent({ headers: { tracestate: "rojo=1,ctx=lane:gray" } }));
    expect(header(req, "x-lanes-lane")).toBe("default");
    expect(header(req, "tracestate")).toBe("rojo=1");
  });

  test("the default lane with only a stale ctx member removes the header", async () => {
    const req = await run(requestEvent({ headers: { tracestate: "ctx=lane:gray" } }));
    expect(req.headers.tracestate).toBeUndefined();
  });

  test("tracestate sent as several headers is combined in order", async () => {
    const event = requestEvent({ headers: gray });
    event.request.headers.tracestate = { value: "a=1", multiValue: [{ value: "a=1" }, { value: "b=2,c=3" }] };
    const req = await run(event);
    expect(header(req, "tracestate")).toBe("ctx=lane:gray,a=1,b=2,c=3");
  });

  test("invalid members and repeated keys are dropped (first one wins)", async () => {
    const req = await run(
      requestEvent({ headers: { ...gray, tracestate: "a=1,Bad=2,noequals,c=x=y,a=3,,d=" } }),
    );
    expect(header(req, "tracestate")).toBe("ctx=lane:gray,a=1");
  });

  test("at most 32 members: the ctx member is first and members are dropped from the end", async () => {
    const incoming = Array.from({ length: 32 }, (_, i) => `v${i}=${i}`);
    const req = await run(requestEvent({ headers: { ...gray, tracestate: incoming.join(",") } }));
    const members = header(req, "tracestate")!.split(",");
    expect(members).toHaveLength(32);
    expect(members[0]).toBe("ctx=lane:gray");
    expect(members.slice(1)).toEqual(incoming.slice(0, 31));
  });

  test("at most 512 characters: members over 128 characters go first, then members from the end", async () => {
    const big = `big=${"x".repeat(200)}`;
    const small = Array.from({ length: 6 }, (_, i) => `s${i}=${String(i).repeat(60)}`);
    const req = await run(requestEvent({ headers: { ...gray, tracestate: [small[0], big, ...small.slice(1)].join(",") } }));
    const value = header(req, "tracestate")!;
    expect(value.length).toBeLessThanOrEqual(512);
    expect(value).toBe(["ctx=lane:gray", ...small].join(","));
  });

  test("a tracestate that cannot fit is cut from the end until it is 512 characters or less", async () => {
    const incoming = Array.from({ length: 20 }, (_, i) => `k${String(i).padStart(2, "0")}=${"v".repeat(60)}`);
    const req = await run(requestEvent({ headers: { ...gray, tracestate: incoming.join(",") } }));
    const value = header(req, "tracestate")!;
    expect(value.length).toBeLessThanOrEqual(512);
    const members = value.split(",");
    expect(members[0]).toBe("ctx=lane:gray");
    expect(members.slice(1)).toEqual(incoming.slice(0, members.length - 1));
    expect(value.length + 1 + incoming[members.length - 1].length).toBeGreaterThan(512);
  });
});

describe("viewer-request: the ALB contract (laneHeaderValues)", () => {
  const run = viewerRequest(kvsWith(rules()));

  test.each<[string, RequestInput, string]>([
    ["tester header, no tracestate", { headers: { "x-lane": "gray" } }, "gray"],
    ["user list, other vendors' members", { headers: { "x-user-id": "u-1", tracestate: "rojo=1,congo=2" } }, "gray"],
    ["sticky cookie, stale ctx in the middle", { headers: { tracestate: "a=1,ctx=lane:gray,b=2" }, cookies: { lane: signedCookie("blue", 3) } }, "blue"],
    ["tester header, 40 members sent", { headers: { "x-lane": "blue", tracestate: Array.from({ length: 40 }, (_, i) => `m${i}=1`).join(",") } }, "blue"],
    ["default, stale ctx first", { headers: { tracestate: "ctx=lane:gray,a=1" } }, "default"],
    ["default, ctx smuggled in upper case", { headers: { tracestate: "a=1,CTX=LANE:GRAY" } }, "default"],
    ["default, ctx smuggled in a value", { headers: { tracestate: "a=1,x=ctx=lane:gray,b=2" } }, "default"],
  ])("%s: the ALB rule of the chosen lane matches, no other lane's does", async (_what, input, lane) => {
    const req = await run(requestEvent(input));
    expect(header(req, "x-lanes-lane")).toBe(lane);
    expect(albRoutes(header(req, "tracestate"), RULE_LANES)).toEqual(lane === "default" ? [] : [lane]);
  });
});

describe("viewer-request: traceparent", () => {
  const run = viewerRequest(kvsWith(rules()));

  test("a valid traceparent is kept unchanged, with the other members", async () => {
    const req = await run(requestEvent({ headers: { "x-lane": "gray", tracestate: "rojo=1" } }));
    expect(header(req, "traceparent")).toBe(VALID_TRACEPARENT);
    expect(header(req, "tracestate")).toBe("ctx=lane:gray,rojo=1");
  });

  test("a missing traceparent is created with random ids and flags 01", async () => {
    const req = await run(requestEvent({ headers: { "x-lane": "gray" }, noTraceparent: true }));
    const m = TRACEPARENT.exec(header(req, "traceparent") ?? "");
    expect(m).not.toBeNull();
    expect(m![1]).not.toMatch(/^0+$/);
    expect(m![2]).not.toMatch(/^0+$/);
    expect(header(req, "tracestate")).toBe("ctx=lane:gray");
  });

  test("created trace ids differ between requests", async () => {
    const ids = new Set<string | undefined>();
    for (let i = 0; i < 50; i++) ids.add(header(await run(requestEvent({ noTraceparent: true })), "traceparent"));
    expect(ids.size).toBe(50);
  });

  test.each([
    ["all-zero trace id", "00-00000000000000000000000000000000-00f067aa0ba902b7-01"],
    ["all-zero parent id", "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"],
    ["upper-case hex", "00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01"],
    ["another version", "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"],
    ["a short trace id", "00-4bf92f3577b34da6a3ce929d0e0e47-00f067aa0ba902b7-01"],
    ["garbage", "hello"],
  ])("an invalid traceparent (%s) is replaced, and the old members go with it", async (_what, invalid) => {
    const req = await run(requestEvent({ headers: { "x-lane": "gray", traceparent: invalid, tracestate: "rojo=1" } }));
    expect(header(req, "traceparent")).toMatch(TRACEPARENT);
    expect(header(req, "traceparent")).not.toBe(invalid);
    // W3C Trace Context: tracestate is not parsed when traceparent is invalid.
    expect(header(req, "tracestate")).toBe("ctx=lane:gray");
  });
});

describe("viewer-response: sticky cookie", () => {
  const respond = viewerResponse();
  const VALUE = signedCookie("gray", 3);

  function forwarded(headers: Record<string, string>): CfRequest {
    return requestEvent({ headers }).request;
  }

  test("sets the signed cookie value when x-lanes-sticky is 1", async () => {
    const res = await respond(
      responseEvent(forwarded({ "x-lanes-lane": "gray", "x-lanes-sticky": "1", "x-lanes-cookie": "lane", "x-lanes-cookie-max-age": "3600", "x-lanes-cookie-value": VALUE })),
    );
    expect(res.cookies).toEqual({
      lane: { value: VALUE, attributes: "Path=/; Max-Age=3600; Secure; HttpOnly; SameSite=Lax" },
    });
  });

  test("sets no cookie when x-lanes-sticky is 0", async () => {
    const res = await respond(responseEvent(forwarded({ "x-lanes-lane": "gray", "x-lanes-sticky": "0", "x-lanes-cookie": "lane", "x-lanes-cookie-value": VALUE })));
    expect(res.cookies).toEqual({});
  });

  test("sets no cookie when the viewer-request function left no headers", async () => {
    const res = await respond(responseEvent(forwarded({})));
    expect(res.cookies).toEqual({});
  });

  test.each([
    ["a bare lane name", "gray"],
    ["an attribute smuggled in", `${VALUE}; Domain=evil`],
    ["a signature of the wrong length", `${VALUE}xx`],
  ])("sets no cookie for a value that is not a signed cookie (%s)", async (_what, value) => {
    const res = await respond(responseEvent(forwarded({ "x-lanes-sticky": "1", "x-lanes-cookie-value": value })));
    expect(res.cookies).toEqual({});
  });

  test("falls back to the constants lane / 86400 without cookie headers", async () => {
    const res = await respond(responseEvent(forwarded({ "x-lanes-sticky": "1", "x-lanes-cookie-value": VALUE })));
    expect(res.cookies).toEqual({
      lane: { value: VALUE, attributes: "Path=/; Max-Age=86400; Secure; HttpOnly; SameSite=Lax" },
    });
  });

  test("keeps the cookies the origin set, and adds the sticky one", async () => {
    const event = responseEvent(forwarded({ "x-lanes-sticky": "1", "x-lanes-cookie-value": VALUE }));
    event.response!.cookies = { session: { value: "s-1", attributes: "Path=/; Secure; HttpOnly" } };
    expect((await respond(event)).cookies).toEqual({
      session: { value: "s-1", attributes: "Path=/; Secure; HttpOnly" },
      lane: { value: VALUE, attributes: "Path=/; Max-Age=86400; Secure; HttpOnly; SameSite=Lax" },
    });
  });

  test("sets the cookie on a response that carries no cookies object", async () => {
    const event = responseEvent(forwarded({ "x-lanes-sticky": "1", "x-lanes-cookie-value": VALUE }));
    delete (event.response as Partial<CfResponse>).cookies;
    expect((await respond(event)).cookies).toEqual({ lane: { value: VALUE, attributes: "Path=/; Max-Age=86400; Secure; HttpOnly; SameSite=Lax" } });
  });

  test("a header without a string value counts as absent (the cookie name falls back to the rules' default)", async () => {
    const request = forwarded({ "x-lanes-sticky": "1", "x-lanes-cookie-value": VALUE });
    request.headers["x-lanes-cookie"] = { multiValue: [{ value: "other" }] } as unknown as CfRequest["headers"][string];
    expect((await respond(responseEvent(request))).cookies).toEqual({ lane: { value: VALUE, attributes: "Path=/; Max-Age=86400; Secure; HttpOnly; SameSite=Lax" } });
  });

  test("end to end: the cookie named in the rules remembers a bucket decision, signed, and is not set again", async () => {
    const run = viewerRequest(kvsWith(rules({ users: {}, percentages: [{ lane: "gray", percent: 100 }], cookie: { name: "x-lane-pin", maxAgeSeconds: 600 } })), PROD);
    const first = await respond(responseEvent(await run(requestEvent({ headers: { "x-user-id": userJwt("u-1") } }))));
    const cookie = first.cookies["x-lane-pin"]!;
    expect(cookie.attributes).toBe("Path=/; Max-Age=600; Secure; HttpOnly; SameSite=Lax");
    const [lane, version, expires, kid, signature] = cookie.value.split(".");
    expect([lane, version, kid]).toEqual(["gray", "3", CURRENT.id]);
    expect(Number(expires) - now()).toBeGreaterThan(590);
    expect(Number(expires) - now()).toBeLessThanOrEqual(600);
    expect(signature).toBe(hmac(CURRENT.key, `c.gray.3.${expires}.${kid}`));
    // Back with it (and without a user id, e.g. a static asset): same lane, nothing set again.
    const again = await run(requestEvent({ cookies: { "x-lane-pin": cookie.value } }));
    expect(decided(again)).toEqual(["gray", "0"]);
    expect((await respond(responseEvent(again))).cookies).toEqual({});
  });

  test("end to end: no cookie for a tester token or a pin", async () => {
    const run = viewerRequest(kvsWith(rules()), PROD);
    for (const headers of [{ "x-lane": token("blue") }, { "x-user-id": userJwt("u-1") }] as Record<string, string>[]) {
      expect((await respond(responseEvent(await run(requestEvent({ headers }))))).cookies).toEqual({});
    }
  });

  test("end to end: no cookie when the rules could not be read", async () => {
    const run = viewerRequest(failingKvs(), PROD);
    const res = await respond(responseEvent(await run(requestEvent({ headers: { "x-user-id": userJwt("u-1") } }))));
    expect(res.cookies).toEqual({});
  });
});

// ---------------------------------------------------------------- each check fed on purpose
// These tests load the function themselves (`once`), not in their describe: the module's regular
// expressions then count as covered by the test that reads them (Stryker runs a mutant of
// module-level code only with the tests that covered it while they ran).

/** One request through a freshly loaded viewer-request function, with these rules and keys in its KeyValueStore. */
async function once(r: unknown, input: RequestInput | CfEvent, settings: EdgeFunctionSettings = DEV, keys: unknown = KEYS): Promise<CfRequest> {
  return viewerRequest(kvsWith(r, keys), settings)("request" in input ? input : requestEvent(input));
}

/** A request event whose raw CloudFront shape is then changed by `edit`. */
function edited(input: RequestInput, edit: (request: CfRequest) => void): CfEvent {
  const event = requestEvent(input);
  edit(event.request!);
  return event;
}

describe("viewer-request: each check of the rules, at and across its bound", () => {
  const TRIES = { headers: { "x-lane": "gray", "x-user-id": "u-1" }, cookies: { lane: "gray" } };

  test.each<[string, unknown]>([
    ["a lane that is a list", { ...rules(), lanes: ["default", ["gray"]] }],
    ["a lane name of 116 characters (one over)", { ...rules(), lanes: ["default", "gray", "g".repeat(116)] }],
    ["version 0", { ...rules(), version: 0 }],
    ["userId not an object", { ...rules(), userId: "x-user-id" }],
    ["a user id cookie name that is not a string", { ...rules(), userId: { header: "x-user-id", cookie: 7 } }],
    ["the cookie settings not an object", { ...rules(), cookie: "lane" }],
    ["a percentage whose lane is not a string", { ...rules(), percentages: [{ lane: 7, percent: 10 }] }],
    ["a negative percent", { ...rules(), percentages: [{ lane: "gray", percent: -1 }] }],
    ["a cookie name that is not a string", { ...rules(), cookie: { name: 7, maxAgeSeconds: 60 } }],
    ["a max-age of a year and a second", { ...rules(), cookie: { name: "lane", maxAgeSeconds: 31536001 } }],
    ["a max-age that is not whole", { ...rules(), cookie: { name: "lane", maxAgeSeconds: 60.5 } }],
    ["a max-age given as a string", { ...rules(), cookie: { name: "lane", maxAgeSeconds: "60" } }],
  ])("refused: %s (default, no cookie)", async (_what, malformed) => {
    const req = await once(malformed, TRIES);
    expect([header(req, "x-lanes-lane"), header(req, "x-lanes-sticky"), header(req, "x-lanes-cookie")]).toEqual(["default", "0", undefined]);
  });

  test.each<[string, unknown, string]>([
    ["version 1", { ...rules(), version: 1 }, "86400"],
    ["a lane name of 115 characters", { ...rules(), lanes: ["default", "gray", "g".repeat(115)] }, "86400"],
    ["percent 0", { ...rules(), percentages: [{ lane: "gray", percent: 0 }] }, "86400"],
    ["percent 100", { ...rules(), percentages: [{ lane: "gray", percent: 100 }] }, "86400"],
    ["a max-age of 1 second", { ...rules(), cookie: { name: "lane", maxAgeSeconds: 1 } }, "1"],
    ["a max-age of a year", { ...rules(), cookie: { name: "lane", maxAgeSeconds: 31536000 } }, "31536000"],
  ])("used: %s", async (_what, r, maxAge) => {
    const req = await once(r, TRIES);
    expect([header(req, "x-lanes-lane"), header(req, "x-lanes-cookie"), header(req, "x-lanes-cookie-max-age")]).toEqual(["gray", "lane", maxAge]);
  });

  test("only `version` and `lanes`: no tester header, no user id, no percentages; the cookie `lane` for a day", async () => {
    const req = await once({ version: 2, lanes: ["gray"] }, { headers: { "x-lane": "gray", "x-user-id": "u-1" }, cookies: { uid: "u-1" } });
    expect([...decided(req), header(req, "x-lanes-cookie"), header(req, "x-lanes-cookie-max-age")]).toEqual(["default", "0", "lane", "86400"]);
  });

  test("rules whose `lanes` leave out default still know it: a tester header naming default is taken, not rejected", async () => {
    let lane: string | undefined;
    expect(
      await rejections(
        async () => (lane = header(await once({ version: 2, lanes: ["gray"], testerHeader: "x-lane" }, { headers: { "x-lane": "default" } }), "x-lanes-lane")),
      ),
    ).toEqual([]);
    expect(lane).toBe("default");
  });

  test("an entry for a lane that is not in `lanes` sends its whole range to default", async () => {
    const req = await once(rules({ users: {}, percentages: [{ lane: "green", percent: 100 }] }), { headers: { "x-user-id": "u-9" } });
    expect(header(req, "x-lanes-lane")).toBe("default");
  });
});

describe("viewer-request: the tester header, the user id and the cookie, fed on purpose", () => {
  test("a tester header with spaces around the lane is that lane", async () => {
    expect(header(await once(rules(), { headers: { "x-lane": " gray " } }), "x-lanes-lane")).toBe("gray");
  });

  test("a tester header naming default gets default over the user's pin, and is not counted as rejected", async () => {
    const seen = await rejections(async () =>
      expect(header(await once(rules(), { headers: { "x-lane": "default", "x-user-id": "u-1" } }), "x-lanes-lane")).toBe("default"),
    );
    expect(seen).toEqual([]);
  });

  test("a signed tester token for default gets default over the user's pin", async () => {
    const req = await once(rules({ version: 7 }), { headers: { "x-lane": token("default"), "x-user-id": userJwt("u-1") } }, PROD);
    expect(header(req, "x-lanes-lane")).toBe("default");
  });

  test("a tester header without a string value counts as absent: the user's pin decides, nothing is rejected", async () => {
    const event = edited({ headers: { "x-user-id": "u-1" } }, (r) => void (r.headers["x-lane"] = {} as CfValue));
    const seen = await rejections(async () => {
      const req = await once(rules(), event);
      expect([header(req, "x-lanes-lane"), header(req, "x-lanes-cookie")]).toEqual(["gray", "lane"]);
    });
    expect(seen).toEqual([]);
  });

  test("`Bearer` and any number of spaces before a user id JWT", async () => {
    expect(header(await once(rules({ version: 7 }), { headers: { "x-user-id": `Bearer   ${userJwt("u-1")}` } }, PROD), "x-lanes-lane")).toBe("gray");
  });

  test("a plain user id that is not a user id (a space in it) is no user: default, nothing remembered", async () => {
    expect(
      decided(await once(rules({ users: { gray: ["u 1"] }, percentages: [{ lane: "gray", percent: 100 }] }), { headers: { "x-user-id": "u 1" } })),
    ).toEqual(["default", "0"]);
  });

  test("a user id of 128 characters is one; of 129 is none", async () => {
    const [ok, long] = ["u".repeat(128), "u".repeat(129)];
    const r = rules({ users: { gray: [ok, long] }, percentages: [] });
    expect([
      header(await once(r, { headers: { "x-user-id": ok } }), "x-lanes-lane"),
      header(await once(r, { headers: { "x-user-id": long } }), "x-lanes-lane"),
    ]).toEqual(["gray", "default"]);
  });

  test("a JWT with nbf in the past, this second, or not a number is valid now", async () => {
    for (const nbf of [now() - 60, now(), String(now() + 3600)]) {
      expect([
        nbf,
        header(await once(rules({ version: 7 }), { headers: { "x-user-id": jwt({ sub: "u-1", exp: now() + 60, nbf }) } }, PROD), "x-lanes-lane"),
      ]).toEqual([nbf, "gray"]);
    }
  });

  test.each<[string, RequestInput, string]>([
    ["a token expiring this second", { headers: { "x-lane": token("gray", CURRENT, now()) } }, "lanes-rejected tester expired"],
    ["a token for a lane not in the rules", { headers: { "x-lane": token("green") } }, "lanes-rejected tester lane"],
    ["a JWT whose parts are not base64url", { headers: { "x-user-id": "a!b.c.d" } }, "lanes-rejected user format"],
    [
      "a JWT with another algorithm",
      { headers: { "x-user-id": jwt({ sub: "u-1", exp: now() + 60 }, USER_KEY, { alg: "HS512", kid: USER_KEY.id }) } },
      "lanes-rejected user format",
    ],
    [
      "a JWT naming another key (kid), signed with the user key",
      { headers: { "x-user-id": jwt({ sub: "u-1", exp: now() + 60 }, USER_KEY, { alg: "HS256", kid: "another-idp" }) } },
      "lanes-rejected user signature",
    ],
    ["a JWT whose exp is a string", { headers: { "x-user-id": jwt({ sub: "u-1", exp: String(now() + 3600) }) } }, "lanes-rejected user expired"],
    ["a JWT expiring this second", { headers: { "x-user-id": userJwt("u-1", now()) } }, "lanes-rejected user expired"],
    ["a JWT whose sub is not a user id", { headers: { "x-user-id": jwt({ sub: "u 1", exp: now() + 60 }) } }, "lanes-rejected user format"],
    ["a JWT whose sub is a list", { headers: { "x-user-id": jwt({ sub: ["u-1"], exp: now() + 60 }) } }, "lanes-rejected user format"],
  ])("%s: counted, and no lane from it", async (_what, input, line) => {
    const r = rules({ version: 7, users: { gray: ["u-1"] }, percentages: [] });
    let lane: string | undefined;
    expect(await rejections(async () => (lane = header(await once(r, input, PROD), "x-lanes-lane")))).toEqual([line]);
    expect(lane).toBe("default");
  });

  test("a request without a cookies object is decided as any other", async () => {
    const req = await once(
      rules(),
      edited({ headers: { "x-user-id": "u-1" } }, (r) => delete (r as Partial<CfRequest>).cookies),
    );
    expect([header(req, "x-lanes-lane"), header(req, "x-lanes-cookie")]).toEqual(["gray", "lane"]);
  });

  test("a cookie without a string value counts as absent: nothing to replace", async () => {
    expect(
      decided(
        await once(
          rules(),
          edited({}, (r) => void (r.cookies.lane = {} as CfValue)),
        ),
      ),
    ).toEqual(["default", "0"]);
  });

  test("a valid cookie for default keeps default and is not set again", async () => {
    expect(decided(await once(rules({ version: 7 }), { cookies: { lane: signedCookie("default", 7) } }, PROD))).toEqual(["default", "0"]);
  });

  test("a `changed` entry that is not a number is ignored: the rules' version decides", async () => {
    const r = rules({ version: 7, changed: { gray: "3" } as unknown as Record<string, number> });
    expect(header(await once(r, { cookies: { lane: signedCookie("gray", 5) } }, PROD), "x-lanes-lane")).toBe("default");
  });

  test("a user holding a current cookie for their bucket's lane: not set again", async () => {
    const r = rules({ version: 7, users: {}, percentages: [{ lane: "gray", percent: 100 }] });
    expect(decided(await once(r, { headers: { "x-user-id": "u-9" }, cookies: { lane: signedCookie("gray", 7) } }))).toEqual(["gray", "0"]);
  });

  test.each<[string, unknown]>([
    ["an id that is not a string", { id: 7, key: "k" }],
    ["an id outside [A-Za-z0-9_-]", { id: "not a key id!", key: "k" }],
    ["a key that is not a string", { id: "e1", key: 7 }],
    ["an empty key", { id: "e1", key: "" }],
    ["an entry that is not an object", "e1"],
  ])("an edge key entry with %s is skipped: the next key signs the cookie", async (_what, bad) => {
    const req = await once(rules({ version: 7, users: {}, percentages: [] }), { headers: { "x-user-id": "u-9" } }, DEV, { edge: [bad, CURRENT], user: [] });
    const value = header(req, "x-lanes-cookie-value")!;
    const parts = value.split(".");
    expect(parts.slice(0, 2).concat(parts[3]!)).toEqual(["default", "7", CURRENT.id]);
    expect(parts[4]).toBe(hmac(CURRENT.key, `c.${parts.slice(0, 4).join(".")}`));
  });

  test("without readable rules, a viewer's own x-lanes-cookie headers are removed too", async () => {
    const req = await viewerRequest(failingKvs())(requestEvent({ headers: { "x-lanes-cookie": "session", "x-lanes-cookie-max-age": "999999999" } }));
    expect([header(req, "x-lanes-cookie"), header(req, "x-lanes-cookie-max-age")]).toEqual([undefined, undefined]);
  });
});

describe("viewer-request: W3C's grammar and limits, member by member", () => {
  const gray = (tracestate: string) => ({ headers: { "x-lane": "gray", tracestate } });
  const a = (n: number) => "a".repeat(n);

  test.each<[string, string, boolean]>([
    ["a simple key", "rojo=1", true],
    ["an upper-case key", "Rojo=1", false],
    ["a key with a character W3C does not allow", "rojo!=1", false],
    ["a multi-tenant key", "tenant1@vendor=1", true],
    ["a simple key of 256 characters", `${a(256)}=1`, true],
    ["a simple key of 257 characters", `${a(257)}=1`, false],
    ["a tenant of 241 characters", `${a(241)}@v=1`, true],
    ["a tenant of 242 characters", `${a(242)}@v=1`, false],
    ["a system of 14 characters", `t@${a(14)}=1`, true],
    ["a system of 15 characters", `t@${a(15)}=1`, false],
    ["a value with `=` in it", "rojo=a=b", false],
    ["a value ending in `=`", "rojo=ab=", false],
    ["a value with a space inside", "rojo=a b", true],
    ["a value of 256 characters", `rojo=${a(256)}`, true],
    ["a value of 257 characters", `rojo=${a(257)}`, false],
  ])("%s: kept %p", async (_what, member, kept) => {
    expect(header(await once(rules(), gray(member)), "tracestate")).toBe(kept ? `ctx=lane:gray,${member}` : "ctx=lane:gray");
  });

  test("optional spaces and tabs around a member are removed, however many", async () => {
    expect(header(await once(rules(), gray(" \t rojo=1 \t ,  congo=2  ")), "tracestate")).toBe("ctx=lane:gray,rojo=1,congo=2");
  });

  test.each<[string, string, boolean]>([
    ["valid", VALID_TRACEPARENT, true],
    ["a trace id ending in zeros", "00-4bf92f3577b34da6a3ce929d0e000000-00f067aa0ba902b7-01", true],
    ["something before it", `x${VALID_TRACEPARENT}`, false],
    ["something after it", `${VALID_TRACEPARENT}-00`, false],
    ["an all-zero trace id", "00-00000000000000000000000000000000-00f067aa0ba902b7-01", false],
    ["an all-zero parent id", "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", false],
  ])("traceparent %s: kept %p", async (_what, traceparent, kept) => {
    const sent = await once(rules(), { headers: { traceparent } });
    if (kept) expect(header(sent, "traceparent")).toBe(traceparent);
    else expect([header(sent, "traceparent") === traceparent, TRACEPARENT.test(header(sent, "traceparent")!)]).toEqual([false, true]);
  });

  test("created ids are random hex throughout, not zero-padded pieces", async () => {
    const run = viewerRequest(kvsWith(rules()));
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push(TRACEPARENT.exec(header(await run(requestEvent({ noTraceparent: true })), "traceparent")!)![1]!);
    expect(ids.filter((id) => id.startsWith("0000"))).not.toEqual(ids);
  });

  test("512 characters are kept; one more drops the last member", async () => {
    // ctx=lane:gray (13) + four members of 100 + one of 94, each after a comma: 13 + 404 + 95 = 512.
    const members = ["k1", "k2", "k3", "k4"].map((k) => `${k}=${a(97)}`).concat(`k5=${a(91)}`);
    expect(header(await once(rules(), gray(members.join(","))), "tracestate")).toHaveLength(512);
    const over = members.slice(0, 4).concat(`k5=${a(92)}`);
    expect(header(await once(rules(), gray(over.join(","))), "tracestate")).toBe(["ctx=lane:gray", ...members.slice(0, 4)].join(","));
  });

  test("a member of exactly 128 characters is not large: members go from the end", async () => {
    const big = ["k1", "k2", "k3", "k4"].map((k) => `${k}=${a(125)}`);
    const req = await once(rules(), { headers: { tracestate: [...big, "k5=small"].join(",") } });
    expect(header(req, "tracestate")).toBe(big.slice(0, 3).join(","));
  });

  test("the first member is not searched for size: a large first member stays while members go from the end", async () => {
    const first = `k0=${a(197)}`;
    const small = ["k1", "k2", "k3", "k4"].map((k) => `${k}=${a(76)}`);
    const req = await once(rules(), { headers: { tracestate: [first, ...small].join(",") } });
    expect(header(req, "tracestate")).toBe([first, ...small.slice(0, 3)].join(","));
  });

  test("baggage: none sent gives exactly the lane member, and nothing for default", async () => {
    expect(header(await once(rules(), { headers: { "x-lane": "gray" } }), "baggage")).toBe("lane=gray");
    expect(header(await once(rules(), {}), "baggage")).toBeUndefined();
  });

  test("baggage: members are trimmed", async () => {
    expect(header(await once(rules(), { headers: { "x-lane": "gray", baggage: "k=v,  lane=blue , m=w" } }), "baggage")).toBe("lane=gray,k=v,m=w");
  });

  test("baggage: 8192 bytes are kept whole; one more drops whole members from the end", async () => {
    // lane=gray (9) + `,` + a=… (4091) + `,` + b=… (4090) = 8192.
    const [m1, m2] = [`a=${"x".repeat(4089)}`, `b=${"y".repeat(4088)}`];
    expect(header(await once(rules(), { headers: { "x-lane": "gray", baggage: `${m1},${m2}` } }), "baggage")).toBe(`lane=gray,${m1},${m2}`);
    expect(header(await once(rules(), { headers: { "x-lane": "gray", baggage: `${m1},${m2}y` } }), "baggage")).toBe(`lane=gray,${m1}`);
  });
});
