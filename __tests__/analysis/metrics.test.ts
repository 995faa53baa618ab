/**
 * The metrics reader against CloudWatch answers recorded at the SDK edge (aws-sdk-client-mock).
 */
import { CloudWatchClient, GetMetricDataCommand, type GetMetricDataCommandInput } from "@aws-sdk/client-cloudwatch";
import { mockClient } from "aws-sdk-client-mock";
import { MetricsReadError, isRetryable } from "../../lib/analysis/get-metric-data";
import { CloudWatchLaneMetrics, analysisWindow, arnSuffix } from "../../lib/analysis/metrics";
import { DEFAULT_TG, DEFAULT_TG_ARN, LANE_TG, LANE_TG_ARN, LOAD_BALANCER_ARN, answer, throttled, type TrafficOf } from "./helpers/cloudwatch";

const cw = mockClient(CloudWatchClient);
const T0 = Date.UTC(2025, 5, 2, 9, 0);
const MIN = 60_000;

function virtualClock() {
  const clock = { t: T0, slept: [] as number[], now: () => clock.t, sleep: async (ms: number) => void (clock.t += ms, clock.slept.push(ms)) };
  return clock;
}

const query = (minutes = 5) => ({
  loadBalancer: LOAD_BALANCER_ARN,
  lane: { name: "gray", targetGroup: LANE_TG_ARN },
  baseline: { name: "default", targetGroup: DEFAULT_TG_ARN },
  start: new Date(T0),
  end: new Date(T0 + minutes * MIN),
});

const flat: TrafficOf = (tg) => (tg === LANE_TG ? { requests: 40, errors5xx: 1, p50: 40, p95: 120, p99: 200 } : { requests: 800, errors5xx: 2, p50: 38, p95: 115, p99: 190 });

beforeEach(() => cw.reset());

