/**
 * The gc pipeline's role (`gc-{env}-codebuild`, synthesized in pipeline-gc-{env}) may destroy
 * lanes and nothing else, checked by the IAM simulator against the needs table: every call a lane
 * destroy makes (the app layer's read and delete rows, its state backend and remote state, the
 * provider) is allowed for every service of its env; on a default lane, another env, the shared
 * layer, and for every create, update and tag call it is denied. Its schedule's role may start
 * that one pipeline.
 */
import { needsFor, type Need } from "../../lib/policies/needs";
import { pipelineNames } from "../../lib/naming";
import { arns } from "../../lib/policies/arns";
import { describeNeed, needContext, OTHER_ENV, requestFor } from "./needs-context";
import { ACCOUNT, PARTITION, REGION, SimulatedPrincipal, pipelineRole, rolePolicies, synthesizedPipeline, testAccountResolver, type Decision } from "./simulate";

const role = () => pipelineRole("gc");
const app = needsFor("app");
const destroyOps = new Set(["read", "delete"]);
/** What `cdktf destroy` of a lane and `lanes gc` call: reads and deletes of lane resources, the whole state backend protocol, reading the lower layers, the provider. */
const destroyNeeds = app.filter(
  (n) => !n.notGranted && !n.resourceType.startsWith("build.") && (destroyOps.has(n.operation) || n.resourceType.startsWith("backend.") || n.resourceType.startsWith("data.") || n.resourceType === "provider.aws"),
);
const destroyActions = new Set(destroyNeeds.map((n) => n.action));
/** Calls that build or change a lane: never the gc role's, unless a destroy makes the same call (UpdateService drains the service). */
const buildNeeds = app.filter((n) => !destroyNeeds.includes(n) && !destroyActions.has(n.action) && !n.resourceType.startsWith("build."));

async function decisions(principal: SimulatedPrincipal, rows: readonly Need[], c: ReturnType<typeof needContext>): Promise<Record<string, Decision | string>> {
  const out: Record<string, Decision | string> = {};
  for (const need of rows) {
    if (need.applies && !need.applies(c)) continue;
    const request = requestFor(need, c);
    out[`${describeNeed(need)} on ${request.resource}`] = await principal.decision(request).catch((e: Error) => `error: ${e.message}`);
  }
  return out;
}
const all = (d: Record<string, string>, want: string) => Object.entries(d).filter(([, v]) => v !== want).map(([k, v]) => `${k}: ${v}`);

test("the split is meaningful: destroys need deletes, builds need creates", () => {
  expect(destroyNeeds.map((n) => n.action)).toEqual(expect.arrayContaining(["ecs:DeleteService", "elasticloadbalancing:DeleteTargetGroup", "elasticloadbalancing:DeleteRule", "cloudwatch:DeleteAlarms", "s3:PutObject"]));
  expect(buildNeeds.map((n) => n.action)).toEqual(expect.arrayContaining(["ecs:CreateService", "ecs:RegisterTaskDefinition", "elasticloadbalancing:CreateRule", "cloudwatch:PutMetricAlarm", "iam:PassRole"]));
});

describe.each(["user-api", "order-worker"])("lanes of %s", (service) => {
  test("every call a lane destroy makes is allowed", async () => {
    expect(all(await decisions(role(), destroyNeeds, needContext(service)), "Allowed")).toEqual([]);
  });

  test("no call that creates, changes or tags a lane is allowed", async () => {
    expect(all(await decisions(role(), buildNeeds, needContext(service)), "ImplicitlyDenied").filter((l) => !l.endsWith("ExplicitlyDenied"))).toEqual([]);
  });

  test("the default lane: every lane-scoped call is denied (its resources and its state)", async () => {
    const laneScoped = destroyNeeds.filter((n) => n.scope === "lane" && n.operation !== "read");
    expect(laneScoped.length).toBeGreaterThan(5);
    const d = await decisions(role(), laneScoped, needContext(service, { lane: "default" }));
    expect(Object.entries(d).filter(([, v]) => v === "Allowed").map(([k]) => k)).toEqual([]);
  });

  test(`another env (${OTHER_ENV}): denied`, async () => {
    const scoped = destroyNeeds.filter((n) => n.scope !== "account");
    const d = await decisions(role(), scoped, needContext(service, { env: OTHER_ENV }));
    expect(Object.entries(d).filter(([, v]) => v === "Allowed").map(([k]) => k)).toEqual([]);
  });
});

test("the shared layers: no boot or infra resource may be created, changed or deleted", async () => {
  const shared = [...needsFor("boot"), ...needsFor("infra")].filter((n) => n.scope !== "account" && n.operation !== "read" && !n.resourceType.startsWith("backend.") && !n.resourceType.startsWith("build."));
  const d = { ...(await decisions(role(), shared.filter((n) => n.layer === "boot"), needContext("user-api", { lane: "shared" }))), ...(await decisions(role(), shared.filter((n) => n.layer === "infra"), needContext("shared", { lane: "shared" }))) };
  expect(Object.entries(d).filter(([, v]) => v === "Allowed").map(([k]) => k)).toEqual([]);
});

test("state: it writes lane state of every service, never a default lane's nor another layer's", async () => {
  const bucket = needContext("user-api").state.bucket;
  const object = (key: string) => `arn:${PARTITION}:s3:::${bucket}/${key}`;
  const put = (key: string) => role().decision({ action: "s3:PutObject", resource: object(key) });
  expect(await put("app/dev/user-api/gray/terraform.tfstate")).toBe("Allowed");
  expect(await put("app/dev/order-worker/stale/terraform.tfstate")).toBe("Allowed");
  expect(await put("app/dev/user-api/default/terraform.tfstate")).toBe("ExplicitlyDenied");
  expect(await put("boot/dev/user-api/terraform.tfstate")).toBe("ExplicitlyDenied");
  expect(await put("app/prod/user-api/gray/terraform.tfstate")).not.toBe("Allowed");
  // lanes gc lists every service's lanes of the env
  expect(await role().decision({ action: "s3:ListBucket", resource: `arn:${PARTITION}:s3:::${bucket}`, context: { "s3:prefix": "app/dev/" } })).toBe("Allowed");
});

test("the schedule's role may start the gc pipeline and nothing else", async () => {
  const names = pipelineNames("dev", { kind: "gc" });
  const s = synthesizedPipeline("gc");
  const pipeline = (name: string) => `arn:${PARTITION}:codepipeline:${REGION}:${ACCOUNT}:${name}`;
  // The pipeline's ARN is a reference to the pipeline resource of the same stack.
  const resolve = (expr: string) => (/^aws_codepipeline\.[^.]+\.arn$/.test(expr) ? pipeline(names.pipeline) : testAccountResolver(expr));
  const schedule = new SimulatedPrincipal(`arn:${PARTITION}:iam::${ACCOUNT}:role/${names.scheduleRole.name}`, rolePolicies(s, names.scheduleRole.name, resolve));
  expect(await schedule.decision({ action: "codepipeline:StartPipelineExecution", resource: pipeline(names.pipeline) })).toBe("Allowed");
  expect(await schedule.decision({ action: "codepipeline:StartPipelineExecution", resource: pipeline("user-api-dev") })).toBe("ImplicitlyDenied");
  expect(await schedule.decision({ action: "codebuild:StartBuild", resource: arns.codebuildProject({ partition: PARTITION, region: REGION, account: ACCOUNT }, names.project) })).toBe("ImplicitlyDenied");
});
