/**
 * The pipelines' CodeBuild role policies. Each is a plain policy document built from the naming module and the
 * state layout, rendered into the stack as JSON, and checked by the IAM simulator against the
 * needs table (lib/policies/needs: every call the provider makes for the layer's stacks) and the
 * contract (__tests__/iam).
 *
 * - app `{service}-{env}`: its service's lane state only (and the edge's, to verify through it,
 *   with the rules and key items of the edge's table to mint a short tester token); its lanes' ECS services, task
 *   definitions (family `{service}-*-{env}-task`), target groups, listener rules, scalable
 *   targets and alarms, by name and by the lane stacks' default tags (service, env; never
 *   lane=shared); metric filters on its log group; PassRole of its service's task roles to ECS
 *   tasks. Deny on lower layers' state, on the ALB, its listeners and the default target group,
 *   and on the network and security groups.
 * - bootstrap `bootstrap-{env}`: boot state of the env's services (the pipeline serves every
 *   service; SERVICE is chosen per run); the access layer, created only with the boot stacks'
 *   default tags (env, lane=shared, stack=boot-*-{env}) and changed only when tagged so; task
 *   roles `*-{env}-task(-exec)` and fallback switch roles `*-{env}-fallback` only with the env's
 *   permissions boundary, only the ECS task execution policy attached, the fallback role passed
 *   to Lambda only; the fallback switch's Lambda, EventBridge rule and log group. Deny on infra/app state, network changes, removing a boundary.
 * - infra `infra-{env}`: infra state; the env's network created with and changed under the
 *   infra stack's tags; its cluster; its Cloud Map namespace (and the hosted zone Cloud Map
 *   creates for it, with the caller's permissions); its log bucket (`lanes-{env}-logs-*`) and the
 *   VPC's flow log. Deny on boot/app state and lanes.
 */
import type { PolicyDocument, Statement } from "./document";
import { ANY, DEFAULT_LANE, edgeNames, infraNames, laneNames, laneTargetGroupPrefix, serviceNames, stackNames } from "../naming";
import type { StateConfig } from "../params/config";
import { statePrefixes, stateKey } from "../state";
import { arns, type AccountContext, type Ec2ResourceType } from "./arns";
import { buildCommonStatements, type BuildContext } from "./build-common";
import { MANAGED_BY, SHARED, TASK_EXECUTION_POLICY, taskRoleBoundaryArn } from "./needs/conventions";
import { stateStatements } from "./state-access";

export interface RoleContext extends BuildContext {
  readonly env: string;
  readonly state: StateConfig;
}

/**
 * A role policy document, its statement ids kept: they are what an operator reads in the console
 * and in the simulator's answer. IAM wants each unique within a policy and made of ASCII letters
 * and digits (iam/role-statements.test.ts). The pipeline roles' policies are managed policies
 * packed to 6,144 characters each (pack.ts); the tests check the worst case (longest service and
 * env names, partition and region) fits.
 */
const doc = (statements: Statement[]): PolicyDocument => ({ Version: "2012-10-17", Statement: statements });

/** EC2 write verbs: none of them is any app pipeline's business. */
const EC2_WRITES = ["ec2:Create*", "ec2:Delete*", "ec2:Modify*", "ec2:Authorize*", "ec2:Revoke*", "ec2:Replace*", "ec2:Associate*", "ec2:Disassociate*", "ec2:Attach*", "ec2:Detach*"];
/** The env's network (VPC, subnets, routes, gateways, addresses): infra's alone. */
const NETWORK_ACTIONS = ["ec2:*Vpc*", "ec2:*Subnet*", "ec2:*Route*", "ec2:*Gateway*", "ec2:*Address*"];

type Conditions = NonNullable<Statement["Condition"]>;
const tagConditions = (key: "aws:RequestTag" | "aws:ResourceTag", tags: Readonly<Record<string, string>>): Record<string, string> =>
  Object.fromEntries(Object.entries(tags).map(([k, v]) => [`${key}/${k}`, v]));

/** An app pipeline build inside the env's VPC (the service's ALB is internal): the VPC and the build's own security group. */
export interface BuildVpc {
  readonly vpcId: string;
  readonly securityGroupId: string;
}

/**
 * What CodeBuild needs to run a build in a VPC with the project's service role (AWS CodeBuild
 * User Guide, "Allow CodeBuild access to AWS services to create a VPC network interface"):
 * network interfaces in the env's VPC only, with the build's security group, and the permission
 * that lets CodeBuild attach them. A managed policy of its own (the role's inline policies share
 * one 10,240-character quota, which the app policy nearly fills). It carries the app role's EC2
 * Deny then (appRolePolicy with `vpc` leaves it out), leaving out exactly these resources.
 */
export function buildVpcPolicy(c: AccountContext, vpc: BuildVpc): PolicyDocument {
  return doc(buildVpcStatements(c, vpc));
}

