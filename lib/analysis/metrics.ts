/**
 * One lane's ALB metrics and the baseline's (the `default` lane's target group) over the same
 * window, per minute, read with CloudWatch GetMetricData: RequestCount and
 * HTTPCode_Target_5XX_Count (Sum), TargetResponseTime p50/p95/p99 (in ms here; CloudWatch gives
 * seconds). A minute without requests has no datapoints: its counts are 0 and its latency absent.
 *
 * Throttled and transient failures are retried with exponential back-off on the injected clock;
 * a read that keeps failing, is refused, or comes back incomplete throws MetricsReadError — it is
 * never turned into an empty (and so "healthy") series.
 */
import { CloudWatchClient, GetMetricDataCommand, type GetMetricDataCommandOutput, type MetricDataQuery } from "@aws-sdk/client-cloudwatch";
import { realClock, type Clock } from "./clock";

export const METRIC_PERIOD_SECONDS = 60;
const MINUTE_MS = 60_000;

export interface TargetGroupRef {
  /** The lane's name, for reports. */
  readonly name: string;
  /** The target group's ARN or ARN suffix (`targetgroup/NAME/ID`). */
  readonly targetGroup: string;
}

export interface MetricsQuery {
  /** The ALB's ARN or ARN suffix (`app/NAME/ID`). */
  readonly loadBalancer: string;
  readonly lane: TargetGroupRef;
  readonly baseline: TargetGroupRef;
  /** Rounded down to the minute; included. */
  readonly start: Date;
  /** Rounded down to the minute; excluded. */
  readonly end: Date;
}

export interface MinutePoint {
  /** Start of the minute. */
  readonly at: Date;
  readonly requests: number;
  readonly errors5xx: number;
  /** Target response time percentiles in milliseconds; absent in a minute without requests. */
  readonly p50?: number;
  readonly p95?: number;
  readonly p99?: number;
}

export interface LaneSeries {
  readonly name: string;
  /** ARN suffix. */
  readonly targetGroup: string;
  /** One point per minute of the window, in order, gaps filled. */
  readonly minutes: readonly MinutePoint[];
}

export interface WindowMetrics {
  readonly start: Date;
  readonly end: Date;
  readonly lane: LaneSeries;
  readonly baseline: LaneSeries;
}

export interface LaneMetricsReader {
  read(query: MetricsQuery): Promise<WindowMetrics>;
}

export class MetricsReadError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "MetricsReadError";
  }
}

/** `app/NAME/ID` or `targetgroup/NAME/ID`, from an ARN or a suffix; throws RangeError otherwise. */
export function arnSuffix(kind: "loadbalancer" | "targetgroup", arnOrSuffix: string): string {
  const suffix = arnOrSuffix.startsWith("arn:") ? arnOrSuffix.split(":").slice(5).join(":").replace(/^loadbalancer\//, "") : arnOrSuffix;
  const shape = kind === "loadbalancer" ? /^app\/[A-Za-z0-9-]{1,32}\/[0-9a-f]+$/ : /^targetgroup\/[A-Za-z0-9-]{1,32}\/[0-9a-f]+$/;
  if (!shape.test(suffix)) {
    const example = kind === "loadbalancer" ? "app/NAME/ID" : "targetgroup/NAME/ID";
    throw new RangeError(`not an application load balancer${kind === "loadbalancer" ? "" : " target group"} ARN or ARN suffix (${example}): ${arnOrSuffix}`);
  }
  return suffix;
}

/** The last `minutes` whole minutes before `nowMs`: [start, end). */
export function analysisWindow(nowMs: number, minutes: number): { start: Date; end: Date } {
  const end = Math.floor(nowMs / MINUTE_MS) * MINUTE_MS;
  return { start: new Date(end - minutes * MINUTE_MS), end: new Date(end) };
}

const STATS = [
  { key: "requests", metric: "RequestCount", stat: "Sum" },
  { key: "errors5xx", metric: "HTTPCode_Target_5XX_Count", stat: "Sum" },
  { key: "p50", metric: "TargetResponseTime", stat: "p50" },
  { key: "p95", metric: "TargetResponseTime", stat: "p95" },
  { key: "p99", metric: "TargetResponseTime", stat: "p99" },
] as const;
type StatKey = (typeof STATS)[number]["key"];
type Side = "lane" | "baseline";

const THROTTLING = new Set([
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "RequestThrottled",
  "RequestThrottledException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "LimitExceededException",
  "LimitExceededFault",
  "SlowDown",
]);
const TRANSIENT = new Set(["TimeoutError", "RequestTimeout", "RequestTimeoutException", "InternalServiceFault", "InternalServiceError", "ServiceUnavailable"]);
const NETWORK = new Set(["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN"]);

/** Throttling, a 5xx, a timeout or a dropped connection: worth another try. */
export function isRetryable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const e = err as Error & { code?: string; $retryable?: unknown; $metadata?: { httpStatusCode?: number } };
  if (THROTTLING.has(e.name) || TRANSIENT.has(e.name) || e.$retryable !== undefined) return true;
  if (e.code !== undefined && NETWORK.has(e.code)) return true;
  const status = e.$metadata?.httpStatusCode;
  return status === 429 || (status !== undefined && status >= 500);
}

