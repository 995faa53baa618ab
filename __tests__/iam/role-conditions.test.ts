/**
 * The conditions and the smaller grants of the roles lib/policies/roles.ts writes, each request
 * fed on purpose beside the one the condition keeps out: the edge tester token's items, the log
 * group's metric filters, the service-linked roles by service name, the bootstrap role's tag
 * scope (a boot stack of this env: lane shared, managed by lanes, stack `boot-*-{env}`), the
 * fallback switch's function and role, the CodePipeline service role, and the task roles'
 * permissions boundary under an administrator policy. Names and ARNs are written out as the
 * README and docs/ARCHITECTURE.md give them.
 */
import type { PolicyDocument } from "../../lib/policies/document";
import { pipelineServicePolicy, taskRoleBoundaryPolicy } from "../../lib/policies/roles";
import { ACCOUNT, REGION, SimulatedPrincipal, expectDecisions, pipelineRole, roleContext, type ContextValues } from "./simulate";

const arn = (service: string, resource: string) => `arn:aws:${service}:${REGION}:${ACCOUNT}:${resource}`;
const iamRole = (path: string) => `arn:aws:iam::${ACCOUNT}:role/${path}`;

const tags = (prefix: "aws:ResourceTag" | "aws:RequestTag", t: Record<string, string>): ContextValues => ({
  ...Object.fromEntries(Object.entries(t).map(([k, v]) => [`${prefix}/${k}`, v])),
  ...(prefix === "aws:RequestTag" ? { "aws:TagKeys": Object.keys(t) } : {}),
});
const BOOT = { env: "dev", service: "user-api", lane: "shared", "managed-by": "lanes", stack: "boot-user-api-dev" };

describe("app role (user-api, dev)", () => {
  const app = () => pipelineRole("app");
  const table = arn("dynamodb", "table/lanes-edge-dev-rules");
  test("the edge's tester token: GetItem of the rules' active item and the keys item only", async () =>
    expectDecisions(app(), [
      ["dynamodb:GetItem", table, { "dynamodb:LeadingKeys": ["active"] }, "Allowed"],
      ["dynamodb:GetItem", table, { "dynamodb:LeadingKeys": ["keys"] }, "Allowed"],
      ["dynamodb:GetItem", table, { "dynamodb:LeadingKeys": ["rules#2026-12-01"] }, "ImplicitlyDenied"],
      ["dynamodb:GetItem", arn("dynamodb", "table/lanes-edge-prod-rules"), { "dynamodb:LeadingKeys": ["active"] }, "ImplicitlyDenied"],
    ]));
  test("a worker lane's metric filter on the service's log group, not another service's", async () =>
    expectDecisions(app(), [
      ["logs:PutMetricFilter", arn("logs", "log-group:/ecs/dev/user-api:*"), undefined, "Allowed"],
      ["logs:DeleteMetricFilter", arn("logs", "log-group:/ecs/dev/user-api:*"), undefined, "Allowed"],
      ["logs:PutMetricFilter", arn("logs", "log-group:/ecs/dev/billing:*"), undefined, "ImplicitlyDenied"],
    ]));
  test("the autoscaling service-linked role, for Application Auto Scaling of ECS only", async () => {
    const role = iamRole("aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService");
    await expectDecisions(app(), [
      ["iam:CreateServiceLinkedRole", role, { "iam:AWSServiceName": "ecs.application-autoscaling.amazonaws.com" }, "Allowed"],
      ["iam:CreateServiceLinkedRole", role, { "iam:AWSServiceName": "ec2.amazonaws.com" }, "ImplicitlyDenied"],
    ]);
  });
});

describe("gc role (dev)", () => {
  test("deletes lane metric filters on the env's service log groups, not another env's", async () =>
    expectDecisions(pipelineRole("gc"), [
      ["logs:DeleteMetricFilter", arn("logs", "log-group:/ecs/dev/order-worker:*"), undefined, "Allowed"],
      ["logs:DeleteMetricFilter", arn("logs", "log-group:/ecs/prod/order-worker:*"), undefined, "ImplicitlyDenied"],
    ]));
});

