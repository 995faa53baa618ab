import { TraceState } from "@opentelemetry/core";
import { formatTracestate, parseTracestate } from "../src/tracestate";
import { albConditionMatches } from "./helpers/alb";

/** `n` distinct valid vendor members `v{i}=x...` */
function vendors(n: number, valueLength = 4): string[] {
  return Array.from({ length: n }, (_, i) => `v${i}=${"x".repeat(valueLength)}`);
}

const GRAY_VALUES = ["ctx=lane:gray", "ctx=lane:gray,*", "*,ctx=lane:gray", "*,ctx=lane:gray,*"];

describe("parseTracestate (lenient)", () => {
  it.each([
    ["alone", "ctx=lane:gray"],
    ["first", "ctx=lane:gray,rojo=00f067aa0ba902b7"],
    ["last", "rojo=00f067aa0ba902b7,ctx=lane:gray"],
    ["middle", "a=1,ctx=lane:gray,b=2"],
    ["with spaces after commas", "rojo=1, ctx=lane:gray, congo=2"],
    ["with tabs and spaces around members", "\trojo=1 ,\t ctx=lane:gray\t, congo=2 "],
    ["with empty members", ",, ctx=lane:gray,,"],
    ["as Node joins repeated lines", "rojo=1, ctx=lane:gray"],
  ])("finds the lane %s", (_name, header) => {
    expect(parseTracestate(header).lane).toBe("gray");
  });

  it("finds the lane as the 40th of 40 members and past 600 characters", () => {
    const forty = [...vendors(39), "ctx=lane:gray"].join(",");
    expect(parseTracestate(forty).lane).toBe("gray");
    const long = [...vendors(10, 60), "ctx=lane:gray"].join(",");
    expect(long.length).toBeGreaterThan(600);
    expect(parseTracestate(long).lane).toBe("gray");
  });

  it.each([
    ["ctx=lane:gray2", "gray2"],
    ["xctx=lane:gray", undefined],
    ["ctxx=lane:gray", undefined],
    ["ctx=lane:gray*", undefined],
    ["ctx=lane:Gray", undefined],
    ["ctx=lanes:gray", undefined],
    ["ctx=gray", undefined],
    ["ctx =lane:gray", undefined],
    ["ctx=lane:gray;x", undefined],
    ["ctx=lane:", undefined],
    [`ctx=lane:${"a".repeat(116)}`, undefined],
    ["x=ctx=lane:gray", undefined],
  ])("never reads the look-alike %j as gray", (header, lane) => {
    expect(parseTracestate(header).lane).toBe(lane);
  });

  it("takes the first valid ctx member and counts them all", () => {
    expect(parseTracestate("ctx=lane:gray,ctx=lane:blue")).toMatchObject({ lane: "gray", ctxMembers: 2, invalidCtxMembers: 0 });
    expect(parseTracestate("ctx=lane:NOPE,a=1,ctx=lane:blue")).toMatchObject({ lane: "blue", ctxMembers: 2, invalidCtxMembers: 1 });
  });

  it("keeps the other valid members in order, first of each key, whitespace removed", () => {
    expect(parseTracestate(" b=2 ,ctx=lane:gray,\ta=1, b=3,BAD=1,c=,d=x=y,e=ok").others).toEqual(["b=2", "a=1", "e=ok"]);
  });
});

