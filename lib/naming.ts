/**
 * The one place every physical name, stack name and AWS length limit comes from. Nothing else
 * in the project builds a name by hand: constructs take their names from here, and IAM policies
 * derive their resource patterns by calling the same functions with ANY (`*`) for a part, so a
 * pattern cannot drift from the names it covers.
 *
 * Every lane-scoped name orders its parts `{service}-{env}-{lane}`. A service name may not
 * contain its env as a word (`-{env}-` inside, or `-{env}` at the end): then the first `-{env}-`
 * in a name always ends the service, `{service}-{env}-` is a prefix no other service's names
 * share, and no two (service, lane) pairs of an env join into the same name.
 *
 * Shortening rule (ALB, target group, IAM role): when a name is longer than the
 * AWS limit, keep its first `limit - 7` characters (trailing hyphens trimmed),
 * then append `-` and the first 6 hex characters of the SHA-256 of the full
 * name. The result is deterministic, unique per full name, and still readable;
 * the full name is kept in the `Name`/`lanes:full-name` tags.
 */
import { createHash } from "node:crypto";
import {
  ALB_HEADER_VALUE_LIMIT,
  DEFAULT_LANE,
  LANE_PATTERN,
  MAX_LANE_LENGTH,
  laneNameProblem as protocolLaneProblem,
} from "../packages/lane-context/src/protocol";

/** The lane name rule and the default lane are the lane protocol's (shared with service code and the edge). */
export { DEFAULT_LANE, LANE_PATTERN, MAX_LANE_LENGTH };

/** AWS and W3C limits that bite; each is cited where it is enforced. */
export const Limits = {
  /** ALB and target group names: 32 chars of [A-Za-z0-9-], no leading/trailing hyphen. */
  albName: 32,
  targetGroupName: 32,
  /** IAM role names. */
  iamRoleName: 64,
  /** IAM managed policy names. */
  iamPolicyName: 128,
  /** ECS service and task family: 255 letters, digits, hyphens, underscores. */
  ecsName: 255,
  /** ALB http-header condition value. */
  headerValue: ALB_HEADER_VALUE_LIMIT,
  /** W3C tracestate list-member value. */
  tracestateValue: 256,
  /** Cloud Map service names are DNS labels. */
  dnsLabel: 63,
  /** ECR repository names. */
  ecrRepository: 256,
  /** CloudWatch log group names. */
  logGroupName: 512,
  /** Lambda function names: 64 of [A-Za-z0-9-_]. */
  lambdaFunctionName: 64,
  /** EventBridge rule names: 64 of [.\-_A-Za-z0-9]. */
  eventRuleName: 64,
  /** Hash suffix length used when shortening. */
  hashLength: 6,
} as const;

/** Env: short lower-case word, no hyphen (so `{service}-{env}` file names split unambiguously). */
export const ENV_PATTERN = /^[a-z][a-z0-9]{0,9}$/;
/** Service: DNS-label style, starts with a letter. */
export const SERVICE_PATTERN = /^[a-z](?:[a-z0-9-]*[a-z0-9])?$/;

/** CloudWatch namespace of the metrics the worker lanes' log metric filters publish (error lines, processed messages). */
export const WORKER_METRICS_NAMESPACE = "lanes/workers";

/** The low-capacity lane a worker release bakes in before it reaches `default`. */
export const CANARY_LANE = "canary";
export const MAX_SERVICE_LENGTH = 40;
export const MAX_ENV_LENGTH = 10;


export const LANE_RULE_TEXT = `lower-case letters, digits and hyphens, starting and ending with a letter or digit, at most ${MAX_LANE_LENGTH} characters (the ALB header condition value '*,ctx=lane:{lane},*' is limited to ${Limits.headerValue})`;
export const SERVICE_RULE_TEXT = `lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen, at most ${MAX_SERVICE_LENGTH} characters`;
export const ENV_RULE_TEXT = `a lower-case letter followed by lower-case letters or digits, at most ${MAX_ENV_LENGTH} characters, no hyphen`;

