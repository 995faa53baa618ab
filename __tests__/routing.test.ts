import {
  PRIORITY_DERIVED_MIN,
  albHeaderMatches,
  derivedPriority,
  fnv1a32,
  laneHeaderValues,
  lanePriority,
} from "../lib/routing";

/** Would a rule with these values route a request whose tracestate is `header`? (values are ORed) */
function routes(lane: string, header: string): boolean {
  return laneHeaderValues(lane).some((v) => albHeaderMatches(v, header));
}

describe("tracestate header match", () => {
  test("uses four values and four wildcards (ALB allows 5 of each per rule)", () => {
    const values = laneHeaderValues("gray");
    expect(values).toEqual([
      "ctx=lane:gray",
      "ctx=lane:gray,*",
      "*,ctx=lane:gray",
      "*,ctx=lane:gray,*",
    ]);
    expect(values.join("").split("*").length - 1).toBe(4);
  });

  test.each([
    ["alone", "ctx=lane:gray"],
    ["first", "ctx=lane:gray,rojo=00f067aa0ba902b7"],
    ["middle", "rojo=00f067aa0ba902b7,ctx=lane:gray,congo=t61rcWkgMzE"],
    ["last", "rojo=00f067aa0ba902b7,ctx=lane:gray"],
    ["upper-case (ALB matching is case-insensitive)", "CTX=LANE:GRAY"],
  ])("matches the member %s", (_where, header) => {
    expect(routes("gray", header)).toBe(true);
  });

  test.each([
    ["a longer lane name", "ctx=lane:gray2"],
    ["a longer lane name in the middle", "a=1,ctx=lane:gray2,b=2"],
    ["another key ending in ctx", "xctx=lane:gray"],
    ["another key ending in ctx, last", "a=1,xctx=lane:gray"],
    ["the lane in another member's value", "other=ctx-lane-gray"],
    ["another lane", "ctx=lane:blue"],
    ["no header value", ""],
  ])("does not match %s", (_what, header) => {
    expect(routes("gray", header)).toBe(false);
  });

  test("the naive single wildcard pattern would misroute gray2 (why four values)", () => {
    expect(albHeaderMatches("*ctx=lane:gray*", "ctx=lane:gray2")).toBe(true);
  });
});

describe("rule priorities", () => {
  test("derived priorities are deterministic and inside 10000..49998", () => {
    for (const lane of ["gray", "blue", "canary", "x".repeat(115), "lane-dqdf"]) {
      const p = derivedPriority(lane);
      expect(p).toBe(derivedPriority(lane));
      expect(p).toBeGreaterThanOrEqual(PRIORITY_DERIVED_MIN);
      expect(p).toBeLessThanOrEqual(49998);
    }
  });

  test("known values do not change between releases", () => {
    // Changing the hash would move every deployed lane's rule: pin a few.
    expect([derivedPriority("gray"), derivedPriority("blue")]).toEqual([
      derivedPriority("gray"),
      derivedPriority("blue"),
    ]);
    expect(derivedPriority("gray")).toBe(30698);
    expect(derivedPriority("blue")).toBe(40541);
  });

  test("a lane landing on the ramp's 49999 is moved (only such lanes move), never to 49999 or 50000", () => {
    // FNV-1a 32 of "lane-dqdf" is 1831519999 (computed independently): 10000 + 1831519999 mod 40000 = 49999,
    // so it takes 10000 + 1831519999 mod 39999 = 15788. Same for "lane-dqqi" (1980399999 → 19510).
    expect(fnv1a32("lane-dqdf")).toBe(1831519999);
    expect(derivedPriority("lane-dqdf")).toBe(15788);
    expect(derivedPriority("lane-dqqi")).toBe(19510);
  });

  test("an explicit priority wins", () => {
    expect(lanePriority("gray", 100)).toBe(100);
    expect(lanePriority("gray")).toBe(derivedPriority("gray"));
  });
});
