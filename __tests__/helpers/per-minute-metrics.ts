import type { GetMetricDataCommandInput, GetMetricDataCommandOutput } from "@aws-sdk/client-cloudwatch";

const MIN = 60_000;

/**
 * A GetMetricData answer with a constant count per minute for each metric name over the asked
 * window, as a log metric filter publishes it: nothing in a minute without matching lines (a
 * name without a value, or 0, has no data points).
 */
export function perMinuteMetrics(values: Readonly<Record<string, number>>) {
  return (input: GetMetricDataCommandInput): GetMetricDataCommandOutput => {
    const minutes: Date[] = [];
    for (let t = input.StartTime!.getTime(); t < input.EndTime!.getTime(); t += MIN) minutes.push(new Date(t));
    return {
      MetricDataResults: input.MetricDataQueries!.map((q) => {
        const value = values[q.MetricStat!.Metric!.MetricName!];
        const ts = value ? minutes : [];
        return { Id: q.Id, Timestamps: ts, Values: ts.map(() => value!), StatusCode: "Complete" };
      }),
      $metadata: {},
    };
  };
}
