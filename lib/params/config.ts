/**
 * The typed, resolved configuration the stacks are built from: the schema's output types
 * (defaults applied by the schema), plus what is computed from several files or the env.
 */
import type { ContainerSecret, SecretSource } from "../secrets";
import type { AlarmThresholds, AnalysisParams, AuditParams, BootSettings, HttpsListenerParams, InfraParamsFile, OriginSecretParams, RampParams, ScalingParams, WorkerParams } from "./schema";

export type { AlarmThresholds } from "./schema";

export type LockMode = "lockfile" | "dynamodb" | "both";

/** Where state lives when it is not AWS itself: an S3-compatible store, or the local harness. */
export interface StateEndpoints {
  readonly s3: string;
  /** The lock table's DynamoDB endpoint (needed with `dynamodb`/`both` locking). */
  readonly dynamodb?: string;
}

export interface StateConfig {
  readonly bucket: string;
  readonly region: string;
  readonly lock: LockMode;
  readonly lockTable: string;
  /** Custom endpoints; undefined means AWS (the production default). */
  readonly endpoints?: StateEndpoints;
}

export type NetworkConfig = InfraParamsFile["network"];

export type PipelineConfig = NonNullable<InfraParamsFile["pipelines"]>;

export interface InfraConfig {
  readonly env: string;
  readonly region: string;
  readonly state: StateConfig;
  readonly network: NetworkConfig;
  readonly availabilityZones: readonly string[];
  readonly cloudMap: { readonly initCloudMap: boolean; readonly namespace: string };
  readonly containerInsights: "enabled" | "enhanced" | "disabled";
  readonly protectSharedResources: boolean;
  /** Undefined when the env has no pipelines section. */
  readonly pipelines?: PipelineConfig;
  /** Fargate prices for cost estimates; undefined: lib/ops/pricing.ts. */
  readonly pricing?: InfraParamsFile["pricing"];
  /** ALB access logs and VPC flow logs (the env's log bucket). */
  readonly audit: AuditConfig;
  /** Set when the env has an edge (edge-{env}.json): infra keeps the origin secret's generations and looks up CloudFront's prefix list. */
  readonly edge?: { readonly originSecretGenerations: readonly number[] };
  /**
   * Configure the AWS provider to skip credential, account and region checks (offline plans with
   * fake credentials, S3-compatible test stacks). Off in production; set by LANES_SKIP_AWS_VALIDATION=1.
   */
  readonly skipAwsValidation: boolean;
}

export type HttpsListenerConfig = HttpsListenerParams;

export type AuditConfig = AuditParams;

/** A service behind the edge: its ALB admits CloudFront only, with the origin secret of this generation. */
export interface OriginGuardConfig {
  readonly generation: number;
}

/** A service this one calls (params `calls`): how its tasks reach the callee's ALB. */
export interface CallConfig {
  /** The callee, an http service with an ALB in the same env. */
  readonly service: string;
  /** The variable holding the callee's base URL in every lane of the caller, e.g. ORDER_API_URL. */
  readonly urlVariable: string;
  /** The callee's listener port callers connect to (its internal listener, else its HTTP listener). */
  readonly port: number;
  /** Set when the caller also calls it directly (params `discovery`): found through Cloud Map by lane. */
  readonly discovery?: CallDiscoveryConfig;
}

/** A direct, lane-aware call through Cloud Map (params `discovery`). */
export interface CallDiscoveryConfig {
  /** The variable holding `{namespace}/{service}` in every lane of the caller, e.g. ORDER_API_DISCOVERY. */
  readonly variable: string;
  /** The env's Cloud Map namespace. */
  readonly namespace: string;
  /** The callee's Cloud Map service. */
  readonly cloudMapService: string;
  /** The callee's container port, which its task security group opens to the caller's tasks. */
  readonly containerPort: number;
}

/** A service's access layer: boot-{env}.json (defaults, then the service's entry) and the service's kind from its own file. */
export interface BootConfig extends Omit<BootSettings, "listeners" | "deletionProtection"> {
  readonly service: string;
  readonly env: string;
  /** From the service's params file (http when there is none). A worker has a queue and no ALB. */
  readonly kind: ServiceKind;
  readonly worker?: WorkerConfig;
  readonly httpPort: number;
  readonly https?: HttpsListenerConfig;
  /** Set in params, else on in every env but `dev`. */
  readonly deletionProtection: boolean;
  /** Set when the service is an origin of edge-{env}.json (an http service behind CloudFront). */
  readonly originGuard?: OriginGuardConfig;
  /** The services it calls (its service file's `calls`): its task security group may reach their ALBs. */
  readonly calls: readonly CallConfig[];
  /** Every secret reference of the service's params (service and declared lanes): what its execution role may read. */
  readonly secrets: readonly SecretSource[];
}