describe("infra role (dev)", () => {
  test("the ECS service-linked role, for ECS only", async () => {
    const role = iamRole("aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS");
    await expectDecisions(pipelineRole("infra"), [
      ["iam:CreateServiceLinkedRole", role, { "iam:AWSServiceName": "ecs.amazonaws.com" }, "Allowed"],
      ["iam:CreateServiceLinkedRole", role, { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" }, "ImplicitlyDenied"],
    ]);
  });
});

describe("bootstrap role (dev): what a boot stack of this env tagged, and nothing tagged otherwise", () => {
  const bootstrap = () => pipelineRole("bootstrap");
  const alb = arn("elasticloadbalancing", "loadbalancer/app/user-api-dev-alb/50dc6c495c0c9188");
  test("an existing load balancer: a boot stack's of this env (lane shared, managed by lanes)", async () =>
    expectDecisions(bootstrap(), [
      ["elasticloadbalancing:DeleteLoadBalancer", alb, tags("aws:ResourceTag", BOOT), "Allowed"],
      ["elasticloadbalancing:DeleteLoadBalancer", alb, tags("aws:ResourceTag", { ...BOOT, lane: "gray" }), "ImplicitlyDenied"],
      ["elasticloadbalancing:DeleteLoadBalancer", alb, tags("aws:ResourceTag", { ...BOOT, "managed-by": "someone" }), "ImplicitlyDenied"],
      ["elasticloadbalancing:DeleteLoadBalancer", alb, tags("aws:ResourceTag", { ...BOOT, env: "prod" }), "ImplicitlyDenied"],
      ["elasticloadbalancing:DeleteLoadBalancer", alb, tags("aws:ResourceTag", { ...BOOT, stack: "app-user-api-dev-gray" }), "ImplicitlyDenied"],
    ]));
  test("a new load balancer: requested with a boot stack's tags, not a lane stack's", async () =>
    expectDecisions(bootstrap(), [
      ["elasticloadbalancing:CreateLoadBalancer", alb, tags("aws:RequestTag", BOOT), "Allowed"],
      ["elasticloadbalancing:CreateLoadBalancer", alb, tags("aws:RequestTag", { ...BOOT, stack: "app-user-api-dev-gray" }), "ImplicitlyDenied"],
      ["elasticloadbalancing:CreateLoadBalancer", alb, tags("aws:RequestTag", { ...BOOT, lane: "gray" }), "ImplicitlyDenied"],
    ]));
  test("the fallback switch: its function when a boot stack tagged it, its role passed to Lambda only", async () => {
    const fn = arn("lambda", "function:user-api-dev-fallback");
    const role = iamRole("user-api-dev-fallback");
    await expectDecisions(bootstrap(), [
      ["lambda:UpdateFunctionCode", fn, tags("aws:ResourceTag", BOOT), "Allowed"],
      ["lambda:UpdateFunctionCode", fn, tags("aws:ResourceTag", { ...BOOT, stack: "theirs" }), "ImplicitlyDenied"],
      ["iam:PassRole", role, { "iam:PassedToService": "lambda.amazonaws.com" }, "Allowed"],
      ["iam:PassRole", role, { "iam:PassedToService": "ecs-tasks.amazonaws.com" }, "ImplicitlyDenied"],
    ]);
  });
});

describe("the CodePipeline service role (user-api, dev): its artifacts, its project, its connection", () => {
  const bucket = "arn:aws:s3:::lanes-user-api-dev-artifacts";
  const connection = arn("codeconnections", "connection/3f2a9c1e-7b7d-4c1e-9d5a-2b8f0e6c4a11");
  const principal = () =>
    new SimulatedPrincipal(iamRole("user-api-dev-pipeline"), [
      {
        name: "pipeline",
        document: pipelineServicePolicy(roleContext()),
      },
    ]);
  test("allowed", async () =>
    expectDecisions(principal(), [
      ["s3:GetObject", `${bucket}/user-api-dev/source/abc`, undefined, "Allowed"],
      ["s3:PutObject", `${bucket}/user-api-dev/build/abc`, undefined, "Allowed"],
      ["s3:GetObjectVersion", `${bucket}/user-api-dev/source/abc`, undefined, "Allowed"],
      ["s3:GetBucketVersioning", bucket, undefined, "Allowed"],
      ["s3:GetBucketLocation", bucket, undefined, "Allowed"],
      ["codebuild:StartBuild", arn("codebuild", "project/user-api-dev-deploy"), undefined, "Allowed"],
      ["codebuild:BatchGetBuilds", arn("codebuild", "project/user-api-dev-deploy"), undefined, "Allowed"],
      ["codebuild:StopBuild", arn("codebuild", "project/user-api-dev-deploy"), undefined, "Allowed"],
      ["codestar-connections:UseConnection", arn("codestar-connections", "connection/3f2a9c1e-7b7d-4c1e-9d5a-2b8f0e6c4a11"), undefined, "ImplicitlyDenied"],
      ["codeconnections:UseConnection", connection, undefined, "Allowed"],
    ]));
  test("nothing of another pipeline", async () =>
    expectDecisions(principal(), [
      ["s3:GetObject", "arn:aws:s3:::lanes-billing-dev-artifacts/x", undefined, "ImplicitlyDenied"],
      ["codebuild:StartBuild", arn("codebuild", "project/billing-dev-deploy"), undefined, "ImplicitlyDenied"],
    ]));
});

describe("the task roles' permissions boundary (dev): what a task role may ever do, whatever it is given", () => {
  const ADMIN: PolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };
  const task = () =>
    new SimulatedPrincipal(iamRole("user-api-dev-task"), [{ name: "admin", document: ADMIN }], [{ name: "boundary", document: taskRoleBoundaryPolicy({ partition: "aws", region: REGION, account: ACCOUNT, env: "dev" }) }]);
  const rule = arn("elasticloadbalancing", "listener-rule/app/user-api-dev-alb/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee");
  test("within the boundary", async () =>
    expectDecisions(task(), [
      ["ecr:GetAuthorizationToken", "*", undefined, "Allowed"],
      ["ecr:BatchGetImage", arn("ecr", "repository/dev/user-api"), undefined, "Allowed"],
      ["ecr:GetDownloadUrlForLayer", arn("ecr", "repository/dev/order-worker"), undefined, "Allowed"],
      ["logs:PutLogEvents", arn("logs", "log-group:/ecs/dev/user-api:log-stream:app/user-api/0123"), undefined, "Allowed"],
      ["logs:CreateLogStream", arn("logs", "log-group:/ecs/dev/user-api:log-stream:app/user-api/0123"), undefined, "Allowed"],
      ["sqs:ReceiveMessage", arn("sqs", "order-worker-dev-queue"), undefined, "Allowed"],
      ["sqs:DeleteMessage", arn("sqs", "order-worker-dev-queue"), undefined, "Allowed"],
      ["servicediscovery:DiscoverInstances", "*", undefined, "Allowed"],
      ["ssm:GetParameters", arn("ssm", "parameter/dev/user-api/db-password"), undefined, "Allowed"],
      ["secretsmanager:GetSecretValue", arn("secretsmanager", "secret:dev/user-api/api-key-AbCdEf"), undefined, "Allowed"],
      ["elasticloadbalancing:DescribeRules", "*", undefined, "Allowed"],
      ["elasticloadbalancing:DescribeTags", "*", undefined, "Allowed"],
      ["elasticloadbalancing:ModifyRule", rule, { "aws:ResourceTag/env": "dev", "aws:ResourceTag/managed-by": "lanes" }, "Allowed"],
      ["logs:PutLogEvents", arn("logs", "log-group:/aws/lambda/user-api-dev-fallback:log-stream:2026/12/04/[$LATEST]0123"), undefined, "Allowed"],
    ]));
  test("KMS decrypts through SSM and Secrets Manager only (the key's policy, AWS's default, lets the account's IAM policies decide)", async () => {
    const key = arn("kms", "key/0a1b2c3d-4e5f-6789-abcd-ef0123456789");
    const keyPolicy: PolicyDocument = { Version: "2012-10-17", Statement: [{ Sid: "EnableIAMUserPermissions", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" }] };
    const decrypt = async (via?: string) => task().decision({ action: "kms:Decrypt", resource: key, resourcePolicy: keyPolicy, ...(via ? { context: { "kms:ViaService": via } } : {}) });
    expect([await decrypt(`ssm.${REGION}.amazonaws.com`), await decrypt(`secretsmanager.${REGION}.amazonaws.com`), await decrypt(`s3.${REGION}.amazonaws.com`), await decrypt()]).toEqual([
      "Allowed",
      "Allowed",
      "ImplicitlyDenied",
      "ImplicitlyDenied",
    ]);
  });
  test("beyond it: another env's images, logs, queues and secrets; rules another env's or not a lanes stack's", async () =>
    expectDecisions(task(), [
      ["ecr:BatchGetImage", arn("ecr", "repository/prod/user-api"), undefined, "ImplicitlyDenied"],
      ["logs:PutLogEvents", arn("logs", "log-group:/ecs/prod/user-api:log-stream:app/user-api/0123"), undefined, "ImplicitlyDenied"],
      ["sqs:ReceiveMessage", arn("sqs", "order-worker-prod-queue"), undefined, "ImplicitlyDenied"],
      ["sqs:SendMessage", arn("sqs", "order-worker-dev-queue"), undefined, "ImplicitlyDenied"],
      ["ssm:GetParameters", arn("ssm", "parameter/prod/user-api/db-password"), undefined, "ImplicitlyDenied"],
      ["secretsmanager:GetSecretValue", arn("secretsmanager", "secret:prod/user-api/api-key-AbCdEf"), undefined, "ImplicitlyDenied"],
      ["elasticloadbalancing:ModifyRule", rule, { "aws:ResourceTag/env": "prod", "aws:ResourceTag/managed-by": "lanes" }, "ImplicitlyDenied"],
      ["elasticloadbalancing:ModifyRule", rule, { "aws:ResourceTag/env": "dev", "aws:ResourceTag/managed-by": "someone" }, "ImplicitlyDenied"],
      ["logs:PutLogEvents", arn("logs", "log-group:/aws/lambda/billing-prod-fallback:log-stream:x"), undefined, "ImplicitlyDenied"],
    ]));
});
