/**
 * Privilege escalation: what a compromised (or buggy) pipeline must not be able to reach beyond
 * its stacks. The bootstrap role creates IAM roles, so every role it creates carries the env's
 * permissions boundary and only the ECS task execution policy can be attached; the app role
 * passes only its service's task roles; the roles cannot tag foreign resources into their scope.
 */
import { stackTags, taskRoleBoundaryArn } from "../../lib/policies/needs";
import { taskRoleBoundaryPolicy } from "../../lib/policies/roles";
import { needContext, requestTagContext, resourceTagContext } from "./needs-context";
import { ACCOUNT, SimulatedPrincipal, pipelineRole, type ContextValues } from "./simulate";

const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
const ec2 = (resource: string) => `arn:aws:ec2:ap-southeast-2:${ACCOUNT}:${resource}`;
const elb = (resource: string) => `arn:aws:elasticloadbalancing:ap-southeast-2:${ACCOUNT}:${resource}`;
const c = needContext("user-api");
const BOUNDARY = taskRoleBoundaryArn(c, "dev");
const ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess";
const EXECUTION = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy";
const TASK_ROLE = role("user-api-dev-task");
const bootTags = requestTagContext(stackTags("boot", c));

async function decisions(p: SimulatedPrincipal, rows: [string, string, ContextValues?][]): Promise<string[]> {
  const out: string[] = [];
  for (const [action, resource, context] of rows) out.push(`${action} ${resource} ${await p.decision({ action, resource, ...(context ? { context } : {}) })}`);
  return out;
}
const allDenied = (lines: string[]) => lines.filter((l) => l.endsWith(" Allowed"));

describe("bootstrap: roles only with the env's permissions boundary", () => {
  const bootstrap = () => pipelineRole("bootstrap");

  test("creates a task role with the boundary", async () => {
    expect(await bootstrap().decision({ action: "iam:CreateRole", resource: TASK_ROLE, context: { "iam:PermissionsBoundary": BOUNDARY, ...bootTags } })).toBe("Allowed");
  });

  test("cannot create a role without the boundary, or with another boundary", async () => {
    expect(await bootstrap().decision({ action: "iam:CreateRole", resource: TASK_ROLE, context: bootTags })).toBe("ExplicitlyDenied");
    expect(await bootstrap().decision({ action: "iam:CreateRole", resource: TASK_ROLE, context: { "iam:PermissionsBoundary": ADMIN, ...bootTags } })).toBe("ExplicitlyDenied");
  });

  test("cannot remove or replace a boundary", async () => {
    expect(await bootstrap().decision({ action: "iam:DeleteRolePermissionsBoundary", resource: TASK_ROLE, context: { "iam:PermissionsBoundary": BOUNDARY } })).toBe("ExplicitlyDenied");
    expect(await bootstrap().decision({ action: "iam:PutRolePermissionsBoundary", resource: TASK_ROLE, context: { "iam:PermissionsBoundary": ADMIN } })).toBe("ExplicitlyDenied");
  });

  test("cannot attach AdministratorAccess (or anything but the ECS task execution policy)", async () => {
    const attach = (policy: string) => ({ action: "iam:AttachRolePolicy", resource: role("user-api-dev-task-exec"), context: { "iam:PermissionsBoundary": BOUNDARY, "iam:PolicyARN": policy } });
    expect(await bootstrap().decision(attach(ADMIN))).toBe("ImplicitlyDenied");
    expect(await bootstrap().decision(attach("arn:aws:iam::aws:policy/IAMFullAccess"))).toBe("ImplicitlyDenied");
    expect(await bootstrap().decision(attach(EXECUTION))).toBe("Allowed");
  });

  test("cannot change a role that lacks the boundary (any role it did not create)", async () => {
    const lines = await decisions(bootstrap(), [
      ["iam:PutRolePolicy", TASK_ROLE],
      ["iam:AttachRolePolicy", TASK_ROLE, { "iam:PolicyARN": EXECUTION }],
      ["iam:UpdateAssumeRolePolicy", TASK_ROLE],
      ["iam:DeleteRole", TASK_ROLE],
      ["iam:PutRolePolicy", role("bootstrap-dev-codebuild"), { "iam:PermissionsBoundary": BOUNDARY }],
      ["iam:CreateRole", role("user-api-prod-task"), { "iam:PermissionsBoundary": BOUNDARY, ...bootTags }],
      ["iam:PassRole", TASK_ROLE, { "iam:PassedToService": "ecs-tasks.amazonaws.com" }],
    ]);
    expect(allDenied(lines)).toEqual([]);
  });

  test("cannot rewrite the boundary policy itself", async () => {
    const lines = await decisions(bootstrap(), [
      ["iam:CreatePolicyVersion", BOUNDARY],
      ["iam:SetDefaultPolicyVersion", BOUNDARY],
      ["iam:DeletePolicy", BOUNDARY],
      ["iam:CreatePolicy", `arn:aws:iam::${ACCOUNT}:policy/lanes-task-boundary-dev2`],
    ]);
    expect(allDenied(lines)).toEqual([]);
  });

  test("the boundary caps whatever a task role is given: an admin inline policy still cannot leave the env's images, logs and queues", async () => {
    const taskRole = new SimulatedPrincipal(
      TASK_ROLE,
      [{ name: "admin", document: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["*"], Resource: ["*"] }] } }],
      [{ name: "boundary", document: taskRoleBoundaryPolicy({ partition: "aws", region: "ap-southeast-2", account: ACCOUNT, env: "dev" }) }],
    );
    const lines = await decisions(taskRole, [
      ["iam:CreateUser", `arn:aws:iam::${ACCOUNT}:user/backdoor`],
      ["iam:PassRole", role("bootstrap-dev-codebuild"), { "iam:PassedToService": "ecs-tasks.amazonaws.com" }],
      ["s3:GetObject", "arn:aws:s3:::lanes-example-tfstate-dev/boot/dev/user-api/terraform.tfstate"],
      ["sqs:ReceiveMessage", `arn:aws:sqs:ap-southeast-2:${ACCOUNT}:order-worker-prod-queue`],
      ["sqs:ReceiveMessage", `arn:aws:sqs:ap-southeast-2:${ACCOUNT}:order-worker-dev-queue`],
      ["ecr:BatchGetImage", `arn:aws:ecr:ap-southeast-2:${ACCOUNT}:repository/dev/user-api`],
    ]);
    expect(lines.map((l) => l.split(" ").pop())).toEqual(["ImplicitlyDenied", "ImplicitlyDenied", "ImplicitlyDenied", "ImplicitlyDenied", "Allowed", "Allowed"]);
  });
});