export type ScalingConfig = ScalingParams;

export interface LaneConfig {
  readonly service: string;
  readonly env: string;
  readonly lane: string;
  /** True when the lane is listed in the service's params; false for an ad-hoc lane (laneDefaults). */
  readonly declared: boolean;
  readonly desiredCount: number;
  /** Listener rule priority (unused by the default lane). */
  readonly priority: number;
  /** Image from params (lane, else service); IMAGE_URI and the public default are applied by the stack selection. */
  readonly image?: string;
  readonly environment: Readonly<Record<string, string>>;
  /** Container secrets (references): the service's, then the lane's (which win by name). */
  readonly secrets: readonly ContainerSecret[];
  /** Autoscaling; undefined keeps desiredCount fixed. */
  readonly scaling?: ScalingConfig;
  readonly alarms: AlarmThresholds;
  /** Time to live after each deploy (lib/ttl.ts): the lane's, else laneDefaults'; never for default. */
  readonly ttl?: string;
  /** What its rules do while it has no healthy target: the lane's, else laneDefaults'. */
  readonly onUnhealthy: "default" | "refuse";
}

/** A queue worker: its queue, backlog scaling target, canary and worker alarms. */
export type WorkerConfig = WorkerParams;

export type ServiceKind = "http" | "worker";

export interface TaskHardening {
  readonly readonlyRootFilesystem: boolean;
  /** Writable scratch directories, mounted when the root filesystem is read-only. */
  readonly scratchPaths: readonly string[];
  /** uid[:gid] or user[:group]; undefined: the image's USER. */
  readonly user?: string;
}

export interface ServiceConfig {
  readonly service: string;
  readonly env: string;
  readonly repo: string;
  readonly branch: string;
  readonly modulePath: string;
  readonly cpu: number;
  readonly memory: number;
  /** The container's hardening: read-only root filesystem with scratch paths, and its user. */
  readonly task: TaskHardening;
  /** Lanes listed in params, in file order. */
  readonly lanes: readonly LaneConfig[];
  /** How a lane is judged against default (laneDefaults.analysis). */
  readonly analysis: AnalysisParams;
  /** Defaults of a ramp (laneDefaults.ramp). */
  readonly ramp: RampParams;
  /** The services it calls: every lane gets each callee's base URL (read from the callee's boot state). */
  readonly calls: readonly CallConfig[];
  /** A worker's queue, canary and alarm settings; undefined for an http service. */
  readonly worker?: WorkerConfig;
}

/** What a deploy of a lane releases: the image, the lane's image history, who changed it. */
export interface LaneRelease {
  readonly image: string;
  /** Images the lane ran before, newest first (the lanes CLI reads them from the lane's state). */
  readonly previousImages: readonly string[];
  /** Pipeline execution id or user@host; undefined when unknown. */
  readonly changedBy?: string;
  /** A ramp is under way: the stack adds the weighted catch-all rule (only `lanes ramp` deploys with it). */
  readonly ramp?: boolean;
  /** The lane's time to live (lib/ttl.ts); undefined: params decide. */
  readonly ttl?: string;
  /** When the lane expires (ISO 8601), computed by the deploying command from the TTL. */
  readonly expiresAt?: string;
}

/** Everything one app lane stack needs. */
export interface LaneStackConfig {
  readonly infra: InfraConfig;
  readonly boot: BootConfig;
  readonly service: ServiceConfig;
  readonly lane: LaneConfig;
  readonly release: LaneRelease;
}

/** The edge of an env: CloudFront in front of the services' ALBs, assigning lanes. */
export interface EdgeConfig {
  readonly env: string;
  readonly origins: readonly { readonly service: string; readonly pathPatterns: readonly string[]; readonly probePath?: string; readonly boot: BootConfig }[];
  readonly defaultService: string;
  readonly priceClass: string;
  readonly aliases: readonly string[];
  readonly certificateArn?: string;
  readonly syncMinutes: number;
  /** Set in params, else on in every env but `dev`. */
  readonly requireSigned: boolean;
  readonly keyRotationDays: number;
  readonly originSecret: OriginSecretParams;
}
