/**
 * Full-link lanes, end to end with real processes: web-bff → user-api → order-api from params/,
 * synthesized; one local ALB per listener applying the listener rules as synthesized (ALB
 * semantics in lib/harness/local-alb.ts, from AWS's documentation); one example app process per
 * deployed lane with its synthesized environment (the callee URLs from the callee's boot state);
 * the request enters through the edge's viewer-request function. web-bff propagates with
 * OpenTelemetry's API and the package's LanePropagator, user-api and order-api with the package's
 * middleware and fetch wrapper.
 *
 * Deployed: web-bff default+gray, user-api default only, order-api default+gray: a gray request
 * is served in gray, then by default where there is no gray, then in gray again.
 */
import { exampleRules } from "./helpers/edge-rules";
import { TempParams, exampleFile, exampleParams } from "./helpers/project";
import { startLaneWorld, type LaneWorld } from "../lib/harness/lane-world";
import "./helpers/slow";

interface Hop {
  service: string;
  deployedLane: string;
  requestLane: string;
  propagation: string;
}

const VALID_TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

describe("a request through three services in lane gray, where only two have gray", () => {
  let world: LaneWorld;

  beforeAll(async () => {
    world = await startLaneWorld({
      params: exampleParams(),
      env: "dev",
      deployed: { "web-bff": ["default", "gray"], "user-api": ["default"], "order-api": ["default", "gray"] },
      propagation: { "web-bff": "otel" },
      edgeRules: { ...exampleRules(), lanes: ["default", "gray", "gray2"], users: {}, percentages: [] },
    });
  });
  afterAll(async () => {
    await world?.stop();
  });

  const hops = async (headers: Record<string, string>): Promise<string[]> => {
    const res = await world.viaEdge("/bff/orders", headers);
    expect([res.status, res.status === 200 ? "" : res.body]).toEqual([200, ""]);
    return (JSON.parse(res.body) as { hops: Hop[] }).hops.map((h) => `${h.service}:${h.deployedLane} (request ${h.requestLane}, ${h.propagation})`);
  };

  test("gray → gray at web-bff, → default at user-api (no gray there), back to gray at order-api", async () => {
    expect(await hops({ "x-lane": "gray" })).toEqual([
      "web-bff:gray (request gray, otel)",
      "user-api:default (request gray, package)",
      "order-api:gray (request gray, package)",
    ]);
  });

  test("the same with the viewer's own valid traceparent, and a second request on the same path without a lane stays default everywhere", async () => {
    expect(await hops({ "x-lane": "gray", traceparent: VALID_TRACEPARENT, tracestate: "vendor=v1" })).toEqual([
      "web-bff:gray (request gray, otel)",
      "user-api:default (request gray, package)",
      "order-api:gray (request gray, package)",
    ]);
    expect(await hops({})).toEqual([
      "web-bff:default (request default, otel)",
      "user-api:default (request default, package)",
      "order-api:default (request default, package)",
    ]);
  });

  test("a look-alike lane (gray2) travels as itself and never reaches gray", async () => {
    expect(await hops({ "x-lane": "gray2" })).toEqual([
      "web-bff:default (request gray2, otel)",
      "user-api:default (request gray2, package)",
      "order-api:default (request gray2, package)",
    ]);
  });

  test("a viewer's own tracestate (xctx=lane:gray, or even ctx=lane:gray) and baggage lane=gray never reach gray", async () => {
    for (const headers of <Record<string, string>[]>[
      { traceparent: VALID_TRACEPARENT, tracestate: "xctx=lane:gray" },
      { traceparent: VALID_TRACEPARENT, tracestate: "ctx=lane:gray" },
      { traceparent: VALID_TRACEPARENT, baggage: "lane=gray" },
    ]) {
      expect(await hops(headers)).toEqual([
        "web-bff:default (request default, otel)",
        "user-api:default (request default, package)",
        "order-api:default (request default, package)",
      ]);
    }
  });

  test("web-bff's viewer listener answers only the edge (403 without the origin secret, even in gray); user-api's listener for callers needs no secret", async () => {
    const refused = await world.toListener("web-bff", 80, "/bff/orders", [["traceparent", VALID_TRACEPARENT], ["tracestate", "ctx=lane:gray"]]);
    expect([refused.status, refused.body]).toEqual([403, "Forbidden"]);
    const called = await world.direct("user-api", "/orders", [["traceparent", VALID_TRACEPARENT], ["tracestate", "ctx=lane:gray"]]);
    expect(called.status).toBe(200);
    expect((JSON.parse(called.body) as { hops: Hop[] }).hops.map((h) => `${h.service}:${h.deployedLane}`)).toEqual(["user-api:default", "order-api:gray"]);
  });

  test("a tracestate sent on two header lines is matched line by line at the ALB, and the package reads both lines", async () => {
    const res = await world.direct("user-api", "/orders", [
      ["traceparent", VALID_TRACEPARENT],
      ["tracestate", "vendor=v1"],
      ["tracestate", "ctx=lane:gray"],
    ]);
    expect(res.status).toBe(200);
    expect((JSON.parse(res.body) as { hops: Hop[] }).hops.map((h) => `${h.service}:${h.deployedLane} (request ${h.requestLane})`)).toEqual([
      "user-api:default (request gray)",
      "order-api:gray (request gray)",
    ]);
  });
});

describe("per-hop fallback: the middle service's gray lane is there but unhealthy", () => {
  const start = (params = exampleParams(), deployedOrder: string[] = ["default", "gray"]) =>
    startLaneWorld({
      params,
      env: "dev",
      deployed: { "web-bff": ["default", "gray"], "user-api": ["default", "gray"], "order-api": deployedOrder },
      unhealthy: ["user-api/gray"],
      edgeRules: { ...exampleRules(), lanes: ["default", "gray"], users: {}, percentages: [] },
    });

  test("user-api's gray rule falls back to default (the switch's decision), and the next hop is back in gray", async () => {
    const world = await start();
    try {
      const res = await world.viaEdge("/bff/orders", { "x-lane": "gray" });
      expect(res.status).toBe(200);
      expect((JSON.parse(res.body) as { hops: Hop[] }).hops.map((h) => `${h.service}:${h.deployedLane} (request ${h.requestLane})`)).toEqual([
        "web-bff:gray (request gray)",
        "user-api:default (request gray)",
        "order-api:gray (request gray)",
      ]);
      expect(world.decisions.filter((d) => d.service === "user-api")).toEqual([{ service: "user-api", port: 8081, rule: "user-api-dev-gray-internal-rule", lane: "default" }]);
    } finally {
      await world.stop();
    }
  });

  test("strict (onUnhealthy: refuse): the hop is refused with 503 and why, never served by default", async () => {
    const temp = new TempParams({
      "user-api-dev.json": exampleFile("user-api-dev.json", (j) => void ((j.lanes as Record<string, Record<string, unknown>>).gray!.onUnhealthy = "refuse")),
    });
    const world = await start(temp.repo(), []);
    try {
      const res = await world.viaEdge("/bff/orders", { "x-lane": "gray" });
      const body = JSON.parse(res.body) as { hops: Hop[]; error?: { status: number; body: string } };
      expect(body.hops.map((h) => `${h.service}:${h.deployedLane}`)).toEqual(["web-bff:gray"]);
      expect(body.error).toMatchObject({ status: 503, body: "lane gray has no healthy target and is strict: refused instead of falling back to default" });
      expect(world.decisions.filter((d) => d.service === "user-api").map((d) => d.lane)).toEqual(["(fixed 503)"]);
    } finally {
      await world.stop();
      temp.cleanup();
    }
  });
});