describe("formatTracestate (canonical)", () => {
  it("puts the lane member first and joins without spaces", () => {
    expect(formatTracestate("gray", ["rojo=1", "congo=2"])).toBe("ctx=lane:gray,rojo=1,congo=2");
    expect(formatTracestate("gray", [])).toBe("ctx=lane:gray");
    expect(formatTracestate(undefined, ["rojo=1"])).toBe("rojo=1");
    expect(formatTracestate(undefined, [])).toBe("");
  });

  it("rewrites a 40-member list to 32 members with the lane first, dropping from the end", () => {
    const parsed = parseTracestate([...vendors(39), "ctx=lane:gray"].join(", "));
    const out = formatTracestate(parsed.lane, parsed.others);
    const members = out.split(",");
    expect(members).toHaveLength(32);
    expect(members[0]).toBe("ctx=lane:gray");
    expect(members.slice(1)).toEqual(vendors(31));
    expect(albConditionMatches(GRAY_VALUES, out)).toBe(true);
  });

  it("rewrites a 600-character list to at most 512 characters, dropping long members first", () => {
    const long = Array.from({ length: 3 }, (_, i) => `long${i}=${"y".repeat(150)}`);
    const input = [...vendors(10, 20), long[0], ...vendors(3, 5).map((m) => `s${m}`), long[1], long[2], "ctx=lane:gray"].join(",");
    expect(input.length).toBeGreaterThan(600);
    const parsed = parseTracestate(input);
    const out = formatTracestate(parsed.lane, parsed.others);
    expect(out.length).toBeLessThanOrEqual(512);
    expect(out.startsWith("ctx=lane:gray,")).toBe(true);
    // W3C: entries longer than 128 characters go first (from the end), short ones stay.
    expect(out.split(",")).toEqual(["ctx=lane:gray", ...vendors(10, 20), long[0], "sv0=xxxxx", "sv1=xxxxx", "sv2=xxxxx"]);
  });

  it("drops short members from the end once no long member is left", () => {
    const members = vendors(30, 20);
    const out = formatTracestate("gray", members);
    expect(out.length).toBeLessThanOrEqual(512);
    const kept = out.split(",");
    expect(kept[0]).toBe("ctx=lane:gray");
    expect(kept.slice(1)).toEqual(members.slice(0, kept.length - 1));
    // Adding the next member back would pass 512.
    expect([...kept, members[kept.length - 1]].join(",").length).toBeGreaterThan(512);
  });

  it("never drops the lane member, even for the longest lane", () => {
    const lane = "a".repeat(115);
    const out = formatTracestate(lane, vendors(5, 250));
    expect(out.split(",")[0]).toBe(`ctx=lane:${lane}`);
    expect(out.length).toBeLessThanOrEqual(512);
    expect(formatTracestate(lane, [`big=${"z".repeat(255)}`, `big2=${"z".repeat(255)}`, `big3=${"z".repeat(255)}`])).toBe(
      `ctx=lane:${lane},big=${"z".repeat(255)}`,
    );
  });

  it("duplicate ctx members leave one member, the first valid one", () => {
    const parsed = parseTracestate("a=1,ctx=lane:gray,ctx=lane:blue");
    expect(formatTracestate(parsed.lane, parsed.others)).toBe("ctx=lane:gray,a=1");
  });

  it("is read back by OpenTelemetry with the lane, where the raw input is not", () => {
    const forty = [...vendors(39), "ctx=lane:gray"].join(",");
    // OpenTelemetry keeps the first 32 members: the 40th (the lane) is lost.
    expect(new TraceState(forty).get("ctx")).toBeUndefined();
    const parsed = parseTracestate(forty);
    expect(new TraceState(formatTracestate(parsed.lane, parsed.others)).get("ctx")).toBe("lane:gray");

    const long = [...vendors(10, 60), "ctx=lane:gray"].join(",");
    // Past 512 characters OpenTelemetry (core 2.x) skips the members that do not fit.
    expect(new TraceState(long).get("ctx")).toBeUndefined();
    const parsedLong = parseTracestate(long);
    const out = formatTracestate(parsedLong.lane, parsedLong.others);
    expect(new TraceState(out).get("ctx")).toBe("lane:gray");
    expect(new TraceState(out).serialize()).toBe(out);
  });

  it("agrees with OpenTelemetry's own serialisation of a set lane: member first, no spaces", () => {
    const state = new TraceState("rojo=1, congo=2").set("ctx", "lane:gray");
    expect(state.serialize()).toBe("ctx=lane:gray,rojo=1,congo=2");
    expect(formatTracestate("gray", parseTracestate("rojo=1, congo=2").others)).toBe(state.serialize());
  });

  it("is needed because TraceState.set silently does nothing past 512 characters", () => {
    const full = vendors(20, 21).join(",");
    expect(full.length).toBeLessThanOrEqual(512);
    expect(`ctx=lane:gray,${full}`.length).toBeGreaterThan(512);
    const state = new TraceState(full);
    expect(state.serialize()).toBe(full);
    expect(state.set("ctx", "lane:gray").get("ctx")).toBeUndefined();
    expect(new TraceState(formatTracestate("gray", parseTracestate(full).others)).get("ctx")).toBe("lane:gray");
  });

  it("is needed because OpenTelemetry keeps the last of duplicate keys", () => {
    expect(new TraceState("ctx=lane:gray,ctx=lane:blue").get("ctx")).toBe("lane:blue");
    const parsed = parseTracestate("ctx=lane:gray,ctx=lane:blue");
    expect(new TraceState(formatTracestate(parsed.lane, parsed.others)).get("ctx")).toBe("lane:gray");
  });
});
