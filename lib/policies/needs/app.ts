/**
 * app-{service}-{env}-{lane} (stacks/app-lane-stack.ts), http and worker lanes: the lane's task
 * definition and ECS service; for a non-default http lane its target group and the listener rule
 * on the boot layer's listener; autoscaling target and policy (CPU, or queue backlog for a
 * worker); the lane's alarms; for a worker its error-line metric filter on the service's log
 * group; reads infra's and boot's state.
 *
 * Names: ECS service `{service}-{env}-{lane}`, task family `{service}-{env}-{lane}-task`, target
 * group `{service}-{env}-{lane}-tg` (fitted to 32), alarms `{service}-{env}-{lane}-…`. Resources
 * named by AWS ids (target group id, rule, scalable target) are also scoped by the lane stack's
 * default tags (service, env, lane).
 */
import { infraNames, laneNames, serviceNames } from "../../naming";
import { arns } from "../arns";
import { bootArns, clusterArn, laneArns } from "./ids";
import { backendNeeds, remoteStateNeeds } from "./state";
import type { ConditionContext, Need, NeedContext, Operation } from "./types";

type Row = Omit<Need, "layer" | "resourceType" | "scope"> & { readonly scope?: Need["scope"] };
const rows = (resourceType: string, list: Row[]): Need[] => list.map((r) => ({ layer: "app", resourceType, scope: "lane", ...r }));
const any = () => "*";
const describe = (operation: Operation, ...actions: string[]): Row[] => actions.map((action) => ({ operation, action, resource: any, scope: "account" }));
const lane = (c: NeedContext) => laneNames(c.service, c.env, c.lane);
const svc = (c: NeedContext) => serviceNames(c.service, c.env);

const taskDefinition = (c: NeedContext) => arns.ecsTaskDefinition(c, lane(c).taskFamily, 7);
const ecsService = (c: NeedContext) => arns.ecsService(c, infraNames(c.env).cluster, lane(c).ecsService);
const targetGroup = laneArns.targetGroup;
const rule = laneArns.listenerRule;
const scalableTarget = laneArns.scalableTarget;
const alarm = (c: NeedContext) => arns.alarm(c, lane(c).alarms.runningBelowDesired);
/** The alarms target tracking creates (through Application Auto Scaling's service-linked role). */
const targetTrackingAlarm = (c: NeedContext) => arns.alarm(c, `TargetTracking-service/${infraNames(c.env).cluster}/${lane(c).ecsService}-AlarmHigh-0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0`);
const logGroup = (c: NeedContext) => arns.logGroup(c, svc(c).logGroup);

const own = (operation: Operation, action: string, arn: (c: NeedContext) => string, extra: Partial<Row> = {}): Row => ({
  operation,
  action,
  resource: arn,
  resourceTags: "app",
  ...extra,
});
const created = (action: string, arn: (c: NeedContext) => string, extra: Partial<Row> = {}): Row => ({
  operation: "create",
  action,
  resource: arn,
  requestTags: true,
  ...extra,
});
const tagRows = (tag: string, untag: string, arn: (c: NeedContext) => string): Row[] => [own("tag", tag, arn, { requestTags: true }), own("tag", untag, arn)];

const ecsServiceContext = (c: NeedContext): ConditionContext => ({ "ecs:cluster": clusterArn(c), "ecs:task-definition": taskDefinition(c) });
const scalingContext = (): ConditionContext => ({ "application-autoscaling:service-namespace": "ecs", "application-autoscaling:scalable-dimension": "ecs:service:DesiredCount" });
const passTo = (role: "taskExecutionRole" | "taskRole"): Row => ({
  operation: "create",
  action: "iam:PassRole",
  resource: (c) => arns.iamRole(c, svc(c)[role].name),
  resourceTags: "boot",
  context: () => ({ "iam:PassedToService": "ecs-tasks.amazonaws.com" }),
  scope: "service",
  note: `the task definition's ${role === "taskRole" ? "task" : "execution"} role`,
});

const TARGET_TRACKING_COLLISION = "target-tracking alarms are untagged and named after the ECS service `{service}-{env}-{lane}`";

