/**
 * One schema per params file type. The same schemas parse the JSON into typed objects and
 * produce the JSON Schemas published in `params/schema/` for editors.
 */
import { z } from "zod";
import {
  LANE_PATTERN,
  LANE_RULE_TEXT,
  MAX_LANE_LENGTH,
  MAX_SERVICE_LENGTH,
  SERVICE_PATTERN,
  SERVICE_RULE_TEXT,
} from "../naming";
import { PRIORITY_EXPLICIT_MAX, PRIORITY_EXPLICIT_MIN } from "../routing";

/** A strict object whose "unknown field" error lists the fields that are allowed. */
function strict<T extends z.core.$ZodLooseShape>(shape: T) {
  const allowed = Object.keys(shape).join(", ");
  return z.strictObject(shape, {
    error: (issue) => (issue.code === "unrecognized_keys" ? `allowed fields: ${allowed}` : undefined),
  });
}

function pattern(regex: RegExp, allowed: string) {
  return z.string().regex(regex, { error: allowed }).meta({ description: allowed });
}

const SCHEMA_REF = z.string().optional().meta({ description: "Path of the JSON Schema for editors." });

export const LaneName = z
  .string()
  .max(MAX_LANE_LENGTH, { error: LANE_RULE_TEXT })
  .regex(LANE_PATTERN, { error: LANE_RULE_TEXT })
  .meta({ description: LANE_RULE_TEXT });

export const ServiceName = z
  .string()
  .max(MAX_SERVICE_LENGTH, { error: SERVICE_RULE_TEXT })
  .regex(SERVICE_PATTERN, { error: SERVICE_RULE_TEXT })
  .meta({ description: SERVICE_RULE_TEXT });

const Region = pattern(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/, "an AWS region code such as 'ap-southeast-2'");
const Cidr = pattern(
  /^(\d{1,3}\.){3}\d{1,3}\/(1[6-9]|2[0-4])$/,
  "an IPv4 CIDR block with a prefix between /16 and /24, e.g. '10.20.0.0/16'",
);
const VpcId = pattern(/^vpc-[0-9a-f]{8,17}$/, "a VPC id such as 'vpc-0123456789abcdef0'");
const SubnetId = pattern(/^subnet-[0-9a-f]{8,17}$/, "a subnet id such as 'subnet-0123456789abcdef0'");
const BucketName = pattern(
  /^(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
  "an S3 bucket name: 3-63 lower-case letters, digits, dots and hyphens",
);
const DynamoTableName = pattern(/^[A-Za-z0-9_.-]{3,255}$/, "a DynamoDB table name: 3-255 of [A-Za-z0-9_.-]");
const CertificateArn = pattern(
  /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]+$/,
  "an ACM certificate ARN",
);
const Port = z.int().min(1).max(65535);
const HttpPath = pattern(/^\/[\x21-\x7e]{0,1023}$/, "an absolute URL path such as '/healthz'");
const EnvVarName = pattern(/^[A-Za-z_][A-Za-z0-9_]*$/, "an environment variable name ([A-Za-z_][A-Za-z0-9_]*)");
const EnvVars = z.record(EnvVarName, z.string());

