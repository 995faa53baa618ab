/** Other code imports the package by name (the workspace link), the whole or one module. */
import * as lanes from "@lanes/lane-context";
import { laneHeaderValues, laneMember } from "@lanes/lane-context/protocol";
import { LanePropagator } from "@lanes/lane-context/otel";
import { withLaneAttribute } from "@lanes/lane-context/sqs";

describe("@lanes/lane-context by package name", () => {
  it("resolves the entry point and the module subpaths", () => {
    expect(laneMember("gray")).toBe("ctx=lane:gray");
    expect(laneHeaderValues("gray")).toHaveLength(4);
    expect(lanes.laneMember).toBe(laneMember);
    expect(lanes.LanePropagator).toBe(LanePropagator);
    expect(lanes.withLaneAttribute).toBe(withLaneAttribute);
    expect(typeof lanes.laneMiddleware).toBe("function");
    expect(typeof lanes.laneFetch).toBe("function");
  });
});