export const APP_NEEDS: readonly Need[] = [
  ...rows("aws_ecs_task_definition", [
    created("ecs:RegisterTaskDefinition", taskDefinition, { note: "authorized on task-definition/{family}:{revision}" }),
    created("ecs:TagResource", taskDefinition, { context: () => ({ "ecs:CreateAction": "RegisterTaskDefinition" }), note: "tags on create" }),
    passTo("taskExecutionRole"),
    passTo("taskRole"),
    ...describe("read", "ecs:DescribeTaskDefinition"),
    ...tagRows("ecs:TagResource", "ecs:UntagResource", taskDefinition),
    ...describe("delete", "ecs:DeregisterTaskDefinition"),
  ]),
  ...rows("aws_ecs_service", [
    created("ecs:CreateService", ecsService, { context: ecsServiceContext }),
    created("ecs:TagResource", ecsService, { context: () => ({ "ecs:CreateAction": "CreateService" }), note: "tags on create" }),
    own("read", "ecs:DescribeServices", ecsService, { context: (c) => ({ "ecs:cluster": clusterArn(c) }) }),
    own("update", "ecs:UpdateService", ecsService, { context: ecsServiceContext }),
    ...tagRows("ecs:TagResource", "ecs:UntagResource", ecsService),
    own("delete", "ecs:UpdateService", ecsService, { context: ecsServiceContext, note: "drains to desired_count 0 before deleting" }),
    own("delete", "ecs:DeleteService", ecsService, { context: (c) => ({ "ecs:cluster": clusterArn(c) }) }),
  ]),
  ...rows("aws_lb_target_group", [
    created("elasticloadbalancing:CreateTargetGroup", targetGroup),
    created("elasticloadbalancing:AddTags", targetGroup, { context: () => ({ "elasticloadbalancing:CreateAction": "CreateTargetGroup" }), note: "tags on create" }),
    own("create", "elasticloadbalancing:ModifyTargetGroupAttributes", targetGroup, { note: "deregistration_delay" }),
    ...describe("read", "elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetGroupAttributes", "elasticloadbalancing:DescribeTags"),
    own("update", "elasticloadbalancing:ModifyTargetGroup", targetGroup),
    own("update", "elasticloadbalancing:ModifyTargetGroupAttributes", targetGroup),
    ...tagRows("elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags", targetGroup),
    own("delete", "elasticloadbalancing:DeleteTargetGroup", targetGroup),
  ]),
  ...rows("aws_lb_listener_rule", [
    {
      operation: "create",
      action: "elasticloadbalancing:CreateRule",
      resource: bootArns.listener,
      resourceTags: "boot",
      requestTags: true,
      scope: "service",
      note: "authorized on the boot layer's listener, not the new rule",
    },
    created("elasticloadbalancing:AddTags", rule, { context: () => ({ "elasticloadbalancing:CreateAction": "CreateRule" }), note: "tags on create" }),
    ...describe("read", "elasticloadbalancing:DescribeRules", "elasticloadbalancing:DescribeTags"),
    own("update", "elasticloadbalancing:ModifyRule", rule),
    own("update", "elasticloadbalancing:SetRulePriorities", rule),
    ...tagRows("elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags", rule),
    own("delete", "elasticloadbalancing:DeleteRule", rule),
  ]),
  ...rows("aws_appautoscaling_target", [
    created("application-autoscaling:RegisterScalableTarget", scalableTarget, { context: scalingContext }),
    created("application-autoscaling:TagResource", scalableTarget, { note: "tags on create" }),
    {
      operation: "create",
      action: "iam:CreateServiceLinkedRole",
      resource: (c) => arns.iamRole(c, "aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService"),
      context: () => ({ "iam:AWSServiceName": "ecs.application-autoscaling.amazonaws.com" }),
      scope: "account",
      note: "the first scalable ECS service of the account",
    },
    own("create", "ecs:DescribeServices", ecsService, { context: (c) => ({ "ecs:cluster": clusterArn(c) }), note: "Application Auto Scaling validates the caller may describe the service" }),
    own("create", "ecs:UpdateService", ecsService, { context: (c) => ({ "ecs:cluster": clusterArn(c) }), note: "and may update it" }),
    ...describe("read", "application-autoscaling:DescribeScalableTargets"),
    own("read", "application-autoscaling:ListTagsForResource", scalableTarget),
    own("update", "application-autoscaling:RegisterScalableTarget", scalableTarget, { context: scalingContext, note: "min/max capacity" }),
    ...tagRows("application-autoscaling:TagResource", "application-autoscaling:UntagResource", scalableTarget),
    own("delete", "application-autoscaling:DeregisterScalableTarget", scalableTarget, { context: scalingContext }),
  ]),
  ...rows("aws_appautoscaling_policy", [
    own("create", "application-autoscaling:PutScalingPolicy", scalableTarget, { context: scalingContext }),
    own("create", "cloudwatch:PutMetricAlarm", targetTrackingAlarm, {
      resourceTags: undefined,
      note: "Application Auto Scaling validates the caller may manage the target-tracking alarms (which its service-linked role then creates); the alarm name it probes with is not documented",
      prefixCollision: TARGET_TRACKING_COLLISION,
    }),
    ...describe("read", "application-autoscaling:DescribeScalingPolicies"),
    own("update", "application-autoscaling:PutScalingPolicy", scalableTarget, { context: scalingContext }),
    own("delete", "application-autoscaling:DeleteScalingPolicy", scalableTarget, { context: scalingContext }),
    own("delete", "cloudwatch:DeleteAlarms", targetTrackingAlarm, { resourceTags: undefined, note: "validated like PutMetricAlarm", prefixCollision: TARGET_TRACKING_COLLISION }),
  ]),
  ...rows("aws_cloudwatch_metric_alarm", [
    created("cloudwatch:PutMetricAlarm", alarm),
    created("cloudwatch:TagResource", alarm, { note: "tags on create" }),
    own("read", "cloudwatch:DescribeAlarms", alarm),
    own("read", "cloudwatch:ListTagsForResource", alarm),
    own("update", "cloudwatch:PutMetricAlarm", alarm, { requestTags: true }),
    ...tagRows("cloudwatch:TagResource", "cloudwatch:UntagResource", alarm),
    own("delete", "cloudwatch:DeleteAlarms", alarm),
  ]),
  ...rows("aws_cloudwatch_log_metric_filter", [
    own("create", "logs:PutMetricFilter", logGroup, { resourceTags: "boot", scope: "service", note: "on the service's log group (the filter's name is the lane's)" }),
    own("read", "logs:DescribeMetricFilters", logGroup, { resourceTags: "boot", scope: "service" }),
    own("update", "logs:PutMetricFilter", logGroup, { resourceTags: "boot", scope: "service" }),
    own("delete", "logs:DeleteMetricFilter", logGroup, { resourceTags: "boot", scope: "service" }),
  ]),
  ...remoteStateNeeds("app", ["infra", "boot"]),
  ...backendNeeds("app"),
];
