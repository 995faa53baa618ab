/**
 * The roles' contract (what each may and may NOT do), as the synthesized policies are evaluated
 * by the IAM simulator. Ported from the home-made evaluator's test (pipeline-policies.test.ts),
 * with its requests corrected to what AWS authorizes: CreateListener on the load balancer,
 * RegisterTaskDefinition on the family, scaling on the scalable target, EC2 on resource ARNs,
 * and the tags the stacks send.
 */
import { stackTags, taskRoleBoundaryArn } from "../../lib/policies/needs";
import { needContext, requestTagContext, resourceTagContext } from "./needs-context";
import { ACCOUNT, SimulatedPrincipal, pipelineRole, rolePolicies, synthesizedPipeline, type ContextValues, type Decision } from "./simulate";

const BUCKET = "lanes-example-tfstate-dev";
const TABLE = `arn:aws:dynamodb:ap-southeast-2:${ACCOUNT}:table/lanes-tf-locks-dev`;
const ARTIFACTS = "arn:aws:s3:::lanes-user-api-dev-artifacts";
const obj = (key: string) => `arn:aws:s3:::${BUCKET}/${key}`;
const elb = (resource: string) => `arn:aws:elasticloadbalancing:ap-southeast-2:${ACCOUNT}:${resource}`;
const ecs = (resource: string) => `arn:aws:ecs:ap-southeast-2:${ACCOUNT}:${resource}`;
const ec2 = (resource: string) => `arn:aws:ec2:ap-southeast-2:${ACCOUNT}:${resource}`;
const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;

const LISTENER = elb("listener/app/user-api-dev-alb/50dc6c495c0c9188/f2f7dc8efc522ab2");
const RULE = elb("listener-rule/app/user-api-dev-alb/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee");
const ALB = elb("loadbalancer/app/user-api-dev-alb/50dc6c495c0c9188");
const OTHER_LISTENER = elb("listener/app/billing-dev-alb/50dc6c495c0c9188/f2f7dc8efc522ab2");
const TARGET = `arn:aws:application-autoscaling:ap-southeast-2:${ACCOUNT}:scalable-target/0123456789abcdef0123456789abcdef`;

/** Tags as the stacks send them (RequestTag) or their resources carry them (ResourceTag). */
const lane = (service: string, laneName: string) => stackTags("app", { env: "dev", service, lane: laneName });
const boot = (service: string) => stackTags("boot", { env: "dev", service, lane: "shared" });
const infra = stackTags("infra", { env: "dev", service: "shared", lane: "shared" });
const sends = requestTagContext;
const carries = resourceTagContext;

type Row = [action: string, resource: string, expected: Decision, context?: ContextValues];

async function check(policy: SimulatedPrincipal, rows: Row[]): Promise<void> {
  const got: [string, string, Decision][] = [];
  for (const [action, resource, , context] of rows) got.push([action, resource, await policy.decision({ action, resource, ...(context ? { context } : {}) })]);
  expect(got).toEqual(rows.map(([action, resource, expected]) => [action, resource, expected]));
}