const errorText = (err: unknown) => {
  const e = err as Error;
  return e.name && e.name !== "Error" ? `${e.name}: ${e.message}` : String(e.message ?? err);
};

export interface CloudWatchLaneMetricsOptions {
  /** A client to use (tests mock it at the SDK edge); otherwise one is made for `region`. */
  readonly client?: CloudWatchClient;
  readonly region?: string;
  readonly clock?: Clock;
  /** Tries per GetMetricData page (first call included). */
  readonly attempts?: number;
  /** First back-off; doubles each retry up to `maxDelayMs`. */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Told of each retry, e.g. the ramp's timeline. */
  readonly onRetry?: (line: string) => void;
}

export const METRICS_RETRY = { attempts: 5, baseDelayMs: 1000, maxDelayMs: 20_000 } as const;

export class CloudWatchLaneMetrics implements LaneMetricsReader {
  private readonly client: CloudWatchClient;
  private readonly owned: boolean;
  private readonly clock: Clock;
  private readonly attempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly onRetry: (line: string) => void;

  constructor(options: CloudWatchLaneMetricsOptions = {}) {
    // Retries are ours (on the injected clock, reported), not the SDK's.
    this.client = options.client ?? new CloudWatchClient({ ...(options.region ? { region: options.region } : {}), maxAttempts: 1 });
    this.owned = options.client === undefined;
    this.clock = options.clock ?? realClock;
    this.attempts = options.attempts ?? METRICS_RETRY.attempts;
    this.baseDelayMs = options.baseDelayMs ?? METRICS_RETRY.baseDelayMs;
    this.maxDelayMs = options.maxDelayMs ?? METRICS_RETRY.maxDelayMs;
    this.onRetry = options.onRetry ?? (() => undefined);
  }