export class NamingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NamingError";
  }
}

/** Returns a reason when `lane` is not a valid lane name, else undefined. */
export function laneNameProblem(lane: string): string | undefined {
  if ((RESERVED_LANE_NAMES as readonly string[]).includes(lane)) return `'${lane}' is reserved: it tags the resources lanes share`;
  return protocolLaneProblem(lane);
}

/** Service names that would collide with the env-level stacks and pipelines. */
export const RESERVED_SERVICE_NAMES = ["infra", "bootstrap", "boot", "state", "app", "pipeline", "edge", "gc"] as const;
/** The platform's own env-level resources (the edge's `lanes-edge-{env}-*`) start with this; services may not. */
export const RESERVED_SERVICE_PREFIX = "lanes-";
/** Values of the `lane` tag on shared resources (lib/policies conditions rely on them), so never lane names. */
export const RESERVED_LANE_NAMES = ["shared", "pipeline"] as const;

/** Stands for any value of a part: name functions called with it give the IAM pattern of the name. */
export const ANY = "*";

export function serviceNameProblem(service: string): string | undefined {
  if ((RESERVED_SERVICE_NAMES as readonly string[]).includes(service)) return `'${service}' is reserved for the platform's own stacks and pipelines`;
  if (service.startsWith(RESERVED_SERVICE_PREFIX)) return `names starting with '${RESERVED_SERVICE_PREFIX}' are reserved for the platform's own resources`;
  if (service.length > MAX_SERVICE_LENGTH) return `service name is ${service.length} characters long`;
  if (!SERVICE_PATTERN.test(service)) return "service name has characters outside [a-z0-9-], starts with a digit or hyphen, or ends with a hyphen";
  return undefined;
}

/**
 * A service name that contains its env as a word would make `{service}-{env}-{lane}` names
 * ambiguous (`a` + lane `dev-b` and `a-dev` + lane `b` are both `a-dev-dev-b` in dev) and let
 * `{service}-{env}-*` patterns reach another service's resources.
 */
export function serviceInEnvProblem(service: string, env: string): string | undefined {
  if (service.includes(`-${env}-`) || service.endsWith(`-${env}`)) {
    return `it contains the env '${env}' as a word, which would make its resource names ({service}-{env}-{lane}) ambiguous with another service's`;
  }
  return undefined;
}

export function envNameProblem(env: string): string | undefined {
  if (!ENV_PATTERN.test(env)) return "env name is not a short lower-case word";
  return undefined;
}

export function assertLane(lane: string, where = "LANE"): string {
  const problem = laneNameProblem(lane);
  if (problem) throw new NamingError(`${where}='${lane}' is not a valid lane: ${problem}. Allowed: ${LANE_RULE_TEXT}.`);
  return lane;
}

export function assertService(service: string, where = "SERVICE", env?: string): string {
  const problem = serviceNameProblem(service) ?? (env ? serviceInEnvProblem(service, env) : undefined);
  if (problem) throw new NamingError(`${where}='${service}' is not a valid service${env ? ` in env '${env}'` : ""}: ${problem}. Allowed: ${SERVICE_RULE_TEXT}${env ? `, not containing '-${env}-' or ending with '-${env}'` : ""}.`);
  return service;
}

export function assertEnv(env: string, where = "ENV"): string {
  const problem = envNameProblem(env);
  if (problem) throw new NamingError(`${where}='${env}' is not a valid env: ${problem}. Allowed: ${ENV_RULE_TEXT}.`);
  return env;
}

/** First `Limits.hashLength` hex characters of SHA-256(text). */
export function shortHash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, Limits.hashLength);
}

/** Shortens `name` to `limit` characters with the documented hash rule; returns it unchanged when it fits. */
export function fitName(name: string, limit: number): string {
  if (name.length <= limit) return name;
  const head = name.slice(0, limit - Limits.hashLength - 1).replace(/-+$/, "");
  return `${head}-${shortHash(name)}`;
}

