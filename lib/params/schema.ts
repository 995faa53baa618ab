/**
 * One schema per params file type. The same schemas parse the JSON into typed objects and
 * produce the JSON Schemas published in `params/schema/` for editors.
 */
import { z } from "zod";
import { CANARY_DEFAULTS, CANARY_OVERHEAD_MINUTES, CANARY_READ_MINUTES, canaryWorstCaseMinutes } from "../analysis/canary-settings";
import { DEFAULT_ANALYSIS, METRIC_PERIOD_SECONDS } from "../analysis/config";
import { validateRampInput } from "../analysis/ramp-input";
import { MAX_STICKINESS_SECONDS, PIPELINE_BUILD_ACTION_MAX_MINUTES, RAMP_DEFAULTS, rampWorstCaseMinutes } from "../analysis/ramp-settings";
import {
  LANE_PATTERN,
  LANE_RULE_TEXT,
  MAX_LANE_LENGTH,
  MAX_SERVICE_LENGTH,
  SERVICE_PATTERN,
  SERVICE_RULE_TEXT,
} from "../naming";
import { IMAGE_REFERENCE_FORM, imageReferenceProblem } from "../image";
import { ON_UNHEALTHY, PRIORITY_EXPLICIT_MAX, PRIORITY_EXPLICIT_MIN } from "../routing";
import { KMS_KEY_ARN, SECRET_REFERENCE_FORM, looksSecret, parseSecretReference, secretEnvFix } from "../secrets";
import { TTL_RULE_TEXT, ttlProblem } from "../ttl";

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

/**
 * Two schemas from one set of fields: the one whose fields carry their defaults (what a file's
 * `defaults` / `laneDefaults` parse into, and what editors see in the JSON Schema), and the
 * override one whose fields are all optional (a service's or a lane's entry, merged over the
 * first field by field). The defaults are written once, in `defaults`.
 */
type Defaulted<S extends z.core.$ZodLooseShape, D> = { [K in keyof S]: K extends keyof D ? z.ZodDefault<S[K]> : z.ZodOptional<S[K]> };
type Optional<S extends z.core.$ZodLooseShape> = { [K in keyof S]: z.ZodOptional<S[K]> };

function withDefaults<S extends z.core.$ZodLooseShape, D extends { readonly [K in keyof S]?: z.output<S[K]> }>(fields: S, defaults: D): Defaulted<S, D> {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, field] of Object.entries(fields) as [string, z.ZodType][]) {
    shape[key] = key in defaults ? field.default((defaults as Record<string, never>)[key]) : field.optional();
  }
  return shape as Defaulted<S, D>;
}

function allOptional<S extends z.core.$ZodLooseShape>(fields: S): Optional<S> {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, field] of Object.entries(fields) as [string, z.ZodType][]) shape[key] = field.optional();
  return shape as Optional<S>;
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

/** An environment with no secret-looking names (lib/secrets.ts looksSecret): those belong in `secrets`. */
function refuseSecretLookingNames(env: Readonly<Record<string, string>> | undefined, where: "container" | "lane", ctx: z.core.$RefinementCtx, path: PropertyKey[]): void {
  for (const name of Object.keys(env ?? {})) {
    if (looksSecret(name)) ctx.addIssue({ code: "custom", path: [...path, name], input: env![name], message: secretEnvFix(name, where), params: { redact: true } });
  }
}

const SecretFrom = z
  .string()
  .refine((v) => parseSecretReference(v) !== undefined, { error: SECRET_REFERENCE_FORM, params: { redact: true } })
  .meta({ description: `Where ECS reads the value when a task starts: ${SECRET_REFERENCE_FORM}. The name must be under the env ('/{env}/…', secret '{env}/…').` });
