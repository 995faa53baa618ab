import type { IncomingHttpHeaders } from "node:http";
import { type LaneDisagreement, laneReadCounters, newLaneReadCounters, readLane } from "../src/read";
import { bodies, listen, rawExchange } from "./helpers/servers";

const TP = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

describe("readLane", () => {
  it("reads Node request headers, fetch Headers, arrays of lines and any header-name case", () => {
    const node: IncomingHttpHeaders = { traceparent: TP, tracestate: "rojo=1, ctx=lane:gray" };
    expect(readLane(node).lane).toBe("gray");
    expect(readLane(new Headers([["TraceState", "ctx=lane:gray"]])).lane).toBe("gray");
    expect(readLane({ tracestate: ["rojo=1", "ctx=lane:gray"] }).lane).toBe("gray");
    expect(readLane({ TraceState: "ctx=lane:gray" }).lane).toBe("gray");
    expect(readLane({ Baggage: ["a=1", "lane=gray"] })).toMatchObject({ lane: "gray", source: "baggage" });
  });

  it("reads a repeated tracestate header the way Node's http server joins it", async () => {
    const seen: Array<{ joined: string | string[] | undefined; distinct: string[] | undefined; lane: string; distinctLane: string }> = [];
    const { port, close } = await listen((req, res) => {
      seen.push({
        joined: req.headers.tracestate,
        distinct: req.headersDistinct.tracestate,
        lane: readLane(req.headers).lane,
        distinctLane: readLane(req.headersDistinct).lane,
      });
      res.end("ok");
    });
    try {
      const raw = `GET / HTTP/1.1\r\nHost: x\r\ntraceparent: ${TP}\r\ntracestate: rojo=1\r\ntracestate: ctx=lane:gray\r\nConnection: close\r\n\r\n`;
      expect(bodies(await rawExchange(port, raw, 1))).toEqual(["ok"]);
    } finally {
      await close();
    }
    expect(seen).toEqual([{ joined: "rojo=1, ctx=lane:gray", distinct: ["rojo=1", "ctx=lane:gray"], lane: "gray", distinctLane: "gray" }]);
  });

  it("prefers tracestate over baggage and reports a disagreement", () => {
    const counters = newLaneReadCounters();
    const seen: LaneDisagreement[] = [];
    const read = readLane(
      { traceparent: TP, tracestate: "ctx=lane:gray", baggage: "lane=blue" },
      { counters, onDisagreement: (d) => seen.push(d) },
    );
    expect(read).toMatchObject({ lane: "gray", source: "tracestate" });
    expect(seen).toEqual([{ lane: "gray", tracestateLane: "gray", baggageLane: "blue" }]);
    expect(counters).toEqual({ reads: 1, fromTracestate: 1, fromBaggage: 0, disagreements: 1, duplicates: 0, invalidLanes: 0 });
  });

  it("falls back to baggage when tracestate has no valid lane, then to default", () => {
    const counters = newLaneReadCounters();
    expect(readLane({ tracestate: "ctx=lane:Bad!", baggage: "lane=gray" }, { counters })).toMatchObject({ lane: "gray", source: "baggage" });
    expect(readLane({ tracestate: "rojo=1" }, { counters })).toMatchObject({ lane: "default", source: "none" });
    expect(readLane({}, { counters })).toMatchObject({ lane: "default", source: "none" });
    expect(readLane(undefined, { counters })).toMatchObject({ lane: "default", source: "none" });
    expect(counters).toEqual({ reads: 4, fromTracestate: 0, fromBaggage: 1, disagreements: 0, duplicates: 0, invalidLanes: 1 });
  });

  it("does not call agreeing carriers a disagreement", () => {
    const onDisagreement = jest.fn();
    readLane({ tracestate: "ctx=lane:gray", baggage: "lane=gray" }, { counters: newLaneReadCounters(), onDisagreement });
    expect(onDisagreement).not.toHaveBeenCalled();
  });

  it("counts duplicates, takes the first valid member", () => {
    const counters = newLaneReadCounters();
    expect(readLane({ tracestate: "ctx=lane:gray,ctx=lane:blue" }, { counters }).lane).toBe("gray");
    expect(counters.duplicates).toBe(1);
  });

  it("reads the lane even without a valid traceparent (the ALB routed on it), and says so", () => {
    const read = readLane({ tracestate: "ctx=lane:gray", traceparent: "00-zz" });
    expect(read.lane).toBe("gray");
    expect(read.traceparent).toBeUndefined();
  });

  it("updates the process-wide counters by default", () => {
    const before = { ...laneReadCounters };
    readLane({ tracestate: "ctx=lane:gray", baggage: "lane=blue" });
    expect(laneReadCounters.reads - before.reads).toBe(1);
    expect(laneReadCounters.disagreements - before.disagreements).toBe(1);
  });
});
