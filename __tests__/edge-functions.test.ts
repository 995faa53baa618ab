/**
 * The CloudFront Functions that assign lanes at the edge (edge/viewer-request.js,
 * edge/viewer-response.js), run through the `handler` CloudFront calls with the KeyValueStore
 * injected (see lib/edge/function-runtime.ts).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { albHeaderMatches, laneHeaderValues } from "../lib/routing";
import {
  type CfEvent,
  type CfRequest,
  type CfResponse,
  type KeyValueStore,
  cloudfrontCrypto,
  cloudfrontModule,
  failingKvs,
  loadCloudFrontFunction,
  memoryKvs,
  rewriteImports,
} from "../lib/edge/function-runtime";
import { exampleRules, type ExampleRules } from "./helpers/edge-rules";

const VIEWER_REQUEST = join(__dirname, "..", "edge", "viewer-request.js");
const VIEWER_RESPONSE = join(__dirname, "..", "edge", "viewer-response.js");
const CLOUDFRONT_FUNCTION_MAX_BYTES = 10 * 1024;

type Rules = ExampleRules;

function rules(overrides: Partial<Rules> = {}): Rules {
  return { ...exampleRules(), ...overrides };
}

const VALID_TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;

function kvsWith(r: unknown): KeyValueStore {
  return memoryKvs({ rules: JSON.stringify(r) });
}

function viewerRequest(
  kvs: KeyValueStore | undefined,
): (event: CfEvent) => Promise<CfRequest> {
  const fn = loadCloudFrontFunction<CfRequest>(VIEWER_REQUEST, {
    cloudfront: cloudfrontModule(kvs),
    crypto: cloudfrontCrypto,
  });
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

/** The lanes whose ALB rule (laneHeaderValues, ORed) matches this tracestate. */
function albRoutes(tracestate: string | undefined, lanes: readonly string[]): string[] {
  return lanes.filter((lane) => laneHeaderValues(lane).some((v) => albHeaderMatches(v, tracestate ?? "")));
}

const RULE_LANES = ["gray", "blue"] as const;

