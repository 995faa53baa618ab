/**
 * A worker lane's counts over a window, for judgeWorker: the sums of its error-line metric (the
 * log metric filter of constructs/lane-alarms.ts, namespace `lanes/workers`) and of a
 * messages-processed metric, for the canary and for default, with the same paging and retries as
 * the http reader. The platform's lanes publish both (processedMetric: a log metric filter on the
 * worker's `{"event":"processed","lane":…}` lines); a caller may name others (e.g. EMF metrics).
 */
import { CloudWatchClient, type MetricDataQuery } from "@aws-sdk/client-cloudwatch";
import { getMetricData, type RetryOptions } from "./get-metric-data";
import { retryOptions, type CloudWatchLaneMetricsOptions } from "./metrics";
import type { WorkerWindow } from "./worker-judge";
import { WORKER_METRICS_NAMESPACE, laneNames } from "../naming";

export interface CountMetric {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions?: Readonly<Record<string, string>>;
}

export interface WorkerLaneMetrics {
  readonly name: string;
  readonly errorLines: CountMetric;
  readonly processed: CountMetric;
}

export interface WorkerQuery {
  readonly canary: WorkerLaneMetrics;
  readonly baseline: WorkerLaneMetrics;
  readonly start: Date;
  readonly end: Date;
}

/** The error-line metric the platform's log metric filter publishes for a worker lane. */
export function errorLinesMetric(service: string, env: string, lane: string): CountMetric {
  return { namespace: WORKER_METRICS_NAMESPACE, metricName: laneNames(service, env, lane).alarms.errorLines };
}

/** The processed-messages metric the platform's log metric filter publishes for a worker lane. */
export function processedMetric(service: string, env: string, lane: string): CountMetric {
  return { namespace: WORKER_METRICS_NAMESPACE, metricName: laneNames(service, env, lane).processedMetric };
}

const MINUTE_MS = 60_000;

export class CloudWatchWorkerCounts {
  private readonly client: CloudWatchClient;
  private readonly owned: boolean;
  private readonly retry: RetryOptions;

  constructor(options: CloudWatchLaneMetricsOptions = {}) {
    this.client = options.client ?? new CloudWatchClient({ ...(options.region ? { region: options.region } : {}), maxAttempts: 1 });
    this.owned = options.client === undefined;
    this.retry = retryOptions(options);
  }

  async read(q: WorkerQuery): Promise<WorkerWindow> {
    const startMs = Math.floor(q.start.getTime() / MINUTE_MS) * MINUTE_MS;
    const endMs = Math.floor(q.end.getTime() / MINUTE_MS) * MINUTE_MS;
    if (!(endMs > startMs)) throw new RangeError(`the window must hold at least one whole minute (${q.start.toISOString()} – ${q.end.toISOString()})`);
    const query = (id: string, m: CountMetric): MetricDataQuery => ({
      Id: id,
      ReturnData: true,
      MetricStat: {
        Metric: { Namespace: m.namespace, MetricName: m.metricName, Dimensions: Object.entries(m.dimensions ?? {}).map(([Name, Value]) => ({ Name, Value })) },
        Period: 60,
        Stat: "Sum",
      },
    });
    const values = await getMetricData(
      this.client,
      [query("canary_errors", q.canary.errorLines), query("canary_processed", q.canary.processed), query("baseline_errors", q.baseline.errorLines), query("baseline_processed", q.baseline.processed)],
      startMs,
      endMs,
      this.retry,
    );
    const sum = (id: string) => Math.round([...values.get(id)!.values()].reduce((s, v) => s + v, 0));
    return {
      start: new Date(startMs),
      end: new Date(endMs),
      canary: { name: q.canary.name, errorLines: sum("canary_errors"), processed: sum("canary_processed") },
      baseline: { name: q.baseline.name, errorLines: sum("baseline_errors"), processed: sum("baseline_processed") },
    };
  }

  destroy(): void {
    if (this.owned) this.client.destroy();
  }
}
