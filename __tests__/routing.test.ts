/**
 * Lane routing on the ALB. Expected values are literals: the match values from the lane protocol
 * (docs/ARCHITECTURE.md), judged by ALB's documented matching (lib/harness/alb-match.ts),
 * and priorities from FNV-1a as specified (draft-eastlake-fnv: offset basis 0x811c9dc5, prime
 * 0x01000193), computed outside this code base with an independent implementation.
 */
import {
  DEFAULT_RULE_PRIORITY,
  PRIORITY_ALB_MAX,
  PRIORITY_DERIVED_MIN,
  PRIORITY_DERIVED_MAX,
  PRIORITY_DERIVED_SPAN,
  PRIORITY_EXPLICIT_MAX,
  PRIORITY_EXPLICIT_MIN,
  RAMP_RULE_PRIORITY,
  RULE_MAX_CONDITION_VALUES,
  RULE_MAX_WILDCARDS,
  TRACESTATE_HEADER,
  callListener,
  derivedPriority,
  fnv1a32,
  laneHeaderValues,
  laneMember,
  lanePriority,
  laneRuleAction,
  targetGroupArnSuffix,
} from "../lib/routing";
import { albHeaderConditionMatches, albValueMatches } from "../lib/harness/alb-match";

/** Would gray's rule route a request whose tracestate is `header`? */
function routesGray(header: string | undefined): boolean {
  return albHeaderConditionMatches(["ctx=lane:gray", "ctx=lane:gray,*", "*,ctx=lane:gray", "*,ctx=lane:gray,*"], header);
}

describe("the ALB matcher of the tests follows the ALB documentation", () => {
  test.each<[string, string, boolean]>([
    ["abc", "abc", true],
    ["abc", "ABC", true],
    ["ABC", "abc", true],
    ["abc", "abcd", false],
    ["abc", "xabc", false],
    ["a?c", "abc", true],
    ["a?c", "ac", false],
    ["a?c", "abbc", false],
    ["a*c", "ac", true],
    ["a*c", "abbbc", true],
    ["a*c", "abcd", false],
    ["*", "", true],
    ["*", "anything", true],
    ["", "", true],
    ["", "a", false],
    ["a.c", "abc", false],
    ["*,x", "a,b,x", true],
    ["*b*b", "abxb", true],
    ["*b*b", "abxa", false],
  ])("%p against %p: %p", (pattern, value, expected) => {
    expect(albValueMatches(pattern, value)).toBe(expected);
  });

  test("values are ORed; a request without the header matches nothing, not even *", () => {
    expect(albHeaderConditionMatches(["a", "b"], "b")).toBe(true);
    expect(albHeaderConditionMatches(["a", "b"], "c")).toBe(false);
    expect(albHeaderConditionMatches(["*"], undefined)).toBe(false);
  });
});

describe("tracestate header match", () => {
  test("the rule matches on the tracestate header with four values, four wildcards (ALB allows 5 of each)", () => {
    expect(TRACESTATE_HEADER).toBe("tracestate");
    expect(laneMember("gray")).toBe("ctx=lane:gray");
    expect(laneHeaderValues("gray")).toEqual(["ctx=lane:gray", "ctx=lane:gray,*", "*,ctx=lane:gray", "*,ctx=lane:gray,*"]);
    expect(laneHeaderValues("blue-2")).toEqual(["ctx=lane:blue-2", "ctx=lane:blue-2,*", "*,ctx=lane:blue-2", "*,ctx=lane:blue-2,*"]);
    expect([RULE_MAX_CONDITION_VALUES, RULE_MAX_WILDCARDS]).toEqual([5, 5]);
  });

  test.each([
    ["alone", "ctx=lane:gray"],
    ["first", "ctx=lane:gray,rojo=00f067aa0ba902b7"],
    ["middle", "rojo=00f067aa0ba902b7,ctx=lane:gray,congo=t61rcWkgMzE"],
    ["last", "rojo=00f067aa0ba902b7,ctx=lane:gray"],
    ["upper-case (ALB matching is case-insensitive)", "CTX=LANE:GRAY"],
  ])("matches the member %s", (_where, header) => {
    expect(routesGray(header)).toBe(true);
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
    expect(routesGray(header)).toBe(false);
  });

  test("no header at all is not matched", () => {
    expect(routesGray(undefined)).toBe(false);
  });

  test("the naive single wildcard pattern would misroute gray2 (why four values)", () => {
    expect(albValueMatches("*ctx=lane:gray*", "ctx=lane:gray2")).toBe(true);
  });
});

