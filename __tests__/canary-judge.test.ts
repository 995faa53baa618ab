/**
 * The worker canary's relative judgement: at the end of the bake the canary's ERROR lines per
 * message processed are compared with default's (lib/analysis/worker-judge.ts), beside the
 * absolute alarms. The program with an injected judge on a virtual clock; the judge reading
 * CloudWatch at the SDK edge (aws-sdk-client-mock); and `lanes canary` end to end (local state
 * harness, recorded Terraform steps).
 */
import { CloudWatchClient, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { mockClient } from "aws-sdk-client-mock";
import { CloudWatchWorkerCounts } from "../lib/analysis/worker-metrics";
import { BootOutputs, LaneOutputs } from "../lib/contract";
import { publishState } from "../lib/harness/fake-state";
import { RampWorld } from "../lib/harness/ramp-world";
import { CanaryRolledBack, canaryRelease, type AlarmReader, type CanaryPlan, type CanarySteps, type RelativeJudge } from "../lib/ops/canary";
import { canarySignals } from "../lib/ops/commands";
import { workerJudge } from "../lib/ops/evidence";
import { TempParams, exampleFile, exampleParams, type Json } from "./helpers/project";
import { stateKey } from "../lib/state";
import { perMinuteMetrics } from "./helpers/per-minute-metrics";

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 23, 9, 0);
const IMAGE = "123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/dev/order-worker:sha-7777777";
const quiet: AlarmReader = { states: async (names) => Object.fromEntries(names.map((n) => [n, "OK" as const])) };


/** 4 ERROR lines per 100 messages on the canary against 1 per 400 on default: a regression. */
const WORSE = { "order-worker-dev-canary-error-lines": 4, "order-worker-dev-canary-processed": 100, "order-worker-dev-default-error-lines": 1, "order-worker-dev-default-processed": 400 };
/** The same error rate on both sides. */
const SAME = { "order-worker-dev-canary-error-lines": 1, "order-worker-dev-canary-processed": 100, "order-worker-dev-default-error-lines": 4, "order-worker-dev-default-processed": 400 };
/** Too few messages on the canary to compare. */
const FEW = { "order-worker-dev-canary-processed": 3, "order-worker-dev-default-error-lines": 1, "order-worker-dev-default-processed": 400 };

describe("canaryRelease with a relative judge", () => {
  function recorder() {
    const clock = { t: T0, now: () => clock.t, sleep: async (ms: number) => void (clock.t += ms) };
    const events: string[] = [];
    const steps: CanarySteps = {
      deployCanary: async () => void events.push("deploy canary"),
      canaryTasks: async () => ({ desired: 1, running: 1, rolloutState: "COMPLETED" }),
      canaryCounts: async () => ({ processed: 500, errorLines: 0 }),
      removeCanary: async () => void events.push("remove canary"),
      deployDefault: async () => void events.push("deploy default"),
      waitDefaultStable: async () => void events.push("wait default"),
    };
    return { clock, events, steps, lines: [] as string[] };
  }
  const plan: CanaryPlan = {
    image: IMAGE,
    bakeMs: 10 * MIN,
    pollMs: 30_000,
    signals: canarySignals("order-worker", "dev"),
    steadyTimeoutMs: 10 * MIN,
    minMessages: 100,
    maxExtensions: 1,
    maxErrorRatePercent: 1,
    minErrorLines: 5,
  };

  test("asked once, after the bake, over the bake's window; a fail rolls back like an alarm and never deploys default", async () => {
    const r = recorder();
    const windows: string[] = [];
    const judge: RelativeJudge = async (w) => (windows.push(`${w.start.toISOString()} ${w.end.toISOString()}`), { verdict: "fail", reason: "error lines per message: 4.00% vs 0.25%" });
    const run = canaryRelease(plan, r.steps, quiet, r.clock, (l) => r.lines.push(l), judge);
    await expect(run).rejects.toThrow(CanaryRolledBack);
    await expect(run).rejects.toThrow("canary rolled back: worse than default: error lines per message: 4.00% vs 0.25%");
    expect(windows).toEqual(["2026-11-23T09:00:00.000Z 2026-11-23T09:10:00.000Z"]);
    expect(r.events).toEqual(["deploy canary", "remove canary"]);
  });

  test("inconclusive (too few messages) leaves the decision to the alarms, and says so", async () => {
    const r = recorder();
    await canaryRelease(plan, r.steps, quiet, r.clock, (l) => r.lines.push(l), async () => ({ verdict: "inconclusive", reason: "the lane had 30 messages; 500 needed" }));
    expect(r.events).toEqual(["deploy canary", "deploy default", "wait default", "remove canary"]);
    expect(r.lines).toContain("[10:00] against default: inconclusive — the lane had 30 messages; 500 needed");
  });

  test("a judgement that cannot be read is not taken as healthy: rolled back", async () => {
    const r = recorder();
    const run = canaryRelease(plan, r.steps, quiet, r.clock, (l) => r.lines.push(l), async () => {
      throw new Error("CloudWatch GetMetricData failed 5 times (Throttling: Rate exceeded)");
    });
    await expect(run).rejects.toThrow("canary rolled back: the comparison with default could not be read (CloudWatch GetMetricData failed 5 times (Throttling: Rate exceeded)); not counted as healthy");
    expect(r.events).toEqual(["deploy canary", "remove canary"]);
  });
});

