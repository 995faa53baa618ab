/**
 * A row's `scope` (lib/policies/needs/types.ts) says what the resource it is authorized against
 * (its name, or its tags) is specific to: one lane, one service (all its lanes), one env (all its
 * services), or nothing the platform names. The deny tests (iam/needs.test.ts) pick the rows to
 * ask about another env or service by it, so a scope wider or narrower than the resource quietly
 * drops rows from those tests. Here each row's resource (its ARN, the tags it carries and the
 * row's own condition keys; the request tags too when the ARN is `*`, a resource not created yet
 * that only the tags it is created with name, but not beside an ARN, where they are the calling
 * stack's) is compared across the neighbours: what it is specific to changes it, what it spans
 * does not. An
 * account-wide resource may still change with the env through an id AWS assigns (the env's hosted
 * zone, a wrapped VPC): the platform names nothing in it.
 */
import { NEEDS, type Need, type NeedContext } from "../../lib/policies/needs";
import { describeNeed, needContext, OTHER_ENV, OTHER_LANE, requestFor } from "./needs-context";

const SERVICE = "user-api";
const c = needContext(SERVICE);
const neighbours = {
  lane: needContext(SERVICE, { lane: OTHER_LANE }),
  service: needContext("billing"),
  env: needContext(SERVICE, { env: OTHER_ENV }),
};
const resource = (n: Need, at: NeedContext) => JSON.stringify(requestFor(n.resource(at) === "*" ? n : { ...n, requestTags: false }, at));
const changesWith = (n: Need, level: keyof typeof neighbours) => resource(n, c) !== resource(n, neighbours[level]);

/** For each scope, whether another lane, service and env change the resource (undefined: either). */
const EXPECTED: Record<Need["scope"], Record<keyof typeof neighbours, boolean | undefined>> = {
  lane: { lane: true, service: true, env: true },
  service: { lane: false, service: true, env: true },
  env: { lane: false, service: false, env: true },
  account: { lane: false, service: false, env: undefined },
};

test("every row's resource changes with exactly what its scope names", () => {
  const wrong = NEEDS.filter((n) => !n.applies || n.applies(c)).flatMap((n) => {
    const levels = ["lane", "service", "env"] as const;
    const off = levels.filter((level) => EXPECTED[n.scope][level] !== undefined && EXPECTED[n.scope][level] !== changesWith(n, level));
    return off.length === 0 ? [] : [`${describeNeed(n)} scope ${n.scope}: ${off.map((level) => `another ${level} ${changesWith(n, level) ? "changes" : "does not change"} it`).join(", ")}`];
  });
  expect(wrong).toEqual([]);
});

test("each scope is some row's: the rule is not vacuous", () => {
  expect(new Set(NEEDS.map((n) => n.scope))).toEqual(new Set(["lane", "service", "env", "account"]));
});