const Secrets = z
  .record(
    EnvVarName,
    z.union([
      SecretFrom,
      strict({
        from: SecretFrom,
        kmsKeyArn: pattern(KMS_KEY_ARN, "a KMS key ARN such as 'arn:aws:kms:ap-southeast-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab'").meta({
          description: "The customer managed key the value is encrypted with; the execution role may decrypt with it through SSM / Secrets Manager only.",
        }),
      }),
    ]),
  )
  .meta({
    description:
      "Container secrets by environment variable name: references (never values) to SSM Parameter Store parameters or Secrets Manager secrets, resolved by ECS at task start with the service's execution role, which may read exactly the references of this file (deploy boot after adding one).",
  });
const ImageRef = z
  .string()
  .refine((v) => imageReferenceProblem(v) === undefined, { error: `an image reference: ${IMAGE_REFERENCE_FORM}` });
const Ttl = z
  .string()
  .refine((v) => ttlProblem(v) === undefined, { error: TTL_RULE_TEXT })
  .meta({ description: `Time to live after each deploy, then \`lanes gc\` may remove the lane: ${TTL_RULE_TEXT}. The default lane never expires.` });

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
  lockTable: DynamoTableName.optional().meta({ description: "Lock table name; when unset: lanes-tf-locks-{env}." }),
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
    .meta({ description: "Zones to use; when unset: the region's zones a, b, c… up to azCount." }),
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
  gcSchedule: z
    .string()
    .regex(/^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\([^)]+\))$/, { error: "an EventBridge schedule expression such as 'rate(1 hour)' or 'cron(0 3 * * ? *)'" })
    .default("rate(1 hour)")
    .meta({ description: "When the gc pipeline (gc-{env}) runs lanes gc: an EventBridge schedule expression." }),
});

/** Days S3 keeps an audit log object (lifecycle expiration). */
const AuditRetentionDays = z.int().min(1).max(3653);

const AuditSettings = strict({
  accessLogs: strict({
    enabled: z.boolean().default(true).meta({ description: "ALB access logs of every service to the log bucket (prefix alb/{service}): which target group, so which lane, served each request." }),
    retentionDays: AuditRetentionDays.default(90).meta({ description: "Days the access logs are kept." }),
  }).prefault({}),
  flowLogs: strict({
    enabled: z.boolean().default(true).meta({ description: "VPC flow logs to the log bucket (prefix vpc-flow-logs)." }),
    retentionDays: AuditRetentionDays.default(90).meta({ description: "Days the flow logs are kept." }),
    trafficType: z.enum(["ALL", "ACCEPT", "REJECT"]).default("ALL"),
  }).prefault({}),
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
      .meta({ description: "Private DNS namespace; when unset: {env}.local." }),
  }).prefault({}),
  cluster: strict({
    containerInsights: z.enum(["enabled", "enhanced", "disabled"]).default("enabled"),
  }).prefault({}),
  protectSharedResources: z.boolean().default(true).meta({
    description: "prevent_destroy on VPC, subnets, cluster and namespace (the Terraform counterpart of a Stack Policy).",
  }),
  pipelines: PipelineSettings.optional().meta({
    description: "CodePipeline settings of the env; without them no pipeline stacks are built.",
  }),
  pricing: strict({
    fargateVcpuHour: z.number().positive().meta({ description: "USD per vCPU-hour (Linux/x86 On-Demand, or your rate)." }),
    fargateGbHour: z.number().positive().meta({ description: "USD per GB-hour of memory." }),
  })
    .optional()
    .meta({ description: "Fargate prices for the cost estimate of lanes ls; when unset: the table in lib/ops/pricing.ts." }),
  audit: AuditSettings.prefault({}).meta({
    description: "The env's audit trail (AWS FSBP ELB.5, EC2.6): ALB access logs and VPC flow logs, both to the env's log bucket.",
  }),
});

// ---------------------------------------------------------------- boot-{env}.json