/** The tag of an image built from a commit: `sha-` and the commit's first 7 hex digits. */
export function imageTag(commit: string): string {
  if (!/^[0-9a-f]{7,40}$/.test(commit)) throw new NamingError(`COMMIT='${commit}' is not a git commit id (7 to 40 lower-case hex digits).`);
  return `sha-${commit.slice(0, 7)}`;
}

/** Stack names: the unit of state, lock and `cdktf deploy`. */
export const stackNames = {
  state: (env: string) => `state-${env}`,
  infra: (env: string) => `infra-${env}`,
  boot: (service: string, env: string) => `boot-${service}-${env}`,
  app: (service: string, env: string, lane: string) => `app-${service}-${env}-${lane}`,
  pipeline: (pipelineName: string) => `pipeline-${pipelineName}`,
  edge: (env: string) => `edge-${env}`,
} as const;

/** A physical name that may have been shortened, with the full name for tags. */
export interface FittedName {
  readonly name: string;
  readonly fullName: string;
  readonly shortened: boolean;
}

function fitted(fullName: string, limit: number): FittedName {
  const name = fitName(fullName, limit);
  return { name, fullName, shortened: name !== fullName };
}

/** Key prefix of the ALB access logs in the env's log bucket. */
const ACCESS_LOG_ROOT = "alb";

/** Names of the env-level (infra) resources; network names are `Name` tags. */
export function infraNames(env: string) {
  return {
    stack: stackNames.infra(env),
    vpc: `${env}-vpc`,
    internetGateway: `${env}-igw`,
    publicRouteTable: `${env}-public`,
    publicSubnet: (zone: string) => `${env}-public-${zone}`,
    privateSubnet: (zone: string) => `${env}-private-${zone}`,
    privateRouteTable: (zone: string) => `${env}-private-${zone}`,
    /** The NAT gateway of zone index `i` and its Elastic IP. */
    natGateway: (i: number) => `${env}-nat-${i}`,
    cluster: `${env}-cluster`,
    namespace: `${env}.local`,
    /** The env's log bucket (ALB access logs, VPC flow logs): at most 22 characters (env ≤ 10) of the 37 S3's bucket_prefix allows. */
    logBucketPrefix: `lanes-${env}-logs-`,
    /** Key prefix of the VPC flow logs in the log bucket. */
    flowLogPrefix: "vpc-flow-logs",
    /** Key prefix of every service's ALB access logs in the log bucket (accessLogPrefix). */
    accessLogRoot: ACCESS_LOG_ROOT,
    flowLog: `${env}-flow-logs`,
  };
}

/** Key prefix of a service's ALB access logs in the env's log bucket (ELB adds `/AWSLogs/{account}/…`). */
export function accessLogPrefix(service: string): string {
  return `${ACCESS_LOG_ROOT}/${service}`;
}

/**
 * The request header CloudFront adds for origin secret generation `generation`, which the ALB
 * rules of a service behind the edge require. Consecutive generations have different names, so
 * CloudFront can send the old and the new one together during a rotation.
 */
export function originSecretHeader(generation: number): string {
  return `x-lanes-origin-${generation % 2}`;
}

