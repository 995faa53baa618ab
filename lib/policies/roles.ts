/**
 * The pipelines' CodeBuild role policies (seed 001 §7.3, from CloudFormation stack ARNs to state
 * keys and resources). Each is a plain policy document built from the naming module and the
 * state layout, rendered into the stack as JSON and evaluated by the policy tests.
 *
 * - app `{service}-{env}`: its service's lane state only; lane services, task definitions,
 *   target groups and listener rules of its service; PassRole of its service's task roles; Deny
 *   on lower layers' state, on the ALB, its listeners and the default target group, and on the
 *   network and security groups.
 * - bootstrap `bootstrap-{env}`: boot state of the env's services (the pipeline serves every
 *   service; SERVICE is chosen per run); the access-layer resources; Deny on infra/app state and
 *   network changes.
 * - infra `infra-{env}`: infra state and the env's network, cluster and namespace; Deny on boot/app state.
 */
import type { PolicyDocument, Statement } from "../iam-eval";
import { infraNames, laneTargetGroupPrefix, serviceNames } from "../naming";
import type { StateConfig } from "../params/config";
import { statePrefixes, stateKey } from "../state";
import { arns } from "./arns";
import { NETWORK_WRITE_ACTIONS, buildCommonStatements, type BuildContext } from "./build-common";
import { stateStatements } from "./state-access";

export interface RoleContext extends BuildContext {
  readonly env: string;
  readonly state: StateConfig;
}

const doc = (statements: Statement[]): PolicyDocument => ({ Version: "2012-10-17", Statement: statements });

const SECURITY_GROUP_WRITE_ACTIONS = [
  "ec2:CreateSecurityGroup",
  "ec2:DeleteSecurityGroup",
  "ec2:AuthorizeSecurityGroupIngress",
  "ec2:AuthorizeSecurityGroupEgress",
  "ec2:RevokeSecurityGroupIngress",
  "ec2:RevokeSecurityGroupEgress",
  "ec2:ModifySecurityGroupRules",
] as const;

export function appRolePolicy(c: RoleContext, service: string): PolicyDocument {
  const svc = serviceNames(service, c.env);
  const cluster = infraNames(c.env).cluster;
  const albName = svc.alb.name;
  return doc([
    ...buildCommonStatements(c),
    ...stateStatements(c, c.state, {
      writablePrefix: statePrefixes.app(c.env, service),
      readableKeys: [stateKey({ layer: "infra", env: c.env }), stateKey({ layer: "boot", env: c.env, service })],
      deniedPrefixes: ["infra/", "boot/", "pipeline/"],
    }),
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
    { Sid: "EcrLogin", Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: ["*"] },
    {
      Sid: "LaneServices",
      Effect: "Allow",
      Action: ["ecs:CreateService", "ecs:UpdateService", "ecs:DeleteService", "ecs:TagResource", "ecs:UntagResource"],
      Resource: [arns.ecsService(c, cluster, `${service}-${c.env}-*`)],
    },
    {
      // RegisterTaskDefinition/DeregisterTaskDefinition accept no resource-level scoping.
      Sid: "TaskDefinitions",
      Effect: "Allow",
      Action: ["ecs:RegisterTaskDefinition", "ecs:DeregisterTaskDefinition"],
      Resource: ["*"],
    },
    {
      Sid: "TagLaneTaskDefinitions",
      Effect: "Allow",
      Action: ["ecs:TagResource", "ecs:UntagResource"],
      Resource: [arns.ecsTaskDefinition(c, `${service}-*-${c.env}-task`)],
    },
    {
      Sid: "LaneTargetGroups",
      Effect: "Allow",
      Action: [
        "elasticloadbalancing:CreateTargetGroup",
        "elasticloadbalancing:DeleteTargetGroup",
        "elasticloadbalancing:ModifyTargetGroup",
        "elasticloadbalancing:ModifyTargetGroupAttributes",
        "elasticloadbalancing:AddTags",
        "elasticloadbalancing:RemoveTags",
      ],
      Resource: [arns.elb(c, `targetgroup/${laneTargetGroupPrefix(service, c.env)}*/*`)],
    },
    {
      Sid: "LaneRulesOnServiceListeners",
      Effect: "Allow",
      Action: ["elasticloadbalancing:CreateRule"],
      Resource: [arns.elb(c, `listener/app/${albName}/*/*`)],
    },
    {
      Sid: "LaneRules",
      Effect: "Allow",
      Action: [
        "elasticloadbalancing:ModifyRule",
        "elasticloadbalancing:DeleteRule",
        "elasticloadbalancing:SetRulePriorities",
        "elasticloadbalancing:AddTags",
        "elasticloadbalancing:RemoveTags",
      ],
      Resource: [arns.elb(c, `listener-rule/app/${albName}/*/*/*`)],
    },
    {
      Sid: "LaneAlarms",
      Effect: "Allow",
      Action: ["cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms", "cloudwatch:TagResource", "cloudwatch:UntagResource", "cloudwatch:ListTagsForResource"],
      Resource: [arns.alarm(c, `${service}-${c.env}-*`)],
    },
    { Sid: "ReadAlarms", Effect: "Allow", Action: ["cloudwatch:DescribeAlarms"], Resource: ["*"] },
    {
      // Application Auto Scaling scopes by scalable target ARN, which names no service: the
      // targets it may register are limited by the ECS service condition below.
      Sid: "LaneScaling",
      Effect: "Allow",
      Action: [
        "application-autoscaling:RegisterScalableTarget",
        "application-autoscaling:DeregisterScalableTarget",
        "application-autoscaling:PutScalingPolicy",
        "application-autoscaling:DeleteScalingPolicy",
        "application-autoscaling:TagResource",
      ],
      Resource: ["*"],
      Condition: { StringLike: { "application-autoscaling:service-namespace": "ecs" } },
    },
    {
      Sid: "ScalingServiceLinkedRole",
      Effect: "Allow",
      Action: ["iam:CreateServiceLinkedRole"],
      Resource: ["*"],
      Condition: { StringEquals: { "iam:AWSServiceName": "ecs.application-autoscaling.amazonaws.com" } },
    },
    { Sid: "ReadScaling", Effect: "Allow", Action: ["application-autoscaling:Describe*", "application-autoscaling:ListTagsForResource"], Resource: ["*"] },
    {
      Sid: "PassServiceTaskRoles",
      Effect: "Allow",
      Action: ["iam:PassRole"],
      Resource: [arns.iamRole(c, svc.taskExecutionRole.name), arns.iamRole(c, svc.taskRole.name)],
      Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
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
      Action: ["elasticloadbalancing:DeleteTargetGroup", "elasticloadbalancing:ModifyTargetGroup", "elasticloadbalancing:ModifyTargetGroupAttributes"],
      Resource: [arns.elb(c, `targetgroup/${svc.defaultTargetGroup.name}/*`)],
    },
    { Sid: "DenyNetworkAndSecurityGroups", Effect: "Deny", Action: [...NETWORK_WRITE_ACTIONS, ...SECURITY_GROUP_WRITE_ACTIONS], Resource: ["*"] },
  ]);
}