describe("CloudWatch lane metrics", () => {
  test("asks for the five ALB statistics of both target groups, per minute, on whole minutes", async () => {
    cw.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => answer(input, flat));
    const reader = new CloudWatchLaneMetrics({ client: new CloudWatchClient({ region: "ap-southeast-2" }), clock: virtualClock() });
    await reader.read({ ...query(), start: new Date(T0 + 25_000), end: new Date(T0 + 5 * MIN + 59_000) });
    const input = cw.commandCalls(GetMetricDataCommand)[0]!.args[0].input;
    expect(input.StartTime).toEqual(new Date(T0));
    expect(input.EndTime).toEqual(new Date(T0 + 5 * MIN));
    expect(input.ScanBy).toBe("TimestampAscending");
    const shown = input.MetricDataQueries!.map((q) => [q.Id, q.MetricStat!.Metric!.MetricName, q.MetricStat!.Stat, q.MetricStat!.Period]);
    expect(shown).toEqual([
      ["lane_requests", "RequestCount", "Sum", 60],
      ["lane_errors5xx", "HTTPCode_Target_5XX_Count", "Sum", 60],
      ["lane_p50", "TargetResponseTime", "p50", 60],
      ["lane_p95", "TargetResponseTime", "p95", 60],
      ["lane_p99", "TargetResponseTime", "p99", 60],
      ["baseline_requests", "RequestCount", "Sum", 60],
      ["baseline_errors5xx", "HTTPCode_Target_5XX_Count", "Sum", 60],
      ["baseline_p50", "TargetResponseTime", "p50", 60],
      ["baseline_p95", "TargetResponseTime", "p95", 60],
      ["baseline_p99", "TargetResponseTime", "p99", 60],
    ]);
    for (const q of input.MetricDataQueries!) {
      expect(q.MetricStat!.Metric!.Namespace).toBe("AWS/ApplicationELB");
      expect(q.MetricStat!.Metric!.Dimensions).toEqual([
        { Name: "LoadBalancer", Value: "app/user-api-dev/50dc6c495c0c9188" },
        { Name: "TargetGroup", Value: q.Id!.startsWith("lane") ? LANE_TG : DEFAULT_TG },
      ]);
    }
  });

  test("minutes without datapoints are zero requests with no latency; latency comes back in ms", async () => {
    // A page as CloudWatch returns it: the lane had no requests at 09:01 and no 5xx after 09:00;
    // default had no requests at 09:02.
    const at = (m: number) => new Date(T0 + m * MIN);
    cw.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        { Id: "lane_requests", Label: "RequestCount", Timestamps: [at(0), at(2)], Values: [12, 30], StatusCode: "Complete" },
        { Id: "lane_errors5xx", Label: "HTTPCode_Target_5XX_Count", Timestamps: [at(0)], Values: [1], StatusCode: "Complete" },
        { Id: "lane_p50", Label: "TargetResponseTime p50", Timestamps: [at(0), at(2)], Values: [0.041, 0.043], StatusCode: "Complete" },
        { Id: "lane_p95", Label: "TargetResponseTime p95", Timestamps: [at(0), at(2)], Values: [0.125, 0.131], StatusCode: "Complete" },
        { Id: "lane_p99", Label: "TargetResponseTime p99", Timestamps: [at(0), at(2)], Values: [0.2, 0.21], StatusCode: "Complete" },
        { Id: "baseline_requests", Label: "RequestCount", Timestamps: [at(0), at(1)], Values: [700, 690], StatusCode: "Complete" },
        { Id: "baseline_errors5xx", Label: "HTTPCode_Target_5XX_Count", Timestamps: [], Values: [], StatusCode: "Complete" },
        { Id: "baseline_p50", Label: "TargetResponseTime p50", Timestamps: [at(0), at(1)], Values: [0.039, 0.04], StatusCode: "Complete" },
        { Id: "baseline_p95", Label: "TargetResponseTime p95", Timestamps: [at(0), at(1)], Values: [0.118, 0.117], StatusCode: "Complete" },
        { Id: "baseline_p99", Label: "TargetResponseTime p99", Timestamps: [at(0), at(1)], Values: [0.19, 0.185], StatusCode: "Complete" },
      ],
      Messages: [],
    });
    const m = await new CloudWatchLaneMetrics({ client: new CloudWatchClient({}), clock: virtualClock() }).read(query(3));
    expect(m.start).toEqual(at(0));
    expect(m.end).toEqual(at(3));
    expect(m.lane).toEqual({
      name: "gray",
      targetGroup: LANE_TG,
      minutes: [
        { at: at(0), requests: 12, errors5xx: 1, p50: 41, p95: 125, p99: 200 },
        { at: at(1), requests: 0, errors5xx: 0 },
        { at: at(2), requests: 30, errors5xx: 0, p50: 43, p95: 131, p99: 210 },
      ],
    });
    expect(m.baseline.minutes.map((p) => [p.requests, p.errors5xx, p.p95])).toEqual([
      [700, 0, 118],
      [690, 0, 117],
      [0, 0, undefined],
    ]);
    expect(m.baseline.minutes[2]).not.toHaveProperty("p95");
  });

  test("follows NextToken through every page and joins the series", async () => {
    cw.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => answer(input, flat, 4));
    const m = await new CloudWatchLaneMetrics({ client: new CloudWatchClient({}), clock: virtualClock() }).read(query(10));
    const calls = cw.commandCalls(GetMetricDataCommand).map((c) => c.args[0].input.NextToken);
    expect(calls).toEqual([undefined, "page-1", "page-2"]);
    expect(m.lane.minutes).toHaveLength(10);
    expect(m.lane.minutes.every((p) => p.requests === 40 && p.p95 === 120)).toBe(true);
    expect(m.baseline.minutes.every((p) => p.requests === 800 && p.errors5xx === 2)).toBe(true);
  });

  test("a throttled page is retried with back-off on the injected clock, and the read goes on", async () => {
    let calls = 0;
    cw.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => {
      calls++;
      if (calls === 2 || calls === 3) throw throttled(); // the second page, twice
      return answer(input, flat, 3);
    });
    const clock = virtualClock();
    const lines: string[] = [];
    const m = await new CloudWatchLaneMetrics({ client: new CloudWatchClient({}), clock, onRetry: (l) => lines.push(l) }).read(query(6));
    expect(m.lane.minutes).toHaveLength(6);
    expect(m.lane.minutes.every((p) => p.requests === 40)).toBe(true);
    expect(clock.slept).toEqual([1000, 2000]);
    expect(lines).toEqual([
      "  metrics read failed (Throttling: Rate exceeded), page 2; retry 1/4 in 1 s",
      "  metrics read failed (Throttling: Rate exceeded), page 2; retry 2/4 in 2 s",
    ]);
    expect(cw.commandCalls(GetMetricDataCommand).map((c) => c.args[0].input.NextToken)).toEqual([undefined, "page-1", "page-1", "page-1"]);
  });

  test("throttling that does not stop is an error after the last attempt, never an empty series", async () => {
    cw.on(GetMetricDataCommand).rejects(throttled());
    const clock = virtualClock();
    const read = new CloudWatchLaneMetrics({ client: new CloudWatchClient({}), clock }).read(query());
    await expect(read).rejects.toThrow(MetricsReadError);
    await expect(read).rejects.toThrow("CloudWatch GetMetricData failed 5 times (Throttling: Rate exceeded)");
    expect(cw.commandCalls(GetMetricDataCommand)).toHaveLength(5);
    expect(clock.slept).toEqual([1000, 2000, 4000, 8000]);
  });

  test("a refusal is not retried", async () => {
    cw.on(GetMetricDataCommand).rejects(Object.assign(new Error("User is not authorized to perform: cloudwatch:GetMetricData"), { name: "AccessDenied", $metadata: { httpStatusCode: 403 } }));
    const read = new CloudWatchLaneMetrics({ client: new CloudWatchClient({}), clock: virtualClock() }).read(query());
    await expect(read).rejects.toThrow("CloudWatch GetMetricData failed: AccessDenied: User is not authorized");
    expect(cw.commandCalls(GetMetricDataCommand)).toHaveLength(1);
  });

  test("a result CloudWatch could not complete is an error", async () => {
    cw.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => {
      const out = answer(input, flat);
      out.MetricDataResults![3] = { ...out.MetricDataResults![3], StatusCode: "InternalError", Messages: [{ Code: "InternalError", Value: "try again" }] };
      return out;
    });
    await expect(new CloudWatchLaneMetrics({ client: new CloudWatchClient({}), clock: virtualClock() }).read(query())).rejects.toThrow(
      "CloudWatch answered InternalError for lane_p95 (try again)",
    );
    cw.reset();
    cw.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => {
      const out = answer(input, flat);
      out.MetricDataResults![0] = { ...out.MetricDataResults![0], StatusCode: "PartialData" };
      return out;
    });
    await expect(new CloudWatchLaneMetrics({ client: new CloudWatchClient({}), clock: virtualClock() }).read(query())).rejects.toThrow(
      "CloudWatch returned partial data for lane_requests with no further page",
    );
  });

  test("refuses a window shorter than a minute", async () => {
    const reader = new CloudWatchLaneMetrics({ client: new CloudWatchClient({}), clock: virtualClock() });
    await expect(reader.read({ ...query(), end: new Date(T0 + 30_000) })).rejects.toThrow(/at least one whole minute/);
    expect(cw.commandCalls(GetMetricDataCommand)).toHaveLength(0);
  });
});

