/**
 * The pipelines' CodeBuild roles, evaluated: the synthesized policy JSON (references resolved to
 * a test account) is run through the IAM evaluator for concrete actions and ARNs.
 */
import { evaluate, type Decision, type PolicyDocument } from "../lib/iam-eval";
import { ACCOUNT, ARTIFACT_BUCKET_ARN, rolePolicy } from "./helpers/policies";
import { synthPipeline } from "./helpers/stacks";

const BUCKET = "lanes-example-tfstate-dev";
const TABLE = `arn:aws:dynamodb:ap-southeast-2:${ACCOUNT}:table/lanes-tf-locks-dev`;
const obj = (key: string) => `arn:aws:s3:::${BUCKET}/${key}`;
const elb = (resource: string) => `arn:aws:elasticloadbalancing:ap-southeast-2:${ACCOUNT}:${resource}`;
const ecs = (resource: string) => `arn:aws:ecs:ap-southeast-2:${ACCOUNT}:${resource}`;
const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;

const LISTENER = elb("listener/app/user-api-dev-alb/50dc6c495c0c9188/f2f7dc8efc522ab2");
const RULE = elb("listener-rule/app/user-api-dev-alb/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee");
const ALB = elb("loadbalancer/app/user-api-dev-alb/50dc6c495c0c9188");
const OTHER_LISTENER = elb("listener/app/billing-dev-alb/50dc6c495c0c9188/f2f7dc8efc522ab2");

type Row = [action: string, resource: string, expected: Decision, context?: Record<string, string | string[]>];

function check(policy: PolicyDocument, rows: Row[]): void {
  const got = rows.map(([action, resource, , context]) => [action, resource, evaluate([policy], { action, resource, ...(context ? { context } : {}) })]);
  expect(got).toEqual(rows.map(([action, resource, expected]) => [action, resource, expected]));
}

