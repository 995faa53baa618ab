/**
 * What a ramp run by the app pipeline (ACTION=ramp) asks of IAM, simulated against the synthesized
 * app role: read the lanes' metrics, find the ramp rule's holder, move the weights of its own
 * lane's rule — and nothing of another service's or of the boot layer's.
 */
import { laneArns } from "../../lib/policies/needs/ids";
import { NEEDS, stackTags } from "../../lib/policies/needs";
import { needContext, resourceTagContext } from "./needs-context";
import { pipelineRole } from "./simulate";

/** Called in each test, so that the role's policy is computed inside the test that judges it (the mutation run: stryker/suites.js `roles`). */
const role = () => pipelineRole("app", { service: "user-api" });
const gray = needContext("user-api");
const rampRule = laneArns.rampRule(gray);

test("the needs table lists the ramp's calls", () => {
  const cli = NEEDS.filter((n) => n.layer === "app" && n.resourceType === "build.lanes-cli").map((n) => n.action);
  expect(cli).toEqual(expect.arrayContaining(["cloudwatch:GetMetricData", "elasticloadbalancing:DescribeRules", "elasticloadbalancing:DescribeTags", "elasticloadbalancing:ModifyRule"]));
});

test("reads: the metrics and the listener's rules", async () => {
  expect(await role().decision({ action: "cloudwatch:GetMetricData", resource: "*" })).toBe("Allowed");
  expect(await role().decision({ action: "elasticloadbalancing:DescribeRules", resource: "*" })).toBe("Allowed");
  expect(await role().decision({ action: "elasticloadbalancing:DescribeTags", resource: "*" })).toBe("Allowed");
});

test("ModifyRule on the ramp rule a lane stack of this service made, and on no other", async () => {
  const tagged = (c: ReturnType<typeof needContext>, layer: "app" | "boot") => resourceTagContext(stackTags(layer, c));
  expect(await role().decision({ action: "elasticloadbalancing:ModifyRule", resource: rampRule, context: tagged(gray, "app") })).toBe("Allowed");
  const billing = needContext("billing");
  expect(await role().decision({ action: "elasticloadbalancing:ModifyRule", resource: laneArns.rampRule(billing), context: tagged(billing, "app") })).not.toBe("Allowed");
  // A rule of the service's boot layer (lane=shared) is not a lane's to reweigh.
  expect(await role().decision({ action: "elasticloadbalancing:ModifyRule", resource: rampRule, context: tagged(gray, "boot") })).not.toBe("Allowed");
  expect(await role().decision({ action: "elasticloadbalancing:ModifyRule", resource: rampRule, context: tagged(needContext("user-api", { env: "prod" }), "app") })).not.toBe("Allowed");
});
