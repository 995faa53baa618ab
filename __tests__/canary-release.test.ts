/**
 * The worker canary release end to end (`lanes canary` / `lanes status` in the local state
 * harness, Terraform steps recorded, CloudWatch at the SDK edge, a virtual clock): a canary
 * without traffic is never promoted; an interrupted release is refused, resumed or aborted, and
 * `status` shows it; the pipeline build's timeout follows the bake, and a bake that cannot fit is
 * refused at synth with the numbers.
 */
import { BootOutputs, LaneOutputs } from "../lib/contract";
import { publishState } from "../lib/harness/fake-state";
import { RampWorld } from "../lib/harness/ramp-world";
import type { AlarmReader } from "../lib/ops/canary";
import { ParamsError } from "../lib/params/errors";
import { stateKey } from "../lib/state";
import { TempParams, exampleFile, type Json } from "./helpers/project";
import { synthPipeline } from "./helpers/stacks";
import { perMinuteMetrics } from "./helpers/per-minute-metrics";

const REPO = "123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/dev/order-worker";
const IMAGE = `${REPO}:sha-7777777`;
const LEFT = `${REPO}:sha-5555555`;
const quiet: AlarmReader = { states: async (names) => Object.fromEntries(names.map((n) => [n, "OK" as const])) };


const BUSY = { "order-worker-dev-canary-processed": 100, "order-worker-dev-default-processed": 400 };
/** The canary gets 2 messages a minute: 20 in the bake, 40 after one extension; 100 needed. */
const IDLE = { "order-worker-dev-canary-processed": 2, "order-worker-dev-default-processed": 400 };

describe("lanes canary in the harness", () => {
  let world: RampWorld;
  const canaryKey = stateKey({ layer: "app", env: "dev", service: "order-worker", lane: "canary" });
  const leaveCanary = () =>
    publishState(world.harness.s3, world.harness.state.bucket, canaryKey, {
      [LaneOutputs.image.name]: LEFT,
      [LaneOutputs.imageHistory.name]: [LEFT],
      [LaneOutputs.changedBy.name]: "pipeline:exec-41",
      [LaneOutputs.clusterName.name]: "dev-cluster",
      [LaneOutputs.ecsServiceName.name]: "order-worker-dev-canary",
    });
  const removeCanary = () => publishState(world.harness.s3, world.harness.state.bucket, canaryKey, {});
  const steps = (ran: Awaited<ReturnType<RampWorld["lanes"]>>) => ran.steps.map((s) => `${s.action} ${s.stack}${s.image ? ` ${s.image.slice(-7)}` : ""}`);

  beforeAll(async () => {
    world = await RampWorld.start();
    await world.reset();
    const { s3, state } = world.harness;
    await publishState(s3, state.bucket, stateKey({ layer: "boot", env: "dev", service: "order-worker" }), {
      [BootOutputs.queueName.name]: "order-worker-dev-queue",
      [BootOutputs.deadLetterQueueName.name]: "order-worker-dev-dlq",
    });
    await publishState(s3, state.bucket, stateKey({ layer: "app", env: "dev", service: "order-worker", lane: "default" }), {
      [LaneOutputs.image.name]: `${REPO}:sha-0000001`,
      [LaneOutputs.imageHistory.name]: [`${REPO}:sha-0000001`],
      [LaneOutputs.clusterName.name]: "dev-cluster",
      [LaneOutputs.ecsServiceName.name]: "order-worker-dev-default",
    });
  });
  afterAll(async () => world?.stop());
  beforeEach(async () => removeCanary());

  const CANARY = ["canary", "--service", "order-worker", "--env", "dev"];

  test("a canary that processes too few messages is not promoted: the bake is extended once, then it is removed (exit 8)", async () => {
    const ran = await world.lanes([...CANARY, "--image", IMAGE], { getMetricData: perMinuteMetrics(IDLE) }, { deps: { alarms: quiet } });
    expect(ran.outcome.code).toBe(8);
    expect(ran.outcome.text).toBe("canary rolled back: not enough evidence after 20 min of bake (the canary processed 40 messages, fewer than the 100 needed): not promoted");
    expect(ran.lines).toContain("[10:00] not enough evidence (the canary processed 20 messages, fewer than the 100 needed): bake extended by 10 min (1/1)");
    expect(steps(ran)).toEqual(["deploy app-order-worker-dev-canary 7777777", "destroy app-order-worker-dev-canary"]);
  });

  test("a canary left by an interrupted release: a new release is refused (exit 6), nothing changed", async () => {
    await leaveCanary();
    const ran = await world.lanes([...CANARY, "--image", IMAGE], { getMetricData: perMinuteMetrics(BUSY) }, { deps: { alarms: quiet } });
    expect(ran.outcome.code).toBe(6);
    expect(ran.outcome.text).toMatch(
      /^a canary of order-worker in dev is left behind by an interrupted release \(123456789012\.dkr\.ecr\.ap-southeast-2\.amazonaws\.com\/dev\/order-worker:sha-5555555, changed \d{4}-\d\d-\d\dT[\d:.]+Z by pipeline:exec-41\): lanes canary --service order-worker --env dev --resume \(bake and decide\) or --abort \(remove it\)\.$/,
    );
    expect(ran.steps).toEqual([]);
  });

  test("status shows the canary left behind, with what to run", async () => {
    await leaveCanary();
    const ran = await world.lanes(["status", "order-worker", "--env", "dev"]);
    expect(ran.outcome.code).toBe(0);
    expect(ran.outcome.text).toContain(`! canary: ${LEFT} runs in the canary lane (changed `);
    expect(ran.outcome.text).toContain("by pipeline:exec-41): a release is under way, or was interrupted; if no release runs: lanes canary --service order-worker --env dev --resume (bake and decide) or --abort (remove it)");
  });

  test("--resume bakes the canary's own image (no deploy of it) and promotes it", async () => {
    await leaveCanary();
    const ran = await world.lanes([...CANARY, "--resume"], { getMetricData: perMinuteMetrics(BUSY) }, { deps: { alarms: quiet } });
    expect(ran.outcome.code).toBe(0);
    expect(ran.outcome.text).toBe(`canary release of ${LEFT} complete: default runs it`);
    expect(ran.lines[0]).toBe(`[00:00] resume: the canary already runs ${LEFT}; no deploy`);
    expect(steps(ran)).toEqual(["deploy app-order-worker-dev-default 5555555", "destroy app-order-worker-dev-canary"]);
  });

  test("--resume with another --image is refused (exit 2)", async () => {
    await leaveCanary();
    const ran = await world.lanes([...CANARY, "--resume", "--image", IMAGE], { getMetricData: perMinuteMetrics(BUSY) }, { deps: { alarms: quiet } });
    expect(ran.outcome.code).toBe(2);
    expect(ran.outcome.text).toContain(`--resume continues the release of ${LEFT}`);
    expect(ran.steps).toEqual([]);
  });

  test("--abort removes the canary; default untouched", async () => {
    await leaveCanary();
    const ran = await world.lanes([...CANARY, "--abort"], {}, { deps: { alarms: quiet } });
    expect(ran.outcome.code).toBe(0);
    expect(ran.outcome.text).toBe(`canary of ${LEFT} removed; default untouched`);
    expect(steps(ran)).toEqual(["destroy app-order-worker-dev-canary"]);
  });

  test("--resume or --abort with no canary left behind: nothing to act on (exit 7)", async () => {
    for (const flag of ["--resume", "--abort"]) {
      const ran = await world.lanes([...CANARY, flag], {}, { deps: { alarms: quiet } });
      expect([ran.outcome.code, ran.steps]).toEqual([7, []]);
      expect(ran.outcome.text).toContain("is left behind (app-order-worker-dev-canary has no state)");
    }
  });

  test("a pipeline build that may not last the release is refused before anything changes (LANES_BUILD_TIMEOUT_MINUTES)", async () => {
    const ran = await world.lanes([...CANARY, "--image", IMAGE], {}, { deps: { alarms: quiet }, env: { LANES_BUILD_TIMEOUT_MINUTES: "60" } });
    expect(ran.outcome.code).toBe(2);
    expect(ran.outcome.text).toContain("this canary release can run 80 minutes, longer than this build may (60 min, LANES_BUILD_TIMEOUT_MINUTES)");
    expect(ran.steps).toEqual([]);
  });
});

