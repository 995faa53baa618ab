/**
 * GetMetricData answers as CloudWatch gives them, built from a per-minute description of each
 * target group's traffic: one result per query Id, timestamps ascending, only minutes that have
 * datapoints (an ALB reports nothing for a minute without requests), latency in seconds, and
 * NextToken paging when a page size is set.
 */
import type { GetMetricDataCommandInput, GetMetricDataCommandOutput, MetricDataResult } from "@aws-sdk/client-cloudwatch";

export const LOAD_BALANCER_ARN = "arn:aws:elasticloadbalancing:ap-southeast-2:123456789012:loadbalancer/app/user-api-dev/50dc6c495c0c9188";
export const LANE_TG_ARN = "arn:aws:elasticloadbalancing:ap-southeast-2:123456789012:targetgroup/user-api-dev-gray-tg/73e2d6bc24d8a067";
export const DEFAULT_TG_ARN = "arn:aws:elasticloadbalancing:ap-southeast-2:123456789012:targetgroup/user-api-dev-default-tg/1f8a6e2c9b3d4e5f";
export const LANE_TG = "targetgroup/user-api-dev-gray-tg/73e2d6bc24d8a067";
export const DEFAULT_TG = "targetgroup/user-api-dev-default-tg/1f8a6e2c9b3d4e5f";

/** One minute of one target group; latencies in milliseconds. */
export interface Traffic {
  readonly requests: number;
  readonly errors5xx: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}

/** Traffic of a target group suffix in the minute starting at `minuteMs`; undefined = no requests. */
export type TrafficOf = (targetGroup: string, minuteMs: number) => Traffic | undefined;

const VALUE: Record<string, (t: Traffic) => number | undefined> = {
  "RequestCount/Sum": (t) => t.requests,
  // An ALB publishes a 5xx count only for minutes that had one.
  "HTTPCode_Target_5XX_Count/Sum": (t) => (t.errors5xx > 0 ? t.errors5xx : undefined),
  "TargetResponseTime/p50": (t) => t.p50 / 1000,
  "TargetResponseTime/p95": (t) => t.p95 / 1000,
  "TargetResponseTime/p99": (t) => t.p99 / 1000,
};

/** The answer to one GetMetricData call; `minutesPerPage` splits the window into NextToken pages. */
export function answer(input: GetMetricDataCommandInput, traffic: TrafficOf, minutesPerPage = Infinity): GetMetricDataCommandOutput {
  const start = input.StartTime!.getTime();
  const end = input.EndTime!.getTime();
  const minutes: number[] = [];
  for (let t = start; t < end; t += 60_000) minutes.push(t);
  const page = input.NextToken ? Number(input.NextToken.replace("page-", "")) : 0;
  const slice = minutes.slice(page * minutesPerPage, (page + 1) * minutesPerPage);
  const more = (page + 1) * minutesPerPage < minutes.length;
  const results: MetricDataResult[] = (input.MetricDataQueries ?? []).map((q) => {
    const stat = q.MetricStat!;
    const tg = stat.Metric!.Dimensions!.find((d) => d.Name === "TargetGroup")!.Value!;
    const value = VALUE[`${stat.Metric!.MetricName}/${stat.Stat}`]!;
    const points = slice.flatMap((t) => {
      const minute = traffic(tg, t);
      const v = minute && minute.requests > 0 ? value(minute) : undefined;
      return v === undefined ? [] : [{ t, v }];
    });
    return {
      Id: q.Id,
      Label: `${stat.Metric!.MetricName} ${stat.Stat}`,
      Timestamps: points.map((p) => new Date(p.t)),
      Values: points.map((p) => p.v),
      StatusCode: more ? "PartialData" : "Complete",
    };
  });
  return { MetricDataResults: results, Messages: [], ...(more ? { NextToken: `page-${page + 1}` } : {}), $metadata: { httpStatusCode: 200 } };
}

/** An error as the SDK raises it for a throttled call. */
export function throttled(): Error {
  return Object.assign(new Error("Rate exceeded"), { name: "Throttling", $fault: "client", $metadata: { httpStatusCode: 400 } });
}

/** Steady traffic with small deterministic wobble, `seed` varying the pattern. */
export function steady(minuteMs: number, requests: number, errorEvery: number, p95: number, seed = 0): Traffic {
  const k = Math.floor(minuteMs / 60_000) + seed;
  const wobble = ((k * 7919) % 13) - 6; // -6..6
  const n = Math.max(1, requests + wobble * Math.max(1, Math.round(requests / 100)));
  return {
    requests: n,
    errors5xx: errorEvery > 0 ? Math.floor((n + (k % errorEvery)) / errorEvery) : 0,
    p50: p95 * 0.45 + wobble * 0.3,
    p95: p95 + wobble * 1.5,
    p99: p95 * 1.6 + wobble * 2,
  };
}