/** CloudWatch Logs accepts only these retention periods. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

// ---------------------------------------------------------------- infra-{env}.json

export const LockMode = z.enum(["lockfile", "dynamodb", "both"]).meta({
  description:
    "How Terraform locks each state: 'lockfile' (S3 conditional writes, <key>.tflock), 'dynamodb' (lock table), or 'both' (during a migration).",
});

const Url = pattern(/^https?:\/\/[^\s/]+(\/\S*)?$/, "an http(s) URL such as 'https://s3.example.com'");

const StateSettings = strict({
  bucket: BucketName,
  lock: LockMode.default("both"),
  lockTable: DynamoTableName.optional().meta({ description: "Lock table name; default lanes-tf-locks-{env}." }),
  endpoints: strict({
    s3: Url,
    dynamodb: Url.optional(),
  })
    .optional()
    .meta({
      description:
        "S3-compatible store for state (path-style, AWS checks skipped). Default: AWS. LANES_STATE_S3_ENDPOINT / LANES_STATE_DYNAMODB_ENDPOINT override it.",
    }),
});

const CreateNetwork = strict({
  mode: z.literal("create"),
  cidr: Cidr,
  azCount: z.int().min(2).max(6).default(2),
  availabilityZones: z
    .array(pattern(/^[a-z]{2}(-gov)?-[a-z]+-\d[a-z]$/, "an availability zone name such as 'ap-southeast-2a'"))
    .min(2)
    .max(6)
    .optional()
    .meta({ description: "Zones to use; default the region's zones a, b, c… up to azCount." }),
  nat: z.enum(["single", "perAz", "none"]).default("single").meta({
    description: "NAT gateways for the private subnets: one shared, one per zone, or none (then add VPC endpoints).",
  }),
});

const WrapNetwork = strict({
  mode: z.literal("wrap"),
  vpcId: VpcId,
  privateSubnetIds: z.array(SubnetId).min(2, { error: "at least 2 private subnet ids in different zones" }),
  publicSubnetIds: z.array(SubnetId).min(2, { error: "at least 2 public subnet ids in different zones (the ALB needs two)" }),
});

const ConnectionArn = pattern(
  /^arn:aws[a-z-]*:(codestar-connections|codeconnections):[a-z0-9-]+:\d{12}:connection\/[0-9a-f-]+$/,
  "a CodeConnections (CodeStar) connection ARN",
);
const RepoId = pattern(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, "a repository as 'owner/name'");

const PipelineSettings = strict({
  connectionArn: ConnectionArn.meta({ description: "CodeConnections connection the pipelines read both repositories through." }),
  infraRepo: RepoId.meta({ description: "This (infra/templates) repository, 'owner/name'." }),
  infraBranch: z.string().min(1).default("main"),
  buildImage: z.string().min(1).default("aws/codebuild/amazonlinux-x86_64-standard:5.0"),
  computeType: z.enum(["BUILD_GENERAL1_SMALL", "BUILD_GENERAL1_MEDIUM", "BUILD_GENERAL1_LARGE"]).default("BUILD_GENERAL1_SMALL"),
  buildTimeoutMinutes: z.int().min(5).max(480).default(60),
});

export const InfraParamsSchema = strict({
  $schema: SCHEMA_REF,
  region: Region,
  state: StateSettings,
  network: z.discriminatedUnion("mode", [CreateNetwork, WrapNetwork], {
    error: "network.mode must be 'create' (new VPC) or 'wrap' (existing VPC and subnets)",
  }),
  cloudMap: strict({
    initCloudMap: z.boolean().default(true),
    namespace: z
      .string()
      .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/, { error: "a DNS name such as 'dev.local'" })
      .optional()
      .meta({ description: "Private DNS namespace; default {env}.local." }),
  }).default({ initCloudMap: true }),
  cluster: strict({
    containerInsights: z.enum(["enabled", "enhanced", "disabled"]).default("enabled"),
  }).default({ containerInsights: "enabled" }),
  protectSharedResources: z.boolean().default(true).meta({
    description: "prevent_destroy on VPC, subnets, cluster and namespace (the Terraform counterpart of a Stack Policy).",
  }),
  pipelines: PipelineSettings.optional().meta({
    description: "CodePipeline settings of the env; without them no pipeline stacks are built.",
  }),
});

// ---------------------------------------------------------------- boot-{env}.json

const HttpListener = strict({ port: Port.default(80) });
const HttpsListener = strict({
  port: Port.default(443),
  certificateArn: CertificateArn,
  sslPolicy: z.string().default("ELBSecurityPolicy-TLS13-1-2-2021-06"),
});

/** Per-service access-layer settings; every field optional so `services.X` can override `defaults` field by field. */
export const BootSettingsSchema = strict({
  initAlb: z.boolean().optional().meta({ description: "Create the ALB, listener(s) and default target group. Default true." }),
  initLog: z.boolean().optional().meta({ description: "Create the log group /ecs/{env}/{service}. Default true." }),
  initCloudMap: z.boolean().optional().meta({ description: "Create the Cloud Map service {service}. Default true." }),
  internal: z.boolean().optional().meta({ description: "Internal (private) ALB. Default false." }),
  listeners: strict({
    http: HttpListener.default({ port: 80 }),
    https: HttpsListener.optional().meta({
      description: "When set, an HTTPS listener serves traffic and lane rules; HTTP redirects to it.",
    }),
  }).optional(),
  logRetentionDays: z
    .union(LOG_RETENTION_DAYS.map((d) => z.literal(d)), { error: `one of ${LOG_RETENTION_DAYS.join(", ")}` })
    .optional()
    .meta({ description: "Log retention in days. Default 30." }),
  healthCheckPath: HttpPath.optional().meta({ description: "Target group health check path. Default /healthz." }),
  containerPort: Port.optional().meta({ description: "Port the service's container listens on. Default 8080." }),
  deletionProtection: z.boolean().optional().meta({ description: "ALB deletion protection. Default on outside 'dev'." }),
  protectSharedResources: z.boolean().optional().meta({
    description: "prevent_destroy on the ALB, listeners, log group, ECR repository and Cloud Map service. Default true.",
  }),
});

export const BootParamsSchema = strict({
  $schema: SCHEMA_REF,
  defaults: BootSettingsSchema.default({}),
  services: z.record(ServiceName, BootSettingsSchema).default({}),
});