describe("app pipeline role (user-api-dev)", () => {
  const policy = () => pipelineRole("app");

  test("state: its own lanes read/write, lower layers read-only, other services nothing", async () => {
    await check(policy(), [
      ["s3:PutObject", obj("app/dev/user-api/gray/terraform.tfstate"), "Allowed"],
      ["s3:GetObject", obj("app/dev/user-api/gray/terraform.tfstate"), "Allowed"],
      ["s3:PutObject", obj("app/dev/user-api/gray/terraform.tfstate.tflock"), "Allowed"],
      ["s3:DeleteObject", obj("app/dev/user-api/gray/terraform.tfstate.tflock"), "Allowed"],
      ["s3:GetObject", obj("infra/dev/terraform.tfstate"), "Allowed"],
      ["s3:GetObject", obj("boot/dev/user-api/terraform.tfstate"), "Allowed"],
      ["s3:PutObject", obj("boot/dev/user-api/terraform.tfstate"), "ExplicitlyDenied"],
      ["s3:PutObject", obj("infra/dev/terraform.tfstate"), "ExplicitlyDenied"],
      ["s3:DeleteObject", obj("infra/dev/terraform.tfstate"), "ExplicitlyDenied"],
      ["s3:GetObject", obj("boot/dev/billing/terraform.tfstate"), "ImplicitlyDenied"],
      ["s3:PutObject", obj("app/dev/billing/gray/terraform.tfstate"), "ImplicitlyDenied"],
      ["s3:PutObject", obj("app/dev/user-api-x/gray/terraform.tfstate"), "ImplicitlyDenied"],
      ["s3:PutObject", obj("app/prod/user-api/gray/terraform.tfstate"), "ImplicitlyDenied"],
      ["s3:ListBucket", `arn:aws:s3:::${BUCKET}`, "Allowed", { "s3:prefix": "app/dev/user-api/gray/terraform.tfstate" }],
      ["s3:ListBucket", `arn:aws:s3:::${BUCKET}`, "ImplicitlyDenied", { "s3:prefix": "boot/" }],
    ]);
  });

  test("DynamoDB locks: its own lane keys only, never a lower layer's", async () => {
    await check(policy(), [
      ["dynamodb:PutItem", TABLE, "Allowed", { "dynamodb:LeadingKeys": [`${BUCKET}/app/dev/user-api/gray/terraform.tfstate`] }],
      ["dynamodb:DeleteItem", TABLE, "Allowed", { "dynamodb:LeadingKeys": [`${BUCKET}/app/dev/user-api/gray/terraform.tfstate-md5`] }],
      ["dynamodb:PutItem", TABLE, "ExplicitlyDenied", { "dynamodb:LeadingKeys": [`${BUCKET}/boot/dev/user-api/terraform.tfstate`] }],
      ["dynamodb:PutItem", TABLE, "ImplicitlyDenied", { "dynamodb:LeadingKeys": [`${BUCKET}/app/dev/billing/gray/terraform.tfstate`] }],
    ]);
  });

  test("access layer: lane rules yes; the ALB, its listeners and the default target group never", async () => {
    const gray = { ...sends(lane("user-api", "gray")) };
    await check(policy(), [
      ["elasticloadbalancing:CreateRule", LISTENER, "Allowed", { ...gray, ...carries(boot("user-api")) }],
      ["elasticloadbalancing:DeleteRule", RULE, "Allowed", carries(lane("user-api", "gray"))],
      ["elasticloadbalancing:ModifyRule", RULE, "Allowed", carries(lane("user-api", "gray"))],
      ["elasticloadbalancing:CreateRule", OTHER_LISTENER, "ImplicitlyDenied", { ...gray, ...carries(boot("billing")) }],
      ["elasticloadbalancing:DeleteListener", LISTENER, "ExplicitlyDenied", carries(boot("user-api"))],
      ["elasticloadbalancing:ModifyListener", LISTENER, "ExplicitlyDenied", carries(boot("user-api"))],
      ["elasticloadbalancing:CreateListener", ALB, "ExplicitlyDenied", { ...gray, ...carries(boot("user-api")) }],
      ["elasticloadbalancing:DeleteLoadBalancer", ALB, "ExplicitlyDenied", carries(boot("user-api"))],
      ["elasticloadbalancing:CreateTargetGroup", elb("targetgroup/user-api-dev-gray-tg/73e2d6bc24d8a067"), "Allowed", gray],
      ["elasticloadbalancing:DeleteTargetGroup", elb("targetgroup/user-api-dev-gray-tg/73e2d6bc24d8a067"), "Allowed", carries(lane("user-api", "gray"))],
      ["elasticloadbalancing:DeleteTargetGroup", elb("targetgroup/user-api-dev-default-tg/73e2d6bc24d8a067"), "ExplicitlyDenied", carries(boot("user-api"))],
      ["elasticloadbalancing:AddTags", elb("targetgroup/user-api-dev-default-tg/73e2d6bc24d8a067"), "ExplicitlyDenied", { ...gray, ...carries(boot("user-api")) }],
      ["elasticloadbalancing:DeleteTargetGroup", elb("targetgroup/billing-dev-gray-tg/73e2d6bc24d8a067"), "ImplicitlyDenied", carries(lane("billing", "gray"))],
    ]);
  });

  test("ECS: its service's lanes only; its family's task definitions; PassRole only for its task roles to ECS tasks", async () => {
    const family = (f: string) => ecs(`task-definition/${f}:3`);
    await check(policy(), [
      ["ecs:CreateService", ecs("service/dev-cluster/user-api-dev-gray"), "Allowed", { ...sends(lane("user-api", "gray")), "ecs:task-definition": family("user-api-dev-gray-task") }],
      ["ecs:CreateService", ecs("service/dev-cluster/user-api-dev-gray"), "ImplicitlyDenied", { ...sends(lane("user-api", "gray")), "ecs:task-definition": family("billing-dev-gray-task") }],
      ["ecs:UpdateService", ecs("service/dev-cluster/user-api-dev-blue"), "Allowed", carries(lane("user-api", "blue"))],
      ["ecs:DeleteService", ecs("service/dev-cluster/billing-dev-gray"), "ImplicitlyDenied", carries(lane("billing", "gray"))],
      ["ecs:RegisterTaskDefinition", family("user-api-dev-gray-task"), "Allowed", sends(lane("user-api", "gray"))],
      ["ecs:RegisterTaskDefinition", family("billing-dev-gray-task"), "ImplicitlyDenied", sends(lane("billing", "gray"))],
      ["ecs:DeregisterTaskDefinition", "*", "Allowed"],
      ["iam:PassRole", role("user-api-dev-task"), "Allowed", { "iam:PassedToService": "ecs-tasks.amazonaws.com" }],
      ["iam:PassRole", role("user-api-dev-task-exec"), "Allowed", { "iam:PassedToService": "ecs-tasks.amazonaws.com" }],
      ["iam:PassRole", role("user-api-dev-task"), "ImplicitlyDenied", { "iam:PassedToService": "ec2.amazonaws.com" }],
      ["iam:PassRole", role("billing-dev-task"), "ImplicitlyDenied", { "iam:PassedToService": "ecs-tasks.amazonaws.com" }],
      ["iam:PassRole", role("admin"), "ImplicitlyDenied", { "iam:PassedToService": "ecs-tasks.amazonaws.com" }],
    ]);
  });

  test("its lanes' alarms and scaling, not another service's", async () => {
    const alarm = (name: string) => `arn:aws:cloudwatch:ap-southeast-2:${ACCOUNT}:alarm:${name}`;
    const scaling = { "application-autoscaling:service-namespace": "ecs", "application-autoscaling:scalable-dimension": "ecs:service:DesiredCount" };
    await check(policy(), [
      ["cloudwatch:PutMetricAlarm", alarm("user-api-dev-gray-5xx-rate"), "Allowed", sends(lane("user-api", "gray"))],
      ["cloudwatch:DeleteAlarms", alarm("billing-dev-gray-5xx-rate"), "ImplicitlyDenied", carries(lane("billing", "gray"))],
      ["application-autoscaling:RegisterScalableTarget", TARGET, "Allowed", { ...scaling, ...sends(lane("user-api", "gray")) }],
      ["application-autoscaling:RegisterScalableTarget", TARGET, "ImplicitlyDenied", { ...scaling, ...sends(lane("billing", "gray")) }],
      ["application-autoscaling:PutScalingPolicy", TARGET, "Allowed", { ...scaling, ...carries(lane("user-api", "gray")) }],
      ["application-autoscaling:DeregisterScalableTarget", TARGET, "ImplicitlyDenied", { ...scaling, ...carries(lane("billing", "gray")) }],
    ]);
  });

  test("network and security groups are off limits; images go to its own repository", async () => {
    await check(policy(), [
      ["ec2:DeleteVpc", ec2("vpc/vpc-0a1b2c3d4e5f60718"), "ExplicitlyDenied", carries(infra)],
      ["ec2:DeleteSubnet", ec2("subnet/subnet-0a1b2c3d4e5f60718"), "ExplicitlyDenied", carries(infra)],
      ["ec2:AuthorizeSecurityGroupIngress", ec2("security-group/sg-0a1b2c3d4e5f60718"), "ExplicitlyDenied", carries(boot("user-api"))],
      ["ecr:PutImage", `arn:aws:ecr:ap-southeast-2:${ACCOUNT}:repository/dev/user-api`, "Allowed"],
      ["ecr:PutImage", `arn:aws:ecr:ap-southeast-2:${ACCOUNT}:repository/dev/billing`, "ImplicitlyDenied"],
      ["s3:PutObject", `${ARTIFACTS}/user-api-dev/BuildOut/abc.zip`, "Allowed"],
    ]);
  });
});