describe("bootstrap: the access layer is its own tagged resources, nothing it could tag into scope", () => {
  const foreign = resourceTagContext({ env: "dev", service: "other-team", lane: "x", "managed-by": "someone", stack: "theirs" });
  const edge = resourceTagContext(stackTags("boot", { ...c, service: "edge" }));
  test("foreign security groups, load balancers and topics stay out of reach", async () => {
    const lines = await decisions(pipelineRole("bootstrap"), [
      ["ec2:AuthorizeSecurityGroupIngress", ec2("security-group/sg-0fffffffffffffff0")],
      ["ec2:AuthorizeSecurityGroupIngress", ec2("security-group/sg-0fffffffffffffff0"), foreign],
      ["ec2:CreateTags", ec2("security-group/sg-0fffffffffffffff0"), bootTags],
      ["ec2:CreateTags", ec2("security-group/sg-0fffffffffffffff0"), { ...bootTags, "ec2:CreateAction": "RunInstances" }],
      ["ec2:DeleteSecurityGroup", ec2("security-group/sg-0fffffffffffffff0"), foreign],
      ["elasticloadbalancing:AddTags", elb("loadbalancer/app/theirs/0123456789abcdef"), bootTags],
      ["elasticloadbalancing:DeleteLoadBalancer", elb("loadbalancer/app/theirs/0123456789abcdef"), foreign],
      ["sns:DeleteTopic", `arn:aws:sns:ap-southeast-2:${ACCOUNT}:lanes-edge-dev-alarms`, { ...edge, "aws:ResourceTag/stack": "edge-dev" }],
      ["sns:TagResource", `arn:aws:sns:ap-southeast-2:${ACCOUNT}:lanes-edge-dev-alarms`, { ...bootTags, ...edge, "aws:ResourceTag/stack": "edge-dev" }],
      ["servicediscovery:DeleteNamespace", `arn:aws:servicediscovery:ap-southeast-2:${ACCOUNT}:namespace/ns-0123456789abcdef`, resourceTagContext(stackTags("infra", c))],
      ["route53:DeleteHostedZone", "arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ"],
      ["servicediscovery:TagResource", "*", bootTags],
    ]);
    expect(allDenied(lines)).toEqual([]);
  });
});

