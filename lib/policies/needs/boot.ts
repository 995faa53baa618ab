/**
 * boot-{service}-{env} (stacks/boot-stack.ts), http and worker variants: ALB, its security group,
 * listener(s) and default target group (http), and behind the edge the rule forwarding the default
 * lane (with the origin secret); SQS queue and dead-letter queue and the task role's
 * inline policy (worker); log group, Cloud Map service, ECR repository and lifecycle policy, the
 * task execution and task roles (with the AWS managed execution policy attached), the task
 * security group and its rules, the alarm topic; with an ALB, the lanes' fallback switch (its
 * Lambda, invoke permission, EventBridge rule and target, role and inline policy, log group);
 * reads infra's state.
 *
 * Resources named by the service (log group, repository, roles, topic, queues) are scoped by
 * name; those named by AWS ids (load balancer, target group, listener, security groups, Cloud Map
 * service) by the boot stack's default tags (lane=shared, stack=boot-{service}-{env}).
 */
import { serviceNames } from "../../naming";
import { arns } from "../arns";
import { TASK_EXECUTION_POLICY, taskRoleBoundaryArn } from "./conventions";
import { bootArns, infraIds } from "./ids";
import { backendNeeds, remoteStateNeeds } from "./state";
import type { ConditionContext, Need, NeedContext, Operation } from "./types";

type Row = Omit<Need, "layer" | "resourceType" | "scope"> & { readonly scope?: Need["scope"] };
const rows = (resourceType: string, list: Row[]): Need[] => list.map((r) => ({ layer: "boot", resourceType, scope: "service", ...r }));
const any = () => "*";
const describe = (operation: Operation, ...actions: string[]): Row[] => actions.map((action) => ({ operation, action, resource: any, scope: "account" }));
const names = (c: NeedContext) => serviceNames(c.service, c.env);

const alb = bootArns.loadBalancer;
const listener = bootArns.listener;
const defaultTg = bootArns.defaultTargetGroup;
const defaultRule = bootArns.defaultRule;
const sg = bootArns.taskSecurityGroup;
const sgRule = bootArns.ingressRule;
const vpc = (c: NeedContext) => arns.ec2(c, "vpc", infraIds.vpc(c));
const namespace = (c: NeedContext) => arns.cloudMapNamespace(c, infraIds.namespace(c));
const registry = bootArns.cloudMapService;
const logGroup = (c: NeedContext) => arns.logGroup(c, names(c).logGroup);
const repository = (c: NeedContext) => arns.ecrRepository(c, names(c).ecrRepository);
const execRole = (c: NeedContext) => arns.iamRole(c, names(c).taskExecutionRole.name);
const taskRole = (c: NeedContext) => arns.iamRole(c, names(c).taskRole.name);
const topic = (c: NeedContext) => arns.snsTopic(c, names(c).alarmTopic);
const queue = (c: NeedContext) => arns.sqsQueue(c, names(c).queue);
const dashboard = (c: NeedContext) => arns.dashboard(c, names(c).dashboard);
const fallbackRole = (c: NeedContext) => arns.iamRole(c, names(c).fallback.role.name);
const fallbackFunction = (c: NeedContext) => arns.lambdaFunction(c, names(c).fallback.function.name);
const fallbackRule = (c: NeedContext) => arns.eventRule(c, names(c).fallback.rule.name);
const fallbackLogGroup = (c: NeedContext) => arns.logGroup(c, names(c).fallback.logGroup);
/** The fallback role is passed to Lambda only. */
const toLambda = (): ConditionContext => ({ "iam:PassedToService": "lambda.amazonaws.com" });

const own = (operation: Operation, action: string, arn: (c: NeedContext) => string, extra: Partial<Row> = {}): Row => ({
  operation,
  action,
  resource: arn,
  resourceTags: "boot",
  ...extra,
});
const created = (action: string, arn: (c: NeedContext) => string, extra: Partial<Row> = {}): Row => ({
  operation: "create",
  action,
  resource: arn,
  requestTags: true,
  ...extra,
});
/** ELB tags on create need AddTags, conditioned on elasticloadbalancing:CreateAction. */
const elbTagOnCreate = (createAction: string, arn: (c: NeedContext) => string): Row =>
  created("elasticloadbalancing:AddTags", arn, { context: () => ({ "elasticloadbalancing:CreateAction": createAction }), note: "tags on create" });
