/**
 * The request context each row of the needs table (lib/policies/needs) says its call carries,
 * beyond tags: the keys the pipeline roles do not condition on today, so no decision test
 * notices one dropped or emptied, but a role that starts conditioning on them would be judged
 * against a wrong request. Each is checked against AWS's documentation:
 *
 * - the key names: every key a row supplies is one the Service Authorization Reference lists for
 *   its action and resource (the simulator drops any other and reports it, as AWS would not
 *   send it);
 * - `{service}:CreateAction` (EC2, ECS and ELB "tag on create"): present on every create row whose
 *   action takes it, naming the create action of the same resource (the API's action name without
 *   the service prefix), and absent when an existing resource is tagged;
 * - `ecs:cluster`: the ARN of the cluster in the ECS service's ARN
 *   (`arn:aws:ecs:{region}:{account}:service/{cluster}/{service}`); `ecs:task-definition`: the
 *   lane's task definition (family `{service}-{env}-{lane}-task`);
 * - Application Auto Scaling: service namespace `ecs`, scalable dimension
 *   `ecs:service:DesiredCount` (Application Auto Scaling API reference, ScalableDimension).
 */
import { NEEDS, type Need } from "../../lib/policies/needs";
import { describeNeed, needContext, needRows, requestFor } from "./needs-context";
import { ACCOUNT, REGION, SimulatedPrincipal } from "./simulate";

const c = needContext("user-api");
const SERVICE_ARN = /^arn:aws:ecs:[^:]+:\d{12}:service\/([^/]+)\/[^/]+$/;

/** A principal allowed everything: only the simulator's verdict on the context keys is read. */
const anyone = new SimulatedPrincipal(`arn:aws:iam::${ACCOUNT}:role/anyone`, [
  { name: "all", document: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] } },
]);

const contextOf = (n: Need) => (n.context ? n.context(c) : {});
const service = (n: Need) => n.action.split(":")[0]!;

test("every key a row supplies is one AWS sends with that action on that resource", async () => {
  const ignored: string[] = [];
  for (const need of NEEDS) {
    const result = await anyone.check(requestFor(need, c));
    if (result.ignoredContextKeys.length > 0) ignored.push(`${describeNeed(need)}: ${result.ignoredContextKeys.join(", ")}`);
  }
  expect(ignored).toEqual([]);
});

describe("tags on create: {service}:CreateAction", () => {
  const createActionKey = (n: Need) => `${service(n)}:CreateAction`;
  /** The tag actions the Service Authorization Reference gives a CreateAction key (EC2, ECS, ELB). */
  const TAG_ON_CREATE = ["ec2:CreateTags", "ecs:TagResource", "elasticloadbalancing:AddTags"];

  test("every create row of a tag action that takes the key carries it, and it names a create action of the same resource type", () => {
    const rows = NEEDS.filter((n) => n.operation === "create" && TAG_ON_CREATE.includes(n.action));
    expect(rows.length).toBeGreaterThanOrEqual(15);
    const bad = rows.flatMap((n) => {
      const value = contextOf(n)[createActionKey(n)];
      if (typeof value !== "string" || !/^[A-Z][A-Za-z]+$/.test(value)) return [`${describeNeed(n)}: CreateAction ${JSON.stringify(value)}`];
      const create = NEEDS.find((m) => m.layer === n.layer && m.resourceType === n.resourceType && m.operation === "create" && m.action === `${service(n)}:${value}`);
      return create ? [] : [`${describeNeed(n)}: no create row ${service(n)}:${value} for ${n.resourceType}`];
    });
    expect(bad).toEqual([]);
  });

  test("literally, for the lane's resources: RegisterTaskDefinition, CreateService, CreateTargetGroup, CreateRule", () => {
    const lane = (resourceType: string, action: string) => needRows({ layer: "app", resourceType, operation: "create", action }).map((n) => contextOf(n)[`${service(n)}:CreateAction`]);
    expect(lane("aws_ecs_task_definition", "ecs:TagResource")).toEqual(["RegisterTaskDefinition"]);
    expect(lane("aws_ecs_service", "ecs:TagResource")).toEqual(["CreateService"]);
    expect(lane("aws_lb_target_group", "elasticloadbalancing:AddTags")).toEqual(["CreateTargetGroup"]);
    expect(lane("aws_lb_listener_rule", "elasticloadbalancing:AddTags")).toEqual(["CreateRule"]);
  });

  test("tagging a resource that exists carries no CreateAction", () => {
    const bad = NEEDS.filter((n) => n.operation !== "create" && Object.keys(contextOf(n)).some((k) => k.endsWith(":CreateAction")));
    expect(bad.map(describeNeed)).toEqual([]);
  });
});

describe("ECS: the cluster and the task definition", () => {
  test("every call on an ECS service whose action takes ecs:cluster carries the ARN of the cluster in the service's ARN", () => {
    const CLUSTER_KEYED = ["ecs:CreateService", "ecs:UpdateService", "ecs:DescribeServices", "ecs:DeleteService"];
    const rows = NEEDS.filter((n) => CLUSTER_KEYED.includes(n.action) && SERVICE_ARN.test(n.resource(c)));
    expect(rows.length).toBeGreaterThanOrEqual(6);
    const bad = rows.filter((n) => {
      const cluster = SERVICE_ARN.exec(n.resource(c))![1];
      return contextOf(n)["ecs:cluster"] !== `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${cluster}`;
    });
    expect(bad.map(describeNeed)).toEqual([]);
    // user-api's lanes run in dev's cluster, `{env}-cluster` (lib/naming.ts infraNames): the literal.
    expect(rows.map((n) => contextOf(n)["ecs:cluster"])).toContain(`arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/dev-cluster`);
  });

  test("CreateService carries the lane's task definition; UpdateService, when it says, the same", () => {
    const withTaskDefinition = NEEDS.filter((n) => n.resourceType === "aws_ecs_service" && ["ecs:CreateService", "ecs:UpdateService"].includes(n.action));
    const create = withTaskDefinition.filter((n) => n.action === "ecs:CreateService");
    expect(create).toHaveLength(1);
    expect(contextOf(create[0]!)["ecs:task-definition"]).toMatch(new RegExp(`^arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/user-api-dev-gray-task:\\d+$`));
    for (const n of withTaskDefinition) {
      const value = contextOf(n)["ecs:task-definition"];
      if (value !== undefined) expect([describeNeed(n), value]).toEqual([describeNeed(n), contextOf(create[0]!)["ecs:task-definition"]]);
    }
  });
});

test("Application Auto Scaling calls on a scalable target name ECS's namespace and the service's desired count", () => {
  const SCALING = ["RegisterScalableTarget", "DeregisterScalableTarget", "PutScalingPolicy", "DeleteScalingPolicy"].map((a) => `application-autoscaling:${a}`);
  const rows = NEEDS.filter((n) => SCALING.includes(n.action));
  expect(rows.length).toBeGreaterThanOrEqual(6);
  const bad = rows.filter((n) => contextOf(n)["application-autoscaling:service-namespace"] !== "ecs" || contextOf(n)["application-autoscaling:scalable-dimension"] !== "ecs:service:DesiredCount");
  expect(bad.map(describeNeed)).toEqual([]);
});
