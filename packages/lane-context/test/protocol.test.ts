import {
  ALB_HEADER_VALUE_LIMIT,
  BAGGAGE_HEADER,
  BAGGAGE_KEY,
  BAGGAGE_MAX_BYTES,
  BAGGAGE_MAX_MEMBERS,
  DEFAULT_LANE,
  LANE_PATTERN,
  LANE_VALUE_PREFIX,
  MAX_LANE_LENGTH,
  SQS_LANE_ATTRIBUTE,
  SQS_MAX_MESSAGE_ATTRIBUTES,
  TRACEPARENT_HEADER,
  TRACESTATE_HEADER,
  TRACESTATE_KEY,
  TRACESTATE_MAX_LENGTH,
  TRACESTATE_MAX_MEMBERS,
  isLaneName,
  laneHeaderValues,
  laneMember,
  laneNameProblem,
} from "../src/protocol";
import { albConditionMatches } from "./helpers/alb";

describe("protocol constants", () => {
  it("are the platform's values and the W3C / AWS limits", () => {
    expect(DEFAULT_LANE).toBe("default");
    expect(LANE_PATTERN.source).toBe("^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$");
    expect(ALB_HEADER_VALUE_LIMIT).toBe(128);
    expect(TRACESTATE_KEY).toBe("ctx");
    expect(LANE_VALUE_PREFIX).toBe("lane:");
    expect(MAX_LANE_LENGTH).toBe(115);
    expect(TRACESTATE_HEADER).toBe("tracestate");
    expect(TRACEPARENT_HEADER).toBe("traceparent");
    expect(BAGGAGE_HEADER).toBe("baggage");
    expect(BAGGAGE_KEY).toBe("lane");
    expect(TRACESTATE_MAX_MEMBERS).toBe(32);
    expect(TRACESTATE_MAX_LENGTH).toBe(512);
    expect(BAGGAGE_MAX_MEMBERS).toBe(64);
    expect(BAGGAGE_MAX_BYTES).toBe(8192);
    expect(SQS_LANE_ATTRIBUTE).toBe("lane");
    expect(SQS_MAX_MESSAGE_ATTRIBUTES).toBe(10);
  });
});

describe("lane names", () => {
  it.each(["default", "gray", "blue", "a", "0", "canary-2", "a".repeat(115)])("accepts %s", (lane) => {
    expect(laneNameProblem(lane)).toBeUndefined();
    expect(isLaneName(lane)).toBe(true);
  });

  it.each(["", "Gray", "-gray", "gray-", "gr_ay", "gr*y", "gr?y", "gray,x", "gr=ay", "gray ", "a".repeat(116), "gräy"])(
    "rejects %j",
    (lane) => {
      expect(laneNameProblem(lane)).toEqual(expect.any(String));
      expect(isLaneName(lane)).toBe(false);
    },
  );

  it("the longest lane's widest ALB value is exactly the ALB limit", () => {
    const values = laneHeaderValues("a".repeat(115));
    expect(Math.max(...values.map((v) => v.length))).toBe(128);
  });
});

describe("lane member and ALB values", () => {
  it("are the documented strings", () => {
    expect(laneMember("gray")).toBe("ctx=lane:gray");
    expect(laneHeaderValues("gray")).toEqual(["ctx=lane:gray", "ctx=lane:gray,*", "*,ctx=lane:gray", "*,ctx=lane:gray,*"]);
  });

  it("match the member as a whole list member, wherever it stands in a canonical list", () => {
    const values = laneHeaderValues("gray");
    for (const header of ["ctx=lane:gray", "ctx=lane:gray,rojo=1", "rojo=1,ctx=lane:gray", "a=1,ctx=lane:gray,b=2"]) {
      expect(albConditionMatches(values, header)).toBe(true);
    }
    for (const header of ["ctx=lane:gray2", "xctx=lane:gray", "a=1,ctx=lane:gray2,b=2", "a=1,xctx=lane:gray", "ctx=lane:gray-x,b=1", "ctx=lane:blue"]) {
      expect(albConditionMatches(values, header)).toBe(false);
    }
  });

  it("do not match a list written with spaces after commas (why the writer is canonical)", () => {
    expect(albConditionMatches(laneHeaderValues("gray"), "rojo=1, ctx=lane:gray")).toBe(false);
  });
});
