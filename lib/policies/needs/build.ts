/**
 * Calls a layer's deploy makes outside the Terraform resources: the AWS provider's own
 * configuration, and what the app pipeline's build does around `cdktf deploy` (ci/build.sh, the
 * lanes CLI): push the image, list the service's lanes, check health, read the lanes' metrics
 * and move a ramp's weights.
 */
import { edgeNames, pipelineNames, serviceNames, type PipelineKind } from "../../naming";
import { statePrefixes, stateKey } from "../../state";
import { arns } from "../arns";
import { laneArns } from "./ids";
import type { Layer, Need, NeedContext } from "./types";

const any = () => "*";
const repository = (c: NeedContext) => arns.ecrRepository(c, serviceNames(c.service, c.env).ecrRepository);

const pipelineOf = (layer: Layer, c: NeedContext): PipelineKind => (layer === "app" ? { kind: "app", service: c.service } : { kind: layer === "boot" ? "bootstrap" : "infra" });

/** The build's own log group (the pipeline's artifacts and source connection are its plumbing, not the stacks'). */
const buildLogs = (layer: Layer): Need[] =>
  (["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"] as const).map((action) => ({
    layer,
    resourceType: "build.codebuild",
    operation: "create",
    action,
    resource: (c: NeedContext) => arns.logGroup(c, `${pipelineNames(c.env, pipelineOf(layer, c)).buildLogGroup}${action === "logs:CreateLogGroup" ? "" : ":*"}`),
    scope: layer === "app" ? "service" : "env",
  }));

const provider = (layer: Layer): Need => ({
  layer,
  resourceType: "provider.aws",
  operation: "read",
  action: "sts:GetCallerIdentity",
  resource: any,
  scope: "account",
  note: "credential validation and the account id (the S3 backend does the same)",
});

const push = (action: string, note?: string): Need => ({
  layer: "app",
  resourceType: "build.image",
  operation: "create",
  action,
  resource: repository,
  resourceTags: "boot",
  scope: "service",
  ...(note ? { note } : {}),
});

export const BUILD_NEEDS: readonly Need[] = [
  provider("infra"),
  provider("boot"),
  provider("app"),
  ...buildLogs("infra"),
  ...buildLogs("boot"),
  ...buildLogs("app"),
  { layer: "app", resourceType: "build.image", operation: "create", action: "ecr:GetAuthorizationToken", resource: any, scope: "account", note: "docker login" },
  push("ecr:BatchGetImage", "is the commit's image already there?"),
  push("ecr:BatchCheckLayerAvailability", "docker push: which layers the repository lacks"),
  push("ecr:InitiateLayerUpload", "docker push: a missing layer"),
  push("ecr:UploadLayerPart", "docker push: a missing layer"),
  push("ecr:CompleteLayerUpload", "docker push: a missing layer"),
  push("ecr:PutImage"),
  push("ecr:GetDownloadUrlForLayer", "build cache pulls"),
  {
    layer: "app",
    resourceType: "build.lanes-cli",
    operation: "read",
    action: "s3:ListBucket",
    resource: (c) => arns.s3Bucket(c, c.state.bucket),
    context: (c) => ({ "s3:prefix": statePrefixes.app(c.env, c.service) }),
    scope: "service",
    note: "lanes status/promote list the service's lanes from their state keys",
  },
  ...(["elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeRules", "elasticloadbalancing:DescribeTargetGroups", "servicequotas:ListServiceQuotas"] as const).map(
    (action): Need => ({
      layer: "app",
      resourceType: "build.lanes-cli",
      operation: "read",
      action,
      resource: any,
      scope: "account",
      note: "lanes deploy of a new lane: the ALB's rules and target groups against the account's quotas, before Terraform",
    }),
  ),
  {
    layer: "app",
    resourceType: "build.lanes-cli",
    operation: "read",
    action: "s3:GetObject",
    resource: (c) => arns.s3Object(c, c.state.bucket, stateKey({ layer: "edge", env: c.env })),
    scope: "env",
    note: "verify through the edge (a service behind it): the distribution's domain",
  },
  ...["active", "keys"].map(
    (item): Need => ({
      layer: "app",
      resourceType: "build.lanes-cli",
      operation: "read",
      action: "dynamodb:GetItem",
      resource: (c) => arns.dynamoTable(c, edgeNames(c.env).rulesTable),
      context: () => ({ "dynamodb:LeadingKeys": [item] }),
      scope: "env",
      note: item === "keys" ? "verify through the edge: mints a short tester token with the current edge key" : "verify through the edge: the rules' tester header",
    }),
  ),
  {
    layer: "app",
    resourceType: "build.lanes-cli",
    operation: "read",
    action: "elasticloadbalancing:DescribeTags",
    resource: any,
    scope: "account",
    note: "verify: finds the lane's rules by their lanes:target-group tag to restore them once the lane is healthy",
  },
  {
    layer: "app",
    resourceType: "build.lanes-cli",
    operation: "update",
    action: "elasticloadbalancing:ModifyRule",
    resource: laneArns.listenerRule,
    resourceTags: "app",
    scope: "lane",
    note: "verify: a new lane's rules fell back while its healthy-hosts alarm was in ALARM (no targets yet); restored once it has a healthy target",
  },
  {
    layer: "app",
    resourceType: "build.lanes-cli",
    operation: "read",
    action: "elasticloadbalancing:DescribeTargetHealth",
    resource: any,
    scope: "account",
    note: "verify: a healthy target in the lane's target group",
  },
  {
    layer: "app",
    resourceType: "build.lanes-cli",
    operation: "read",
    action: "cloudwatch:GetMetricData",
    resource: any,
    scope: "account",
    note: "ramp (ACTION=ramp) and the canary's comparison with default read the lanes' ALB metrics and log metrics",
  },
  {
    layer: "app",
    resourceType: "build.lanes-cli",
    operation: "read",
    action: "elasticloadbalancing:DescribeRules",
    resource: any,
    scope: "account",
    note: "ramp: which lane holds the ramp rule (priority 50000) on the service's listener",
  },
  {
    layer: "app",
    resourceType: "build.lanes-cli",
    operation: "read",
    action: "elasticloadbalancing:DescribeTags",
    resource: any,
    scope: "account",
    note: "ramp: the holder's lane tag",
  },
  {
    layer: "app",
    resourceType: "build.lanes-cli",
    operation: "update",
    action: "elasticloadbalancing:ModifyRule",
    resource: laneArns.rampRule,
    resourceTags: "app",
    scope: "lane",
    note: "ramp: the weights of the lane's ramp rule (Terraform ignores changes to its action)",
  },
];