const ec2TagOnCreate = (createAction: string, arn: (c: NeedContext) => string): Row =>
  created("ec2:CreateTags", arn, { context: () => ({ "ec2:CreateAction": createAction }), note: "tags on create" });
const tagRows = (tag: string, untag: string, arn: (c: NeedContext) => string): Row[] => [
  own("tag", tag, arn, { requestTags: true }),
  own("tag", untag, arn),
];

/** The boundary every task role carries; IAM reports it as iam:PermissionsBoundary on role changes. */
const boundary = (c: NeedContext): ConditionContext => ({ "iam:PermissionsBoundary": taskRoleBoundaryArn(c, c.env) });
const executionPolicy = (c: NeedContext): ConditionContext => ({ ...boundary(c), "iam:PolicyARN": arns.awsManagedPolicy(c, TASK_EXECUTION_POLICY) });

function securityGroupRuleRows(direction: "Ingress" | "Egress"): Row[] {
  const authorize = `ec2:AuthorizeSecurityGroup${direction}`;
  return [
    own("create", authorize, sg, { requestTags: true }),
    created(authorize, sgRule, { note: "the new rule, tagged" }),
    ec2TagOnCreate(authorize.replace(/^ec2:/, ""), sgRule),
    ...describe("read", "ec2:DescribeSecurityGroupRules"),
    own("update", "ec2:ModifySecurityGroupRules", sg),
    own("update", "ec2:ModifySecurityGroupRules", sgRule),
    ...tagRows("ec2:CreateTags", "ec2:DeleteTags", sgRule),
    own("delete", `ec2:RevokeSecurityGroup${direction}`, sg),
  ];
}