describe("bootstrap pipeline role (bootstrap-dev)", () => {
  test("boot state of the env's services; infra read-only; app and infra writes denied; no network changes; the access layer", async () => {
    const boundary = { "iam:PermissionsBoundary": taskRoleBoundaryArn(needContext("user-api"), "dev") };
    await check(pipelineRole("bootstrap"), [
      ["s3:PutObject", obj("boot/dev/user-api/terraform.tfstate"), "Allowed"],
      ["s3:PutObject", obj("boot/dev/billing/terraform.tfstate"), "Allowed"],
      ["s3:GetObject", obj("infra/dev/terraform.tfstate"), "Allowed"],
      ["s3:PutObject", obj("infra/dev/terraform.tfstate"), "ExplicitlyDenied"],
      ["s3:PutObject", obj("app/dev/user-api/gray/terraform.tfstate"), "ExplicitlyDenied"],
      ["s3:PutObject", obj("boot/prod/user-api/terraform.tfstate"), "ImplicitlyDenied"],
      ["dynamodb:PutItem", TABLE, "ExplicitlyDenied", { "dynamodb:LeadingKeys": [`${BUCKET}/infra/dev/terraform.tfstate`] }],
      ["elasticloadbalancing:CreateListener", ALB, "Allowed", { ...sends(boot("user-api")), ...carries(boot("user-api")) }],
      ["ec2:DeleteVpc", ec2("vpc/vpc-0a1b2c3d4e5f60718"), "ExplicitlyDenied", carries(infra)],
      ["ec2:CreateSubnet", ec2("subnet/subnet-0a1b2c3d4e5f60718"), "ExplicitlyDenied", sends(boot("user-api"))],
      ["iam:CreateRole", role("user-api-dev-task-exec"), "Allowed", { ...boundary, ...sends(boot("user-api")) }],
      ["iam:CreateRole", role("admin"), "ImplicitlyDenied", { ...boundary, ...sends(boot("user-api")) }],
      ["sns:CreateTopic", `arn:aws:sns:ap-southeast-2:${ACCOUNT}:user-api-dev-alarms`, "Allowed", sends(boot("user-api"))],
    ]);
  });
});