const HttpListener = strict({ port: Port.default(80) });
const HttpsListener = strict({
  port: Port.default(443),
  certificateArn: CertificateArn,
  sslPolicy: z.string().default("ELBSecurityPolicy-TLS13-1-2-2021-06"),
});
const Listeners = strict({
  http: HttpListener.prefault({}),
  https: HttpsListener.optional().meta({
    description: "When set, an HTTPS listener serves traffic and lane rules; HTTP redirects to it.",
  }),
}).meta({ description: "Listeners of the service's ALB; a service's entry replaces the whole object." });

/** The access-layer settings of a service; `defaults` applies BOOT_DEFAULTS, `services.X` overrides field by field. */
const BOOT_FIELDS = {
  initAlb: z.boolean().meta({ description: "Create the ALB, listener(s) and default target group (http services)." }),
  initLog: z.boolean().meta({ description: "Create the log group /ecs/{env}/{service}." }),
  initCloudMap: z.boolean().meta({ description: "Create the Cloud Map service {service}." }),
  internal: z.boolean().meta({ description: "Internal (private) ALB." }),
  listeners: Listeners,
  logRetentionDays: z
    .union(LOG_RETENTION_DAYS.map((d) => z.literal(d)), { error: `one of ${LOG_RETENTION_DAYS.join(", ")}` })
    .meta({ description: "Log retention in days." }),
  healthCheckPath: HttpPath.meta({ description: "Target group health check path." }),
  containerPort: Port.meta({ description: "Port the service's container listens on." }),
  internalPort: Port.meta({
    description:
      "Port of the ALB's internal listener, which the services that call this one use when its routing listener is not open to them (behind the edge, or HTTPS only): admits only their task security groups.",
  }),
  deletionProtection: z.boolean().meta({ description: "ALB deletion protection. When unset: on in every env but 'dev'." }),
  protectSharedResources: z.boolean().meta({
    description: "prevent_destroy on the ALB, listeners, log group, ECR repository and Cloud Map service.",
  }),
};

export const BOOT_DEFAULTS = {
  initAlb: true,
  initLog: true,
  initCloudMap: true,
  internal: false,
  listeners: { http: { port: 80 } },
  logRetentionDays: 30,
  healthCheckPath: "/healthz",
  containerPort: 8080,
  internalPort: 8081,
  protectSharedResources: true,
} as const;

export const BootDefaultsSchema = strict(withDefaults(BOOT_FIELDS, BOOT_DEFAULTS));
export const BootOverridesSchema = strict(allOptional(BOOT_FIELDS));