describe("app pipeline role (user-api-dev)", () => {
  const policy = rolePolicy(synthPipeline("app"), "deploy");

  test("state: its own lanes read/write, lower layers read-only, other services nothing", () => {
    check(policy, [
      ["s3:PutObject", obj("app/dev/user-api/gray/terraform.tfstate"), "Allow"],
      ["s3:GetObject", obj("app/dev/user-api/gray/terraform.tfstate"), "Allow"],
      ["s3:PutObject", obj("app/dev/user-api/gray/terraform.tfstate.tflock"), "Allow"],
      ["s3:DeleteObject", obj("app/dev/user-api/gray/terraform.tfstate.tflock"), "Allow"],
      ["s3:GetObject", obj("infra/dev/terraform.tfstate"), "Allow"],
      ["s3:GetObject", obj("boot/dev/user-api/terraform.tfstate"), "Allow"],
      ["s3:PutObject", obj("boot/dev/user-api/terraform.tfstate"), "ExplicitDeny"],
      ["s3:PutObject", obj("infra/dev/terraform.tfstate"), "ExplicitDeny"],
      ["s3:DeleteObject", obj("infra/dev/terraform.tfstate"), "ExplicitDeny"],
      ["s3:GetObject", obj("boot/dev/billing/terraform.tfstate"), "ImplicitDeny"],
      ["s3:PutObject", obj("app/dev/billing/gray/terraform.tfstate"), "ImplicitDeny"],
      ["s3:PutObject", obj("app/prod/user-api/gray/terraform.tfstate"), "ImplicitDeny"],
      ["s3:ListBucket", `arn:aws:s3:::${BUCKET}`, "Allow", { "s3:prefix": "app/dev/user-api/gray/terraform.tfstate" }],
      ["s3:ListBucket", `arn:aws:s3:::${BUCKET}`, "ImplicitDeny", { "s3:prefix": "boot/" }],
    ]);
  });

  test("DynamoDB locks: its own lane keys only, never a lower layer's", () => {
    check(policy, [
      ["dynamodb:PutItem", TABLE, "Allow", { "dynamodb:LeadingKeys": [`${BUCKET}/app/dev/user-api/gray/terraform.tfstate`] }],
      ["dynamodb:DeleteItem", TABLE, "Allow", { "dynamodb:LeadingKeys": [`${BUCKET}/app/dev/user-api/gray/terraform.tfstate-md5`] }],
      ["dynamodb:PutItem", TABLE, "ExplicitDeny", { "dynamodb:LeadingKeys": [`${BUCKET}/boot/dev/user-api/terraform.tfstate`] }],
      ["dynamodb:PutItem", TABLE, "ImplicitDeny", { "dynamodb:LeadingKeys": [`${BUCKET}/app/dev/billing/gray/terraform.tfstate`] }],
    ]);
  });

  test("access layer: lane rules yes; the ALB, its listeners and the default target group never", () => {
    check(policy, [
      ["elasticloadbalancing:CreateRule", LISTENER, "Allow"],
      ["elasticloadbalancing:DeleteRule", RULE, "Allow"],
      ["elasticloadbalancing:ModifyRule", RULE, "Allow"],
      ["elasticloadbalancing:CreateRule", OTHER_LISTENER, "ImplicitDeny"],
      ["elasticloadbalancing:DeleteListener", LISTENER, "ExplicitDeny"],
      ["elasticloadbalancing:ModifyListener", LISTENER, "ExplicitDeny"],
      ["elasticloadbalancing:DeleteLoadBalancer", ALB, "ExplicitDeny"],
      ["elasticloadbalancing:CreateTargetGroup", elb("targetgroup/user-api-dev-gray-tg/73e2d6bc24d8a067"), "Allow"],
      ["elasticloadbalancing:DeleteTargetGroup", elb("targetgroup/user-api-dev-gray-tg/73e2d6bc24d8a067"), "Allow"],
      ["elasticloadbalancing:DeleteTargetGroup", elb("targetgroup/user-api-dev-default-tg/73e2d6bc24d8a067"), "ExplicitDeny"],
      ["elasticloadbalancing:DeleteTargetGroup", elb("targetgroup/billing-dev-gray-tg/73e2d6bc24d8a067"), "ImplicitDeny"],
    ]);
  });

  test("ECS: its service's lanes only; task definitions; PassRole only for its task roles to ECS tasks", () => {
    check(policy, [
      ["ecs:CreateService", ecs("service/dev-cluster/user-api-dev-gray"), "Allow"],
      ["ecs:UpdateService", ecs("service/dev-cluster/user-api-dev-blue"), "Allow"],
      ["ecs:DeleteService", ecs("service/dev-cluster/billing-dev-gray"), "ImplicitDeny"],
      ["ecs:RegisterTaskDefinition", "*", "Allow"],
      ["iam:PassRole", role("user-api-dev-task"), "Allow", { "iam:PassedToService": "ecs-tasks.amazonaws.com" }],
      ["iam:PassRole", role("user-api-dev-task-exec"), "Allow", { "iam:PassedToService": "ecs-tasks.amazonaws.com" }],
      ["iam:PassRole", role("user-api-dev-task"), "ImplicitDeny", { "iam:PassedToService": "ec2.amazonaws.com" }],
      ["iam:PassRole", role("billing-dev-task"), "ImplicitDeny", { "iam:PassedToService": "ecs-tasks.amazonaws.com" }],
      ["iam:PassRole", role("admin"), "ImplicitDeny", { "iam:PassedToService": "ecs-tasks.amazonaws.com" }],
    ]);
  });

  test("its lanes' alarms and scaling, not another service's alarms", () => {
    check(policy, [
      ["cloudwatch:PutMetricAlarm", `arn:aws:cloudwatch:ap-southeast-2:${ACCOUNT}:alarm:user-api-dev-gray-5xx-rate`, "Allow"],
      ["cloudwatch:DeleteAlarms", `arn:aws:cloudwatch:ap-southeast-2:${ACCOUNT}:alarm:billing-dev-gray-5xx-rate`, "ImplicitDeny"],
      ["application-autoscaling:RegisterScalableTarget", "*", "Allow", { "application-autoscaling:service-namespace": "ecs" }],
      ["application-autoscaling:RegisterScalableTarget", "*", "ImplicitDeny", { "application-autoscaling:service-namespace": "dynamodb" }],
    ]);
  });

  test("network and security groups are off limits; images go to its own repository", () => {
    check(policy, [
      ["ec2:DeleteVpc", "*", "ExplicitDeny"],
      ["ec2:DeleteSubnet", "*", "ExplicitDeny"],
      ["ec2:AuthorizeSecurityGroupIngress", "*", "ExplicitDeny"],
      ["ec2:DescribeSubnets", "*", "Allow"],
      ["ecr:PutImage", `arn:aws:ecr:ap-southeast-2:${ACCOUNT}:repository/dev/user-api`, "Allow"],
      ["ecr:PutImage", `arn:aws:ecr:ap-southeast-2:${ACCOUNT}:repository/dev/billing`, "ImplicitDeny"],
      ["s3:PutObject", `${ARTIFACT_BUCKET_ARN}/user-api-dev/BuildOut/abc.zip`, "Allow"],
    ]);
  });
});