/** Names of the service-level (boot) resources. */
export function serviceNames(service: string, env: string) {
  const prefix = `${service}-${env}`;
  return {
    stack: stackNames.boot(service, env),
    alb: fitted(`${prefix}-alb`, Limits.albName),
    albSecurityGroup: `${prefix}-alb-sg`,
    taskSecurityGroup: `${prefix}-task-sg`,
    /** `Name` tag of the ALB's internal listener (the one callers use when the routing listener is closed to them). */
    internalListener: `${prefix}-internal`,
    defaultTargetGroup: fitted(`${prefix}-default-tg`, Limits.targetGroupName),
    /** `Name` tag of the rule forwarding edge traffic to the default target group (a service behind the edge). */
    defaultRule: `${prefix}-default-rule`,
    logGroup: `/ecs/${env}/${service}`,
    cloudMapService: service,
    ecrRepository: `${env}/${service}`,
    taskExecutionRole: fitted(`${prefix}-task-exec`, Limits.iamRoleName),
    taskRole: fitted(`${prefix}-task`, Limits.iamRoleName),
    /** Container name inside every lane's task definition. */
    container: service,
    alarmTopic: `${prefix}-alarms`,
    /** The service's CloudWatch dashboard (names: 255 of [A-Za-z0-9_-]). */
    dashboard: prefix,
    /** Worker queues (SQS names: 80 characters of [A-Za-z0-9_-]). */
    queue: `${prefix}-queue`,
    deadLetterQueue: `${prefix}-dlq`,
    /** The per-hop fallback switch (http services with an ALB): its Lambda, role, EventBridge rule and Lambda's log group. */
    fallback: fallbackNames(prefix),
  };
}

function fallbackNames(prefix: string) {
  const fn = fitted(`${prefix}-fallback`, Limits.lambdaFunctionName);
  return {
    function: fn,
    role: fitted(`${prefix}-fallback`, Limits.iamRoleName),
    rule: fitted(`${prefix}-lane-health`, Limits.eventRuleName),
    /** Lambda writes to `/aws/lambda/{function name}`. */
    logGroup: `/aws/lambda/${fn.name}`,
  };
}

/**
 * The environment variable that holds a callee's base URL in every lane of a service that calls
 * it (params `calls`): `order-api` → `ORDER_API_URL`.
 */
export function calleeUrlVariable(callee: string): string {
  return `${callee.replace(/-/g, "_").toUpperCase()}_URL`;
}

/** The variable that holds `{namespace}/{cloud map service}` of a callee called directly (params `discovery`). */
export function calleeDiscoveryVariable(callee: string): string {
  return `${callee.replace(/-/g, "_").toUpperCase()}_DISCOVERY`;
}

/** Names of one lane's resources. */
export function laneNames(service: string, env: string, lane: string) {
  const prefix = `${service}-${env}-${lane}`;
  return {
    /** Every lane-scoped name below starts with it. */
    prefix,
    stack: stackNames.app(service, env, lane),
    targetGroup: fitted(`${prefix}-tg`, Limits.targetGroupName),
    listenerRule: `${prefix}-rule`,
    /** The lane's rule on the service's internal listener (the one its callers use, behind the edge or HTTPS only). */
    internalListenerRule: `${prefix}-internal-rule`,
    /** The weighted catch-all rule while the lane is ramped (`Name` tag). */
    rampRule: `${prefix}-ramp`,
    taskFamily: `${prefix}-task`,
    ecsService: prefix,
    /** awslogs-stream-prefix: streams are `{lane}/{container}/{task-id}`. */
    logStreamPrefix: lane,
    /** The lane's CloudWatch alarms (the canary bake watches them by name). */
    alarms: {
      errorRate: `${prefix}-5xx-rate`,
      healthyHosts: `${prefix}-healthy-hosts`,
      unhealthyHosts: `${prefix}-unhealthy-hosts`,
      runningBelowDesired: `${prefix}-running-below-desired`,
      deadLetters: `${prefix}-dead-letters`,
      oldestMessage: `${prefix}-oldest-message-age`,
      errorLines: `${prefix}-error-lines`,
    },
    /** A worker lane's messages processed (log metric filter on its `processed` lines; namespace lanes/workers). */
    processedMetric: `${prefix}-processed`,
  };
}

/**
 * The `{service}-{env}-` head every lane target group name starts with, even when shortened
 * (fitName keeps the first 25 characters): IAM scopes lane target groups with it.
 */
export function laneTargetGroupPrefix(service: string, env: string): string {
  return `${service}-${env}-`.slice(0, Limits.targetGroupName - Limits.hashLength - 1);
}

export type PipelineKind = { readonly kind: "infra" } | { readonly kind: "bootstrap" } | { readonly kind: "gc" } | { readonly kind: "app"; readonly service: string };

