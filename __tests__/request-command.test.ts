/**
 * `lanes request`: the request carries what a real client sends, judged by OpenTelemetry's own
 * W3C propagators (@opentelemetry/core) and by the ALB match of the lane rule.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ROOT_CONTEXT, defaultTextMapGetter, propagation, trace } from "@opentelemetry/api";
import { W3CBaggagePropagator, W3CTraceContextPropagator } from "@opentelemetry/core";
import { run } from "../lib/cli/lanes";
import { albValueMatches } from "../lib/harness/alb-match";

describe("lanes request", () => {
  let server: Server;
  let url: string;
  const seen: { url: string; headers: IncomingHttpHeaders }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ url: req.url ?? "", headers: req.headers });
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("served");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test("sends a valid traceparent, tracestate ctx=lane:gray and baggage lane=gray, which OpenTelemetry extracts and the gray rule matches", async () => {
    const out = await run(["request", "user-api", "--lane", "gray", "--env", "dev", "--url", url, "--path", "/api/users/me"], process.env, { progress: () => undefined });
    expect([out.code, out.text]).toEqual([0, "200\nserved"]);
    const got = seen.at(-1)!;
    expect(got.url).toBe("/api/users/me");
    const ctx = new W3CTraceContextPropagator().extract(ROOT_CONTEXT, got.headers, defaultTextMapGetter);
    const span = trace.getSpanContext(ctx);
    expect(span?.isRemote).toBe(true);
    expect(span?.traceState?.get("ctx")).toBe("lane:gray");
    const baggage = propagation.getBaggage(new W3CBaggagePropagator().extract(ROOT_CONTEXT, got.headers, defaultTextMapGetter));
    expect(baggage?.getEntry("lane")?.value).toBe("gray");
    // The gray rule's values (alone, first, last, middle): the request matches the first.
    expect(albValueMatches("ctx=lane:gray", got.headers.tracestate as string)).toBe(true);
  });

  test("every request starts a new trace", async () => {
    await run(["request", "user-api", "--lane", "gray", "--env", "dev", "--url", url], process.env, { progress: () => undefined });
    await run(["request", "user-api", "--lane", "gray", "--env", "dev", "--url", url], process.env, { progress: () => undefined });
    const [a, b] = seen.slice(-2).map((s) => s.headers.traceparent);
    expect(a).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
    expect(a).not.toBe(b);
  });

  test("--print shows the curl command line and sends nothing", async () => {
    const before = seen.length;
    const out = await run(["request", "order-api", "--lane", "gray", "--env", "dev", "--url", "http://localhost:8080/", "--print"], process.env, {});
    expect(out.code).toBe(0);
    expect(out.text).toMatch(/^curl -sS -i -H 'traceparent: 00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]' -H 'tracestate: ctx=lane:gray' -H 'baggage: lane=gray' 'http:\/\/localhost:8080\/'$/);
    expect(seen.length).toBe(before);
  });

  test("a service behind the edge without --url: refused, saying how to send through the edge", async () => {
    const out = await run(["request", "user-api", "--lane", "gray", "--env", "dev"], process.env, {});
    expect(out.code).toBe(2);
    expect(out.text).toContain("user-api is behind the edge: its ALB answers only CloudFront");
    expect(out.text).toContain("edge token <lane> --env dev");
  });

  test("bad input: an invalid lane, a path without '/', a missing --lane", async () => {
    expect((await run(["request", "user-api", "--lane", "Gray!", "--env", "dev", "--url", url], process.env, {})).code).toBe(2);
    expect((await run(["request", "user-api", "--lane", "gray", "--env", "dev", "--url", url, "--path", "x"], process.env, {})).text).toBe("--path='x' must start with '/'.");
    expect((await run(["request", "user-api", "--env", "dev", "--url", url], process.env, {})).code).toBe(2);
  });
});