// ---------------------------------------------------------------- {service}-{env}.json

/** Fargate's valid CPU units and, for each, the memory range (MiB) and step. */
export const FARGATE_SIZES: Record<number, { min: number; max: number; step: number }> = {
  256: { min: 512, max: 2048, step: 512 },
  512: { min: 1024, max: 4096, step: 1024 },
  1024: { min: 2048, max: 8192, step: 1024 },
  2048: { min: 4096, max: 16384, step: 1024 },
  4096: { min: 8192, max: 30720, step: 1024 },
  8192: { min: 16384, max: 61440, step: 4096 },
  16384: { min: 32768, max: 122880, step: 8192 },
};

function fargateMemoryOk(cpu: number, memory: number): boolean {
  const size = FARGATE_SIZES[cpu];
  if (!size) return false;
  if (cpu === 256) return memory === 512 || memory === 1024 || memory === 2048;
  return memory >= size.min && memory <= size.max && (memory - size.min) % size.step === 0;
}

const Container = strict({
  cpu: z
    .union(Object.keys(FARGATE_SIZES).map((c) => z.literal(Number(c))), {
      error: `Fargate CPU units: one of ${Object.keys(FARGATE_SIZES).join(", ")}`,
    })
    .default(256),
  memory: z.int().default(512).meta({ description: "MiB; must be a valid Fargate size for the CPU." }),
  port: Port.optional().meta({ description: "Must equal boot's containerPort for this service when given." }),
  env: EnvVars.default({}).meta({ description: "Container environment; ENV and LANE are set by the platform." }),
}).superRefine((c, ctx) => {
  if (!fargateMemoryOk(c.cpu, c.memory)) {
    const size = FARGATE_SIZES[c.cpu];
    ctx.addIssue({
      code: "custom",
      path: ["memory"],
      input: c.memory,
      message: size
        ? `with cpu ${c.cpu}, Fargate memory must be between ${size.min} and ${size.max} MiB in steps of ${size.step}${c.cpu === 256 ? " (512, 1024 or 2048)" : ""}`
        : "a Fargate memory size for the CPU",
    });
  }
  for (const reserved of ["ENV", "LANE"]) {
    if (reserved in c.env) {
      ctx.addIssue({
        code: "custom",
        path: ["env", reserved],
        input: c.env[reserved],
        message: `${reserved} is set by the platform for every lane; remove it from container.env`,
      });
    }
  }
});

const Scaling = strict({
  minCount: z.int().min(0).max(1000),
  maxCount: z.int().min(1).max(1000),
  cpuTargetPercent: z.int().min(10).max(95).default(60),
}).meta({ description: "CPU target tracking between minCount and maxCount tasks; desiredCount must lie between them." });

/** Alarm thresholds (seed 000 §六); every field optional so lanes can override field by field. */
const Alarms = strict({
  errorRatePercent: z.number().gt(0).max(100).optional().meta({ description: "Target 5xx rate (% of requests) that alarms. Default 1." }),
  errorRateMinutes: z.int().min(1).max(60).optional().meta({ description: "Window of the 5xx rate, in minutes. Default 5." }),
  runningBelowDesiredPeriods: z.int().min(1).max(10).optional().meta({ description: "Consecutive 1-minute periods with fewer running than desired tasks. Default 3." }),
  minHealthyHosts: z.int().min(1).max(100).optional().meta({ description: "Alarm when healthy targets fall below this. Default 1." }),
});

const LaneSettings = strict({
  desiredCount: z.int().min(0).max(1000).optional().meta({ description: "an integer 0-1000, the tasks in this lane; default laneDefaults.desiredCount" }),
  rulePriority: z
    .int()
    .min(PRIORITY_EXPLICIT_MIN, { error: `an integer from ${PRIORITY_EXPLICIT_MIN} to ${PRIORITY_EXPLICIT_MAX}` })
    .max(PRIORITY_EXPLICIT_MAX, { error: `an integer from ${PRIORITY_EXPLICIT_MIN} to ${PRIORITY_EXPLICIT_MAX}` })
    .optional()
    .meta({ description: "Explicit listener rule priority (1-9999). Default derived from the lane name (10000-49999)." }),
  image: z.string().min(1).optional().meta({ description: "Image for this lane when IMAGE_URI is not set." }),
  env: EnvVars.optional().meta({ description: "Extra container environment for this lane." }),
  scaling: Scaling.optional().meta({ description: "Autoscaling of this lane; default laneDefaults.scaling." }),
  alarms: Alarms.optional(),
});

