import { type IncomingMessage, type ServerResponse, request as httpRequest, Agent } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import express from "express";
import { currentLane, currentLaneContext, runWithLane } from "../src/context";
import { laneFetch } from "../src/fetch";
import { laneMiddleware, withLaneContext } from "../src/http";
import { bodies, listen, rawExchange } from "./helpers/servers";

const TP = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

interface Seen {
  readonly lane: string;
  readonly afterAwait: string;
  readonly onEnd: string;
  readonly port: number;
}

/** A listener that reports the lane synchronously, after an await, and in the body's `end` event. */
async function report(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const lane = currentLane();
  const onEnd = await new Promise<string>((resolve) => {
    req.on("data", () => undefined);
    req.on("end", () => resolve(currentLane()));
  });
  await sleep(Number(req.headers["x-delay"] ?? 0));
  const seen: Seen = { lane, afterAwait: currentLane(), onEnd, port: req.socket.remotePort ?? 0 };
  const body = JSON.stringify(seen);
  res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  res.end(body);
}

/** Sends one request through `agent` and returns the parsed report. */
function send(agent: Agent, port: number, headers: Record<string, string>, body = ""): Promise<Seen> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, method: "POST", path: "/", agent, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve(JSON.parse(text) as Seen));
    });
    req.on("error", reject);
    req.end(body);
  });
}

function pipelined(requests: ReadonlyArray<{ tracestate?: string; delay: number }>): string {
  return requests
    .map(({ tracestate, delay }) => {
      const lines = ["POST / HTTP/1.1", "Host: x", `traceparent: ${TP}`, `x-delay: ${delay}`, "content-length: 4"];
      if (tracestate !== undefined) lines.push(`tracestate: ${tracestate}`);
      return `${lines.join("\r\n")}\r\n\r\nbody`;
    })
    .join("");
}

describe("withLaneContext (node:http)", () => {
  it("sequential requests on one keep-alive connection never inherit the previous lane", async () => {
    const { port, close } = await listen(withLaneContext((req, res) => void report(req, res)));
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const results: Seen[] = [];
      for (const tracestate of ["ctx=lane:gray", undefined, "rojo=1, ctx=lane:blue", "", "ctx=lane:gray"]) {
        const headers: Record<string, string> = { traceparent: TP };
        if (tracestate !== undefined) headers.tracestate = tracestate;
        results.push(await send(agent, port, headers, "some body"));
      }
      expect(results.map((r) => [r.lane, r.afterAwait, r.onEnd])).toEqual([
        ["gray", "gray", "gray"],
        ["default", "default", "default"],
        ["blue", "blue", "blue"],
        ["default", "default", "default"],
        ["gray", "gray", "gray"],
      ]);
      expect(new Set(results.map((r) => r.port)).size).toBe(1);
    } finally {
      agent.destroy();
      await close();
    }
  });

  it("concurrent (pipelined) requests on one connection each keep their own lane", async () => {
    const { port, close } = await listen(withLaneContext((req, res) => void report(req, res)));
    try {
      const raw = pipelined([
        { tracestate: "ctx=lane:gray", delay: 80 },
        { delay: 40 },
        { tracestate: "a=1,ctx=lane:blue", delay: 0 },
        { tracestate: "ctx=lane:gray2", delay: 20 },
      ]);
      const seen = bodies(await rawExchange(port, raw, 4)).map((b) => JSON.parse(b) as Seen);
      expect(seen.map((s) => [s.lane, s.afterAwait, s.onEnd])).toEqual([
        ["gray", "gray", "gray"],
        ["default", "default", "default"],
        ["blue", "blue", "blue"],
        ["gray2", "gray2", "gray2"],
      ]);
      expect(new Set(seen.map((s) => s.port)).size).toBe(1);
    } finally {
      await close();
    }
  });

  it("a request without a lane is default even when the server runs inside a lane's async context", async () => {
    const plain: string[] = [];
    const servers = await runWithLane("gray", async () => ({
      wrapped: await listen(withLaneContext((req, res) => void report(req, res))),
      unwrapped: await listen((_req, res) => {
        plain.push(currentLane());
        res.end("{}");
      }),
    }));
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      expect(await send(agent, servers.wrapped.port, { traceparent: TP }, "a body")).toMatchObject({ lane: "default", afterAwait: "default", onEnd: "default" });
      // Control: without the middleware the handler sees the context the server was created in.
      await fetch(`http://127.0.0.1:${servers.unwrapped.port}/`);
      expect(plain).toEqual(["gray"]);
    } finally {
      agent.destroy();
      await servers.wrapped.close();
      await servers.unwrapped.close();
    }
  });
});

describe("laneMiddleware (Express)", () => {
  it("runs routes, body parsing and outgoing fetch calls in the request's lane, request after request", async () => {
    const downstream = await listen((req, res) => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ tracestate: req.headers.tracestate ?? null, baggage: req.headers.baggage ?? null }));
    });
    const app = express();
    app.use(laneMiddleware());
    app.use(express.json());
    const fetchInLane = laneFetch();
    app.post("/", async (req, res) => {
      const before = currentLane();
      await sleep(5);
      const hop = (await (await fetchInLane(`http://127.0.0.1:${downstream.port}/`)).json()) as { tracestate: string | null; baggage: string | null };
      res.json({ before, after: currentLane(), body: (req.body as { n: number }).n, hop, traceparent: currentLaneContext()?.headers.traceparent });
    });
    const upstream = await listen(app);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const call = (headers: Record<string, string>, n: number) =>
      new Promise<unknown>((resolve, reject) => {
        const req = httpRequest(
          { host: "127.0.0.1", port: upstream.port, method: "POST", path: "/", agent, headers: { "content-type": "application/json", ...headers } },
          (res) => {
            let text = "";
            res.on("data", (c: Buffer) => (text += c.toString()));
            res.on("end", () => resolve(JSON.parse(text)));
          },
        );
        req.on("error", reject);
        req.end(JSON.stringify({ n }));
      });
    try {
      expect(await call({ traceparent: TP, tracestate: "rojo=1, ctx=lane:gray" }, 1)).toEqual({
        before: "gray",
        after: "gray",
        body: 1,
        hop: { tracestate: "ctx=lane:gray,rojo=1", baggage: "lane=gray" },
        traceparent: TP,
      });
      expect(await call({ traceparent: TP }, 2)).toEqual({
        before: "default",
        after: "default",
        body: 2,
        hop: { tracestate: null, baggage: null },
        traceparent: TP,
      });
      expect(await call({ baggage: "lane=blue" }, 3)).toMatchObject({ before: "blue", after: "blue", hop: { tracestate: "ctx=lane:blue", baggage: "lane=blue" } });
    } finally {
      agent.destroy();
      await upstream.close();
      await downstream.close();
    }
  });
});