describe("the build timeout follows the bake", () => {
  const codebuildTimeout = (params?: TempParams) => synthPipeline("app", { service: "order-worker", ...(params ? { params: params.repo() } : {}) }).only("aws_codebuild_project").build_timeout;

  test("order-worker's bake (10 min, 1 extension, 10 min to steady) needs 45 + 10 + 20 + 5 = 80 minutes: the project gets 80, not the 60 of params", () => {
    expect(codebuildTimeout()).toBe(80);
  });

  test("a longer bake raises it: bakeMinutes 120 → 45 + 10 + 240 + 5 = 300", () => {
    const params = new TempParams({ "order-worker-dev.json": exampleFile("order-worker-dev.json", (j) => (((j.worker as Json).canary as Json).bakeMinutes = 120)) });
    try {
      expect(codebuildTimeout(params)).toBe(300);
    } finally {
      params.cleanup();
    }
  });

  test("a bake that cannot fit the 480 minutes a pipeline build may run is refused at synth, with the numbers", () => {
    const params = new TempParams({ "order-worker-dev.json": exampleFile("order-worker-dev.json", (j) => Object.assign((j.worker as Json).canary as Json, { bakeMinutes: 300, maxExtensions: 1 })) });
    try {
      expect(() => params.repo().service("order-worker", "dev")).toThrow(ParamsError);
      expect(() => params.repo().service("order-worker", "dev")).toThrow(
        "field 'worker.canary.bakeMinutes' has bad value 300. Allowed: a canary release with these settings can run 660 minutes (45 deploys and promotion + steadyMinutes 10 + bakeMinutes 300 × (1 + maxExtensions 1) + 5 reads), more than the 480 a pipeline build may run",
      );
    } finally {
      params.cleanup();
    }
  });
});