/** A queue worker's queue, canary and alarms (seed 002). */
export const WorkerSettings = strict({
  queue: strict({
    visibilityTimeoutSeconds: z.int().min(0).max(43200).default(60),
    retentionSeconds: z.int().min(60).max(1209600).default(345600),
    maxReceiveCount: z.int().min(1).max(1000).default(5).meta({ description: "Receives before a message moves to the dead-letter queue." }),
    deadLetterRetentionSeconds: z.int().min(60).max(1209600).default(1209600),
  }).default({ visibilityTimeoutSeconds: 60, retentionSeconds: 345600, maxReceiveCount: 5, deadLetterRetentionSeconds: 1209600 }),
  backlogPerTask: z.int().min(1).max(100000).default(100).meta({
    description: "Target visible messages per running task (scaling on ApproximateNumberOfMessagesVisible / RunningTaskCount).",
  }),
  canary: strict({
    desiredCount: z.int().min(1).max(10).default(1).meta({ description: "Fixed capacity of the canary lane." }),
    bakeMinutes: z.int().min(1).max(720).default(10),
    pollSeconds: z.int().min(5).max(600).default(30),
  }).default({ desiredCount: 1, bakeMinutes: 10, pollSeconds: 30 }),
  alarms: strict({
    oldestMessageAgeSeconds: z.int().min(1).default(600),
    errorLogLines: z.int().min(1).default(10).meta({ description: "ERROR log lines of the lane in 5 minutes that alarm." }),
  }).default({ oldestMessageAgeSeconds: 600, errorLogLines: 10 }),
});

export const ServiceParamsSchema = strict({
  $schema: SCHEMA_REF,
  service: ServiceName,
  kind: z.enum(["http", "worker"]).default("http").meta({
    description: "http: behind the service's ALB, lanes routed by tracestate. worker: consumes the service's SQS queue, no load balancer.",
  }),
  worker: WorkerSettings.optional().meta({ description: "Queue, canary and alarm settings of a worker (kind: worker)." }),
  repo: RepoId.meta({ description: "The app repository as 'owner/name' (read through the env's connection)." }),
  branch: z.string().min(1).default("main"),
  modulePath: z.string().min(1).default(".").meta({ description: "Path of the module (Dockerfile) inside the app repo." }),
  image: z.string().min(1).optional().meta({ description: "Image when neither IMAGE_URI nor the lane sets one." }),
  container: Container.default({ cpu: 256, memory: 512, env: {} }),
  laneDefaults: strict({
    desiredCount: z.int().min(0).max(1000).default(1),
    scaling: Scaling.optional().meta({ description: "Autoscaling of every lane; none when absent (fixed desiredCount)." }),
    alarms: Alarms.optional(),
  }).default({ desiredCount: 1 }),
  lanes: z.record(LaneName, LaneSettings).default({ default: {} }),
});

// ---------------------------------------------------------------- edge-{env}.json

export const EdgeParamsSchema = strict({
  $schema: SCHEMA_REF,
  origins: z
    .array(
      strict({
        service: ServiceName,
        pathPatterns: z
          .array(pattern(/^\/[\x21-\x7e]{0,254}$/, "a CloudFront path pattern such as '/api/users/*'"))
          .default([])
          .meta({ description: "Paths routed to this service's ALB; the default service takes everything else." }),
      }),
    )
    .min(1)
    .meta({ description: "http services whose ALBs sit behind the distribution." }),
  defaultService: ServiceName.meta({ description: "The origin of the default cache behavior; one of origins." }),
  priceClass: z.enum(["PriceClass_100", "PriceClass_200", "PriceClass_All"]).default("PriceClass_100"),
  aliases: z.array(z.string().min(1)).default([]),
  certificateArn: CertificateArn.optional().meta({ description: "ACM certificate in us-east-1 for the aliases." }),
  syncMinutes: z.int().min(1).max(60).default(5).meta({ description: "How often the rules sync runs." }),
});

export type InfraParamsFile = z.output<typeof InfraParamsSchema>;
export type BootParamsFile = z.output<typeof BootParamsSchema>;
export type BootSettings = z.output<typeof BootSettingsSchema>;
export type ServiceParamsFile = z.output<typeof ServiceParamsSchema>;
export type LaneSettingsParams = z.output<typeof LaneSettings>;
export type AlarmParams = z.output<typeof Alarms>;
export type WorkerParams = z.output<typeof WorkerSettings>;
export type EdgeParamsFile = z.output<typeof EdgeParamsSchema>;

/** Schemas published for editors, by file name in params/schema/. */
export const PUBLISHED_SCHEMAS = {
  "infra.schema.json": InfraParamsSchema,
  "boot.schema.json": BootParamsSchema,
  "service.schema.json": ServiceParamsSchema,
  "edge.schema.json": EdgeParamsSchema,
} as const;