/** Pipeline names: `infra-{env}`, `bootstrap-{env}`, `gc-{env}`, `{service}-{env}`, and their parts. */
export function pipelineNames(env: string, kind: PipelineKind) {
  const pipeline = kind.kind === "app" ? `${kind.service}-${env}` : `${kind.kind}-${env}`;
  const project = `${pipeline}-deploy`;
  return {
    pipeline,
    stack: stackNames.pipeline(pipeline),
    project,
    codebuildRole: fitted(`${pipeline}-codebuild`, Limits.iamRoleName),
    /** The CodeBuild role's managed policies, numbered from 1 (lib/policies/pack.ts). */
    codebuildPolicy: (part: number) => fitted(`${pipeline}-codebuild-deploy-${part}`, Limits.iamPolicyName),
    /** The build's security group when it runs in the VPC (a service with an internal ALB). */
    codebuildSecurityGroup: `${pipeline}-codebuild`,
    /** Its managed policy (network interfaces in the VPC). */
    codebuildVpcPolicy: `${pipeline}-codebuild-vpc`,
    pipelineRole: fitted(`${pipeline}-pipeline`, Limits.iamRoleName),
    /** S3 bucket_prefix is limited to 37 characters. */
    artifactBucketPrefix: `lanes-${pipeline}-`.slice(0, 37),
    buildLogGroup: `/aws/codebuild/${project}`,
    /** Prefix in the artifact bucket of the CodeBuild cache (one copy per ci/buildspec.yml cache key). */
    buildCachePrefix: "build-cache",
    /** The EventBridge rule that starts a scheduled pipeline (gc), and the role it starts it with. */
    scheduleRule: `${pipeline}-schedule`,
    scheduleRole: fitted(`${pipeline}-schedule`, Limits.iamRoleName),
  };
}

/** The edge rules table's partition key attribute. */
export const RULES_TABLE_KEY = "id";

/** The env's edge: CloudFront, its functions and KeyValueStore, the rules sync. */
export function edgeNames(env: string) {
  const prefix = `lanes-edge-${env}`;
  return {
    stack: stackNames.edge(env),
    distributionComment: `lanes edge ${env}`,
    /** KeyValueStore and function names: 64 characters of [A-Za-z0-9_-]. */
    keyValueStore: `${prefix}-rules`,
    viewerRequestFunction: `${prefix}-viewer-request`,
    viewerResponseFunction: `${prefix}-viewer-response`,
    rulesTable: `${prefix}-rules`,
    /** The rules table's partition key attribute (items `rules` and `keys`). */
    rulesTableKey: RULES_TABLE_KEY,
    syncFunction: `${prefix}-sync`,
    /** Lambda's own log group of the sync function. */
    syncLogGroup: `/aws/lambda/${prefix}-sync`,
    syncRole: fitted(`${prefix}-sync`, Limits.iamRoleName),
    syncSchedule: `${prefix}-sync`,
    alarmTopic: `${prefix}-alarms`,
    invalidRulesAlarm: `${prefix}-invalid-rules`,
    syncErrorsAlarm: `${prefix}-sync-errors`,
    /** Item of the rules table holding the signing keys (the rules are item `active`). */
    keysItem: "keys",
    /** CloudFront Functions log to this group in us-east-1, whatever the distribution's region. */
    viewerRequestLogGroup: `/aws/cloudfront/function/${prefix}-viewer-request`,
    rejectedMetricFilter: `${prefix}-rejected`,
  };
}

/**
 * The managed policy every role the bootstrap pipeline creates carries as its permissions
 * boundary (one per env; lib/policies/roles.ts taskRoleBoundaryPolicy is its document).
 */
export function taskRoleBoundaryName(env: string): string {
  return `lanes-task-boundary-${env}`;
}

/** Env-level state backend resources created by the `state-{env}` stack. */
export function stateNames(env: string) {
  return {
    stack: stackNames.state(env),
    defaultLockTable: `lanes-tf-locks-${env}`,
  };
}