describe("bootstrap pipeline role (bootstrap-dev)", () => {
  const policy = rolePolicy(synthPipeline("bootstrap"), "deploy");

  test("boot state of the env's services; infra read-only; app and infra writes denied; no network changes", () => {
    check(policy, [
      ["s3:PutObject", obj("boot/dev/user-api/terraform.tfstate"), "Allow"],
      ["s3:PutObject", obj("boot/dev/billing/terraform.tfstate"), "Allow"],
      ["s3:GetObject", obj("infra/dev/terraform.tfstate"), "Allow"],
      ["s3:PutObject", obj("infra/dev/terraform.tfstate"), "ExplicitDeny"],
      ["s3:PutObject", obj("app/dev/user-api/gray/terraform.tfstate"), "ExplicitDeny"],
      ["s3:PutObject", obj("boot/prod/user-api/terraform.tfstate"), "ImplicitDeny"],
      ["dynamodb:PutItem", TABLE, "ExplicitDeny", { "dynamodb:LeadingKeys": [`${BUCKET}/infra/dev/terraform.tfstate`] }],
      ["elasticloadbalancing:CreateListener", LISTENER, "Allow"],
      ["ec2:DeleteVpc", "*", "ExplicitDeny"],
      ["ec2:CreateSubnet", "*", "ExplicitDeny"],
      ["iam:CreateRole", role("user-api-dev-task-exec"), "Allow"],
      ["iam:CreateRole", role("admin"), "ImplicitDeny"],
      ["sns:CreateTopic", `arn:aws:sns:ap-southeast-2:${ACCOUNT}:user-api-dev-alarms`, "Allow"],
    ]);
  });
});

describe("infra pipeline role (infra-dev)", () => {
  const policy = rolePolicy(synthPipeline("infra"), "deploy");

  test("infra state and network only", () => {
    check(policy, [
      ["s3:PutObject", obj("infra/dev/terraform.tfstate"), "Allow"],
      ["s3:PutObject", obj("boot/dev/user-api/terraform.tfstate"), "ExplicitDeny"],
      ["s3:PutObject", obj("app/dev/user-api/gray/terraform.tfstate"), "ExplicitDeny"],
      ["s3:PutObject", obj("infra/prod/terraform.tfstate"), "ImplicitDeny"],
      ["ec2:CreateVpc", "*", "Allow"],
      ["ecs:CreateCluster", ecs("cluster/dev-cluster"), "Allow"],
      ["elasticloadbalancing:DeleteListener", LISTENER, "ExplicitDeny"],
      ["ecs:UpdateService", ecs("service/dev-cluster/user-api-dev-gray"), "ExplicitDeny"],
    ]);
  });
});

describe("pipeline service role", () => {
  test("runs its own CodeBuild project only", () => {
    const policy = rolePolicy(synthPipeline("app"), "pipeline");
    check(policy, [
      ["codebuild:StartBuild", `arn:aws:codebuild:ap-southeast-2:${ACCOUNT}:project/user-api-dev-deploy`, "Allow"],
      ["codebuild:StartBuild", `arn:aws:codebuild:ap-southeast-2:${ACCOUNT}:project/billing-dev-deploy`, "ImplicitDeny"],
      ["codeconnections:UseConnection", "arn:aws:codeconnections:ap-southeast-2:123456789012:connection/3f2a9c1e-7b7d-4c1e-9d5a-2b8f0e6c4a11", "Allow"],
    ]);
  });
});