describe("rule priorities", () => {
  test("the bounds: explicit 1..9999, derived 10000..49998, ramp 49999, default lane 50000 (the ALB's last)", () => {
    expect([PRIORITY_EXPLICIT_MIN, PRIORITY_EXPLICIT_MAX]).toEqual([1, 9999]);
    expect([PRIORITY_DERIVED_MIN, PRIORITY_DERIVED_SPAN, PRIORITY_DERIVED_MAX]).toEqual([10000, 40000, 49998]);
    expect(PRIORITY_ALB_MAX).toBe(50000);
    expect(RAMP_RULE_PRIORITY).toBe(49999);
    expect(DEFAULT_RULE_PRIORITY).toBe(50000);
  });

  test("FNV-1a 32 matches the specification's test vectors", () => {
    // draft-eastlake-fnv, FNV-1a 32-bit: "" → 0x811c9dc5, "a" → 0xe40c292c, "foobar" → 0xbf9cf968.
    expect(fnv1a32("")).toBe(0x811c9dc5);
    expect(fnv1a32("a")).toBe(0xe40c292c);
    expect(fnv1a32("foobar")).toBe(0xbf9cf968);
    // bytes, not UTF-16 code units: "é" is 0xc3 0xa9 in UTF-8.
    expect(fnv1a32("é")).toBe(0x1e9de8c1);
  });

  test("known values do not change between releases", () => {
    // Changing the hash or the span would move every deployed lane's rule: pinned literals,
    // 10000 + fnv1a32(lane) mod 40000 computed with an independent FNV-1a implementation.
    expect(derivedPriority("gray")).toBe(30698); // fnv1a32 = 0xba9ab39a
    expect(derivedPriority("blue")).toBe(40541); // 0x82fbf5cd
    expect(derivedPriority("default")).toBe(30894); // 0x933b5bde
    expect(derivedPriority("a")).toBe(12220); // 0xe40c292c
    expect(derivedPriority("x".repeat(115))).toBe(17823); // 0x93d9d9cf
  });

  test("a lane landing on the ramp's 49999 is moved (only such lanes move), never to 49999 or 50000", () => {
    // FNV-1a 32 of "lane-dqdf" is 1831519999 (computed independently): 10000 + 1831519999 mod 40000 = 49999,
    // so it takes 10000 + 1831519999 mod 39999 = 15788. Same for "lane-dqqi" (1980399999 → 19510).
    expect(fnv1a32("lane-dqdf")).toBe(1831519999);
    expect(derivedPriority("lane-dqdf")).toBe(15788);
    expect(derivedPriority("lane-dqqi")).toBe(19510);
  });

  test("a lane landing exactly on 49998, the highest derived priority, keeps it", () => {
    // FNV-1a 32 of "lane-hclo" is 3226479998 (computed independently, Python): 10000 + 3226479998 mod 40000
    // = 49998, the top of the derived range, below the ramp's 49999: the lane keeps it.
    expect(fnv1a32("lane-hclo")).toBe(3226479998);
    expect(derivedPriority("lane-hclo")).toBe(49998);
  });

  test("derived priorities stay inside 10000..49998 (below the ramp's and the default's)", () => {
    const seen = new Set<number>();
    for (let i = 0; i < 5000; i++) {
      const p = derivedPriority(`lane-${i}`);
      expect(p >= 10000 && p <= 49998).toBe(true);
      seen.add(p);
    }
    // FNV-1a spreads: 5000 lanes over 39999 slots leave at most a few hundred collisions.
    expect(seen.size).toBeGreaterThan(4500);
  });

  test("an explicit priority wins, the derived one otherwise", () => {
    expect(lanePriority("gray", 100)).toBe(100);
    expect(lanePriority("gray", 1)).toBe(1);
    expect(lanePriority("gray")).toBe(30698);
  });
});