describe("helpers", () => {
  test("ARN suffixes from ARNs or suffixes", () => {
    expect(arnSuffix("loadbalancer", LOAD_BALANCER_ARN)).toBe("app/user-api-dev/50dc6c495c0c9188");
    expect(arnSuffix("loadbalancer", "app/user-api-dev/50dc6c495c0c9188")).toBe("app/user-api-dev/50dc6c495c0c9188");
    expect(arnSuffix("targetgroup", LANE_TG_ARN)).toBe(LANE_TG);
    expect(arnSuffix("targetgroup", LANE_TG)).toBe(LANE_TG);
    expect(() => arnSuffix("loadbalancer", "net/nlb/123abc")).toThrow("not an application load balancer ARN or ARN suffix (app/NAME/ID): net/nlb/123abc");
    expect(() => arnSuffix("targetgroup", "user-api-dev-gray-tg")).toThrow("not an application load balancer target group ARN or ARN suffix (targetgroup/NAME/ID)");
  });

  test("the analysis window ends at the last whole minute", () => {
    // At 09:15:42 the last whole minute is 09:14-09:15.
    expect(analysisWindow(T0 + 15 * MIN + 42_000, 15)).toEqual({ start: new Date(T0), end: new Date(T0 + 15 * MIN) });
  });

  test("which failures are worth another try", () => {
    expect(isRetryable(throttled())).toBe(true);
    expect(isRetryable(Object.assign(new Error("x"), { name: "InternalServiceFault", $metadata: { httpStatusCode: 500 } }))).toBe(true);
    expect(isRetryable(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }))).toBe(true);
    expect(isRetryable(Object.assign(new Error("bad"), { name: "InvalidParameterValueException", $metadata: { httpStatusCode: 400 } }))).toBe(false);
    expect(isRetryable("nope")).toBe(false);
  });
});
