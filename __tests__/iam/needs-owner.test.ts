/**
 * `resourceTags` (lib/policies/needs/types.ts) says which layer's stack default tags a resource
 * already carries: those of the layer that created it, since the provider tags a resource with
 * its stack's default tags when it creates it (`requestTags` on its create call). So every
 * resource a row finds tagged is created, with tags, by a row of that layer: on the same ARN, or,
 * for a resource whose ARN does not exist before its create call (a wildcard-only create), by
 * that call of a type whose rows name the ARN. The roles condition on those tags, so a row
 * claiming the wrong layer's tags judges a role against a request AWS never sees.
 */
import { NEEDS, type Need } from "../../lib/policies/needs";
import { describeNeed, needContext } from "./needs-context";

/** Resources created by another call than the one the table gives their ARN, and why. */
const CREATED_ELSEWHERE: Record<string, string> = {
  "app build.lanes-cli update elasticloadbalancing:ModifyRule":
    "the ramp rule: a second listener rule of the lane's stack, created like the lane's rule (CreateRule on the listener, AddTags on create), whose AWS-assigned ARN the table's create rows give only for the lane's rule",
};

const creates = (n: Need) => n.operation === "create" && n.requestTags === true && n.resourceTags === undefined;

test.each(["user-api", "order-worker"])("every tagged resource a row finds was created with tags by a row of the layer whose tags it carries (%s)", (service) => {
  const c = needContext(service);
  const createdAt = new Set(NEEDS.filter(creates).map((n) => `${n.layer} ${n.resource(c)}`));
  const wildcardCreated = new Set(NEEDS.filter((n) => creates(n) && n.resource(c) === "*").map((n) => `${n.layer} ${n.resourceType}`));
  const typesNaming = (layer: Need["layer"], arn: string) => NEEDS.filter((n) => n.layer === layer && n.resource(c) === arn).map((n) => `${layer} ${n.resourceType}`);
  const orphans = NEEDS.filter((n) => n.resourceTags !== undefined && n.resource(c) !== "*" && !(describeNeed(n) in CREATED_ELSEWHERE))
    .filter((n) => !createdAt.has(`${n.resourceTags} ${n.resource(c)}`) && !typesNaming(n.resourceTags!, n.resource(c)).some((t) => wildcardCreated.has(t)))
    .map((n) => `${describeNeed(n)}: ${n.resourceTags}'s tags on ${n.resource(c)}`);
  expect(orphans).toEqual([]);
});

test("each exception is a row of the table, and says why", () => {
  for (const [row, why] of Object.entries(CREATED_ELSEWHERE)) {
    expect([row, NEEDS.some((n) => describeNeed(n) === row && n.resourceTags !== undefined)]).toEqual([row, true]);
    expect(why.length).toBeGreaterThan(20);
  }
});