describe("viewer-request: lane decision", () => {
  const run = viewerRequest(kvsWith(rules()));

  test("a tester header naming a known lane wins over cookie and user rules, and sticks", async () => {
    const req = await run(
      requestEvent({ headers: { "x-lane": "blue", "x-user-id": "u-1" }, cookies: { lane: "gray" } }),
    );
    expect(header(req, "x-lanes-lane")).toBe("blue");
    expect(header(req, "x-lanes-sticky")).toBe("1");
  });

  test("a tester header naming an unknown lane is ignored", async () => {
    const req = await run(requestEvent({ headers: { "x-lane": "purple", "x-user-id": "u-1" } }));
    expect(header(req, "x-lanes-lane")).toBe("gray");
  });

  test("the sticky cookie keeps its lane while the lane exists, and is not set again", async () => {
    const req = await run(requestEvent({ headers: { "x-user-id": "u-1" }, cookies: { lane: "blue" } }));
    expect(header(req, "x-lanes-lane")).toBe("blue");
    expect(header(req, "x-lanes-sticky")).toBe("0");
  });

  test("a sticky cookie naming a lane that is gone is dropped and the lane decided again", async () => {
    const req = await run(requestEvent({ headers: { "x-user-id": "u-1" }, cookies: { lane: "green" } }));
    expect(header(req, "x-lanes-lane")).toBe("gray");
    expect(header(req, "x-lanes-sticky")).toBe("1");
  });

  test("a user in a lane's list gets that lane (user id from the header)", async () => {
    const req = await run(requestEvent({ headers: { "x-user-id": "u-2" } }));
    expect(header(req, "x-lanes-lane")).toBe("gray");
    expect(header(req, "x-lanes-sticky")).toBe("1");
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

  test("percentage entries are checked in list order", async () => {
    const both = viewerRequest(
      kvsWith(rules({ users: {}, percentages: [{ lane: "blue", percent: 100 }, { lane: "gray", percent: 100 }] })),
    );
    const req = await both(requestEvent({ headers: { "x-user-id": "anyone" } }));
    expect(header(req, "x-lanes-lane")).toBe("blue");
  });

  test("without a user id only tester header and cookie apply: 100 % gray still gives default", async () => {
    const all = viewerRequest(kvsWith(rules({ percentages: [{ lane: "gray", percent: 100 }] })));
    const req = await all(requestEvent());
    expect(header(req, "x-lanes-lane")).toBe("default");
    expect(header(req, "x-lanes-sticky")).toBe("1");
  });

  test("a user in no list and no percentage gets default, and it sticks", async () => {
    const none = viewerRequest(kvsWith(rules({ percentages: [] })));
    const req = await none(requestEvent({ headers: { "x-user-id": "u-77" } }));
    expect(header(req, "x-lanes-lane")).toBe("default");
    expect(header(req, "x-lanes-sticky")).toBe("1");
  });

  test("x-lanes-* headers sent by the viewer are overwritten", async () => {
    const req = await run(
      requestEvent({ headers: { "x-lanes-lane": "gray", "x-lanes-sticky": "1", "x-lanes-cookie": "evil" }, cookies: { lane: "blue" } }),
    );
    expect([header(req, "x-lanes-lane"), header(req, "x-lanes-sticky"), header(req, "x-lanes-cookie")]).toEqual([
      "blue",
      "0",
      "lane",
    ]);
  });
});

describe("viewer-request: percentage split", () => {
  const IDS = Array.from({ length: 20_000 }, (_, i) => `user-${i.toString(36)}-${(i * 7919) % 100_003}`);
  const assignments = new Map<number, Promise<Set<string>>>();

  /** The ids that land in gray with gray at `percent` (user lists empty). */
  function grayAt(percent: number): Promise<Set<string>> {
    let result = assignments.get(percent);
    if (!result) {
      const run = viewerRequest(kvsWith(rules({ users: {}, percentages: [{ lane: "gray", percent }] })));
      result = (async () => {
        const gray = new Set<string>();
        for (const id of IDS) {
          const req = await run(requestEvent({ headers: { "x-user-id": id } }));
          if (header(req, "x-lanes-lane") === "gray") gray.add(id);
        }
        return gray;
      })();
      assignments.set(percent, result);
    }
    return result;
  }

  test("about 10 % of 20,000 users land in gray at 10 % (±1.5 points)", async () => {
    const share = (await grayAt(10)).size / IDS.length;
    expect(share).toBeGreaterThanOrEqual(0.085);
    expect(share).toBeLessThanOrEqual(0.115);
  });

  test("every user in gray at 10 % is still in gray at 20 %", async () => {
    const at10 = await grayAt(10);
    const at20 = await grayAt(20);
    const left = [...at10].filter((id) => !at20.has(id));
    expect(left).toEqual([]);
    expect(at20.size / IDS.length).toBeGreaterThanOrEqual(0.185);
    expect(at20.size / IDS.length).toBeLessThanOrEqual(0.215);
  });

  test("the same user always gets the same lane", async () => {
    const run = viewerRequest(kvsWith(rules({ users: {}, percentages: [{ lane: "gray", percent: 50 }] })));
    const lanes = new Set<string | undefined>();
    for (let i = 0; i < 20; i++) {
      lanes.add(header(await run(requestEvent({ headers: { "x-user-id": "user-stable" } })), "x-lanes-lane"));
    }
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
    ["sticky cookie, stale ctx in the middle", { headers: { tracestate: "a=1,ctx=lane:gray,b=2" }, cookies: { lane: "blue" } }, "blue"],
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

  function forwarded(headers: Record<string, string>): CfRequest {
    return requestEvent({ headers }).request;
  }

  test("sets the cookie when x-lanes-sticky is 1", async () => {
    const res = await respond(
      responseEvent(forwarded({ "x-lanes-lane": "gray", "x-lanes-sticky": "1", "x-lanes-cookie": "lane", "x-lanes-cookie-max-age": "3600" })),
    );
    expect(res.cookies).toEqual({
      lane: { value: "gray", attributes: "Path=/; Max-Age=3600; Secure; HttpOnly; SameSite=Lax" },
    });
  });

  test("sets no cookie when x-lanes-sticky is 0", async () => {
    const res = await respond(responseEvent(forwarded({ "x-lanes-lane": "gray", "x-lanes-sticky": "0", "x-lanes-cookie": "lane" })));
    expect(res.cookies).toEqual({});
  });

  test("sets no cookie when the viewer-request function left no headers", async () => {
    const res = await respond(responseEvent(forwarded({})));
    expect(res.cookies).toEqual({});
  });

  test("sets no cookie for a lane header that is not a lane name", async () => {
    const res = await respond(responseEvent(forwarded({ "x-lanes-lane": "gray; Domain=evil", "x-lanes-sticky": "1" })));
    expect(res.cookies).toEqual({});
  });

  test("falls back to the constants lane / 86400 without cookie headers", async () => {
    const res = await respond(responseEvent(forwarded({ "x-lanes-lane": "blue", "x-lanes-sticky": "1" })));
    expect(res.cookies).toEqual({
      lane: { value: "blue", attributes: "Path=/; Max-Age=86400; Secure; HttpOnly; SameSite=Lax" },
    });
  });

  test("end to end: the cookie named in the rules is set for a decided lane and not for a cookie hit", async () => {
    const run = viewerRequest(kvsWith(rules({ cookie: { name: "x-lane-pin", maxAgeSeconds: 600 } })));
    const first = await respond(responseEvent(await run(requestEvent({ headers: { "x-user-id": "u-1" } }))));
    expect(first.cookies).toEqual({
      "x-lane-pin": { value: "gray", attributes: "Path=/; Max-Age=600; Secure; HttpOnly; SameSite=Lax" },
    });
    const again = await respond(
      responseEvent(await run(requestEvent({ headers: { "x-user-id": "u-1" }, cookies: { "x-lane-pin": "gray" } }))),
    );
    expect(again.cookies).toEqual({});
  });

  test("end to end: no cookie when the rules could not be read", async () => {
    const run = viewerRequest(failingKvs());
    const res = await respond(responseEvent(await run(requestEvent({ headers: { "x-user-id": "u-1" } }))));
    expect(res.cookies).toEqual({});
  });
});

describe("cloudfront-js-2.0 constraints", () => {
  test.each([
    ["viewer-request.js", VIEWER_REQUEST],
    ["viewer-response.js", VIEWER_RESPONSE],
  ])("%s is under CloudFront's 10 KB function size limit", (_name, path) => {
    const fn = loadCloudFrontFunction(path, { cloudfront: cloudfrontModule(), crypto: cloudfrontCrypto });
    expect(fn.size).toBeLessThan(CLOUDFRONT_FUNCTION_MAX_BYTES);
  });

  test.each([
    ["viewer-request.js", VIEWER_REQUEST],
    ["viewer-response.js", VIEWER_RESPONSE],
  ])("%s avoids syntax the runtime does not take (optional chaining, destructuring, spread, require)", (_name, path) => {
    const code = readFileSync(path, "utf8")
      .replace(/\/\*[\s\S]*?\*\//g, "")
      .replace(/^\s*\/\/.*$/gm, "");
    for (const forbidden of [/\?\./, /\?\?/, /\b(?:const|let|var)\s*[[{]/, /\.\.\./, /\brequire\s*\(/, /\bexport\b/, /\bclass\s/]) {
      expect(code).not.toMatch(forbidden);
    }
  });

  test("the loader refuses modules the function is not given", () => {
    expect(() => rewriteImports("import fs from 'fs';\nasync function handler(e) { return e; }", ["cloudfront"])).toThrow(
      /unavailable module 'fs'/,
    );
  });

  test("viewer-request imports only cloudfront and crypto", () => {
    expect(() => loadCloudFrontFunction(VIEWER_REQUEST, { cloudfront: cloudfrontModule() })).toThrow(/crypto/);
    expect(() => loadCloudFrontFunction(VIEWER_REQUEST, { cloudfront: cloudfrontModule(), crypto: cloudfrontCrypto })).not.toThrow();
  });
});
