import { setTimeout as sleep } from "node:timers/promises";
import { LaneContext, currentLane, currentLaneContext, runWithLane, runWithLaneContext } from "../src/context";
import { LaneNameError } from "../src/write";

const TP = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

describe("lane context", () => {
  it("is default outside any request", () => {
    expect(currentLaneContext()).toBeUndefined();
    expect(currentLane()).toBe("default");
  });

  it("holds the lane across awaits and timers, and is gone afterwards", async () => {
    const seen = await runWithLane("gray", async () => {
      const lanes = [currentLane()];
      await sleep(5);
      lanes.push(currentLane());
      await new Promise<void>((resolve) => setImmediate(() => (lanes.push(currentLane()), resolve())));
      return lanes;
    });
    expect(seen).toEqual(["gray", "gray", "gray"]);
    expect(currentLane()).toBe("default");
  });

  it("keeps concurrent contexts apart", async () => {
    const run = (lane: string, delay: number) =>
      runWithLane(lane, async () => {
        await sleep(delay);
        return currentLane();
      });
    expect(await Promise.all([run("gray", 30), run("blue", 10), run("default", 20)])).toEqual(["gray", "blue", "default"]);
  });

  it("runWithLane inside a request keeps its trace and members, in the other lane", () => {
    const request = LaneContext.fromHeaders({ traceparent: TP, tracestate: "ctx=lane:gray, rojo=1", baggage: "a=1" });
    runWithLaneContext(request, () => {
      expect(currentLane()).toBe("gray");
      runWithLane("blue", () => {
        expect(currentLaneContext()?.headers).toEqual({ traceparent: TP, tracestate: "ctx=lane:blue,rojo=1", baggage: "lane=blue,a=1" });
      });
      expect(currentLaneContext()?.headers).toEqual({ traceparent: TP, tracestate: "ctx=lane:gray,rojo=1", baggage: "lane=gray,a=1" });
    });
  });

  it("a request without a lane gets default, whatever context it is created in", () => {
    runWithLane("gray", () => {
      runWithLaneContext(LaneContext.fromHeaders({ traceparent: TP }), () => expect(currentLane()).toBe("default"));
    });
  });

  it("computes outgoing headers once per context", () => {
    const context = LaneContext.fromHeaders({ tracestate: "ctx=lane:gray" });
    expect(context.headers).toBe(context.headers);
  });

  it("refuses an invalid lane", () => {
    expect(() => runWithLane("Gray", () => undefined)).toThrow(LaneNameError);
  });
});
