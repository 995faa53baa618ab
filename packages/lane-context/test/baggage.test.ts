import { formatBaggage, parseBaggage } from "../src/baggage";
import { otelBaggage } from "./helpers/otel";

describe("parseBaggage (lenient)", () => {
  it.each([
    ["alone", "lane=gray"],
    ["with whitespace around key and value", " lane = gray "],
    ["among others", "userId=alice,lane=gray,isProduction=false"],
    ["with properties", "a=1, lane=gray;ttl=30;sticky, b=2"],
    ["percent-encoded", "lane=gr%61y"],
    ["fully percent-encoded", "lane=%67%72%61%79"],
    ["with tabs", "a=1,\tlane=gray\t"],
  ])("reads the lane %s, as OpenTelemetry does", (_name, header) => {
    expect(parseBaggage(header).lane).toBe("gray");
    expect(otelBaggage(header).lane).toBe("gray");
  });

  it("reads repeated header lines joined", () => {
    expect(parseBaggage(["userId=alice", "lane=gray"].join(",")).lane).toBe("gray");
  });

  it.each([
    ["lanes=gray", undefined],
    ["xlane=gray", undefined],
    ["lane=gray2", "gray2"],
    ["lane=Gray", undefined],
    ["lane=gr%zz", undefined],
    ["lane=gray%2Cblue", undefined],
    ["lane=", undefined],
    ["lane=gr ay", undefined],
    ["lane=-gray", undefined],
  ])("never reads %j as gray", (header, lane) => {
    expect(parseBaggage(header).lane).toBe(lane);
  });

  it("takes the first valid lane member and counts them all (OpenTelemetry keeps the last)", () => {
    expect(parseBaggage("lane=gray,lane=blue")).toMatchObject({ lane: "gray", laneMembers: 2, invalidLaneMembers: 0 });
    expect(otelBaggage("lane=gray,lane=blue").lane).toBe("blue");
    expect(parseBaggage("lane=NOPE,lane=blue")).toMatchObject({ lane: "blue", laneMembers: 2, invalidLaneMembers: 1 });
  });

  it("keeps the other members whole and drops those that break the grammar", () => {
    expect(parseBaggage(' a=1 , b = x%20y ; p ; q=1 ,lane=gray, bad member, =x, c="q", d=a\\b, e=').others).toEqual([
      "a=1",
      "b = x%20y ; p ; q=1",
      "e=",
    ]);
  });
});

describe("formatBaggage (canonical)", () => {
  it("merges lane={lane} first into the existing baggage, replacing other lane members", () => {
    const out = formatBaggage("gray", parseBaggage("userId=alice, lane=blue, serverNode=DF%2028;p=1").others);
    expect(out).toBe("lane=gray,userId=alice,serverNode=DF%2028;p=1");
    expect(otelBaggage(out)).toEqual({ lane: "gray", userId: "alice", serverNode: "DF 28" });
  });

  it("writes no lane member for the default lane and keeps the rest", () => {
    expect(formatBaggage(undefined, parseBaggage("lane=gray,a=1").others)).toBe("a=1");
    expect(formatBaggage(undefined, [])).toBe("");
  });

  it("writes at most 64 members, the lane always among them", () => {
    const input = Array.from({ length: 70 }, (_, i) => `k${i}=v${i}`);
    const out = formatBaggage("gray", parseBaggage(input.join(",")).others);
    const members = out.split(",");
    expect(members).toHaveLength(64);
    expect(members[0]).toBe("lane=gray");
    expect(members.slice(1)).toEqual(input.slice(0, 63));
    expect(Object.keys(otelBaggage(out))).toHaveLength(64);
  });

  it("writes at most 8192 bytes, whole members only", () => {
    const input = Array.from({ length: 12 }, (_, i) => `big${i}=${"x".repeat(1000)}`);
    const out = formatBaggage("gray", parseBaggage(input.join(",")).others);
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(8192);
    const members = out.split(",");
    expect(members[0]).toBe("lane=gray");
    for (const member of members.slice(1)) expect(input).toContain(member);
    expect(members).toHaveLength(1 + 8);
    expect(otelBaggage(out).lane).toBe("gray");
  });

  it("skips a member that does not fit rather than cutting it, and keeps later ones that do", () => {
    const filler = `f=${"x".repeat(8000)}`;
    const tooBig = `t=${"y".repeat(500)}`;
    const out = formatBaggage("gray", [filler, tooBig, "small=1"]);
    expect(out).toBe(`lane=gray,${filler},small=1`);
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(8192);
  });
});