export const BootParamsSchema = strict({
  $schema: SCHEMA_REF,
  defaults: BootDefaultsSchema.prefault({}),
  services: z.record(ServiceName, BootOverridesSchema).default({}),
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

function fargateMemoryOk(size: { min: number; max: number; step: number }, cpu: number, memory: number): boolean {
  if (cpu === 256) return memory === 512 || memory === 1024 || memory === 2048;
  return memory >= size.min && memory <= size.max && memory % size.step === 0; // every min is a multiple of its step
}

const Container = strict({
  cpu: z
    .union(Object.keys(FARGATE_SIZES).map((c) => z.literal(Number(c))), {
      error: `Fargate CPU units: one of ${Object.keys(FARGATE_SIZES).join(", ")}`,
    })
    .default(256),
  memory: z.int().default(512).meta({ description: "MiB; must be a valid Fargate size for the CPU." }),
  port: Port.optional().meta({ description: "Must equal boot's containerPort for this service when given." }),
  env: EnvVars.default({}).meta({ description: "Container environment; ENV and LANE are set by the platform. Names that look like secrets (*PASSWORD*, *SECRET*, *TOKEN*, *_KEY) are refused: use secrets." }),
  secrets: Secrets.default({}),
  readonlyRootFilesystem: z.boolean().default(false).meta({
    description: "Mount the container's root filesystem read-only (Security Hub ECS.5); the scratchPaths stay writable. Default false: turn it on once the image writes only to scratch paths.",
  }),
  scratchPaths: z
    .array(pattern(/^\/[A-Za-z0-9_.\/-]{0,254}$/, "an absolute container path such as '/tmp'"))
    .max(10)
    .default(["/tmp"])
    .meta({ description: "Writable scratch directories (task ephemeral storage, emptied when the task stops) mounted when readonlyRootFilesystem is on. Default: ['/tmp']." }),
  user: z
    .string()
    .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,31})?$/, { error: "a user, uid, user:group or uid:gid such as '1000:1000'" })
    .optional()
    .meta({ description: "The user the container runs as (uid, uid:gid, user or user:group; never root). When unset: the image's USER." }),
}).superRefine((c, ctx) => {
  // The cpu union admits only FARGATE_SIZES' keys, and zod refines an object only once its fields parsed.
  const size = FARGATE_SIZES[c.cpu]!;
  if (!fargateMemoryOk(size, c.cpu, c.memory)) {
    ctx.addIssue({
      code: "custom",
      path: ["memory"],
      input: c.memory,
      message: `with cpu ${c.cpu}, Fargate memory must be between ${size.min} and ${size.max} MiB in steps of ${size.step}${c.cpu === 256 ? " (512, 1024 or 2048)" : ""}`,
    });
  }
  refuseSecretLookingNames(c.env, "container", ctx, ["env"]);
  for (const name of Object.keys(c.secrets)) {
    if (name in c.env) ctx.addIssue({ code: "custom", path: ["secrets", name], input: name, message: `${name} is in both env and secrets; keep it in secrets only` });
  }
  if (c.user !== undefined && /^(root|0)(:|$)/.test(c.user)) {
    ctx.addIssue({ code: "custom", path: ["user"], input: c.user, message: "a non-root user (root and uid 0 are what the default image user already gives): e.g. '1000:1000', or remove the field" });
  }
  if (new Set(c.scratchPaths).size !== c.scratchPaths.length) {
    ctx.addIssue({ code: "custom", path: ["scratchPaths"], input: c.scratchPaths, message: "each path once" });
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

/** Alarm thresholds of a lane: `laneDefaults.alarms` applies ALARM_DEFAULTS, `lanes.X.alarms` overrides field by field. */
const ALARM_FIELDS = {
  errorRatePercent: z.number().gt(0).max(100).meta({ description: "Target 5xx rate (% of requests) that alarms." }),
  errorRateMinutes: z.int().min(1).max(60).meta({ description: "Window of the 5xx rate, in minutes." }),
  runningBelowDesiredPeriods: z.int().min(1).max(10).meta({ description: "Consecutive 1-minute periods with fewer running than desired tasks." }),
  minHealthyHosts: z.int().min(1).max(100).meta({ description: "Alarm when healthy targets fall below this." }),
};

export const ALARM_DEFAULTS = { errorRatePercent: 1, errorRateMinutes: 5, runningBelowDesiredPeriods: 3, minHealthyHosts: 1 } as const;

const AlarmDefaults = strict(withDefaults(ALARM_FIELDS, ALARM_DEFAULTS));
const Alarms = strict(allOptional(ALARM_FIELDS));

/**
 * The lane-vs-default judgement (`lanes analyze`, `promote --analyze`, `ramp`, the worker
 * canary): lib/analysis/config.ts holds the defaults and the rules, checked here so that a bad
 * value is reported with its file and field.
 */
const ANALYSIS_FIELDS = {
  windowMinutes: z.int().min(1).max(1440).meta({ description: "Minutes of metrics `lanes analyze` and `lanes promote --analyze` read." }),
  alpha: z.number().gt(0).lt(0.5).meta({ description: "Significance level of the one-sided tests 'the lane is worse than default'." }),
  minRequests: z.int().min(1).max(1_000_000_000).meta({ description: "Requests (a worker: messages) the lane and default each need in the window before their error rates are compared." }),
  minMinutes: z.int().min(2).max(1440).meta({ description: "Minutes with latency data the lane and default each need before latency is compared." }),
  maxErrorRateIncreasePoints: z.number().min(0).max(100).meta({ description: "The lane's 5xx rate may exceed default's by this many percentage points…" }),
  maxErrorRateIncreaseRatio: z.number().min(0).meta({ description: "…or by this fraction of default's rate (0.5 = 50 % more), whichever allows more." }),
  maxLatencyIncreasePercent: z.number().min(0).meta({ description: "The median of the lane's per-minute p95/p99 may exceed default's by this percentage…" }),
  maxLatencyIncreaseMs: z.number().min(0).meta({ description: "…or by this many milliseconds, whichever allows more." }),
};

// The bounds are analysisConfigProblems' rules, field by field (params-bounds.test.ts keeps the
// two in step), so they name the file and field; a JSON number cannot be the NaN or Infinity
// the rules also refuse.
const AnalysisDefaults = strict(withDefaults(ANALYSIS_FIELDS, DEFAULT_ANALYSIS));

/** A ramp (`lanes ramp`, the app pipeline's ACTION=ramp): lib/analysis/ramp-settings.ts holds the defaults. */
const RAMP_FIELDS = {
  steps: z.array(z.number().min(1).max(100)).min(1).max(20).meta({
    description: "Percent of the requests without a lane the lane gets, step by step (strictly rising, 1-100); each is analysed against default before the next; promotion follows the last.",
  }),
  intervalSeconds: z.int().min(METRIC_PERIOD_SECONDS).max(PIPELINE_BUILD_ACTION_MAX_MINUTES * 60).meta({ description: "Seconds each step runs before its analysis (at least the metric period)." }),
  maxInconclusiveWaits: z.int().min(0).max(20).meta({ description: "Extra intervals a step may wait for enough data before the ramp aborts." }),
  maxUnreadable: z.int().min(1).max(10).meta({ description: "Analyses in a row whose metrics cannot be read before the ramp aborts." }),
  stickinessSeconds: z
    .int()
    .min(0)
    .max(MAX_STICKINESS_SECONDS)
    .meta({ description: `Group stickiness of the weighted rule in seconds (a client stays on the lane or on default); 0: off, at most ${MAX_STICKINESS_SECONDS}.` }),
};

const RampDefaults = strict(withDefaults(RAMP_FIELDS, { ...RAMP_DEFAULTS, steps: [...RAMP_DEFAULTS.steps] })).superRefine((r, ctx) => {
  if (ctx.issues.length > 0) return;
  // intervalSeconds' bounds are validateRampInput's interval rules (at least the metric period), so what it reports is about the steps.
  for (const problem of validateRampInput({ steps: r.steps, intervalSeconds: r.intervalSeconds })) {
    ctx.addIssue({ code: "custom", path: ["steps"], input: r.steps, message: problem });
  }
  const worst = rampWorstCaseMinutes(r);
  if (worst > PIPELINE_BUILD_ACTION_MAX_MINUTES) {
    ctx.addIssue({
      code: "custom",
      path: [],
      input: r,
      message: `a ramp with these settings can run ${worst} minutes, more than the ${PIPELINE_BUILD_ACTION_MAX_MINUTES} CodePipeline gives the build running it: use fewer steps, a shorter intervalSeconds or fewer maxInconclusiveWaits`,
    });
  }
});

const OnUnhealthySetting = z.enum(ON_UNHEALTHY as ["default", "refuse"]);

const LaneSettings = strict({
  desiredCount: z.int().min(0).max(1000).optional().meta({ description: "an integer 0-1000, the tasks in this lane; default laneDefaults.desiredCount" }),
  rulePriority: z
    .int()
    .min(PRIORITY_EXPLICIT_MIN, { error: `an integer from ${PRIORITY_EXPLICIT_MIN} to ${PRIORITY_EXPLICIT_MAX}` })
    .max(PRIORITY_EXPLICIT_MAX, { error: `an integer from ${PRIORITY_EXPLICIT_MIN} to ${PRIORITY_EXPLICIT_MAX}` })
    .optional()
    .meta({ description: "Explicit listener rule priority (1-9999). When unset: derived from the lane name (10000-49999)." }),
  image: ImageRef.optional().meta({ description: "Image for this lane when IMAGE_URI is not set." }),
  ttl: Ttl.optional().meta({ description: `Time to live of this lane after each deploy (${TTL_RULE_TEXT}); when unset: laneDefaults.ttl. Not allowed for the default lane.` }),
  env: EnvVars.optional().meta({ description: "Extra container environment for this lane (secret-looking names refused: use secrets)." }),
  secrets: Secrets.optional().meta({ description: "Extra container secrets of this lane (references, as container.secrets); a lane's entry wins over the service's of the same name." }),
  scaling: Scaling.optional().meta({ description: "Autoscaling of this lane; when unset: laneDefaults.scaling." }),
  alarms: Alarms.optional(),
  onUnhealthy: OnUnhealthySetting.optional().meta({ description: "While this lane has no healthy target: 'default' (its rules forward to default's target group) or 'refuse' (strict: 503); when unset: laneDefaults.onUnhealthy." }),
}).superRefine((l, ctx) => refuseSecretLookingNames(l.env, "lane", ctx, ["env"]));

/** A queue worker's queue, canary and alarms. */
export const WorkerSettings = strict({
  queue: strict({
    visibilityTimeoutSeconds: z.int().min(0).max(43200).default(60),
    retentionSeconds: z.int().min(60).max(1209600).default(345600),
    maxReceiveCount: z.int().min(1).max(1000).default(5).meta({ description: "Receives before a message moves to the dead-letter queue." }),
    deadLetterRetentionSeconds: z.int().min(60).max(1209600).default(1209600),
  }).prefault({}),
  backlogPerTask: z.int().min(1).max(100000).default(100).meta({
    description: "Target visible messages per running task (scaling on ApproximateNumberOfMessagesVisible / RunningTaskCount).",
  }),
  canary: strict({
    desiredCount: z.int().min(1).max(10).default(CANARY_DEFAULTS.desiredCount).meta({ description: "Fixed capacity of the canary lane." }),
    bakeMinutes: z.int().min(1).max(720).default(CANARY_DEFAULTS.bakeMinutes).meta({ description: "Minutes the canary is watched, counted from when its tasks are running and steady." }),
    pollSeconds: z.int().min(5).max(600).default(CANARY_DEFAULTS.pollSeconds),
    steadyMinutes: z.int().min(1).max(60).default(CANARY_DEFAULTS.steadyMinutes).meta({ description: "Deadline for the canary's tasks to be running and steady (ECS rollout completed) before the bake; past it the release fails and the canary is removed." }),
    minMessages: z.int().min(0).max(1_000_000).default(CANARY_DEFAULTS.minMessages).meta({ description: "Messages the canary must have processed during the bake: fewer is no evidence, so the bake is extended (maxExtensions) and then the release fails; never promoted. 0: no minimum." }),
    maxExtensions: z.int().min(0).max(5).default(CANARY_DEFAULTS.maxExtensions).meta({ description: "Extra bakes of bakeMinutes while the canary has processed too few messages or a signal still has no data." }),
    maxErrorRatePercent: z.number().min(0).max(100).default(CANARY_DEFAULTS.maxErrorRatePercent).meta({ description: "The canary's ERROR lines per message processed (%) above which it is rolled back…" }),
    minErrorLines: z.int().min(1).max(1_000_000).default(CANARY_DEFAULTS.minErrorLines).meta({ description: "…once it has logged at least this many ERROR lines." }),
  })
    .prefault({})
    // zod runs this only once every field is within its bounds (it refines the prefault, not the object).
    .superRefine((c, ctx) => {
      const worst = canaryWorstCaseMinutes(c);
      if (worst > PIPELINE_BUILD_ACTION_MAX_MINUTES) {
        ctx.addIssue({
          code: "custom",
          path: ["bakeMinutes"],
          input: c.bakeMinutes,
          message: `a canary release with these settings can run ${worst} minutes (${CANARY_OVERHEAD_MINUTES} deploys and promotion + steadyMinutes ${c.steadyMinutes} + bakeMinutes ${c.bakeMinutes} × (1 + maxExtensions ${c.maxExtensions}) + ${CANARY_READ_MINUTES} reads), more than the ${PIPELINE_BUILD_ACTION_MAX_MINUTES} a pipeline build may run: a shorter bakeMinutes, fewer maxExtensions or a shorter steadyMinutes`,
        });
      }
    }),
  alarms: strict({
    oldestMessageAgeSeconds: z.int().min(1).default(600),
    errorLogLines: z.int().min(1).default(10).meta({ description: "ERROR log lines of the lane in 5 minutes that alarm (an absolute count for every lane; the canary is also judged by its ERROR lines per message processed: canary.maxErrorRatePercent)." }),
  }).prefault({}),
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
  image: ImageRef.optional().meta({ description: "Image when neither IMAGE_URI nor the lane sets one." }),
  calls: z
    .array(ServiceName)
    .default([])
    .meta({
      description:
        "http services of the same env this service calls. Every lane gets {CALLEE}_URL (e.g. ORDER_API_URL: the callee's ALB, read from its boot state) and the task security group may reach that ALB; the callee's lane rules pick its lane and fall back to default.",
    }),
  discovery: z
    .array(ServiceName)
    .default([])
    .meta({
      description:
        "Callees (each also in calls) this service calls directly, task to task, found through Cloud Map by lane (@lanes/lane-context LaneDiscovery): every lane gets {CALLEE}_DISCOVERY ({namespace}/{service}), the task role may DiscoverInstances in the env's namespace, and the callee's task security group admits this service's tasks on its container port.",
    }),
  container: Container.prefault({}),
  laneDefaults: strict({
    desiredCount: z.int().min(0).max(1000).default(1),
    scaling: Scaling.optional().meta({ description: "Autoscaling of every lane; none when absent (fixed desiredCount)." }),
    alarms: AlarmDefaults.prefault({}),
    analysis: AnalysisDefaults.prefault({}).meta({ description: "How a lane is judged against default: lanes analyze, promote --analyze, ramp, the worker canary." }),
    ramp: RampDefaults.prefault({}).meta({ description: "Defaults of lanes ramp (and the app pipeline's ACTION=ramp)." }),
    ttl: Ttl.optional().meta({ description: `Time to live of every lane but default after each deploy (${TTL_RULE_TEXT}); when unset: lanes never expire.` }),
    onUnhealthy: OnUnhealthySetting.default("default").meta({
      description: "While a lane has no healthy target (its healthy-hosts alarm): 'default' (its rules forward to default's target group, the request keeps its lane for the next hop) or 'refuse' (strict: its rules answer 503).",
    }),
  }).prefault({}),
  lanes: z
    .record(LaneName, LaneSettings)
    .default({ default: {} })
    .superRefine((lanes, ctx) => {
      if (lanes.default?.ttl !== undefined) {
        ctx.addIssue({ code: "custom", path: ["default", "ttl"], input: lanes.default.ttl, message: "the default lane never expires; remove lanes.default.ttl" });
      }
    }),
});

// ---------------------------------------------------------------- edge-{env}.json

/** How often the edge's rules sync runs when params do not say (also without an edge-{env}.json). */
export const EDGE_SYNC_MINUTES = 5;
/** How often the rules sync rotates the edge's signing key when params do not say; also the longest tester token. */
export const EDGE_KEY_ROTATION_DAYS = 7;

const SecretGeneration = z.int().min(1).max(1_000_000);

const OriginSecretSettings = strict({
  sent: z.array(SecretGeneration).min(1).max(2).default([1]).meta({ description: "Generations CloudFront sends (one, or two consecutive ones during a rotation)." }),
  required: SecretGeneration.default(1).meta({ description: "The generation every ALB listener rule of a service behind the edge requires; one of sent." }),
}).superRefine((o, ctx) => {
  if (!o.sent.includes(o.required)) {
    ctx.addIssue({ code: "custom", path: ["required"], input: o.required, message: `one of sent (${o.sent.join(", ")}): the ALBs may only require what CloudFront sends` });
  }
  if (o.sent.length === 2 && Math.abs(o.sent[0]! - o.sent[1]!) !== 1) {
    ctx.addIssue({ code: "custom", path: ["sent"], input: o.sent, message: "two consecutive generations (the old one and the new one) during a rotation" });
  }
});

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
        probePath: pattern(/^\/[\x21-\x7e]{0,1023}$/, "an absolute URL path such as '/api/users/healthz'")
          .optional()
          .meta({ description: "A path the edge routes to this service that answers 2xx: the pipeline's verify probe goes through the edge to it. When unset: the service's healthCheckPath for the default service, else no probe (target health only)." }),
      }),
    )
    .min(1)
    .meta({ description: "http services whose ALBs sit behind the distribution." }),
  defaultService: ServiceName.meta({ description: "The origin of the default cache behavior; one of origins." }),
  priceClass: z.enum(["PriceClass_100", "PriceClass_200", "PriceClass_All"]).default("PriceClass_100"),
  aliases: z.array(z.string().min(1)).default([]),
  certificateArn: CertificateArn.optional().meta({ description: "ACM certificate in us-east-1 for the aliases." }),
  syncMinutes: z.int().min(1).max(60).default(EDGE_SYNC_MINUTES).meta({ description: "How often the rules sync runs." }),
  requireSigned: z.boolean().optional().meta({
    description: "Tester header and user id count only when signed (tester token, HS256 JWT); the sticky cookie always is. When unset: on in every env but 'dev'.",
  }),
  keyRotationDays: z.int().min(1).max(90).default(EDGE_KEY_ROTATION_DAYS).meta({
    description: "The rules sync puts a new edge signing key in front this often; the previous key is still accepted for one period. Also the longest tester token TTL.",
  }),
  originSecret: OriginSecretSettings.prefault({}).meta({
    description: "Generations of the secret origin header (values in infra-{env}'s state, never in params). Rotation: sent [n, n+1] (deploy infra, then edge); required n+1 (deploy every boot and lane); sent [n+1] (deploy edge, then infra).",
  }),
});

