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
import { CloudWatchClient, type MetricDataQuery } from "@aws-sdk/client-cloudwatch";
import { realClock, type Clock } from "./clock";
import { METRIC_PERIOD_SECONDS } from "./config";
import { METRICS_RETRY, getMetricData, type RetryOptions } from "./get-metric-data";

export { METRIC_PERIOD_SECONDS };

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

/** The options' retry settings, defaults filled. */
export function retryOptions(options: CloudWatchLaneMetricsOptions): RetryOptions {
  return {
    clock: options.clock ?? realClock,
    attempts: options.attempts ?? METRICS_RETRY.attempts,
    baseDelayMs: options.baseDelayMs ?? METRICS_RETRY.baseDelayMs,
    maxDelayMs: options.maxDelayMs ?? METRICS_RETRY.maxDelayMs,
    onRetry: options.onRetry ?? (() => undefined),
  };
}

export class CloudWatchLaneMetrics implements LaneMetricsReader {
  private readonly client: CloudWatchClient;
  private readonly owned: boolean;
  private readonly retry: RetryOptions;

  constructor(options: CloudWatchLaneMetricsOptions = {}) {
    // Retries are ours (on the injected clock, reported), not the SDK's.
    this.client = options.client ?? new CloudWatchClient({ ...(options.region ? { region: options.region } : {}), maxAttempts: 1 });
    this.owned = options.client === undefined;
    this.retry = retryOptions(options);
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

    const values = await getMetricData(this.client, queries, startMs, endMs, this.retry);

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

  destroy(): void {
    if (this.owned) this.client.destroy();
  }
}
