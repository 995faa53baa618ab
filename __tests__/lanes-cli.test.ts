/**
 * The lanes operator commands against the local state harness (real S3 state and DynamoDB
 * locks). ECS/ELB health is the cloud edge: a stub view stands in for it. Terraform steps are
 * either recorded (order, stack, image) or run as a dry run (synth + validate).
 */
import { CloudWatchClient, GetMetricDataCommand, type GetMetricDataCommandInput } from "@aws-sdk/client-cloudwatch";
import { DeleteObjectCommand, HeadObjectCommand } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { run, type Dependencies } from "../lib/cli/lanes";
import { BootOutputs, LaneOutputs } from "../lib/contract";
import { fakeOutputs, publishState } from "../lib/harness/fake-state";
import { createRulesTable, startLocalState, type LocalState } from "../lib/harness/local-state";
import { stackJson, synthMainAsync } from "../lib/harness/run";
import type { AlarmReader, AlarmState } from "../lib/ops/canary";
import type { ClusterView, ServiceHealth } from "../lib/ops/cluster";
import type { StackPlan } from "../lib/layers/plan";
import { stackNameOf } from "../lib/layers/registry";
import type { Release, StepRecord, Steps } from "../lib/ops/steps";
import { stateKey } from "../lib/state";
import { lanesCli } from "./helpers/harness";
import { TempParams } from "./helpers/project";
import { terraformOrFail } from "./helpers/terraform";

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import "./helpers/slow";

const REPO = "123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/dev/user-api";
const WORKER_REPO = "123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/dev/order-worker";

class RecordingSteps implements Steps {
  readonly dryRun = false;
  readonly done: StepRecord[] = [];
  readonly releases: (Release | undefined)[] = [];
  async deploy(plan: StackPlan, release?: Release): Promise<void> {
    this.done.push({ action: "deploy", stack: stackNameOf(plan), ...(release ? { image: release.image } : {}), dryRun: false });
    this.releases.push(release);
  }
  async destroy(plan: StackPlan): Promise<void> {
    this.done.push({ action: "destroy", stack: stackNameOf(plan), dryRun: false });
  }
}

const healthy: ServiceHealth = { desired: 2, running: 2, rolloutState: "COMPLETED", healthyTargets: 2 };
const view = (health: ServiceHealth | undefined): ClusterView & { calls: string[] } => {
  const calls: string[] = [];
  return { calls, health: async (_cluster, service) => (calls.push(service), health) };
};