describe("a lane rule's action by the lane's health (the fallback switch's table)", () => {
  const LANE_TG = "arn:aws:elasticloadbalancing:ap-southeast-2:123456789012:targetgroup/user-api-dev-gray-tg/1a2b3c4d5e6f7a8b";
  const DEFAULT_TG = "arn:aws:elasticloadbalancing:ap-southeast-2:123456789012:targetgroup/user-api-dev-default-tg/8b7a6f5e4d3c2b1a";
  const action = (healthy: boolean, onUnhealthy: "default" | "refuse") =>
    laneRuleAction({ lane: "gray", healthy, onUnhealthy, laneTargetGroupArn: LANE_TG, defaultTargetGroupArn: DEFAULT_TG });

  test("healthy: the lane's own group, whatever it does when unhealthy", () => {
    expect(action(true, "default")).toEqual({ type: "forward", targetGroupArn: LANE_TG });
    expect(action(true, "refuse")).toEqual({ type: "forward", targetGroupArn: LANE_TG });
  });
  test("unhealthy and falling back: default's group", () => {
    expect(action(false, "default")).toEqual({ type: "forward", targetGroupArn: DEFAULT_TG });
  });
  test("unhealthy and strict: a 503 naming the lane (ALB fixed-response: status code, content type, body)", () => {
    expect(action(false, "refuse")).toEqual({
      type: "fixed-response",
      statusCode: "503",
      contentType: "text/plain",
      messageBody: "lane gray has no healthy target and is strict: refused instead of falling back to default",
    });
  });
});

describe("targetGroupArnSuffix: the TargetGroup dimension CloudWatch gives an ALB target group", () => {
  test("targetgroup/{name}/{id} of the ARN (CloudWatch's ELB metrics documentation)", () => {
    expect(targetGroupArnSuffix("arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067")).toBe("targetgroup/my-targets/73e2d6bc24d8a067");
  });
  test.each([
    "targetgroup/my-targets/73e2d6bc24d8a067",
    "arn:aws:elasticloadbalancing:us-west-2:123456789012:loadbalancer/app/my-lb/50dc6c495c0c9188",
    // Everything of an ARN but its "arn:" prefix.
    "aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067",
  ])("not a target group ARN: %s", (arn) => {
    expect(() => targetGroupArnSuffix(arn)).toThrow(`'${arn}' is not a target group ARN (arn:{partition}:elasticloadbalancing:{region}:{account}:targetgroup/{name}/{id})`);
  });
});

describe("callListener: the listener a service's callers connect to", () => {
  // Ports as a boot file would give them; the routing listener is 80, the internal one 8080.
  const ports = { httpPort: 80, internalPort: 8080 };
  test("plain HTTP without the edge: callers use the routing listener itself", () => {
    expect(callListener(ports)).toEqual({ port: 80, separate: false });
  });
  test("HTTPS (its certificate does not name the ALB's DNS name): the separate internal listener", () => {
    expect(callListener({ ...ports, https: { certificateArn: "arn:aws:acm:ap-southeast-2:123456789012:certificate/x" } })).toEqual({ port: 8080, separate: true });
  });
  test("behind the edge (the routing listener answers only CloudFront): the separate internal listener", () => {
    expect(callListener({ ...ports, originGuard: { header: "x-origin-verify" } })).toEqual({ port: 8080, separate: true });
  });
  test("HTTPS and the edge: the separate internal listener", () => {
    expect(callListener({ ...ports, https: {}, originGuard: {} })).toEqual({ port: 8080, separate: true });
  });
});