  async read(query: MetricsQuery): Promise<WindowMetrics> {
    const loadBalancer = arnSuffix("loadbalancer", query.loadBalancer);
    const targetGroups: Record<Side, string> = {
      lane: arnSuffix("targetgroup", query.lane.targetGroup),
      baseline: arnSuffix("targetgroup", query.baseline.targetGroup),
    };
    const startMs = Math.floor(query.start.getTime() / MINUTE_MS) * MINUTE_MS;
    const endMs = Math.floor(query.end.getTime() / MINUTE_MS) * MINUTE_MS;
    if (!(endMs > startMs)) throw new RangeError(`the window must hold at least one whole minute (${query.start.toISOString()} – ${query.end.toISOString()})`);

    const queries: MetricDataQuery[] = (["lane", "baseline"] as const).flatMap((side) =>
      STATS.map((s) => ({
        Id: `${side}_${s.key}`,
        ReturnData: true,
        MetricStat: {
          Metric: {
            Namespace: "AWS/ApplicationELB",
            MetricName: s.metric,
            Dimensions: [
              { Name: "LoadBalancer", Value: loadBalancer },
              { Name: "TargetGroup", Value: targetGroups[side] },
            ],
          },
          Period: METRIC_PERIOD_SECONDS,
          Stat: s.stat,
        },
      })),
    );

    const values = new Map<string, Map<number, number>>(queries.map((q) => [q.Id!, new Map()]));
    let nextToken: string | undefined;
    let page = 0;
    do {
      page++;
      const out = await this.page(
        new GetMetricDataCommand({
          MetricDataQueries: queries,
          StartTime: new Date(startMs),
          EndTime: new Date(endMs),
          ScanBy: "TimestampAscending",
          ...(nextToken ? { NextToken: nextToken } : {}),
        }),
        page,
      );
      for (const result of out.MetricDataResults ?? []) {
        const series = result.Id ? values.get(result.Id) : undefined;
        if (!series) continue;
        if (result.StatusCode === "Forbidden" || result.StatusCode === "InternalError") {
          throw new MetricsReadError(`CloudWatch answered ${result.StatusCode} for ${result.Id} (${(result.Messages ?? []).map((m) => m.Value).join("; ") || "no detail"})`);
        }
        if (result.StatusCode === "PartialData" && !out.NextToken) {
          throw new MetricsReadError(`CloudWatch returned partial data for ${result.Id} with no further page`);
        }
        const timestamps = result.Timestamps ?? [];
        const points = result.Values ?? [];
        if (timestamps.length !== points.length) throw new MetricsReadError(`CloudWatch returned ${timestamps.length} timestamps and ${points.length} values for ${result.Id}`);
        timestamps.forEach((t, i) => series.set(Math.floor(t.getTime() / MINUTE_MS) * MINUTE_MS, points[i]!));
      }
      nextToken = out.NextToken;
    } while (nextToken);

    const seriesOf = (side: Side, ref: TargetGroupRef): LaneSeries => {
      const get = (key: StatKey, t: number) => values.get(`${side}_${key}`)!.get(t);
      const minutes: MinutePoint[] = [];
      for (let t = startMs; t < endMs; t += MINUTE_MS) {
        const latency = (key: "p50" | "p95" | "p99") => {
          const v = get(key, t);
          return v === undefined || !Number.isFinite(v) ? {} : { [key]: v * 1000 };
        };
        minutes.push({ at: new Date(t), requests: get("requests", t) ?? 0, errors5xx: get("errors5xx", t) ?? 0, ...latency("p50"), ...latency("p95"), ...latency("p99") });
      }
      return { name: ref.name, targetGroup: targetGroups[side], minutes };
    };
    return { start: new Date(startMs), end: new Date(endMs), lane: seriesOf("lane", query.lane), baseline: seriesOf("baseline", query.baseline) };
  }

  private async page(command: GetMetricDataCommand, page: number): Promise<GetMetricDataCommandOutput> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.client.send(command);
      } catch (err) {
        if (!isRetryable(err)) throw new MetricsReadError(`CloudWatch GetMetricData failed: ${errorText(err)}`, { cause: err });
        if (attempt >= this.attempts) {
          throw new MetricsReadError(`CloudWatch GetMetricData failed ${attempt} times (${errorText(err)})`, { cause: err });
        }
        const delay = Math.min(this.baseDelayMs * 2 ** (attempt - 1), this.maxDelayMs);
        this.onRetry(`  metrics read failed (${errorText(err)}), page ${page}; retry ${attempt}/${this.attempts - 1} in ${Math.round(delay / 1000)} s`);
        await this.clock.sleep(delay);
      }
    }
  }

  destroy(): void {
    if (this.owned) this.client.destroy();
  }
}