export const BOOT_NEEDS: readonly Need[] = [
  ...rows("aws_lb", [
    created("elasticloadbalancing:CreateLoadBalancer", alb),
    elbTagOnCreate("CreateLoadBalancer", alb),
    own("create", "elasticloadbalancing:ModifyLoadBalancerAttributes", alb, { note: "drop_invalid_header_fields, deletion protection" }),
    ...describe("read", "elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancerAttributes", "elasticloadbalancing:DescribeTags"),
    own("update", "elasticloadbalancing:ModifyLoadBalancerAttributes", alb),
    own("update", "elasticloadbalancing:SetSecurityGroups", alb),
    own("update", "elasticloadbalancing:SetSubnets", alb),
    ...tagRows("elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags", alb),
    own("delete", "elasticloadbalancing:DeleteLoadBalancer", alb),
    { operation: "delete", action: "ec2:DescribeNetworkInterfaces", resource: any, scope: "account", note: "waits for the load balancer's network interfaces to go" },
  ]),
  ...rows("aws_lb_listener", [
    own("create", "elasticloadbalancing:CreateListener", alb, { requestTags: true, note: "authorized on the load balancer, not the new listener" }),
    elbTagOnCreate("CreateListener", listener),
    ...describe("read", "elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeListenerAttributes", "elasticloadbalancing:DescribeTags"),
    own("update", "elasticloadbalancing:ModifyListener", listener),
    ...tagRows("elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags", listener),
    own("delete", "elasticloadbalancing:DeleteListener", listener),
  ]),
  ...rows("aws_lb_listener_rule", [
    own("create", "elasticloadbalancing:CreateRule", listener, { requestTags: true, note: "authorized on the listener, not the new rule" }),
    elbTagOnCreate("CreateRule", defaultRule),
    ...describe("read", "elasticloadbalancing:DescribeRules", "elasticloadbalancing:DescribeTags"),
    own("update", "elasticloadbalancing:ModifyRule", defaultRule, { note: "a new origin secret generation" }),
    ...tagRows("elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags", defaultRule),
    own("delete", "elasticloadbalancing:DeleteRule", defaultRule),
  ]),
  ...rows("aws_lb_target_group", [
    created("elasticloadbalancing:CreateTargetGroup", defaultTg),
    elbTagOnCreate("CreateTargetGroup", defaultTg),
    own("create", "elasticloadbalancing:ModifyTargetGroupAttributes", defaultTg, { note: "deregistration_delay" }),
    ...describe("read", "elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetGroupAttributes", "elasticloadbalancing:DescribeTags"),
    own("update", "elasticloadbalancing:ModifyTargetGroup", defaultTg),
    own("update", "elasticloadbalancing:ModifyTargetGroupAttributes", defaultTg),
    ...tagRows("elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags", defaultTg),
    own("delete", "elasticloadbalancing:DeleteTargetGroup", defaultTg),
  ]),
  ...rows("aws_security_group", [
    created("ec2:CreateSecurityGroup", sg),
    {
      operation: "create",
      action: "ec2:CreateSecurityGroup",
      resource: vpc,
      resourceTags: "infra",
      requestTags: true,
      scope: "env",
      note: "authorized on the env's VPC too",
    },
    ec2TagOnCreate("CreateSecurityGroup", sg),
    own("create", "ec2:RevokeSecurityGroupEgress", sg, { note: "the provider removes the default allow-all egress rule" }),
    ...describe("read", "ec2:DescribeSecurityGroups"),
    ...tagRows("ec2:CreateTags", "ec2:DeleteTags", sg),
    own("delete", "ec2:DeleteSecurityGroup", sg),
    { operation: "delete", action: "ec2:DescribeNetworkInterfaces", resource: any, scope: "account", note: "the provider looks for network interfaces still in the group (and removes Lambda's) before deleting it" },
  ]),
  ...rows("aws_vpc_security_group_ingress_rule", securityGroupRuleRows("Ingress")),
  ...rows("aws_vpc_security_group_egress_rule", securityGroupRuleRows("Egress")),
  ...rows("aws_cloudwatch_log_group", [
    ...[logGroup, fallbackLogGroup].flatMap((group): Row[] => [
      created("logs:CreateLogGroup", group),
      created("logs:TagResource", group, { note: "tags on create" }),
      own("create", "logs:PutRetentionPolicy", group),
      own("read", "logs:ListTagsForResource", group),
      own("update", "logs:PutRetentionPolicy", group),
      ...tagRows("logs:TagResource", "logs:UntagResource", group),
      own("delete", "logs:DeleteLogGroup", group),
    ]),
    ...describe("read", "logs:DescribeLogGroups"),
  ]),
  ...rows("aws_ecr_repository", [
    created("ecr:CreateRepository", repository),
    created("ecr:TagResource", repository, { note: "tags on create" }),
    own("read", "ecr:DescribeRepositories", repository),
    own("read", "ecr:ListTagsForResource", repository),
    own("update", "ecr:PutImageScanningConfiguration", repository),
    own("update", "ecr:PutImageTagMutability", repository),
    ...tagRows("ecr:TagResource", "ecr:UntagResource", repository),
    own("delete", "ecr:DeleteRepository", repository),
  ]),
  ...rows("aws_ecr_lifecycle_policy", [
    own("create", "ecr:PutLifecyclePolicy", repository),
    own("read", "ecr:GetLifecyclePolicy", repository),
    own("update", "ecr:PutLifecyclePolicy", repository),
    own("delete", "ecr:DeleteLifecyclePolicy", repository),
  ]),
  ...rows("aws_iam_role", [
    ...[execRole, taskRole, fallbackRole].flatMap((role): Row[] => [
      created("iam:CreateRole", role, { context: boundary, note: "with the env's permissions boundary" }),
      created("iam:TagRole", role, { note: "tags on create" }),
      own("read", "iam:GetRole", role),
      own("read", "iam:ListRolePolicies", role, { note: "inline_policy" }),
      own("read", "iam:ListAttachedRolePolicies", role, { note: "managed_policy_arns" }),
      own("update", "iam:UpdateAssumeRolePolicy", role, { context: boundary }),
      own("update", "iam:PutRolePermissionsBoundary", role, { context: boundary }),
      ...tagRows("iam:TagRole", "iam:UntagRole", role),
      own("delete", "iam:ListInstanceProfilesForRole", role, { note: "removes the role from instance profiles before deleting it" }),
      own("delete", "iam:DeleteRole", role, { context: boundary }),
    ]),
    own("read", "iam:GetRolePolicy", taskRole, { note: "inline_policy: the worker's consume-queue policy" }),
    own("read", "iam:GetRolePolicy", execRole, { note: "inline_policy: the read-secrets policy" }),
    own("delete", "iam:ListAttachedRolePolicies", execRole, { note: "managed_policy_arns is set: detach before delete" }),
    own("delete", "iam:DetachRolePolicy", execRole, { context: executionPolicy }),
    own("delete", "iam:ListRolePolicies", taskRole, { note: "inline_policy is set: delete before delete" }),
    own("delete", "iam:DeleteRolePolicy", taskRole, { context: boundary }),
    own("delete", "iam:ListRolePolicies", execRole, { note: "inline_policy is set: delete before delete" }),
    own("delete", "iam:DeleteRolePolicy", execRole, { context: boundary }),
    own("read", "iam:GetRolePolicy", fallbackRole, { note: "inline_policy: the fallback switch's policy" }),
    own("delete", "iam:DeleteRolePolicy", fallbackRole, { context: boundary, note: "inline_policy is set: delete before delete" }),
  ]),
  ...rows("aws_iam_role_policy_attachment", [
    own("create", "iam:AttachRolePolicy", execRole, { context: executionPolicy }),
    own("read", "iam:ListAttachedRolePolicies", execRole),
    own("delete", "iam:DetachRolePolicy", execRole, { context: executionPolicy }),
  ]),
  ...rows("aws_iam_role_policy", [
    own("create", "iam:PutRolePolicy", fallbackRole, { context: boundary, note: "the fallback switch's policy" }),
    own("read", "iam:GetRolePolicy", fallbackRole),
    own("update", "iam:PutRolePolicy", fallbackRole, { context: boundary }),
    own("delete", "iam:DeleteRolePolicy", fallbackRole, { context: boundary }),
    own("create", "iam:PutRolePolicy", taskRole, { context: boundary }),
    own("read", "iam:GetRolePolicy", taskRole),
    own("update", "iam:PutRolePolicy", taskRole, { context: boundary }),
    own("delete", "iam:DeleteRolePolicy", taskRole, { context: boundary }),
    own("delete", "iam:ListRolePolicies", execRole, { note: "inline_policy is set: delete before delete" }),
    own("delete", "iam:DeleteRolePolicy", execRole, { context: boundary }),
  ]),
  ...rows("aws_service_discovery_service", [
    {
      operation: "create",
      action: "servicediscovery:CreateService",
      resource: namespace,
      resourceTags: "infra",
      requestTags: true,
      scope: "env",
      note: "authorized on the env's namespace too",
    },
    created("servicediscovery:CreateService", registry),
    own("read", "servicediscovery:GetService", registry),
    ...describe("read", "servicediscovery:ListTagsForResource"),
    own("update", "servicediscovery:UpdateService", registry),
    {
      operation: "tag",
      action: "servicediscovery:TagResource",
      resource: any,
      requestTags: true,
      notGranted: "wildcard-only: granting it would let the role tag any Cloud Map resource into its scope; the stack's default tags never change",
    },
    { operation: "tag", action: "servicediscovery:UntagResource", resource: any, scope: "account", notGranted: "wildcard-only; default tags never change" },
    own("delete", "servicediscovery:DeleteService", registry),
  ]),
  ...rows("aws_sns_topic", [
    created("sns:CreateTopic", topic),
    created("sns:TagResource", topic, { note: "tags on create" }),
    own("read", "sns:GetTopicAttributes", topic),
    own("read", "sns:ListTagsForResource", topic),
    own("update", "sns:SetTopicAttributes", topic),
    ...tagRows("sns:TagResource", "sns:UntagResource", topic),
    own("delete", "sns:DeleteTopic", topic),
  ]),
  ...rows("aws_cloudwatch_dashboard", [
    { operation: "create", action: "cloudwatch:PutDashboard", resource: dashboard, note: "dashboards carry no tags: scoped by name" },
    { operation: "read", action: "cloudwatch:GetDashboard", resource: dashboard },
    { operation: "update", action: "cloudwatch:PutDashboard", resource: dashboard },
    { operation: "delete", action: "cloudwatch:DeleteDashboards", resource: dashboard },
  ]),
  ...rows("aws_sqs_queue", [
    created("sqs:CreateQueue", queue),
    created("sqs:TagQueue", queue, { note: "tags on create" }),
    own("create", "sqs:GetQueueAttributes", queue, { note: "waits for the attributes to propagate" }),
    created("sqs:CreateQueue", (c) => arns.sqsQueue(c, names(c).deadLetterQueue), { note: "the dead-letter queue" }),
    own("read", "sqs:GetQueueAttributes", queue),
    own("read", "sqs:ListQueueTags", queue),
    own("update", "sqs:SetQueueAttributes", queue),
    ...tagRows("sqs:TagQueue", "sqs:UntagQueue", queue),
    own("delete", "sqs:DeleteQueue", queue),
  ]),
  ...rows("aws_lambda_function", [
    created("lambda:CreateFunction", fallbackFunction),
    created("lambda:TagResource", fallbackFunction, { note: "tags on create" }),
    { operation: "create", action: "iam:PassRole", resource: fallbackRole, context: toLambda, note: "the function's role" },
    own("create", "lambda:GetFunction", fallbackFunction, { note: "waits for the function to be Active" }),
    own("read", "lambda:GetFunction", fallbackFunction),
    own("read", "lambda:GetFunctionCodeSigningConfig", fallbackFunction),
    own("read", "lambda:ListVersionsByFunction", fallbackFunction),
    own("update", "lambda:UpdateFunctionCode", fallbackFunction, { note: "a new bundle" }),
    own("update", "lambda:UpdateFunctionConfiguration", fallbackFunction, { note: "environment: listeners, default group" }),
    { operation: "update", action: "iam:PassRole", resource: fallbackRole, context: toLambda, note: "UpdateFunctionConfiguration names the role" },
    ...tagRows("lambda:TagResource", "lambda:UntagResource", fallbackFunction),
    own("delete", "lambda:DeleteFunction", fallbackFunction),
  ]),
  ...rows("aws_lambda_permission", [
    own("create", "lambda:AddPermission", fallbackFunction, { note: "events.amazonaws.com, source_arn = the rule" }),
    own("read", "lambda:GetPolicy", fallbackFunction),
    own("delete", "lambda:RemovePermission", fallbackFunction),
  ]),
  ...rows("aws_cloudwatch_event_rule", [
    created("events:PutRule", fallbackRule),
    created("events:TagResource", fallbackRule, { note: "tags on create" }),
    own("read", "events:DescribeRule", fallbackRule),
    own("read", "events:ListTagsForResource", fallbackRule),
    own("update", "events:PutRule", fallbackRule, { requestTags: true, note: "the provider sends the tags with PutRule on update too (for aws:RequestTag conditions)" }),
    ...tagRows("events:TagResource", "events:UntagResource", fallbackRule),
    own("delete", "events:DeleteRule", fallbackRule),
  ]),
  ...rows("aws_cloudwatch_event_target", [
    own("create", "events:PutTargets", fallbackRule),
    own("read", "events:ListTargetsByRule", fallbackRule),
    own("update", "events:PutTargets", fallbackRule),
    own("delete", "events:RemoveTargets", fallbackRule),
  ]),
  ...remoteStateNeeds("boot", ["infra"]),
  ...backendNeeds("boot"),
];

