/** The response header that tells a caller which lane answered (the pipeline's verify reads it). */
import { request as httpRequest } from "node:http";
import express from "express";
import { laneMiddleware, markServedBy, withLaneContext } from "../src/http";
import { SERVED_BY_HEADER } from "../src/protocol";
import { listen } from "./helpers/servers";

function get(port: number): Promise<{ status: number; servedBy: string | string[] | undefined }> {
  return new Promise((resolve, reject) => {
    httpRequest({ host: "127.0.0.1", port, path: "/healthz" }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0, servedBy: res.headers[SERVED_BY_HEADER] }));
    })
      .on("error", reject)
      .end();
  });
}

describe("x-lanes-served-by", () => {
  const saved = process.env.LANE;
  afterEach(() => (saved === undefined ? delete process.env.LANE : (process.env.LANE = saved)));

  test("the header name is x-lanes-served-by", () => {
    expect(SERVED_BY_HEADER).toBe("x-lanes-served-by");
  });

  test("withLaneContext answers with the LANE of the process", async () => {
    process.env.LANE = "gray";
    const { port, close } = await listen(withLaneContext((_req, res) => res.end("ok")));
    try {
      expect(await get(port)).toEqual({ status: 200, servedBy: "gray" });
    } finally {
      await close();
    }
  });

  test("Express with laneMiddleware answers with it too", async () => {
    process.env.LANE = "default";
    const app = express();
    app.use(laneMiddleware());
    app.get("/healthz", (_req, res) => void res.send("ok"));
    const { port, close } = await listen(app);
    try {
      expect(await get(port)).toEqual({ status: 200, servedBy: "default" });
    } finally {
      await close();
    }
  });

  test("outside a lane (no LANE) nothing is set", async () => {
    delete process.env.LANE;
    const { port, close } = await listen(withLaneContext((_req, res) => res.end("ok")));
    try {
      expect((await get(port)).servedBy).toBeUndefined();
    } finally {
      await close();
    }
  });

  test("markServedBy does nothing once the headers are sent", () => {
    const set: string[] = [];
    markServedBy({ headersSent: true, setHeader: (n: string) => (set.push(n), undefined as never) }, "gray");
    expect(set).toEqual([]);
  });
});