describe("app: passes only its service's task roles; no IAM, no other service's task definitions", () => {
  test("PassRole and IAM", async () => {
    const lines = await decisions(pipelineRole("app"), [
      ["iam:PassRole", role("billing-dev-task"), { "iam:PassedToService": "ecs-tasks.amazonaws.com" }],
      ["iam:PassRole", role("user-api-prod-task"), { "iam:PassedToService": "ecs-tasks.amazonaws.com" }],
      ["iam:PassRole", role("user-api-dev-codebuild"), { "iam:PassedToService": "ecs-tasks.amazonaws.com" }],
      ["iam:PassRole", role("bootstrap-dev-codebuild"), { "iam:PassedToService": "ecs-tasks.amazonaws.com" }],
      ["iam:PassRole", TASK_ROLE, { "iam:PassedToService": "lambda.amazonaws.com" }],
      ["iam:PassRole", TASK_ROLE],
      ["iam:CreateRole", role("user-api-dev-task2")],
      ["iam:PutRolePolicy", TASK_ROLE],
      ["iam:AttachRolePolicy", TASK_ROLE, { "iam:PolicyARN": ADMIN }],
    ]);
    expect(allDenied(lines)).toEqual([]);
  });

  test("an ECS service cannot run another service's task definition (and its task role)", async () => {
    const lanes = requestTagContext(stackTags("app", c));
    const service = `arn:aws:ecs:ap-southeast-2:${ACCOUNT}:service/dev-cluster/user-api-dev-gray`;
    const td = (family: string) => `arn:aws:ecs:ap-southeast-2:${ACCOUNT}:task-definition/${family}:1`;
    const app = pipelineRole("app");
    expect(await app.decision({ action: "ecs:CreateService", resource: service, context: { ...lanes, "ecs:task-definition": td("billing-dev-gray-task") } })).toBe("ImplicitlyDenied");
    expect(
      await app.decision({ action: "ecs:UpdateService", resource: service, context: { ...resourceTagContext(stackTags("app", c)), "ecs:task-definition": td("billing-dev-gray-task") } }),
    ).toBe("ImplicitlyDenied");
    expect(await app.decision({ action: "ecs:CreateService", resource: service, context: { ...lanes, "ecs:task-definition": td("user-api-dev-gray-task") } })).toBe("Allowed");
  });

  test("the grant the old policy had for application-autoscaling:TagResource never matched (its condition key is never sent)", async () => {
    const target = `arn:aws:application-autoscaling:ap-southeast-2:${ACCOUNT}:scalable-target/0123456789abcdef0123456789abcdef`;
    const r = await pipelineRole("app").check({ action: "application-autoscaling:TagResource", resource: target, context: { "application-autoscaling:service-namespace": "ecs" } });
    expect(r).toEqual(expect.objectContaining({ decision: "ImplicitlyDenied", ignoredContextKeys: ["application-autoscaling:service-namespace"] }));
  });
});

describe("infra: only the network it tags; no Route 53 beyond what Cloud Map creates", () => {
  test("foreign VPCs and zones stay out of reach", async () => {
    const infraTags = requestTagContext(stackTags("infra", c));
    const lines = await decisions(pipelineRole("infra"), [
      ["ec2:CreateVpc", ec2("vpc/vpc-0fffffffffffffff0")],
      ["ec2:DeleteVpc", ec2("vpc/vpc-0fffffffffffffff0")],
      ["ec2:CreateSubnet", ec2("vpc/vpc-0fffffffffffffff0"), infraTags],
      ["ec2:CreateTags", ec2("vpc/vpc-0fffffffffffffff0"), infraTags],
      ["ec2:CreateNatGateway", ec2("subnet/subnet-0fffffffffffffff0"), infraTags],
      ["ec2:AuthorizeSecurityGroupIngress", ec2("security-group/sg-0fffffffffffffff0")],
      ["ec2:RunInstances", ec2("instance/*")],
      ["route53:DeleteHostedZone", "arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ"],
      ["route53:ChangeResourceRecordSets", "arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ"],
      ["route53:AssociateVPCWithHostedZone", "arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ"],
    ]);
    expect(allDenied(lines)).toEqual([]);
  });
});
