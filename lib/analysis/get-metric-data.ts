/**
 * GetMetricData for the analysis readers: every page (NextToken), every result checked
 * (Forbidden, InternalError, or PartialData with no page left are errors), values by query Id and
 * minute. Throttled and transient failures are retried with exponential back-off on the injected
 * clock and reported; a call that keeps failing throws MetricsReadError — never an empty series.
 */
import { GetMetricDataCommand, type CloudWatchClient, type GetMetricDataCommandOutput, type MetricDataQuery } from "@aws-sdk/client-cloudwatch";
import type { Clock } from "./clock";

const MINUTE_MS = 60_000;

export class MetricsReadError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "MetricsReadError";
  }
}

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

export interface RetryOptions {
  readonly clock: Clock;
  /** Tries per page (first call included). */
  readonly attempts: number;
  /** First back-off; doubles each retry up to `maxDelayMs`. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly onRetry: (line: string) => void;
}

export const METRICS_RETRY = { attempts: 5, baseDelayMs: 1000, maxDelayMs: 20_000 } as const;

async function page(client: CloudWatchClient, command: GetMetricDataCommand, n: number, retry: RetryOptions): Promise<GetMetricDataCommandOutput> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await client.send(command);
    } catch (err) {
      if (!isRetryable(err)) throw new MetricsReadError(`CloudWatch GetMetricData failed: ${errorText(err)}`, { cause: err });
      if (attempt >= retry.attempts) throw new MetricsReadError(`CloudWatch GetMetricData failed ${attempt} times (${errorText(err)})`, { cause: err });
      const delay = Math.min(retry.baseDelayMs * 2 ** (attempt - 1), retry.maxDelayMs);
      retry.onRetry(`  metrics read failed (${errorText(err)}), page ${n}; retry ${attempt}/${retry.attempts - 1} in ${Math.round(delay / 1000)} s`);
      await retry.clock.sleep(delay);
    }
  }
}

/** Values of each query Id by the start of their minute, over [startMs, endMs). */
export async function getMetricData(
  client: CloudWatchClient,
  queries: readonly MetricDataQuery[],
  startMs: number,
  endMs: number,
  retry: RetryOptions,
): Promise<Map<string, Map<number, number>>> {
  const values = new Map<string, Map<number, number>>(queries.map((q) => [q.Id!, new Map()]));
  let nextToken: string | undefined;
  let n = 0;
  do {
    n++;
    const out = await page(
      client,
      new GetMetricDataCommand({
        MetricDataQueries: [...queries],
        StartTime: new Date(startMs),
        EndTime: new Date(endMs),
        ScanBy: "TimestampAscending",
        ...(nextToken ? { NextToken: nextToken } : {}),
      }),
      n,
      retry,
    );
    for (const result of out.MetricDataResults ?? []) {
      const series = result.Id ? values.get(result.Id) : undefined;
      if (!series) continue;
      if (result.StatusCode === "Forbidden" || result.StatusCode === "InternalError") {
        throw new MetricsReadError(`CloudWatch answered ${result.StatusCode} for ${result.Id} (${(result.Messages ?? []).map((m) => m.Value).join("; ") || "no detail"})`);
      }
      if (result.StatusCode === "PartialData" && !out.NextToken) throw new MetricsReadError(`CloudWatch returned partial data for ${result.Id} with no further page`);
      const timestamps = result.Timestamps ?? [];
      const points = result.Values ?? [];
      if (timestamps.length !== points.length) throw new MetricsReadError(`CloudWatch returned ${timestamps.length} timestamps and ${points.length} values for ${result.Id}`);
      timestamps.forEach((t, i) => series.set(Math.floor(t.getTime() / MINUTE_MS) * MINUTE_MS, points[i]!));
    }
    nextToken = out.NextToken;
  } while (nextToken);
  return values;
}