function buildVpcStatements(c: AccountContext, vpc: BuildVpc): Statement[] {
  const vpcArn = arns.ec2(c, "vpc", vpc.vpcId);
  return [
    {
      Sid: "DenyNetworkAndSecurityGroups",
      Effect: "Deny",
      Action: EC2_WRITES,
      NotResource: [arns.ec2(c, "network-interface", "*"), arns.ec2(c, "subnet", "*"), arns.ec2(c, "security-group", vpc.securityGroupId)],
    },
    {
      Sid: "BuildNetworkInterfaces",
      Effect: "Allow",
      Action: ["ec2:CreateNetworkInterface"],
      Resource: [arns.ec2(c, "network-interface", "*"), arns.ec2(c, "subnet", "*"), arns.ec2(c, "security-group", vpc.securityGroupId)],
      Condition: { ArnEquals: { "ec2:Vpc": vpcArn } },
    },
    {
      Sid: "BuildNetworkInterfacePermission",
      Effect: "Allow",
      Action: ["ec2:CreateNetworkInterfacePermission"],
      Resource: [arns.ec2(c, "network-interface", "*")],
      Condition: { StringEquals: { "ec2:AuthorizedService": "codebuild.amazonaws.com" }, ArnEquals: { "ec2:Vpc": vpcArn } },
    },
    { Sid: "BuildNetworkInterfaceCleanup", Effect: "Allow", Action: ["ec2:DeleteNetworkInterface"], Resource: [arns.ec2(c, "network-interface", "*")], Condition: { ArnEquals: { "ec2:Vpc": vpcArn } } },
    {
      Sid: "BuildNetworkReads",
      Effect: "Allow",
      Action: ["ec2:DescribeDhcpOptions", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups", "ec2:DescribeVpcs"],
      Resource: ["*"],
    },
  ];
}

export function appRolePolicy(c: RoleContext, service: string, vpc?: BuildVpc): PolicyDocument {
  const env = c.env;
  const svc = serviceNames(service, env);
  const cluster = infraNames(env).cluster;
  const albName = svc.alb.name;
  // Every lane of the service: the name functions with ANY for the lane give the patterns.
  const anyLane = laneNames(service, env, ANY);
  const family = arns.ecsTaskDefinition(c, anyLane.taskFamily);
  // The lane resources: by name, and (below) by the lane stacks' tags.
  const laneResources = [
    arns.ecsService(c, cluster, anyLane.ecsService),
    family,
    arns.elb(c, `targetgroup/${laneTargetGroupPrefix(service, env)}*/*`),
    arns.elb(c, `listener-rule/app/${albName}/*/*/*`),
    arns.scalableTarget(c, "*"),
    arns.alarm(c, `${anyLane.prefix}*`),
  ];
  const ownTags = { service, env };
  // ECS services may only run their own service's task definitions.
  const ownTaskDefinitions = { ArnLikeIfExists: { "ecs:task-definition": family } };
  return doc([
    ...buildCommonStatements(c),
    ...stateStatements(c, c.state, {
      writablePrefix: statePrefixes.app(env, service),
      // edge: verify goes through it for a service behind it (the distribution's domain).
      readableKeys: [stateKey({ layer: "infra", env }), stateKey({ layer: "boot", env, service }), stateKey({ layer: "edge", env })],
      deniedPrefixes: ["infra/", "boot/", "pipeline/"],
    }),
    {
      // Verify through the edge: the rules' tester header and the current edge key, to mint a
      // short tester token for the lane it checks (the items, not the table).
      Sid: "EdgeTesterToken",
      Effect: "Allow",
      Action: ["dynamodb:GetItem"],
      Resource: [arns.dynamoTable(c, edgeNames(env).rulesTable)],
      Condition: { "ForAllValues:StringEquals": { "dynamodb:LeadingKeys": ["active", edgeNames(env).keysItem] } },
    },
    {
      Sid: "PushServiceImages",
      Effect: "Allow",
      Action: [
        "ecr:BatchCheckLayerAvailability",
        "ecr:InitiateLayerUpload",
        "ecr:UploadLayerPart",
        "ecr:CompleteLayerUpload",
        "ecr:PutImage",
        "ecr:BatchGetImage",
        "ecr:GetDownloadUrlForLayer",
      ],
      Resource: [arns.ecrRepository(c, svc.ecrRepository)],
    },
    {
      // Creating a lane resource (or its tags on create): the request carries the lane stack's
      // tags; an existing resource it touches (the boot listener a rule goes on) must be ours.
      Sid: "LaneCreate",
      Effect: "Allow",
      Action: [
        "ecs:CreateService",
        "ecs:RegisterTaskDefinition",
        "ecs:TagResource",
        "elasticloadbalancing:CreateTargetGroup",
        "elasticloadbalancing:CreateRule",
        "elasticloadbalancing:AddTags",
        "application-autoscaling:RegisterScalableTarget",
        "application-autoscaling:TagResource",
        "cloudwatch:PutMetricAlarm",
        "cloudwatch:TagResource",
      ],
      Resource: [...laneResources, arns.elb(c, `listener/app/${albName}/*/*`)],
      Condition: {
        StringEquals: tagConditions("aws:RequestTag", ownTags),
        StringEqualsIfExists: tagConditions("aws:ResourceTag", ownTags),
        ...ownTaskDefinitions,
      },
    },
    {
      // Changing, reading or deleting a lane resource: it carries a lane stack's tags of this
      // service (never the boot layer's lane=shared, e.g. the default target group).
      Sid: "LaneManage",
      Effect: "Allow",
      Action: [
        "ecs:UpdateService",
        "ecs:DeleteService",
        "ecs:DescribeServices",
        "ecs:*Resource", // TagResource, UntagResource, ListTagsForResource
        "elasticloadbalancing:Modify*", // ModifyTargetGroup(Attributes), ModifyRule (on these ARNs)
        "elasticloadbalancing:Delete*", // DeleteTargetGroup, DeleteRule
        "elasticloadbalancing:SetRulePriorities",
        "elasticloadbalancing:*Tags", // AddTags, RemoveTags, DescribeTags
        "application-autoscaling:*ScalableTarget", // Register, Deregister
        "application-autoscaling:*ScalingPolicy", // Put, Delete
        "application-autoscaling:*Resource", // TagResource, UntagResource, ListTagsForResource
        "cloudwatch:PutMetricAlarm",
        "cloudwatch:*Alarms", // DeleteAlarms, DescribeAlarms
        "cloudwatch:*Resource", // TagResource, UntagResource, ListTagsForResource
      ],
      Resource: laneResources,
      Condition: {
        StringEquals: tagConditions("aws:ResourceTag", ownTags),
        StringNotEquals: { "aws:ResourceTag/lane": SHARED },
        ...ownTaskDefinitions,
      },
    },
    {
      // Application Auto Scaling checks the caller may manage the target-tracking alarms its
      // service-linked role creates (`TargetTracking-service/{cluster}/{ecs service}-…`, untagged).
      Sid: "TargetTrackingAlarms",
      Effect: "Allow",
      Action: ["cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms"],
      Resource: [arns.alarm(c, `TargetTracking-service/${cluster}/${anyLane.ecsService}`)],
    },
    {
      // A worker lane's error-line metric filter lives on the service's log group.
      Sid: "LaneMetricFilters",
      Effect: "Allow",
      Action: ["logs:PutMetricFilter", "logs:DescribeMetricFilters", "logs:DeleteMetricFilter"],
      Resource: [arns.logGroup(c, svc.logGroup), arns.logGroup(c, `${svc.logGroup}:*`)],
    },
    {
      Sid: "PassServiceTaskRoles",
      Effect: "Allow",
      Action: ["iam:PassRole"],
      Resource: [arns.iamRole(c, svc.taskExecutionRole.name), arns.iamRole(c, svc.taskRole.name)],
      Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
    },
    {
      Sid: "ScalingServiceLinkedRole",
      Effect: "Allow",
      Action: ["iam:CreateServiceLinkedRole"],
      Resource: [arns.iamRole(c, "aws-service-role/ecs.application-autoscaling.amazonaws.com/*")],
      Condition: { StringEquals: { "iam:AWSServiceName": "ecs.application-autoscaling.amazonaws.com" } },
    },
    {
      // Wildcard-only actions (no resource to scope).
      Sid: "Reads",
      Effect: "Allow",
      Action: [
        "ecr:GetAuthorizationToken",
        "ecs:DescribeTaskDefinition",
        "ecs:DeregisterTaskDefinition",
        "elasticloadbalancing:Describe*",
        "application-autoscaling:DescribeScalableTargets",
        "application-autoscaling:DescribeScalingPolicies",
        "cloudwatch:GetMetricData", // lanes ramp, the canary's comparison with default
        // The deploy's quota check (lib/ops/quota.ts).
        "servicequotas:ListServiceQuotas",
      ],
      Resource: ["*"],
    },
    {
      Sid: "DenySharedAccessLayer",
      Effect: "Deny",
      Action: [
        "elasticloadbalancing:CreateLoadBalancer",
        "elasticloadbalancing:DeleteLoadBalancer",
        "elasticloadbalancing:ModifyLoadBalancerAttributes",
        "elasticloadbalancing:SetSecurityGroups",
        "elasticloadbalancing:SetSubnets",
        "elasticloadbalancing:CreateListener",
        "elasticloadbalancing:DeleteListener",
        "elasticloadbalancing:ModifyListener",
      ],
      Resource: ["*"],
    },
    {
      Sid: "DenyDefaultTargetGroup",
      Effect: "Deny",
      Action: [
        "elasticloadbalancing:DeleteTargetGroup",
        "elasticloadbalancing:ModifyTargetGroup",
        "elasticloadbalancing:ModifyTargetGroupAttributes",
        "elasticloadbalancing:AddTags",
        "elasticloadbalancing:RemoveTags",
      ],
      Resource: [arns.elb(c, `targetgroup/${svc.defaultTargetGroup.name}/*`)],
    },
    // In the VPC, the Deny moves to the build's VPC policy (buildVpcPolicy), which leaves out the
    // build's own network interfaces; every other EC2 write stays denied there.
    ...(vpc ? [] : [{ Sid: "DenyNetworkAndSecurityGroups", Effect: "Deny" as const, Action: EC2_WRITES, Resource: ["*"] }]),
  ]);
}

/**
 * The gc pipeline's role (`gc-{env}`): destroy expired lanes of every service of the env, and
 * nothing else. It may read and delete lane resources (what the lane stacks tagged: env, managed
 * by lanes, lane neither `shared` nor `default`), drain an ECS service before deleting it, and
 * write only lane state under `app/{env}/`; it may create, register, tag or change nothing
 * (no Allow for any of it), and an explicit Deny keeps it off the default lanes' resources and
 * state whatever else is granted.
 */
export function gcRolePolicy(c: RoleContext): PolicyDocument {
  const env = c.env;
  const cluster = infraNames(env).cluster;
  const anyLane = laneNames(ANY, env, ANY);
  const laneTags: Conditions = {
    StringEquals: tagConditions("aws:ResourceTag", { env, "managed-by": MANAGED_BY }),
    StringNotEquals: { "aws:ResourceTag/lane": [SHARED, DEFAULT_LANE] },
  };
  const defaultState = `app/${env}/*/${DEFAULT_LANE}/*`;
  const statements = stateStatements(c, c.state, {
    writablePrefix: statePrefixes.app(env),
    readableKeys: [stateKey({ layer: "infra", env }), stateKey({ layer: "boot", env, service: ANY })],
    deniedPrefixes: ["infra/", "boot/", "pipeline/", defaultState],
  });
  return doc([
    ...buildCommonStatements(c),
    ...statements,
    {
      // Destroying a lane: read its resources, drain and delete its ECS service, delete its
      // target group, rule, scalable target and policy, alarms. Only lane-tagged resources.
      Sid: "LaneDestroy",
      Effect: "Allow",
      Action: [
        "ecs:DescribeServices",
        "ecs:UpdateService",
        "ecs:DeleteService",
        "elasticloadbalancing:DeleteTargetGroup",
        "elasticloadbalancing:DeleteRule",
        "application-autoscaling:ListTagsForResource",
        "application-autoscaling:DeregisterScalableTarget",
        "application-autoscaling:DeleteScalingPolicy",
        "cloudwatch:DescribeAlarms",
        "cloudwatch:ListTagsForResource",
        "cloudwatch:DeleteAlarms",
      ],
      Resource: [
        arns.ecsService(c, cluster, anyLane.ecsService),
        arns.elb(c, "targetgroup/*/*"),
        arns.elb(c, "listener-rule/app/*/*/*/*"),
        arns.scalableTarget(c, "*"),
        arns.alarm(c, `${anyLane.prefix}*`),
      ],
      Condition: laneTags,
    },
    {
      // The untagged alarms target tracking created for a lane's ECS service.
      Sid: "TargetTrackingAlarms",
      Effect: "Allow",
      Action: ["cloudwatch:DeleteAlarms"],
      Resource: [arns.alarm(c, `TargetTracking-service/${cluster}/${anyLane.ecsService}`)],
    },
    {
      // A worker lane's error-line metric filter on its service's log group (the name's `*`
      // covers the `:*` form too).
      Sid: "LaneMetricFilters",
      Effect: "Allow",
      Action: ["logs:DescribeMetricFilters", "logs:DeleteMetricFilter"],
      Resource: [arns.logGroup(c, serviceNames(ANY, env).logGroup)],
    },
    {
      // Wildcard-only actions (no resource to scope).
      Sid: "Reads",
      Effect: "Allow",
      Action: [
        "ecs:DescribeTaskDefinition",
        "ecs:DeregisterTaskDefinition",
        "elasticloadbalancing:Describe*",
        "application-autoscaling:DescribeScalableTargets",
        "application-autoscaling:DescribeScalingPolicies",
      ],
      Resource: ["*"],
    },
    {
      // Whatever a later edit grants: never the default lanes (nor the shared layer).
      Sid: "DenyDefaultLanesAndSharedLayer",
      Effect: "Deny",
      Action: ["ecs:*", "elasticloadbalancing:*", "application-autoscaling:*", "cloudwatch:*"],
      Resource: ["*"],
      Condition: { StringEquals: { "aws:ResourceTag/lane": [SHARED, DEFAULT_LANE] } },
    },
    {
      // The default lanes' target-tracking alarms carry no tags: by name (`…-AlarmHigh-…`,
      // `…-AlarmLow-…`; no lane name has a capital, so no other lane's alarms match).
      Sid: "DenyDefaultLanesTargetTrackingAlarms",
      Effect: "Deny",
      Action: ["cloudwatch:DeleteAlarms", "cloudwatch:PutMetricAlarm"],
      Resource: [arns.alarm(c, `TargetTracking-service/${cluster}/${laneNames(ANY, env, DEFAULT_LANE).ecsService}-Alarm*`)],
    },
  ]);
}

/**
 * The permissions boundary of every role the bootstrap pipeline creates (the task execution and
 * task roles of the env's services, and each http service's fallback switch role): whatever
 * policies the roles get, they can do no more than
 * pull the env's images, write the env's service logs, consume the env's worker queues, look
 * up service instances in Cloud Map (direct calls, params `discovery`), read the env's
 * container secrets (SSM `/{env}/…`, Secrets Manager `{env}/…`, decrypting through them only),
 * and switch the env's lane rules (ModifyRule on listener rules tagged by a lanes stack of the
 * env; the fallback role's own policy narrows it to its ALB) writing the switch's Lambda logs.
 * Widen it here (it is reviewed with the pipelines) when a service's task role needs more.
 */
export function taskRoleBoundaryPolicy(c: AccountContext & { readonly env: string }): PolicyDocument {
  const anyService = serviceNames(ANY, c.env);
  return doc([
    { Sid: "EcrLogin", Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: ["*"] },
    {
      Sid: "PullEnvImages",
      Effect: "Allow",
      Action: ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
      Resource: [arns.ecrRepository(c, anyService.ecrRepository)],
    },
    {
      Sid: "WriteEnvServiceLogs",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: [arns.logGroup(c, anyService.logGroup)],
    },
    {
      Sid: "ConsumeEnvQueues",
      Effect: "Allow",
      Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"],
      Resource: [arns.sqsQueue(c, anyService.queue)],
    },
    {
      // Direct calls (params discovery): find a callee's lane in Cloud Map. DiscoverInstances
      // has no resource type; the task role narrows it to the env's namespace.
      Sid: "DiscoverInstances",
      Effect: "Allow",
      Action: ["servicediscovery:DiscoverInstances"],
      Resource: ["*"],
    },
    {
      // Container secrets (lib/secrets.ts): only the env's, by name (`/{env}/…`, `{env}/…`).
      Sid: "ReadEnvSecrets",
      Effect: "Allow",
      Action: ["ssm:GetParameters", "secretsmanager:GetSecretValue"],
      Resource: [`arn:${c.partition}:ssm:${c.region}:${c.account}:parameter/${c.env}/*`, `arn:${c.partition}:secretsmanager:${c.region}:${c.account}:secret:${c.env}/*`],
    },
    {
      // The per-hop fallback switch (constructs/lane-fallback.ts). DescribeRules and DescribeTags
      // have no resource type; ModifyRule only on rules a lanes stack of this env tagged.
      Sid: "FindLaneRules",
      Effect: "Allow",
      Action: ["elasticloadbalancing:DescribeRules", "elasticloadbalancing:DescribeTags"],
      Resource: ["*"],
    },
    {
      Sid: "SwitchEnvLaneRules",
      Effect: "Allow",
      Action: ["elasticloadbalancing:ModifyRule"],
      Resource: [arns.elb(c, "listener-rule/app/*")],
      Condition: { StringEquals: { "aws:ResourceTag/env": c.env, "aws:ResourceTag/managed-by": MANAGED_BY } },
    },
    {
      Sid: "WriteFallbackLogs",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: [`${arns.logGroup(c, anyService.fallback.logGroup)}:*`],
    },
    {
      Sid: "DecryptSecretsThroughSsmAndSecretsManager",
      Effect: "Allow",
      Action: ["kms:Decrypt"],
      Resource: [`arn:${c.partition}:kms:${c.region}:${c.account}:key/*`],
      Condition: { StringEquals: { "kms:ViaService": [`ssm.${c.region}.amazonaws.com`, `secretsmanager.${c.region}.amazonaws.com`] } },
    },
  ]);
}

export function bootstrapRolePolicy(c: RoleContext): PolicyDocument {
  const env = c.env;
  const bootTags = { env, lane: SHARED, "managed-by": MANAGED_BY };
  const bootStack = stackNames.boot(ANY, env);
  const anyService = serviceNames(ANY, env);
  const infraTags = { env, stack: stackNames.infra(env), "managed-by": MANAGED_BY };
  const elb = ["loadbalancer/app/*", "listener/app/*", "targetgroup/*", "listener-rule/app/*"].map((r) => arns.elb(c, r));
  const securityGroups = [arns.ec2(c, "security-group", "*"), arns.ec2(c, "security-group-rule", "*")];
  // Resources named by the service: the env's service log groups, repositories, topics, queues.
  const named = [
    arns.logGroup(c, anyService.logGroup),
    arns.ecrRepository(c, anyService.ecrRepository),
    arns.snsTopic(c, anyService.alarmTopic),
    arns.sqsQueue(c, anyService.queue),
    arns.sqsQueue(c, anyService.deadLetterQueue),
  ];
  const taskRoles = [arns.iamRole(c, anyService.taskRole.name), arns.iamRole(c, anyService.taskExecutionRole.name)];
  // The lanes' fallback switch of each http service (constructs/lane-fallback.ts).
  const fallback = anyService.fallback;
  const fallbackRole = arns.iamRole(c, fallback.role.name);
  const fallbackFunction = arns.lambdaFunction(c, fallback.function.name);
  const fallbackRule = arns.eventRule(c, fallback.rule.name);
  const boundary = taskRoleBoundaryArn(c, env);
  const requestedByBoot: Conditions = {
    StringEquals: tagConditions("aws:RequestTag", bootTags),
    StringLike: { "aws:RequestTag/stack": bootStack },
  };
  return doc([
    ...buildCommonStatements(c),
    ...stateStatements(c, c.state, {
      writablePrefix: statePrefixes.boot(env),
      readableKeys: [stateKey({ layer: "infra", env })],
      deniedPrefixes: ["infra/", "app/", "pipeline/"],
    }),
    {
      // New access-layer resources carry a boot stack's tags; whatever existing resource the
      // call also names (a tag call) must be a boot stack's of this env too.
      Sid: "AccessLayerCreate",
      Effect: "Allow",
      Action: [
        "elasticloadbalancing:CreateLoadBalancer",
        "elasticloadbalancing:CreateTargetGroup",
        "ec2:CreateSecurityGroup",
        "servicediscovery:CreateService",
        "logs:CreateLogGroup",
        "logs:TagResource",
        "ecr:CreateRepository",
        "ecr:TagResource",
        "sns:CreateTopic",
        "sns:TagResource",
        "sqs:CreateQueue",
        "sqs:TagQueue",
        "iam:TagRole",
        "lambda:CreateFunction",
        "lambda:TagResource",
        "events:PutRule",
        "events:TagResource",
      ],
      Resource: [elb[0]!, elb[2]!, securityGroups[0]!, arns.cloudMapService(c, "*"), ...named, arns.logGroup(c, fallback.logGroup), ...taskRoles, fallbackRole, fallbackFunction, fallbackRule],
      Condition: { ...requestedByBoot, StringLikeIfExists: { "aws:ResourceTag/stack": bootStack } },
    },
    {
      Sid: "SecurityGroupRulesCreate",
      Effect: "Allow",
      Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress"],
      Resource: [securityGroups[1]!],
      Condition: requestedByBoot,
    },
    {
      Sid: "ElbTagsOnCreate",
      Effect: "Allow",
      Action: ["elasticloadbalancing:AddTags"],
      Resource: elb,
      Condition: {
        ...requestedByBoot,
        StringEquals: {
          ...tagConditions("aws:RequestTag", bootTags),
          "elasticloadbalancing:CreateAction": ["CreateLoadBalancer", "CreateListener", "CreateTargetGroup", "CreateRule"],
        },
      },
    },
    {
      Sid: "Ec2TagsOnCreate",
      Effect: "Allow",
      Action: ["ec2:CreateTags"],
      Resource: securityGroups,
      Condition: {
        ...requestedByBoot,
        StringEquals: {
          ...tagConditions("aws:RequestTag", bootTags),
          "ec2:CreateAction": ["CreateSecurityGroup", "AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress"],
        },
      },
    },
    {
      // The env's VPC and Cloud Map namespace (infra's) that security groups and Cloud Map
      // services are created in.
      Sid: "InInfraNetwork",
      Effect: "Allow",
      Action: ["ec2:CreateSecurityGroup", "servicediscovery:CreateService"],
      Resource: [arns.ec2(c, "vpc", "*"), arns.cloudMapNamespace(c, "*")],
      Condition: { StringEquals: tagConditions("aws:ResourceTag", infraTags) },
    },
    {
      // Changing, reading or deleting the access layer: only what a boot stack of this env tagged.
      Sid: "AccessLayerManage",
      Effect: "Allow",
      Action: [
        "elasticloadbalancing:CreateListener",
        "elasticloadbalancing:CreateRule", // behind the edge: the default lane's rule, on the boot listener
        "elasticloadbalancing:ModifyRule",
        "elasticloadbalancing:DeleteRule",
        "elasticloadbalancing:ModifyLoadBalancerAttributes",
        "elasticloadbalancing:ModifyListener",
        "elasticloadbalancing:ModifyTargetGroup*", // ModifyTargetGroup, ModifyTargetGroupAttributes
        "elasticloadbalancing:SetSecurityGroups",
        "elasticloadbalancing:SetSubnets",
        "elasticloadbalancing:DeleteLoadBalancer",
        "elasticloadbalancing:DeleteListener",
        "elasticloadbalancing:DeleteTargetGroup",
        "elasticloadbalancing:*Tags", // AddTags, RemoveTags, DescribeTags
        "ec2:AuthorizeSecurityGroup*",
        "ec2:RevokeSecurityGroup*",
        "ec2:ModifySecurityGroupRules",
        "ec2:DeleteSecurityGroup",
        "ec2:CreateTags",
        "ec2:DeleteTags",
        "servicediscovery:GetService",
        "servicediscovery:UpdateService",
        "servicediscovery:DeleteService",
        "logs:PutRetentionPolicy",
        "logs:*Resource", // ListTagsForResource, TagResource, UntagResource
        "logs:DeleteLogGroup",
        "ecr:DescribeRepositories",
        "ecr:*Resource",
        "ecr:PutImageScanningConfiguration",
        "ecr:PutImageTagMutability",
        "ecr:DeleteRepository",
        "ecr:*LifecyclePolicy", // Put, Get, Delete
        "sns:*TopicAttributes", // Get, Set
        "sns:*Resource",
        "sns:DeleteTopic",
        "sqs:*QueueAttributes", // Get, Set
        "sqs:ListQueueTags",
        "sqs:TagQueue",
        "sqs:UntagQueue",
        "sqs:DeleteQueue",
      ],
      // What a boot stack of this env tagged: the tags are the scope (load balancers, target
      // groups, security groups and Cloud Map services have AWS-generated ids).
      Resource: ["*"],
      Condition: { StringEquals: tagConditions("aws:ResourceTag", bootTags), StringLike: { "aws:ResourceTag/stack": bootStack } },
    },
    {
      // The fallback switch's function, its invoke permission, its EventBridge rule and target:
      // by name and only what a boot stack of this env tagged.
      Sid: "FallbackSwitchManage",
      Effect: "Allow",
      Action: [
        "lambda:GetFunction",
        "lambda:GetFunctionCodeSigningConfig",
        "lambda:ListVersionsByFunction",
        "lambda:UpdateFunctionCode",
        "lambda:UpdateFunctionConfiguration",
        "lambda:DeleteFunction",
        "lambda:AddPermission",
        "lambda:GetPolicy",
        "lambda:RemovePermission",
        "lambda:TagResource",
        "lambda:UntagResource",
        "events:DescribeRule",
        "events:ListTagsForResource",
        "events:PutRule",
        "events:DeleteRule",
        "events:PutTargets",
        "events:ListTargetsByRule",
        "events:RemoveTargets",
        "events:TagResource",
        "events:UntagResource",
      ],
      Resource: [fallbackFunction, fallbackRule],
      Condition: { StringEquals: tagConditions("aws:ResourceTag", bootTags), StringLike: { "aws:ResourceTag/stack": bootStack } },
    },
    {
      // The switch's role goes to Lambda and nowhere else.
      Sid: "PassFallbackRoleToLambda",
      Effect: "Allow",
      Action: ["iam:PassRole"],
      Resource: [fallbackRole],
      Condition: { StringEquals: { "iam:PassedToService": "lambda.amazonaws.com" } },
    },
    {
      // The services' dashboards (untaggable): by name, `{service}-{env}`.
      Sid: "Dashboards",
      Effect: "Allow",
      Action: ["cloudwatch:PutDashboard", "cloudwatch:GetDashboard", "cloudwatch:DeleteDashboards"],
      Resource: [arns.dashboard(c, anyService.dashboard)],
    },
    {
      // Task roles: only with the env's boundary, so what they can ever do is capped (see
      // taskRoleBoundaryPolicy); IAM reports the role's boundary as iam:PermissionsBoundary.
      Sid: "TaskRolesWithBoundary",
      Effect: "Allow",
      Action: [
        "iam:CreateRole",
        "iam:PutRolePermissionsBoundary",
        "iam:UpdateAssumeRolePolicy",
        "iam:PutRolePolicy",
        "iam:DeleteRolePolicy",
        "iam:DeleteRole",
      ],
      Resource: [...taskRoles, fallbackRole],
      Condition: { StringEquals: { "iam:PermissionsBoundary": boundary } },
    },
    {
      Sid: "TaskExecutionPolicyOnly",
      Effect: "Allow",
      Action: ["iam:AttachRolePolicy", "iam:DetachRolePolicy"],
      Resource: taskRoles,
      Condition: { StringEquals: { "iam:PermissionsBoundary": boundary }, ArnEquals: { "iam:PolicyARN": arns.awsManagedPolicy(c, TASK_EXECUTION_POLICY) } },
    },
    {
      Sid: "TaskRolesReadAndTags",
      Effect: "Allow",
      Action: ["iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:ListInstanceProfilesForRole", "iam:UntagRole"],
      Resource: [...taskRoles, fallbackRole],
    },
    {
      // Wildcard-only actions (no resource to scope).
      Sid: "Reads",
      Effect: "Allow",
      Action: [
        "elasticloadbalancing:Describe*",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeSecurityGroupRules",
        "ec2:DescribeNetworkInterfaces",
        "logs:DescribeLogGroups",
        "servicediscovery:ListTagsForResource",
      ],
      Resource: ["*"],
    },
    { Sid: "DenyNetwork", Effect: "Deny", Action: NETWORK_ACTIONS, Resource: ["*"] },
    { Sid: "DenyBoundaryRemoval", Effect: "Deny", Action: ["iam:DeleteRolePermissionsBoundary"], Resource: ["*"] },
    {
      Sid: "DenyRolesWithoutBoundary",
      Effect: "Deny",
      Action: ["iam:CreateRole", "iam:PutRolePermissionsBoundary"],
      Resource: ["*"],
      Condition: { StringNotEquals: { "iam:PermissionsBoundary": boundary } },
    },
  ]);
}

const INFRA_EC2_TYPES: readonly Ec2ResourceType[] = ["vpc", "subnet", "route-table", "internet-gateway", "elastic-ip", "natgateway", "vpc-flow-log"];

/** What Terraform does to the env's log bucket (aws_s3_bucket and its configuration resources). */
const LOG_BUCKET_ACTIONS = [
  "s3:CreateBucket",
  "s3:DeleteBucket",
  "s3:ListBucket",
  "s3:GetBucketTagging",
  "s3:PutBucketTagging",
  "s3:GetBucketAcl",
  "s3:GetBucketCORS",
  "s3:GetBucketWebsite",
  "s3:GetBucketVersioning",
  "s3:GetAccelerateConfiguration",
  "s3:GetBucketRequestPayment",
  "s3:GetBucketLogging",
  "s3:GetReplicationConfiguration",
  "s3:GetBucketObjectLockConfiguration",
  "s3:GetLifecycleConfiguration",
  "s3:PutLifecycleConfiguration",
  "s3:GetEncryptionConfiguration",
  "s3:PutEncryptionConfiguration",
  "s3:GetBucketPolicy",
  "s3:PutBucketPolicy",
  "s3:DeleteBucketPolicy",
  "s3:GetBucketPublicAccessBlock",
  "s3:PutBucketPublicAccessBlock",
  "s3:GetBucketOwnershipControls",
  "s3:PutBucketOwnershipControls",
];

export function infraRolePolicy(c: RoleContext): PolicyDocument {
  const env = c.env;
  const names = infraNames(env);
  const infraTags = { env, stack: stackNames.infra(env), "managed-by": MANAGED_BY };
  const requested: Conditions = { StringEquals: tagConditions("aws:RequestTag", infraTags) };
  const ec2 = (...types: Ec2ResourceType[]) => types.map((t) => arns.ec2(c, t, "*"));
  return doc([
    ...buildCommonStatements(c),
    ...stateStatements(c, c.state, {
      writablePrefix: statePrefixes.infra(env),
      readableKeys: [],
      deniedPrefixes: ["boot/", "app/", "pipeline/"],
    }),
    {
      // New network resources carry the infra stack's tags. Creates that are also authorized on
      // an existing parent (a subnet's VPC, a NAT gateway's subnet and Elastic IP) get the parent
      // from NetworkManage, so each create is granted on its own resource type only.
      Sid: "NetworkCreate",
      Effect: "Allow",
      Action: ["ec2:CreateVpc", "ec2:CreateInternetGateway", "ec2:AllocateAddress"],
      Resource: ec2("vpc", "internet-gateway", "elastic-ip"),
      Condition: requested,
    },
    { Sid: "NetworkCreateInVpc", Effect: "Allow", Action: ["ec2:CreateRouteTable", "ec2:CreateNatGateway"], Resource: ec2("route-table", "natgateway"), Condition: requested },
    { Sid: "SubnetCreate", Effect: "Allow", Action: ["ec2:CreateSubnet"], Resource: ec2("subnet"), Condition: requested },
    {
      Sid: "NetworkTagsOnCreate",
      Effect: "Allow",
      Action: ["ec2:CreateTags"],
      Resource: ec2(...INFRA_EC2_TYPES),
      Condition: {
        StringEquals: {
          ...tagConditions("aws:RequestTag", infraTags),
          "ec2:CreateAction": ["CreateVpc", "CreateSubnet", "CreateRouteTable", "CreateInternetGateway", "AllocateAddress", "CreateNatGateway", "CreateFlowLogs"],
        },
      },
    },
    { Sid: "FlowLogCreate", Effect: "Allow", Action: ["ec2:CreateFlowLogs"], Resource: ec2("vpc-flow-log"), Condition: requested },
    // The VPC the flow log watches: the env's own, or an existing (wrapped) one infra did not tag.
    { Sid: "FlowLogOnVpc", Effect: "Allow", Action: ["ec2:CreateFlowLogs"], Resource: ec2("vpc") },
    // The env's log bucket, named by its prefix (S3 has no tag conditions on bucket creation).
    { Sid: "LogBucket", Effect: "Allow", Action: LOG_BUCKET_ACTIONS, Resource: [arns.s3Bucket(c, `${names.logBucketPrefix}*`)] },
    {
      Sid: "CloudFrontPrefixList",
      Effect: "Allow",
      Action: ["ec2:GetManagedPrefixListEntries"],
      Resource: [arns.awsPrefixList(c, "*")],
    },
    {
      Sid: "NetworkManage",
      Effect: "Allow",
      Action: [
        "ec2:CreateSubnet",
        "ec2:CreateRouteTable",
        "ec2:CreateNatGateway",
        "ec2:AttachInternetGateway",
        "ec2:DetachInternetGateway",
        "ec2:AssociateRouteTable",
        "ec2:DisassociateRouteTable",
        "ec2:ReplaceRouteTableAssociation",
        "ec2:CreateRoute",
        "ec2:ReplaceRoute",
        "ec2:DeleteRoute",
        "ec2:ModifyVpcAttribute",
        "ec2:DescribeVpcAttribute",
        "ec2:ModifySubnetAttribute",
        "ec2:DeleteVpc",
        "ec2:DeleteSubnet",
        "ec2:DeleteRouteTable",
        "ec2:DeleteInternetGateway",
        "ec2:ReleaseAddress",
        "ec2:DeleteNatGateway",
        "ec2:DeleteFlowLogs",
        "ec2:CreateTags",
        "ec2:DeleteTags",
      ],
      Resource: ec2(...INFRA_EC2_TYPES),
      Condition: { StringEquals: tagConditions("aws:ResourceTag", infraTags) },
    },
    {
      Sid: "Cluster",
      Effect: "Allow",
      Action: ["ecs:CreateCluster", "ecs:DescribeClusters", "ecs:UpdateCluster", "ecs:DeleteCluster", "ecs:TagResource", "ecs:UntagResource"],
      Resource: [arns.ecsCluster(c, names.cluster)],
    },
    {
      Sid: "EcsServiceLinkedRole",
      Effect: "Allow",
      Action: ["iam:CreateServiceLinkedRole"],
      Resource: [arns.iamRole(c, "aws-service-role/ecs.amazonaws.com/*")],
      Condition: { StringEquals: { "iam:AWSServiceName": "ecs.amazonaws.com" } },
    },
    { Sid: "NamespaceCreate", Effect: "Allow", Action: ["servicediscovery:CreatePrivateDnsNamespace"], Resource: ["*"], Condition: requested },
    {
      Sid: "NamespaceManage",
      Effect: "Allow",
      Action: ["servicediscovery:GetNamespace", "servicediscovery:DeleteNamespace"],
      Resource: [arns.cloudMapNamespace(c, "*")],
      Condition: { StringEquals: tagConditions("aws:ResourceTag", infraTags) },
    },
    {
      // Cloud Map creates the namespace's private hosted zone with the caller's permissions;
      // Route 53 offers no tag or name condition for these. It deletes the zone itself.
      Sid: "NamespaceHostedZone",
      Effect: "Allow",
      Action: ["route53:CreateHostedZone", "route53:GetHostedZone", "route53:ListHostedZonesByName"],
      Resource: ["*"],
    },
    {
      // Wildcard-only actions (no resource to scope); GetOperation's id names no namespace.
      Sid: "Reads",
      Effect: "Allow",
      Action: [
        "ec2:DescribeVpcs",
        "ec2:DescribeSubnets",
        "ec2:DescribeRouteTables",
        "ec2:DescribeNetworkAcls",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeInternetGateways",
        "ec2:DescribeAddresses",
        "ec2:DescribeAddressesAttribute",
        "ec2:DescribeNatGateways",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeRegions",
        "ec2:DescribeFlowLogs",
        "ec2:DescribeManagedPrefixLists",
        "logs:CreateLogDelivery",
        "logs:DeleteLogDelivery",
        "servicediscovery:GetOperation",
        "servicediscovery:ListTagsForResource",
      ],
      Resource: ["*"],
    },
    {
      Sid: "DenyAccessLayerAndLanes",
      Effect: "Deny",
      Action: ["elasticloadbalancing:Create*", "elasticloadbalancing:Delete*", "elasticloadbalancing:Modify*", "ecs:CreateService", "ecs:UpdateService", "ecs:DeleteService"],
      Resource: ["*"],
    },
  ]);
}

/** The CodePipeline service role: artifacts, its one CodeBuild project, the connection. */
export function pipelineServicePolicy(c: BuildContext): PolicyDocument {
  return doc([
    {
      Sid: "PipelineArtifacts",
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:GetBucketVersioning", "s3:GetBucketLocation"],
      Resource: [c.artifactBucketArn, `${c.artifactBucketArn}/*`],
    },
    {
      Sid: "RunDeployProject",
      Effect: "Allow",
      Action: ["codebuild:StartBuild", "codebuild:BatchGetBuilds", "codebuild:StopBuild"],
      Resource: [arns.codebuildProject(c, c.project)],
    },
    {
      Sid: "SourceConnection",
      Effect: "Allow",
      Action: ["codestar-connections:UseConnection", "codeconnections:UseConnection"],
      Resource: [c.connectionArn],
    },
  ]);
}