describe("workerJudge reads the lanes' log metrics at the SDK edge", () => {
  const cw = mockClient(CloudWatchClient);
  afterAll(() => cw.restore());
  const config = exampleParams().service("order-worker", "dev").analysis;
  const judgeWith = (perMinute: Record<string, number>) => {
    cw.reset();
    cw.on(GetMetricDataCommand).callsFake(perMinuteMetrics(perMinute));
    const clock = { now: () => T0, sleep: async () => undefined };
    return workerJudge("order-worker", "dev", new CloudWatchWorkerCounts({ client: new CloudWatchClient({ region: "ap-southeast-2" }), clock }), config)({
      start: new Date(T0),
      end: new Date(T0 + 10 * MIN),
    });
  };

  test("the canary's and default's error lines and processed messages, Sum per minute, namespace lanes/workers", async () => {
    await judgeWith(SAME);
    const queries = cw.commandCalls(GetMetricDataCommand)[0]!.args[0].input.MetricDataQueries!;
    expect(queries.map((q) => [q.MetricStat!.Metric!.Namespace, q.MetricStat!.Metric!.MetricName, q.MetricStat!.Stat, q.MetricStat!.Period])).toEqual([
      ["lanes/workers", "order-worker-dev-canary-error-lines", "Sum", 60],
      ["lanes/workers", "order-worker-dev-canary-processed", "Sum", 60],
      ["lanes/workers", "order-worker-dev-default-error-lines", "Sum", 60],
      ["lanes/workers", "order-worker-dev-default-processed", "Sum", 60],
    ]);
  });

  test("4% of the canary's messages failing against default's 0.25% fails; the same rate passes; 30 messages are inconclusive", async () => {
    expect(await judgeWith(WORSE)).toEqual({ verdict: "fail", reason: expect.stringMatching(/^error lines per message: 4\.00% vs 0\.25%: \+3\.75 pp, above the \+0\.50 pp allowed/) });
    expect((await judgeWith(SAME)).verdict).toBe("pass");
    expect(await judgeWith(FEW)).toEqual({ verdict: "inconclusive", reason: "error lines per message: the lane had 30 messages; 500 needed" });
  });
});

describe("lanes canary", () => {
  let world: RampWorld;
  // The canary's own limit loosened to 5% ERROR lines per message: the comparison with default decides here.
  const params = new TempParams({
    "order-worker-dev.json": exampleFile("order-worker-dev.json", (j) => (((j.worker as Json).canary as Json).maxErrorRatePercent = 5)),
  });
  beforeAll(async () => {
    world = await RampWorld.start(params.dir);
    await world.reset();
    const { s3, state } = world.harness;
    await publishState(s3, state.bucket, stateKey({ layer: "boot", env: "dev", service: "order-worker" }), {
      [BootOutputs.queueName.name]: "order-worker-dev-queue",
      [BootOutputs.deadLetterQueueName.name]: "order-worker-dev-dlq",
    });
    await publishState(s3, state.bucket, stateKey({ layer: "app", env: "dev", service: "order-worker", lane: "default" }), {
      [LaneOutputs.image.name]: IMAGE.replace("7777777", "0000001"),
      [LaneOutputs.imageHistory.name]: [IMAGE.replace("7777777", "0000001")],
      [LaneOutputs.clusterName.name]: "dev-cluster",
      [LaneOutputs.ecsServiceName.name]: "order-worker-dev-default",
    });
  });
  afterAll(async () => {
    await world?.stop();
    params.cleanup();
  });
  const CANARY = ["canary", "--service", "order-worker", "--env", "dev", "--image", IMAGE];

  test("quiet alarms but a canary worse than default: rolled back after the bake (exit 8), default never deployed", async () => {
    const ran = await world.lanes(CANARY, { getMetricData: perMinuteMetrics(WORSE) }, { deps: { alarms: quiet } });
    expect(ran.outcome.code).toBe(8);
    expect(ran.outcome.text).toMatch(/^canary rolled back: worse than default: error lines per message: 4\.00% vs 0\.25%/);
    expect(ran.steps.map((s) => `${s.action} ${s.stack}`)).toEqual(["deploy app-order-worker-dev-canary", "destroy app-order-worker-dev-canary"]);
  });

  test("as good as default: released", async () => {
    const ran = await world.lanes(CANARY, { getMetricData: perMinuteMetrics(SAME) }, { deps: { alarms: quiet } });
    expect(ran.outcome.code).toBe(0);
    expect(ran.lines).toContain("[10:00] against default: pass — all 1 metrics within limits");
    expect(ran.steps.map((s) => `${s.action} ${s.stack}`)).toEqual(["deploy app-order-worker-dev-canary", "deploy app-order-worker-dev-default", "destroy app-order-worker-dev-canary"]);
  });
});