export type InfraParamsFile = z.output<typeof InfraParamsSchema>;
export type BootParamsFile = z.output<typeof BootParamsSchema>;
export type BootSettings = z.output<typeof BootDefaultsSchema>;
export type ServiceParamsFile = z.output<typeof ServiceParamsSchema>;
export type LaneSettingsParams = z.output<typeof LaneSettings>;
export type AlarmThresholds = z.output<typeof AlarmDefaults>;
export type AnalysisParams = z.output<typeof AnalysisDefaults>;
export type RampParams = z.output<typeof RampDefaults>;
export type ScalingParams = z.output<typeof Scaling>;
export type HttpsListenerParams = z.output<typeof HttpsListener>;
export type WorkerParams = z.output<typeof WorkerSettings>;
export type EdgeParamsFile = z.output<typeof EdgeParamsSchema>;
export type AuditParams = z.output<typeof AuditSettings>;
export type OriginSecretParams = z.output<typeof OriginSecretSettings>;

/** Schemas published for editors, by file name in params/schema/. */
export const PUBLISHED_SCHEMAS = {
  "infra.schema.json": InfraParamsSchema,
  "boot.schema.json": BootParamsSchema,
  "service.schema.json": ServiceParamsSchema,
  "edge.schema.json": EdgeParamsSchema,
} as const;