describe("infra pipeline role (infra-dev)", () => {
  test("infra state and the network it tags", async () => {
    await check(pipelineRole("infra"), [
      ["s3:PutObject", obj("infra/dev/terraform.tfstate"), "Allowed"],
      ["s3:PutObject", obj("boot/dev/user-api/terraform.tfstate"), "ExplicitlyDenied"],
      ["s3:PutObject", obj("app/dev/user-api/gray/terraform.tfstate"), "ExplicitlyDenied"],
      ["s3:PutObject", obj("infra/prod/terraform.tfstate"), "ImplicitlyDenied"],
      ["ec2:CreateVpc", ec2("vpc/vpc-0a1b2c3d4e5f60718"), "Allowed", sends(infra)],
      ["ecs:CreateCluster", ecs("cluster/dev-cluster"), "Allowed", sends(infra)],
      ["elasticloadbalancing:DeleteListener", LISTENER, "ExplicitlyDenied", carries(boot("user-api"))],
      ["ecs:UpdateService", ecs("service/dev-cluster/user-api-dev-gray"), "ExplicitlyDenied", carries(lane("user-api", "gray"))],
    ]);
  });
});

describe("pipeline service role", () => {
  test("runs its own CodeBuild project only", async () => {
    const pipeline = new SimulatedPrincipal(role("user-api-dev-pipeline"), rolePolicies(synthesizedPipeline("app"), "user-api-dev-pipeline"));
    await check(pipeline, [
      ["codebuild:StartBuild", `arn:aws:codebuild:ap-southeast-2:${ACCOUNT}:project/user-api-dev-deploy`, "Allowed"],
      ["codebuild:StartBuild", `arn:aws:codebuild:ap-southeast-2:${ACCOUNT}:project/billing-dev-deploy`, "ImplicitlyDenied"],
      ["codeconnections:UseConnection", "arn:aws:codeconnections:ap-southeast-2:123456789012:connection/3f2a9c1e-7b7d-4c1e-9d5a-2b8f0e6c4a11", "Allowed"],
    ]);
  });
});
