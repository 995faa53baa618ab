/**
 * Which AWS call failed. SDK v3 errors carry the service's code and message but not the
 * operation or the resource; S3 in particular answers a denied call with a bare "Access Denied".
 * `recordCalls` adds a middleware to a client that, when a call fails, attaches the call (IAM
 * action and the resource named by its input) to the error, so the CLI can say in one line what
 * was denied (lib/cli/aws-errors.ts).
 */

/** The IAM service prefix of each SDK client the project uses (`{ClientName}` without `Client`). */
const IAM_PREFIX: Readonly<Record<string, string>> = {
  S3: "s3",
  DynamoDB: "dynamodb",
  ECS: "ecs",
  ElasticLoadBalancingV2: "elasticloadbalancing",
  CloudWatch: "cloudwatch",
  CloudWatchLogs: "logs",
  ServiceQuotas: "servicequotas",
  SNS: "sns",
};

/** SDK operations whose IAM action has another name. */
const IAM_ACTION_OF: Readonly<Record<string, string>> = {
  "s3:ListObjectsV2": "s3:ListBucket",
  "s3:HeadObject": "s3:GetObject",
  "s3:HeadBucket": "s3:ListBucket",
};

export interface FailedCall {
  /** The IAM action, e.g. `s3:GetObject`. */
  readonly action: string;
  /** What the call named (bucket/key, table, ARN, log group…), when its input names one. */
  readonly resource?: string;
}

export const FAILED_CALL = Symbol.for("lanes.failedCall");

type Input = Readonly<Record<string, unknown>>;

/** The resource a call's input names, in the form IAM shows it where that is plain. */
export function resourceOf(prefix: string, input: Input): string | undefined {
  const text = (k: string) => (typeof input[k] === "string" ? (input[k] as string) : undefined);
  if (prefix === "s3" && text("Bucket")) return `arn:aws:s3:::${text("Bucket")}${text("Key") ? `/${text("Key")}` : ""}`;
  if (prefix === "logs") return text("logGroupName") ?? text("logGroupIdentifier");
  for (const key of ["TableName", "LoadBalancerArn", "ListenerArn", "TargetGroupArn", "cluster", "QuotaCode", "AlarmNamePrefix"]) {
    if (text(key)) return key === "QuotaCode" ? `${text("ServiceCode") ?? "?"}/${text(key)}` : text(key);
  }
  const services = input.services;
  if (Array.isArray(services) && typeof services[0] === "string") return services.join(", ");
  return undefined;
}

/** The call attached to an error by `recordCalls`, if any. */
export function failedCallOf(err: unknown): FailedCall | undefined {
  if (err === null || typeof err !== "object") return undefined;
  return (err as { [FAILED_CALL]?: FailedCall })[FAILED_CALL];
}

interface MiddlewareClient {
  readonly middlewareStack: {
    add(
      middleware: (next: (args: { input: Input }) => Promise<unknown>, context: { clientName?: string; commandName?: string }) => (args: { input: Input }) => Promise<unknown>,
      options: { step: "initialize"; name: string; override?: boolean },
    ): void;
  };
}

/** Makes every failed call of `client` carry its action and resource (see FAILED_CALL). */
export function recordCalls<C>(client: C): C {
  (client as unknown as MiddlewareClient).middlewareStack.add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (err) {
        const service = (context.clientName ?? "").replace(/Client$/, "");
        const prefix = IAM_PREFIX[service] ?? service.toLowerCase();
        const operation = (context.commandName ?? "").replace(/Command$/, "");
        if (err !== null && typeof err === "object" && operation) {
          const resource = resourceOf(prefix, args.input);
          const action = IAM_ACTION_OF[`${prefix}:${operation}`] ?? `${prefix}:${operation}`;
          Object.defineProperty(err, FAILED_CALL, { value: { action, ...(resource ? { resource } : {}) }, enumerable: false });
        }
        throw err;
      }
    },
    { step: "initialize", name: "lanesRecordFailedCall", override: true },
  );
  return client;
}
