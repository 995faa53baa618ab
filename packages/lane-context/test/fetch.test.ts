import { TraceState } from "@opentelemetry/core";
import { LaneContext, runWithLane, runWithLaneContext } from "../src/context";
import { laneFetch } from "../src/fetch";
import { withLaneContext } from "../src/http";
import { listen } from "./helpers/servers";

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const TP = `00-${TRACE}-00f067aa0ba902b7-01`;
const V00 = /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** What the echo server saw (JSON: each header as one string). */
interface Echo {
  traceparent?: string;
  tracestate?: string;
  baggage?: string;
  "x-mine"?: string;
}

/** A local server answering with the trace headers it received. */
async function echoServer() {
  return listen((req, res) => {
    const { traceparent, tracestate, baggage } = req.headers;
    const body = JSON.stringify({ traceparent, tracestate, baggage, "x-mine": req.headers["x-mine"] });
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
  });
}

async function echo(fetchFn: typeof fetch, input: string | URL | Request, init?: RequestInit): Promise<Echo> {
  return (await (await fetchFn(input, init)).json()) as Echo;
}

describe("laneFetch against a real local server", () => {
  let server: Awaited<ReturnType<typeof echoServer>>;
  let url: string;
  const fetchInLane = laneFetch();
  beforeAll(async () => {
    server = await echoServer();
    url = `http://127.0.0.1:${server.port}/`;
  });
  afterAll(() => server.close());

  it("carries the request's lane canonically", async () => {
    const request = LaneContext.fromHeaders({ traceparent: TP, tracestate: "rojo=1, ctx=lane:gray", baggage: "userId=alice" });
    expect(await runWithLaneContext(request, () => echo(fetchInLane, url))).toEqual({
      traceparent: TP,
      tracestate: "ctx=lane:gray,rojo=1",
      baggage: "lane=gray,userId=alice",
    });
  });

  it("sends requests unchanged outside any lane context", async () => {
    expect(await echo(fetchInLane, url, { headers: { tracestate: "a=1, b=2" } })).toEqual({ tracestate: "a=1, b=2" });
  });

  it("keeps the caller's own members and traceparent, replacing only the lane", async () => {
    const own = "00-11111111111111111111111111111111-2222222222222222-00";
    const seen = await runWithLane("gray", () =>
      echo(fetchInLane, url, { headers: { traceparent: own, tracestate: "mine=1, ctx=lane:blue", baggage: "lane=blue,k=v", "x-mine": "yes" } }),
    );
    expect(seen).toEqual({ traceparent: own, tracestate: "ctx=lane:gray,mine=1", baggage: "lane=gray,k=v", "x-mine": "yes" });
  });

  it("reads headers from a Request input", async () => {
    const seen = await runWithLane("blue", () => echo(fetchInLane, new Request(url, { headers: { "x-mine": "req", baggage: "k=v" } })));
    expect(seen).toMatchObject({ tracestate: "ctx=lane:blue", baggage: "lane=blue,k=v", "x-mine": "req" });
    expect(seen.traceparent).toMatch(V00);
  });

  it("sends no lane member in the default lane but keeps the context", async () => {
    const request = LaneContext.fromHeaders({ traceparent: TP, tracestate: "rojo=1,ctx=lane:default", baggage: "lane=default,k=v" });
    expect(await runWithLaneContext(request, () => echo(fetchInLane, url))).toEqual({ traceparent: TP, tracestate: "rojo=1", baggage: "k=v" });
  });

  it("keeps a lane through a chain of services: spaces, 40 members, no traceparent at the first hop", async () => {
    const last = await echoServer();
    const middle = await listen(
      withLaneContext((_req, res) => {
        void echo(fetchInLane, `http://127.0.0.1:${last.port}/`).then((seen) => res.end(JSON.stringify(seen)));
      }),
    );
    const first = await listen(
      withLaneContext((_req, res) => {
        void fetchInLane(`http://127.0.0.1:${middle.port}/`)
          .then((r) => r.text())
          .then((text) => res.end(text));
      }),
    );
    try {
      const members = Array.from({ length: 39 }, (_, i) => `v${i}=x`);
      const tracestate = [...members, "ctx=lane:gray"].join(" , ");
      const seen = await echo(fetch, `http://127.0.0.1:${first.port}/`, { headers: { tracestate } });
      expect(seen.traceparent).toMatch(V00);
      expect(seen.tracestate).toBe("ctx=lane:gray");
      expect(seen.baggage).toBe("lane=gray");
      const withParent = await echo(fetch, `http://127.0.0.1:${first.port}/`, { headers: { traceparent: TP, tracestate } });
      expect(withParent.traceparent).toBe(TP);
      expect(withParent.tracestate).toBe(["ctx=lane:gray", ...members.slice(0, 31)].join(","));
      expect(new TraceState(withParent.tracestate).get("ctx")).toBe("lane:gray");
    } finally {
      await first.close();
      await middle.close();
      await last.close();
    }
  });
});