describe("lanes CLI", () => {
  let params: TempParams;
  let harness: LocalState;
  let env: Record<string, string>;
  const temps: string[] = [];

  const laneKey = (lane: string) => stateKey({ layer: "app", env: "dev", service: "user-api", lane });
  /** A lane's state as its deploy leaves it (outputs named by the contract). */
  const publishLane = (lane: string, history: string[], changedBy = "pipeline:exec-1") =>
    publishState(harness.s3, harness.state.bucket, laneKey(lane), {
      [LaneOutputs.image.name]: history[0]!,
      [LaneOutputs.imageHistory.name]: history,
      [LaneOutputs.changedBy.name]: changedBy,
      [LaneOutputs.clusterName.name]: "dev-cluster",
      [LaneOutputs.ecsServiceName.name]: `user-api-dev-${lane}`,
      [LaneOutputs.targetGroupArn.name]: `arn:aws:elasticloadbalancing:ap-southeast-2:123456789012:targetgroup/user-api-dev-${lane}-tg/0123456789abcdef`,
      [LaneOutputs.albDnsName.name]: "user-api-dev-alb-1.ap-southeast-2.elb.amazonaws.com",
      [LaneOutputs.taskDefinitionArn.name]: `arn:aws:ecs:ap-southeast-2:123456789012:task-definition/user-api-${lane}-dev-task:3`,
    });
  const exists = async (key: string) =>
    harness.s3.send(new HeadObjectCommand({ Bucket: harness.state.bucket, Key: key })).then(
      () => true,
      () => false,
    );
  const clients = () => ({ s3: harness.s3, dynamodb: harness.dynamodb });
  const lanes = (argv: string[], deps: Dependencies) => run(argv, { ...env, LANES_PARAMS_DIR: params.dir }, { progress: () => undefined, clients: clients(), ...deps });

  beforeAll(async () => {
    await terraformOrFail();
    params = new TempParams();
    harness = await startLocalState(params.repo().infra("dev").state);
    env = { ...process.env, ...harness.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" } as Record<string, string>;
    // Lower layers exist for every test here (published from their synthesized outputs).
    const { outdir } = await synthMainAsync({ ...harness.env, ENV: "dev", LAYER: "infra" }, params.dir);
    const boot = await synthMainAsync({ ...harness.env, ENV: "dev", SERVICE: "user-api", LAYER: "boot" }, params.dir);
    temps.push(outdir, boot.outdir);
    await publishState(harness.s3, harness.state.bucket, stateKey({ layer: "infra", env: "dev" }), fakeOutputs(stackJson(outdir, "infra-dev"), "ap-southeast-2"));
    await publishState(harness.s3, harness.state.bucket, stateKey({ layer: "boot", env: "dev", service: "user-api" }), fakeOutputs(stackJson(boot.outdir, "boot-user-api-dev"), "ap-southeast-2"));
    // user-api calls order-api (params calls): its lanes read order-api's boot state too.
    await publishState(harness.s3, harness.state.bucket, stateKey({ layer: "boot", env: "dev", service: "order-api" }), { [BootOutputs.callUrl.name]: "http://internal-order-api-dev-alb-1234567890.ap-southeast-2.elb.amazonaws.com:80" });
    const workerBoot = await synthMainAsync({ ...harness.env, ENV: "dev", SERVICE: "order-worker", LAYER: "boot" }, params.dir);
    temps.push(workerBoot.outdir);
    await publishState(harness.s3, harness.state.bucket, stateKey({ layer: "boot", env: "dev", service: "order-worker" }), fakeOutputs(stackJson(workerBoot.outdir, "boot-order-worker-dev"), "ap-southeast-2"));
    await publishState(harness.s3, harness.state.bucket, stateKey({ layer: "app", env: "dev", service: "order-worker", lane: "default" }), {
      [LaneOutputs.image.name]: `${WORKER_REPO}:sha-0000001`,
      [LaneOutputs.imageHistory.name]: [`${WORKER_REPO}:sha-0000001`],
      [LaneOutputs.clusterName.name]: "dev-cluster",
      [LaneOutputs.ecsServiceName.name]: "order-worker-dev-default",
    });
  });

  beforeEach(async () => {
    for (const lane of ["default", "gray", "blue"]) await harness.s3.send(new DeleteObjectCommand({ Bucket: harness.state.bucket, Key: laneKey(lane) }));
    await publishLane("default", [`${REPO}:sha-1111111`]);
    await publishLane("gray", [`${REPO}:sha-3333333`, `${REPO}:sha-2222222`], "pipeline:exec-7");
  });

  afterAll(async () => {
    await harness?.stop();
    params?.cleanup();
    temps.forEach((d) => rmSync(d, { recursive: true, force: true }));
  });

  test("status lists exactly the lanes whose state exists, with their images, counts and who changed them", async () => {
    const cluster = view(healthy);
    const out = await lanes(["status", "user-api", "--env", "dev", "--json"], { cluster });
    expect(out.code).toBe(0);
    const listed = (out.result.lanes as { lane: string; image: string; changedBy: string; desired: number; running: number; lastModified: string }[]).map(
      ({ lane, image, changedBy, desired, running }) => ({ lane, image, changedBy, desired, running }),
    );
    expect(listed).toEqual([
      { lane: "default", image: `${REPO}:sha-1111111`, changedBy: "pipeline:exec-1", desired: 2, running: 2 },
      { lane: "gray", image: `${REPO}:sha-3333333`, changedBy: "pipeline:exec-7", desired: 2, running: 2 },
    ]);
    expect(cluster.calls.sort()).toEqual(["user-api-dev-default", "user-api-dev-gray"]);
    expect(out.text).toMatch(/^LANE\s+IMAGE\s+RUNNING\s+CHANGED\s+BY\s+LOCK\n/);
  });

  test("status shows counts as unknown when the cluster cannot be read", async () => {
    const out = await lanes(["status", "user-api", "--env", "dev"], { cluster: view(undefined) });
    expect(out.code).toBe(0);
    expect(out.text.split("\n")[1]).toMatch(/^default\s+\S+:sha-1111111\s+unknown\s+\d{4}-\d\d-\d\dT/);
  });

  test("destroy refuses the default lane without --force and changes nothing", async () => {
    const steps = new RecordingSteps();
    const out = await lanes(["destroy", "default", "--service", "user-api", "--env", "dev"], { steps, cluster: view(healthy) });
    expect(out.code).toBe(6);
    expect(out.text).toContain("refusing to destroy the default lane of user-api in dev");
    expect(steps.done).toEqual([]);
    expect(await exists(laneKey("default"))).toBe(true);
  });

  test("destroy refuses a shared layer", async () => {
    const steps = new RecordingSteps();
    const out = await lanes(["destroy", "--layer", "boot", "--service", "user-api", "--env", "dev"], { steps, cluster: view(healthy) });
    expect(out.code).toBe(6);
    expect(out.text).toContain("the boot layer is shared and protected");
    expect(steps.done).toEqual([]);
  });

  test("destroy of a lane destroys exactly that lane's stack", async () => {
    const steps = new RecordingSteps();
    const out = await lanes(["destroy", "gray", "--service", "user-api", "--env", "dev"], { steps, cluster: view(healthy) });
    expect(out.code).toBe(0);
    expect(steps.done).toEqual([{ action: "destroy", stack: "app-user-api-dev-gray", dryRun: false }]);
  });

  test("promote: deploy default with the lane's image, wait until healthy, then destroy the lane", async () => {
    const steps = new RecordingSteps();
    const cluster = view(healthy);
    const progress: string[] = [];
    const out = await run(["promote", "gray", "--service", "user-api", "--env", "dev"], { ...env, LANES_PARAMS_DIR: params.dir }, { steps, cluster, clients: clients(), progress: (l) => progress.push(l) });
    expect(out.code).toBe(0);
    expect(steps.done).toEqual([
      { action: "deploy", stack: "app-user-api-dev-default", image: `${REPO}:sha-3333333`, dryRun: false },
      { action: "destroy", stack: "app-user-api-dev-gray", dryRun: false },
    ]);
    // default's history keeps what it ran before
    expect(steps.releases[0]!.previousImages).toEqual([`${REPO}:sha-1111111`]);
    expect(cluster.calls).toEqual(["user-api-dev-default"]);
    expect(progress.filter((l) => /^\[\d\/3\]/.test(l)).map((l) => l.slice(0, 5))).toEqual(["[1/3]", "[2/3]", "[3/3]"]);
  });

  test("promote stops before destroying the lane when default does not become healthy", async () => {
    const steps = new RecordingSteps();
    const out = await lanes(["promote", "gray", "--service", "user-api", "--env", "dev"], {
      steps,
      cluster: view({ desired: 2, running: 0, rolloutState: "FAILED", healthyTargets: 0 }),
    });
    expect(out.code).toBe(5);
    expect(out.text).toContain("user-api-dev-default: the deployment failed");
    expect(out.text).toContain("Promotion stopped: lane 'gray' was kept");
    expect(steps.done.map((s) => `${s.action} ${s.stack}`)).toEqual(["deploy app-user-api-dev-default"]);
    expect(await exists(laneKey("gray"))).toBe(true);
  });

  test("promote gives up after the health timeout", async () => {
    const steps = new RecordingSteps();
    const out = await run(
      ["promote", "gray", "--service", "user-api", "--env", "dev"],
      { ...env, LANES_PARAMS_DIR: params.dir, LANES_HEALTH_TIMEOUT_SECONDS: "0", LANES_HEALTH_INTERVAL_SECONDS: "1" },
      { steps, cluster: view({ desired: 2, running: 1, rolloutState: "IN_PROGRESS", healthyTargets: 1 }), progress: () => undefined, clients: clients() },
    );
    expect(out.code).toBe(5);
    expect(out.text).toMatch(/user-api-dev-default did not become healthy within 0 s \(last: 1\/2 running, rollout IN_PROGRESS/);
    expect(steps.done.map((s) => s.action)).toEqual(["deploy"]);
  });

  test("rollback re-deploys the lane's previous image", async () => {
    const steps = new RecordingSteps();
    const out = await lanes(["rollback", "gray", "--service", "user-api", "--env", "dev"], { steps, cluster: view(healthy) });
    expect(out.code).toBe(0);
    expect(out.result).toMatchObject({ from: `${REPO}:sha-3333333`, to: `${REPO}:sha-2222222` });
    expect(steps.done).toEqual([{ action: "deploy", stack: "app-user-api-dev-gray", image: `${REPO}:sha-2222222`, dryRun: false }]);
    expect(steps.releases[0]!.previousImages).toEqual([`${REPO}:sha-3333333`, `${REPO}:sha-2222222`]);
  });

  test("deploy without a new image keeps the lane's image; with one, records the old one", async () => {
    const keep = new RecordingSteps();
    expect((await lanes(["deploy", "gray", "--service", "user-api", "--env", "dev"], { steps: keep, cluster: view(healthy) })).code).toBe(0);
    expect(keep.done[0]!.image).toBe(`${REPO}:sha-3333333`);
    const fresh = new RecordingSteps();
    expect((await lanes(["deploy", "gray", "--service", "user-api", "--env", "dev", "--image", `${REPO}:sha-4444444`], { steps: fresh, cluster: view(healthy) })).code).toBe(0);
    expect(fresh.releases[0]).toMatchObject({ image: `${REPO}:sha-4444444`, previousImages: [`${REPO}:sha-3333333`, `${REPO}:sha-2222222`] });
  });

  test.each([
    [["status", "billing", "--env", "dev"], 2, /billing-dev\.json: file not found/],
    [["rollback", "blue", "--service", "user-api", "--env", "dev"], 7, /lane 'blue' of user-api in dev has no state/],
    [["promote", "default", "--service", "user-api", "--env", "dev"], 6, /not default itself/],
    [["status", "user-api"], 2, /--env is required/],
    [["rollback", "Blue_1", "--service", "user-api", "--env", "dev"], 2, /LANE='Blue_1' is not a valid lane/],
    [["promote", "gray", "--env", "dev"], 2, /needs --service/],
  ])("bad input %p: exit %p, clear message, nothing changed", async (argv, code, message) => {
    const steps = new RecordingSteps();
    const out = await lanes(argv, { steps, cluster: view(healthy) });
    expect([out.code, out.text]).toEqual([code, expect.stringMatching(message)]);
    expect(steps.done).toEqual([]);
  });

  describe("canary (worker services)", () => {
    const virtual = () => {
      const clock = { t: 0, now: () => clock.t, sleep: async (ms: number) => void (clock.t += ms) };
      return clock;
    };
    const alarmsAt = (clock: { now(): number }, firingFrom?: number, suffix = "-error-lines"): AlarmReader => ({
      states: async (names) =>
        Object.fromEntries(names.map((n) => [n, (firingFrom !== undefined && clock.now() >= firingFrom && n.endsWith(suffix) ? "ALARM" : "OK") as AlarmState])),
    });
    const argv = ["canary", "--service", "order-worker", "--env", "dev", "--image", `${WORKER_REPO}:sha-7777777`];

    test("a quiet bake releases: canary, then default with the image, then the canary is removed", async () => {
      const steps = new RecordingSteps();
      const clock = virtual();
      // The comparison with default at the end of the bake reads CloudWatch: 100 messages a minute, no error lines.
      const cloudwatch = new CloudWatchClient({ region: "ap-southeast-2" });
      mockClient(cloudwatch)
        .on(GetMetricDataCommand)
        .callsFake((input: GetMetricDataCommandInput) => {
          const minutes = Array.from({ length: 10 }, (_, i) => new Date(input.StartTime!.getTime() + i * 60_000));
          const results = input.MetricDataQueries!.map((q) => {
            const ts = q.MetricStat!.Metric!.MetricName!.endsWith("-processed") ? minutes : [];
            return { Id: q.Id, Timestamps: ts, Values: ts.map(() => 100), StatusCode: "Complete" };
          });
          return { MetricDataResults: results, $metadata: {} };
        });
      const out = await lanes(argv, { steps, cluster: view(healthy), alarms: alarmsAt(clock), clock, cloudwatch });
      expect([out.code, out.text]).toEqual([0, `canary release of ${WORKER_REPO}:sha-7777777 complete: default runs it`]);
      expect(steps.done.map((d) => `${d.action} ${d.stack} ${d.image ?? ""}`.trim())).toEqual([
        `deploy app-order-worker-dev-canary ${WORKER_REPO}:sha-7777777`,
        `deploy app-order-worker-dev-default ${WORKER_REPO}:sha-7777777`,
        "destroy app-order-worker-dev-canary",
      ]);
      expect(clock.t).toBeGreaterThanOrEqual(10 * 60_000);
    });

    test("the canary's own error-lines alarm during the bake rolls back (exit 8) and default is never deployed", async () => {
      const steps = new RecordingSteps();
      const clock = virtual();
      const out = await lanes(argv, { steps, cluster: view(healthy), alarms: alarmsAt(clock, 3 * 60_000), clock });
      expect(out.code).toBe(8);
      expect(out.text).toBe("canary rolled back: alarm order-worker-dev-canary-error-lines in ALARM");
      expect(steps.done.map((d) => `${d.action} ${d.stack}`)).toEqual(["deploy app-order-worker-dev-canary", "destroy app-order-worker-dev-canary"]);
    });

    test("an http service has no canary release", async () => {
      const steps = new RecordingSteps();
      const out = await lanes(["canary", "--service", "user-api", "--env", "dev", "--image", `${REPO}:sha-1`], { steps, cluster: view(healthy), alarms: alarmsAt(virtual()) });
      expect(out.code).toBe(6);
      expect(steps.done).toEqual([]);
    });
  });

  describe("edge rules", () => {
    const rulesFile = (value: unknown) => {
      const dir = mkdtempSync(join(tmpdir(), "lanes-rules-"));
      temps.push(dir);
      const file = join(dir, "rules.json");
      writeFileSync(file, JSON.stringify(value));
      return file;
    };
    const edgeDeps = () => ({ edgeTable: harness.dynamodb, cluster: view(healthy), steps: new RecordingSteps() });

    beforeAll(async () => {
      await createRulesTable(harness.dynamodb, "lanes-edge-dev-rules");
    });

    test("show before any rules: everyone goes to default (exit 7)", async () => {
      const out = await lanes(["edge", "show", "--env", "dev"], edgeDeps());
      expect(out.code).toBe(7);
      expect(out.text).toContain("no lane rules stored for dev yet: everyone goes to default");
    });

    test("set stores valid rules with who set them; show returns them", async () => {
      const rules = { version: 3, lanes: ["default", "gray"], userId: { header: "x-user-id" }, users: { gray: ["u-1"] }, percentages: [{ lane: "gray", percent: 10 }] };
      const set = await run(["edge", "set", "--env", "dev", "--file", rulesFile(rules)], { ...env, LANES_PARAMS_DIR: params.dir, PIPELINE_EXECUTION_ID: "exec-9" }, { ...edgeDeps(), progress: () => undefined, clients: clients() });
      expect([set.code, set.text]).toEqual([0, expect.stringContaining("rules v3 stored for dev; the sync writes them to the edge within 5 minutes")]);
      const shown = await lanes(["edge", "show", "--env", "dev", "--json"], edgeDeps());
      expect(shown.code).toBe(0);
      expect(shown.result).toMatchObject({ env: "dev", rules, updatedBy: "pipeline:exec-9" });
    });

    test("set refuses invalid rules, names the problems and stores nothing", async () => {
      const before = await lanes(["edge", "show", "--env", "dev", "--json"], edgeDeps());
      const bad = { version: 4, lanes: ["default", "gray"], percentages: [{ lane: "blue", percent: 120 }] };
      const out = await lanes(["edge", "set", "--env", "dev", "--file", rulesFile(bad)], edgeDeps());
      expect(out.code).toBe(2);
      expect(out.text).toContain("the rules are invalid and were not stored");
      expect(out.text).toMatch(/\$\.percentages\[0\]\.lane/);
      const after = await lanes(["edge", "show", "--env", "dev", "--json"], edgeDeps());
      expect(after.result).toEqual(before.result);
    });
  });

  test("promote --dry-run from the command line synthesizes and validates each step's stack with the right image", async () => {
    const ran = await lanesCli(["promote", "gray", "--service", "user-api", "--env", "dev", "--dry-run", "--json"], { ...env, LANES_PARAMS_DIR: params.dir });
    expect([ran.code, ran.code === 0 ? "" : ran.stderr]).toEqual([0, ""]);
    const result = JSON.parse(ran.stdout) as { steps: StepRecord[] };
    expect(result.steps).toEqual([
      { action: "deploy", stack: "app-user-api-dev-default", image: `${REPO}:sha-3333333`, dryRun: true },
      { action: "destroy", stack: "app-user-api-dev-gray", dryRun: true },
    ]);
    expect(ran.stderr).toMatch(/\[1\/3\][^]*dry run: app-user-api-dev-default synthesized with \S+:sha-3333333 and valid[^]*\[2\/3\][^]*\[3\/3\][^]*would run: cdktf destroy app-user-api-dev-gray/);
  });
});
