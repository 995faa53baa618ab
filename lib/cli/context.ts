/**
 * What a command runs with: the environment, params, progress output, and (created on first
 * use, closed when the command ends) the AWS-facing parts. Tests pass their own through
 * `Dependencies`; everything not given is the real thing.
 */
import type { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import type { CodeBuildClient } from "@aws-sdk/client-codebuild";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { hostname, userInfo } from "node:os";
import { join } from "node:path";
import { recordCalls } from "../ops/aws-calls";
import type { AlarmReader, Clock } from "../ops/canary";
import type { ClusterView } from "../ops/cluster";
import type { LoadBalancerQuotas } from "../ops/quota";
import type { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import type { OpsContext } from "../ops/commands";
import type { EvidenceDeps, WorkerCountsReader } from "../ops/evidence";
import type { Steps } from "../ops/steps";
import type { StateConfig } from "../params/config";
import type { LaneBuilds } from "../ops/unlock";
import { ParamsRepository, overridesFromEnv } from "../params/load";
import type { StateClients } from "../preflight";
import { PROJECT_ROOT } from "../process";

/**
 * The SDK clients and the operations behind them, loaded when a command first uses them: a
 * command that needs none (`lanes ci inputs`, called by every pipeline build) starts without
 * loading them, which is most of the CLI's start-up time.
 */
const lazy = {
  cloudwatch: () => require("@aws-sdk/client-cloudwatch") as typeof import("@aws-sdk/client-cloudwatch"),
  codebuild: () => require("@aws-sdk/client-codebuild") as typeof import("@aws-sdk/client-codebuild"),
  dynamodb: () => require("@aws-sdk/client-dynamodb") as typeof import("@aws-sdk/client-dynamodb"),
  elb: () => require("@aws-sdk/client-elastic-load-balancing-v2") as typeof import("@aws-sdk/client-elastic-load-balancing-v2"),
  s3: () => require("@aws-sdk/client-s3") as typeof import("@aws-sdk/client-s3"),
  quotasClient: () => require("@aws-sdk/client-service-quotas") as typeof import("@aws-sdk/client-service-quotas"),
  logs: () => require("@aws-sdk/client-cloudwatch-logs") as typeof import("@aws-sdk/client-cloudwatch-logs"),
  canary: () => require("../ops/canary") as typeof import("../ops/canary"),
  cluster: () => require("../ops/cluster") as typeof import("../ops/cluster"),
  metrics: () => require("../analysis/metrics") as typeof import("../analysis/metrics"),
  workerMetrics: () => require("../analysis/worker-metrics") as typeof import("../analysis/worker-metrics"),
  quota: () => require("../ops/quota") as typeof import("../ops/quota"),
  traffic: () => require("../ops/traffic") as typeof import("../ops/traffic"),
  unlock: () => require("../ops/unlock") as typeof import("../ops/unlock"),
  steps: () => require("../ops/steps") as typeof import("../ops/steps"),
};

export interface Dependencies {
  readonly clients?: StateClients;
  readonly cluster?: ClusterView;
  readonly steps?: Steps;
  readonly alarms?: AlarmReader;
  readonly clock?: Clock;
  /** DynamoDB holding the edge rules table. */
  readonly edgeTable?: DynamoDBClient;
  /** CloudWatch (GetMetricData) for the analyses; tests mock it at the SDK edge. */
  readonly cloudwatch?: CloudWatchClient;
  /** ELBv2 for the ramp rule's weights; tests mock it at the SDK edge. */
  readonly elb?: ElasticLoadBalancingV2Client;
  readonly progress?: (line: string) => void;
  /** Load balancer usage and quotas; default: ELBv2 and Service Quotas. */
  readonly quotas?: LoadBalancerQuotas;
  /** CloudWatch Logs for lanes logs. */
  readonly logs?: CloudWatchLogsClient;
  /** Where streamed results go (lanes logs --follow); default stdout. */
  readonly output?: (line: string) => void;
  /** Stops a following command (lanes logs --follow); default: none (Ctrl-C ends the process). */
  readonly signal?: AbortSignal;
  /** CodeBuild (lanes unlock: is a build of the lane running?); tests mock it at the SDK edge. */
  readonly codebuild?: CodeBuildClient;
}

/** SDK clients for the state bucket and lock table, honouring custom endpoints. */
export function stateClients(state: StateConfig): StateClients {
  const s3 = recordCalls(new (lazy.s3().S3Client)({ region: state.region, ...(state.endpoints ? { endpoint: state.endpoints.s3, forcePathStyle: true } : {}) }));
  const withTable = state.lock === "dynamodb" || state.lock === "both";
  const dynamodb = withTable
    ? recordCalls(new (lazy.dynamodb().DynamoDBClient)({ region: state.region, ...(state.endpoints?.dynamodb ? { endpoint: state.endpoints.dynamodb } : {}) }))
    : undefined;
  return { s3, ...(dynamodb ? { dynamodb } : {}) };
}

/** Who is changing things, recorded as a lane's `changed_by`: the pipeline execution, else user@host. */
export function changedBy(env: NodeJS.ProcessEnv): string {
  if (env.PIPELINE_EXECUTION_ID) return `pipeline:${env.PIPELINE_EXECUTION_ID}`;
  let user = env.USER ?? "unknown";
  try {
    user = userInfo().username;
  } catch {
    /* keep USER */
  }
  return `${user}@${hostname()}`;
}

export class CommandContext {
  readonly params: ParamsRepository;
  readonly progress: (line: string) => void;
  private readonly closers: (() => void)[] = [];

  constructor(
    readonly env: NodeJS.ProcessEnv,
    readonly deps: Dependencies = {},
  ) {
    this.params = new ParamsRepository(env.LANES_PARAMS_DIR ?? join(PROJECT_ROOT, "params"), overridesFromEnv(env));
    this.progress = deps.progress ?? ((line: string) => process.stderr.write(`lanes: ${line}\n`));
  }

  /** Closes what the command opened (SDK clients it created itself). */
  close(): void {
    for (const close of this.closers.splice(0)) close();
  }

  /** Something to close when the command ends. */
  owns<T>(value: T, close: (v: T) => void): T {
    this.closers.push(() => close(value));
    return value;
  }

  /** The lane operations' context for `envName`: state clients, cluster view, the steps that deploy. */
  ops(envName: string, options: { readonly dryRun: boolean; readonly output?: string }): OpsContext {
    const infra = this.params.infra(envName);
    const clients = this.deps.clients ?? this.owns(stateClients(infra.state), (c) => {
      c.s3.destroy();
      c.dynamodb?.destroy();
    });
    const cluster = this.deps.cluster ?? this.owns(new (lazy.cluster().AwsClusterView)(infra.region), (c) => c.destroy());
    const quotas =
      this.deps.quotas ??
      new (lazy.quota().AwsLoadBalancerQuotas)(
        this.owns(recordCalls(new (lazy.elb().ElasticLoadBalancingV2Client)({ region: infra.region, maxAttempts: 2 })), (c) => c.destroy()),
        this.owns(recordCalls(new (lazy.quotasClient().ServiceQuotasClient)({ region: infra.region, maxAttempts: 2 })), (c) => c.destroy()),
        (line) => this.progress(line),
      );
    const steps = this.deps.steps ?? (options.dryRun ? new (lazy.steps().DryRunSteps)(this.env, this.progress, options.output) : new (lazy.steps().CdktfSteps)(this.env, this.progress, options.output));
    return {
      params: this.params,
      state: infra.state,
      clients,
      cluster,
      steps,
      progress: this.progress,
      changedBy: changedBy(this.env),
      healthTimeoutMs: Number(this.env.LANES_HEALTH_TIMEOUT_SECONDS ?? 900) * 1000,
      healthIntervalMs: Number(this.env.LANES_HEALTH_INTERVAL_SECONDS ?? 15) * 1000,
      now: () => this.clock().now(),
      quotas,
    };
  }

  alarms(region: string): AlarmReader {
    return this.deps.alarms ?? this.owns(new (lazy.canary().CloudWatchAlarmReader)(region), (r) => r.destroy());
  }

  clock(): Clock {
    return this.deps.clock ?? lazy.canary().realClock;
  }

  private readonly clients = new Map<string, unknown>();

  /** One client per kind and region for the whole command, closed when it ends. */
  private client<T extends { destroy(): void }>(kind: string, region: string, make: () => T): T {
    const key = `${kind}/${region}`;
    const made = this.clients.get(key) as T | undefined;
    if (made) return made;
    const client = this.owns(make(), (c) => c.destroy());
    this.clients.set(key, client);
    return client;
  }

  /** The lane-vs-default analyses' metrics, the ramp rule on the ALB, and time. */
  evidence(region: string): EvidenceDeps {
    const clock = this.clock();
    // Retries are the metrics reader's (on the command's clock, reported), not the SDK's.
    const cloudwatch = this.deps.cloudwatch ?? this.client("cloudwatch", region, () => new (lazy.cloudwatch().CloudWatchClient)({ region, maxAttempts: 1 }));
    const elb = this.deps.elb ?? this.client("elb", region, () => new (lazy.elb().ElasticLoadBalancingV2Client)({ region, maxAttempts: 3 }));
    return {
      clock,
      metrics: new (lazy.metrics().CloudWatchLaneMetrics)({ client: cloudwatch, clock, onRetry: this.progress }),
      traffic: new (lazy.traffic().ElbTrafficControl)(elb),
    };
  }

  /** ELBv2 of the region (the fallback switch). */
  elb(region: string): ElasticLoadBalancingV2Client {
    return this.deps.elb ?? this.client("elb", region, () => new (lazy.elb().ElasticLoadBalancingV2Client)({ region, maxAttempts: 3 }));
  }

  /** A worker lane's and default's error lines and processed messages. */
  workerCounts(region: string): WorkerCountsReader {
    const cloudwatch = this.deps.cloudwatch ?? this.client("cloudwatch", region, () => new (lazy.cloudwatch().CloudWatchClient)({ region, maxAttempts: 1 }));
    return new (lazy.workerMetrics().CloudWatchWorkerCounts)({ client: cloudwatch, clock: this.clock(), onRetry: this.progress });
  }

  /** The running builds of a lane in its service's app pipeline project. */
  laneBuilds(region: string): LaneBuilds {
    const codebuild = this.deps.codebuild ?? this.client("codebuild", region, () => recordCalls(new (lazy.codebuild().CodeBuildClient)({ region })));
    return new (lazy.unlock().CodeBuildLaneBuilds)(codebuild);
  }

  logs(region: string): CloudWatchLogsClient {
    return this.deps.logs ?? this.owns(recordCalls(new (lazy.logs().CloudWatchLogsClient)({ region })), (c) => c.destroy());
  }

  /** Writes one line of a streamed result. */
  output(line: string): void {
    if (this.deps.output) this.deps.output(line);
    else process.stdout.write(`${line}\n`);
  }

  edgeTable(region: string): DynamoDBClient {
    return this.deps.edgeTable ?? this.owns(recordCalls(new (lazy.dynamodb().DynamoDBClient)({ region })), (c) => c.destroy());
  }
}
