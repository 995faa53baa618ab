/**
 * Worker lanes: the canary's error lines per message against default's, and the counts read at
 * the SDK edge. Expected p-values: scipy 1.17.1 fisher_exact(table, alternative="greater") (both
 * sets have fewer than 5 expected canary errors, so the judge takes Fisher's exact test).
 */
import { CloudWatchClient, GetMetricDataCommand, type GetMetricDataCommandInput } from "@aws-sdk/client-cloudwatch";
import { mockClient } from "aws-sdk-client-mock";
import { judgeWorker, type WorkerWindow } from "../../lib/analysis/worker-judge";
import { CloudWatchWorkerCounts, errorLinesMetric } from "../../lib/analysis/worker-metrics";
import { throttled } from "./helpers/cloudwatch";

const T0 = Date.UTC(2025, 5, 2, 9, 0);
const window = (canary: [number, number], baseline: [number, number]): WorkerWindow => ({
  start: new Date(T0),
  end: new Date(T0 + 15 * 60_000),
  canary: { name: "canary", errorLines: canary[0], processed: canary[1] },
  baseline: { name: "default", errorLines: baseline[0], processed: baseline[1] },
});

describe("judgeWorker", () => {
  test("a canary logging errors for 4% of its messages against default's 0.25% fails", () => {
    // [[40, 960], [50, 19950]] → p = 3.6998931780997295e-29.
    const v = judgeWorker(window([40, 1000], [50, 20000]));
    expect(v.verdict).toBe("fail");
    expect(v.rows[0]).toMatchObject({ metric: "error lines per message", test: "Fisher exact test", samples: { lane: 1000, baseline: 20000, unit: "messages" } });
    expect(v.rows[0]!.pValue! / 3.6998931780997295e-29).toBeCloseTo(1, 6);
    expect(v.reason).toBe("error lines per message: 4.00% vs 0.25%: +3.75 pp, above the +0.50 pp allowed (p<0.0001 < 0.05)");
  });

  test("noise passes: 0.30% against 0.25%", () => {
    // [[3, 997], [50, 19950]] → p = 0.4656923977239901.
    const v = judgeWorker(window([3, 1000], [50, 20000]));
    expect(v.verdict).toBe("pass");
    expect(v.rows[0]!.pValue).toBeCloseTo(0.4656923977239901, 10);
  });

  test("too few messages is inconclusive", () => {
    const v = judgeWorker(window([0, 200], [50, 20000]));
    expect(v.verdict).toBe("inconclusive");
    expect(v.reason).toBe("error lines per message: the lane had 200 messages; 500 needed");
  });

  test("more error lines than messages count one per message, and the reason says so", () => {
    const v = judgeWorker(window([1500, 1000], [50, 20000]));
    expect(v.verdict).toBe("fail");
    expect(v.rows[0]!.lane).toBe(100);
    expect(v.reason).toMatch(/; canary logged 1500 error lines for 1000 messages \(counted as 1000\)$/);
  });
});

describe("CloudWatchWorkerCounts", () => {
  const cw = mockClient(CloudWatchClient);
  beforeEach(() => cw.reset());

  test("sums each lane's error lines and processed messages over the window, retrying throttling", async () => {
    const perMinute: Record<string, number> = { "order-worker-dev-canary-error-lines": 1, "canary-processed": 70, "order-worker-dev-default-error-lines": 2, "default-processed": 1400 };
    let calls = 0;
    cw.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => {
      if (++calls === 1) throw throttled();
      const minutes = Array.from({ length: 15 }, (_, i) => new Date(input.StartTime!.getTime() + i * 60_000));
      return {
        MetricDataResults: input.MetricDataQueries!.map((q) => {
          // Error lines only in minutes 0-4 (a metric filter publishes nothing for quiet minutes).
          const name = q.MetricStat!.Metric!.MetricName!;
          const ts = name.endsWith("error-lines") ? minutes.slice(0, 5) : minutes;
          return { Id: q.Id, Timestamps: ts, Values: ts.map(() => perMinute[name]!), StatusCode: "Complete" };
        }),
        $metadata: {},
      };
    });
    const clock = { t: T0, now: () => clock.t, sleep: async (ms: number) => void (clock.t += ms) };
    const processed = (lane: string) => ({ namespace: "lanes/workers", metricName: `${lane}-processed` });
    const counts = await new CloudWatchWorkerCounts({ client: new CloudWatchClient({}), clock }).read({
      canary: { name: "canary", errorLines: errorLinesMetric("order-worker", "dev", "canary"), processed: processed("canary") },
      baseline: { name: "default", errorLines: errorLinesMetric("order-worker", "dev", "default"), processed: processed("default") },
      start: new Date(T0),
      end: new Date(T0 + 15 * 60_000),
    });
    expect(counts.canary).toEqual({ name: "canary", errorLines: 5, processed: 1050 });
    expect(counts.baseline).toEqual({ name: "default", errorLines: 10, processed: 21000 });
    expect(clock.t).toBe(T0 + 1000);
    const q = cw.commandCalls(GetMetricDataCommand)[0]!.args[0].input.MetricDataQueries![0]!;
    expect(q.MetricStat).toEqual({ Metric: { Namespace: "lanes/workers", MetricName: "order-worker-dev-canary-error-lines", Dimensions: [] }, Period: 60, Stat: "Sum" });
    expect(judgeWorker(counts).verdict).toBe("pass");
  });
});