export function bootstrapRolePolicy(c: RoleContext): PolicyDocument {
  const env = c.env;
  return doc([
    ...buildCommonStatements(c),
    ...stateStatements(c, c.state, {
      writablePrefix: statePrefixes.boot(env),
      readableKeys: [stateKey({ layer: "infra", env })],
      deniedPrefixes: ["infra/", "app/", "pipeline/"],
    }),
    {
      Sid: "AccessLayer",
      Effect: "Allow",
      Action: ["elasticloadbalancing:*", ...SECURITY_GROUP_WRITE_ACTIONS, "ec2:CreateTags", "ec2:DeleteTags", "servicediscovery:*"],
      Resource: ["*"],
    },
    {
      Sid: "ServiceLogGroups",
      Effect: "Allow",
      Action: ["logs:*"],
      Resource: [arns.logGroup(c, `/ecs/${env}/*`)],
    },
    { Sid: "ServiceRepositories", Effect: "Allow", Action: ["ecr:*"], Resource: [arns.ecrRepository(c, `${env}/*`)] },
    { Sid: "AlarmTopics", Effect: "Allow", Action: ["sns:*"], Resource: [arns.snsTopic(c, `*-${env}-alarms`)] },
    {
      Sid: "ServiceTaskRoles",
      Effect: "Allow",
      Action: [
        "iam:CreateRole",
        "iam:DeleteRole",
        "iam:TagRole",
        "iam:UntagRole",
        "iam:UpdateAssumeRolePolicy",
        "iam:AttachRolePolicy",
        "iam:DetachRolePolicy",
      ],
      Resource: [arns.iamRole(c, `*-${env}-task*`)],
    },
    { Sid: "DenyNetwork", Effect: "Deny", Action: [...NETWORK_WRITE_ACTIONS], Resource: ["*"] },
  ]);
}

export function infraRolePolicy(c: RoleContext): PolicyDocument {
  const env = c.env;
  const names = infraNames(env);
  return doc([
    ...buildCommonStatements(c),
    ...stateStatements(c, c.state, {
      writablePrefix: statePrefixes.infra(env),
      readableKeys: [],
      deniedPrefixes: ["boot/", "app/", "pipeline/"],
    }),
    { Sid: "Network", Effect: "Allow", Action: [...NETWORK_WRITE_ACTIONS, "ec2:*"], Resource: ["*"] },
    {
      Sid: "Cluster",
      Effect: "Allow",
      Action: ["ecs:CreateCluster", "ecs:DeleteCluster", "ecs:UpdateCluster", "ecs:UpdateClusterSettings", "ecs:TagResource", "ecs:UntagResource", "ecs:PutClusterCapacityProviders"],
      Resource: [arns.ecsCluster(c, names.cluster)],
    },
    {
      // A private DNS namespace creates a Route 53 hosted zone associated with the VPC.
      Sid: "Namespace",
      Effect: "Allow",
      Action: ["servicediscovery:*", "route53:CreateHostedZone", "route53:DeleteHostedZone", "route53:GetHostedZone", "route53:ListHostedZonesByName", "route53:ChangeTagsForResource", "route53:AssociateVPCWithHostedZone", "route53:GetChange"],
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
