/**
 * The fleet commands against the local state harness (real S3 state objects and DynamoDB lock
 * items): `lanes ls`, expiry and `lanes gc`, and the quota check of a lane deploy. AWS beyond
 * the state (ECS, ELBv2, Service Quotas) answers through aws-sdk-client-mock with recorded
 * answers; Terraform steps are recorded (and, for one gc run, synthesized and validated for real).
 */
import { PutItemCommand } from "@aws-sdk/client-dynamodb";
import { DescribeServicesCommand, ECSClient } from "@aws-sdk/client-ecs";
import {
  DescribeListenersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { ListServiceQuotasCommand, ServiceQuotasClient } from "@aws-sdk/client-service-quotas";
import { mockClient } from "aws-sdk-client-mock";
import { run, type Dependencies } from "../lib/cli/lanes";
import { BootOutputs, LaneOutputs } from "../lib/contract";
import { publishState } from "../lib/harness/fake-state";
import { startLocalState, type LocalState } from "../lib/harness/local-state";
import type { StackPlan } from "../lib/layers/plan";
import { stackNameOf } from "../lib/layers/registry";
import type { FleetLane } from "../lib/ops/fleet";
import type { Release, StepRecord, Steps } from "../lib/ops/steps";
import { dynamoLockId, stateKey } from "../lib/state";
import { lanesCli } from "./helpers/harness";
import { TempParams, exampleFile } from "./helpers/project";
import { terraformOrFail } from "./helpers/terraform";
import "./helpers/slow";

const REPO = "123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/dev/user-api";
const WORKER = "123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/dev/order-worker";
const ALB_ARN = "arn:aws:elasticloadbalancing:ap-southeast-2:123456789012:loadbalancer/app/user-api-dev-alb/50dc6c495c0c9188";
const LISTENER_ARN = "arn:aws:elasticloadbalancing:ap-southeast-2:123456789012:listener/app/user-api-dev-alb/50dc6c495c0c9188/f2f7dc8efc522ab2";
const HOUR = 3_600_000;

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

const ecs = mockClient(ECSClient);
const elb = mockClient(ElasticLoadBalancingV2Client);
const quotas = mockClient(ServiceQuotasClient);

/** ELBv2's answers for an ALB with one listener holding `rules` lane rules (plus its default rule) and `targetGroups` target groups. */
function albWith(rules: number, targetGroups: number): void {
  elb.on(DescribeListenersCommand, { LoadBalancerArn: ALB_ARN }).resolves({ Listeners: [{ ListenerArn: LISTENER_ARN, LoadBalancerArn: ALB_ARN }] });
  // Two pages, as DescribeRules returns them past PageSize; the default rule is not counted.
  const all = [...Array.from({ length: rules }, (_, i) => ({ RuleArn: `${LISTENER_ARN}/rule-${i}`, Priority: String(10000 + i), IsDefault: false })), { RuleArn: `${LISTENER_ARN}/default`, Priority: "default", IsDefault: true }];
  const half = Math.ceil(all.length / 2);
  elb.on(DescribeRulesCommand, { ListenerArn: LISTENER_ARN, Marker: undefined }).resolves({ Rules: all.slice(0, half), NextMarker: "page-2" });
  elb.on(DescribeRulesCommand, { ListenerArn: LISTENER_ARN, Marker: "page-2" }).resolves({ Rules: all.slice(half) });
  elb.on(DescribeTargetGroupsCommand, { LoadBalancerArn: ALB_ARN }).resolves({
    TargetGroups: Array.from({ length: targetGroups }, (_, i) => ({ TargetGroupArn: `arn:aws:elasticloadbalancing:ap-southeast-2:123456789012:targetgroup/tg-${i}/0123456789abcdef` })),
  });
}

describe("lanes ls, expiry and gc", () => {
  let params: TempParams;
  let harness: LocalState;
  let env: Record<string, string>;
  /** "Now" for the commands: three hours after the states were published. */
  let now: number;

  const key = (service: string, lane: string) => stateKey({ layer: "app", env: "dev", service, lane });
  const publishLane = (service: string, lane: string, o: { image: string; ttl?: string; expiresAt?: string; changedBy?: string }) =>
    publishState(harness.s3, harness.state.bucket, key(service, lane), {
      [LaneOutputs.image.name]: o.image,
      [LaneOutputs.imageHistory.name]: [o.image],
      [LaneOutputs.changedBy.name]: o.changedBy ?? "pipeline:exec-1",
      [LaneOutputs.clusterName.name]: "dev-cluster",
      [LaneOutputs.ecsServiceName.name]: `${service}-dev-${lane}`,
      [LaneOutputs.targetGroupArn.name]: service === "user-api" ? `arn:aws:elasticloadbalancing:ap-southeast-2:123456789012:targetgroup/user-api-dev-${lane}-tg/0123456789abcdef` : "",
      [LaneOutputs.ttl.name]: o.ttl ?? "",
      [LaneOutputs.expiresAt.name]: o.expiresAt ?? "",
    });
  const lanes = (argv: string[], deps: Dependencies = {}, vars: Record<string, string> = {}) =>
    run(argv, { ...env, LANES_PARAMS_DIR: params.dir, ...vars }, {
      progress: () => undefined,
      clients: { s3: harness.s3, dynamodb: harness.dynamodb },
      clock: { now: () => now, sleep: async () => undefined },
      ...deps,
    });

  beforeAll(async () => {
    await terraformOrFail();
    params = new TempParams();
    harness = await startLocalState(params.repo().infra("dev").state);
    env = { ...process.env, ...harness.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" } as Record<string, string>;
    await publishState(harness.s3, harness.state.bucket, stateKey({ layer: "infra", env: "dev" }), { vpc_id: "vpc-0123456789abcdef0" });
    await publishState(harness.s3, harness.state.bucket, stateKey({ layer: "boot", env: "dev", service: "user-api" }), { [BootOutputs.albArn.name]: ALB_ARN });
    await publishState(harness.s3, harness.state.bucket, stateKey({ layer: "boot", env: "dev", service: "order-worker" }), { [BootOutputs.albArn.name]: "" });
    // user-api calls order-api (params calls): a user-api lane reads order-api's boot state too.
    await publishState(harness.s3, harness.state.bucket, stateKey({ layer: "boot", env: "dev", service: "order-api" }), { [BootOutputs.albArn.name]: "" });

    const published = Date.now();
    now = published + 3 * HOUR;
    const past = new Date(published - HOUR).toISOString();
    const future = new Date(published + 72 * HOUR).toISOString();
    // default never expires, even with an expiry in its state
    await publishLane("user-api", "default", { image: `${REPO}:sha-1111111`, expiresAt: past });
    await publishLane("user-api", "gray", { image: `${REPO}:sha-2222222`, ttl: "72h", expiresAt: future, changedBy: "alice@laptop" });
    await publishLane("user-api", "old-a", { image: `${REPO}:sha-3333333`, ttl: "24h", expiresAt: past });
    // deployed by plain cdktf: only the ttl is recorded, the expiry counts from the state's last write
    await publishLane("user-api", "old-b", { image: `${REPO}:sha-4444444`, ttl: "1h" });
    await publishLane("user-api", "locked-c", { image: `${REPO}:sha-5555555`, ttl: "1h", expiresAt: past });
    await publishLane("user-api", "keep-none", { image: `${REPO}:sha-6666666`, ttl: "none" });
    await publishLane("order-worker", "default", { image: `${WORKER}:sha-0000001` });
    await publishLane("order-worker", "stale", { image: `${WORKER}:sha-0000002`, ttl: "2h", expiresAt: past });
    // a destroyed lane: Terraform leaves the emptied state object
    await publishState(harness.s3, harness.state.bucket, key("user-api", "gone"), {});
    // locked-c is being changed by another run
    const lockKey = key("user-api", "locked-c");
    await harness.dynamodb.send(
      new PutItemCommand({
        TableName: harness.state.lockTable,
        Item: {
          LockID: { S: dynamoLockId(harness.state, lockKey) },
          Info: { S: JSON.stringify({ ID: "5f2c", Operation: "OperationTypeApply", Who: "bob@ci", Version: "1.11.4", Created: new Date(published).toISOString(), Path: lockKey }) },
        },
      }),
    );
  });

  beforeEach(() => {
    ecs.reset();
    elb.reset();
    quotas.reset();
    ecs.on(DescribeServicesCommand).callsFake((input: { services?: string[] }) => ({
      services: (input.services ?? []).map((serviceName) => ({ serviceName, desiredCount: 2, runningCount: serviceName.endsWith("-gray") ? 1 : 2, deployments: [] })),
    }));
    quotas.on(ListServiceQuotasCommand).rejects(Object.assign(new Error("connect ECONNREFUSED"), { name: "Error", code: "ECONNREFUSED" }));
    albWith(4, 5);
  });

  afterAll(async () => {
    ecs.restore();
    elb.restore();
    quotas.restore();
    await harness?.stop();
    params?.cleanup();
  });

  describe("ls", () => {
    test("lists every lane of every service with state, sorted, without destroyed ones, with image, who, expiry and counts", async () => {
      const out = await lanes(["ls", "--env", "dev", "--json"]);
      expect(out.code).toBe(0);
      const listed = out.result.lanes as FleetLane[];
      expect(listed.map((l) => `${l.service}/${l.lane}`)).toEqual([
        "order-worker/default",
        "order-worker/stale",
        "user-api/default",
        "user-api/gray",
        "user-api/keep-none",
        "user-api/locked-c",
        "user-api/old-a",
        "user-api/old-b",
      ]);
      const gray = listed.find((l) => l.lane === "gray")!;
      expect(gray).toMatchObject({ image: `${REPO}:sha-2222222`, changedBy: "alice@laptop", ttl: "72h", expired: false, running: 1, desired: 2 });
      expect(Date.parse(gray.expiresAt!)).toBeGreaterThan(now);
      expect(listed.filter((l) => l.expired).map((l) => `${l.service}/${l.lane}`)).toEqual(["order-worker/stale", "user-api/locked-c", "user-api/old-a", "user-api/old-b"]);
      // default never expires; ttl none never expires
      expect(listed.find((l) => l.service === "user-api" && l.lane === "default")).toMatchObject({ expired: false });
      expect(listed.find((l) => l.service === "user-api" && l.lane === "default")!.expiresAt).toBeUndefined();
      expect(listed.find((l) => l.lane === "keep-none")!.expiresAt).toBeUndefined();
      // expiry of a plain cdktf deploy: the state's last write plus its 1h ttl
      expect(Date.parse(listed.find((l) => l.lane === "old-b")!.expiresAt!)).toBeLessThan(now);
    });

    test("estimates each lane's monthly Fargate cost from its task size and desired count (us-east-1 list price when the region has none)", async () => {
      const out = await lanes(["ls", "--env", "dev", "--json"]);
      const gray = (out.result.lanes as FleetLane[]).find((l) => l.lane === "gray")!;
      // user-api: 256 CPU units (0.25 vCPU), 512 MiB (0.5 GB); ECS desires 2 tasks. Fargate
      // Linux/x86 us-east-1: $0.04048 per vCPU-hour, $0.004445 per GB-hour; 730 hours a month.
      expect(gray).toMatchObject({ cpu: 256, memory: 512, monthlyCost: 18.02 });
      expect(out.result.pricing).toBe("us-east-1 list price: lib/ops/pricing.ts has none for ap-southeast-2, set pricing in params");
      expect(out.result.monthlyCost).toBeCloseTo((out.result.lanes as FleetLane[]).reduce((s, l) => s + (l.monthlyCost ?? 0), 0), 2);
    });

    test("params pricing overrides the table", async () => {
      const priced = new TempParams({ "infra-dev.json": exampleFile("infra-dev.json", (j) => void (j.pricing = { fargateVcpuHour: 0.05, fargateGbHour: 0.005 })) });
      try {
        const out = await run(["ls", "--env", "dev", "--json"], { ...env, LANES_PARAMS_DIR: priced.dir }, { progress: () => undefined, clients: { s3: harness.s3, dynamodb: harness.dynamodb }, clock: { now: () => now, sleep: async () => undefined } });
        // (0.25 × 0.05 + 0.5 × 0.005) × 2 tasks × 730 h
        expect((out.result.lanes as FleetLane[]).find((l) => l.lane === "gray")!.monthlyCost).toBe(21.9);
        expect(out.result.pricing).toBe("params pricing");
      } finally {
        priced.cleanup();
      }
    });

    test("the table shows counts, expiry and cost; RUNNING is unknown when ECS cannot be read", async () => {
      ecs.reset();
      ecs.on(DescribeServicesCommand).rejects(Object.assign(new Error("getaddrinfo ENOTFOUND ecs.ap-southeast-2.amazonaws.com"), { code: "ENOTFOUND" }));
      const out = await lanes(["ls", "--env", "dev"]);
      expect(out.code).toBe(0);
      const lines = out.text.split("\n");
      expect(lines[0]).toMatch(/^SERVICE\s+LANE\s+IMAGE\s+AGE\s+BY\s+EXPIRES\s+RUNNING\s+COST\/MO$/);
      expect(lines.find((l) => /^user-api\s+gray\s/.test(l))).toMatch(/^user-api\s+gray\s+dev\/user-api:sha-2222222\s+3h\s+alice@laptop\s+in 2d\s+unknown\s+\$9\.01$/);
      expect(lines.find((l) => /^user-api\s+old-a\s/.test(l))).toMatch(/expired 4h ago/);
      expect(lines.find((l) => /^user-api\s+default\s/.test(l))).toMatch(/\snever\s/);
      expect(out.text).toContain("8 lanes, about $");
      expect(out.text).toContain("4 expired: lanes gc --env dev removes them");
    });

    test("quota headroom of each load balancer, from ELBv2, with the default quotas when Service Quotas cannot be read", async () => {
      const out = await lanes(["ls", "--env", "dev", "--json"]);
      expect(out.result.loadBalancers).toEqual([
        {
          service: "user-api",
          loadBalancer: "user-api-dev-alb",
          quotas: [
            { kind: "rules", used: 4, limit: 100, warn: false },
            { kind: "targetGroups", used: 5, limit: 100, warn: false },
          ],
        },
      ]);
      expect(out.result.quotaSource).toBe("defaults");
      expect(elb.commandCalls(DescribeRulesCommand).map((c) => c.args[0].input.Marker)).toEqual([undefined, "page-2"]);
    });

    test("80 rules of 100: ls warns, naming the load balancer, the numbers and the fix", async () => {
      albWith(80, 81);
      const out = await lanes(["ls", "--env", "dev"]);
      expect(out.text).toContain("user-api-dev-alb: 80/100 listener rules (80%), 81/100 target groups (81%) (default quotas)");
      expect(out.text).toContain("warning: user-api-dev-alb uses 80/100 listener rules (80%) of its quota: remove lanes (lanes gc, lanes destroy) or raise the quota in Service Quotas before it is full");
      expect(out.text).toContain("warning: user-api-dev-alb uses 81/100 target groups (81%) of its quota");
    });

    test("79 rules: no warning", async () => {
      albWith(79, 79);
      const out = await lanes(["ls", "--env", "dev"]);
      expect(out.text).toContain("79/100 listener rules (79%)");
      expect(out.text).not.toContain("warning:");
    });
  });

  describe("quota check of a lane deploy", () => {
    test("a full target group quota: a new lane is refused before Terraform, with the numbers and the fix (exit 11)", async () => {
      // Rules within their quota for two more; target groups full.
      albWith(98, 100);
      const steps = new RecordingSteps();
      const out = await lanes(["deploy", "new-lane", "--service", "user-api", "--env", "dev", "--image", `${REPO}:sha-7777777`], { steps });
      expect(out.code).toBe(11);
      expect(out.text).toBe(
        "lane 'new-lane' of user-api would add 2 listener rules (one on the viewer listener, one on the callers' internal listener) and a target group to user-api-dev-alb, which has 100/100 target groups (100%), one more is over the quota (quotas from the defaults). Nothing was deployed. Fix: remove lanes (lanes gc, lanes destroy); 'Target Groups per Application Load Balancer' cannot be raised.",
      );
      expect(steps.done).toEqual([]);
    });

    test("a lane of a service with an internal listener for its callers adds two rules: 99 of 100 is refused, 98 is not", async () => {
      albWith(99, 50);
      const refused = await lanes(["deploy", "new-lane", "--service", "user-api", "--env", "dev", "--image", `${REPO}:sha-7777777`], { steps: new RecordingSteps() });
      expect([refused.code, refused.text]).toEqual([
        11,
        "lane 'new-lane' of user-api would add 2 listener rules (one on the viewer listener, one on the callers' internal listener) and a target group to user-api-dev-alb, which has 99/100 listener rules (99%), 2 more are over the quota (quotas from the defaults). Nothing was deployed. Fix: remove lanes (lanes gc, lanes destroy) or raise the quota 'Rules per Application Load Balancer' in Service Quotas.",
      ]);
      albWith(98, 50);
      const steps = new RecordingSteps();
      const allowed = await lanes(["deploy", "new-lane", "--service", "user-api", "--env", "dev", "--image", `${REPO}:sha-7777777`], { steps });
      expect(allowed.code).toBe(0);
      expect(steps.done.map((s) => s.stack)).toEqual(["app-user-api-dev-new-lane"]);
    });

    test("the account's quotas come from Service Quotas when it answers", async () => {
      albWith(100, 90);
      quotas.reset();
      quotas.on(ListServiceQuotasCommand, { ServiceCode: "elasticloadbalancing", NextToken: undefined }).resolves({
        Quotas: [{ QuotaName: "Listeners per Application Load Balancer", Value: 50 }],
        NextToken: "t2",
      });
      quotas.on(ListServiceQuotasCommand, { ServiceCode: "elasticloadbalancing", NextToken: "t2" }).resolves({
        Quotas: [
          { QuotaName: "Target Groups per Action per Application Load Balancer", Value: 5 },
          { QuotaName: "Rules per Application Load Balancer", Value: 200 },
          { QuotaName: "Target Groups per Application Load Balancer", Value: 100 },
        ],
      });
      const steps = new RecordingSteps();
      const allowed = await lanes(["deploy", "new-lane", "--service", "user-api", "--env", "dev", "--image", `${REPO}:sha-7777777`], { steps });
      expect(allowed.code).toBe(0);
      expect(steps.done.map((s) => s.stack)).toEqual(["app-user-api-dev-new-lane"]);
      albWith(200, 90);
      const refused = await lanes(["deploy", "new-lane", "--service", "user-api", "--env", "dev", "--image", `${REPO}:sha-7777777`], { steps: new RecordingSteps() });
      expect([refused.code, refused.text]).toEqual([11, expect.stringContaining("200/200 listener rules (100%), 2 more are over the quota (quotas from Service Quotas)")]);
      expect(refused.text).toContain("raise the quota 'Rules per Application Load Balancer' in Service Quotas");
    });

    test("a lane that already has its rule and target group is not checked (a re-deploy adds nothing)", async () => {
      albWith(100, 100);
      const steps = new RecordingSteps();
      const out = await lanes(["deploy", "gray", "--service", "user-api", "--env", "dev"], { steps });
      expect(out.code).toBe(0);
      expect(elb.commandCalls(DescribeRulesCommand)).toHaveLength(0);
    });
  });

  describe("expiry at deploy", () => {
    test("--ttl sets the lane's ttl and expiry from now; the release carries both to the stack", async () => {
      const steps = new RecordingSteps();
      const out = await lanes(["deploy", "blue", "--service", "user-api", "--env", "dev", "--image", `${REPO}:sha-8888888`, "--ttl", "72h"], { steps });
      expect(out.code).toBe(0);
      expect(steps.releases[0]).toMatchObject({ ttl: "72h", expiresAt: new Date(now + 72 * HOUR).toISOString() });
      expect(out.text).toBe(`lane blue of user-api runs ${REPO}:sha-8888888; expires ${new Date(now + 72 * HOUR).toISOString()}`);
    });

    test("without --ttl a lane keeps its ttl and the clock restarts; a new lane takes laneDefaults.ttl from params", async () => {
      const keep = new RecordingSteps();
      await lanes(["deploy", "gray", "--service", "user-api", "--env", "dev"], { steps: keep });
      expect(keep.releases[0]).toMatchObject({ ttl: "72h", expiresAt: new Date(now + 72 * HOUR).toISOString() });

      const withDefaults = new TempParams({ "user-api-dev.json": exampleFile("user-api-dev.json", (j) => void ((j.laneDefaults as Record<string, unknown>).ttl = "7d")) });
      try {
        const fresh = new RecordingSteps();
        const out = await run(["deploy", "brand-new", "--service", "user-api", "--env", "dev", "--image", `${REPO}:sha-9999999`], { ...env, LANES_PARAMS_DIR: withDefaults.dir }, {
          steps: fresh,
          progress: () => undefined,
          clients: { s3: harness.s3, dynamodb: harness.dynamodb },
          clock: { now: () => now, sleep: async () => undefined },
        });
        expect(out.code).toBe(0);
        expect(fresh.releases[0]).toMatchObject({ ttl: "7d", expiresAt: new Date(now + 7 * 24 * HOUR).toISOString() });
        // default never takes laneDefaults.ttl
        const def = new RecordingSteps();
        await run(["deploy", "default", "--service", "user-api", "--env", "dev"], { ...env, LANES_PARAMS_DIR: withDefaults.dir }, {
          steps: def,
          progress: () => undefined,
          clients: { s3: harness.s3, dynamodb: harness.dynamodb },
        });
        expect(def.releases[0]!.ttl).toBeUndefined();
        expect(def.releases[0]!.expiresAt).toBeUndefined();
      } finally {
        withDefaults.cleanup();
      }
    });

    test.each([
      [["deploy", "default", "--service", "user-api", "--env", "dev", "--ttl", "1h"], /the default lane never expires/],
      [["deploy", "gray", "--service", "user-api", "--env", "dev", "--ttl", "3 days"], /--ttl='3 days' is not a time to live/],
      [["deploy", "gray", "--service", "user-api", "--env", "dev", "--ttl", "10s"], /--ttl='10s' is not a time to live/],
    ])("bad ttl %p: exit 2, nothing deployed", async (argv, message) => {
      const steps = new RecordingSteps();
      const out = await lanes(argv, { steps });
      expect([out.code, out.text]).toEqual([2, expect.stringMatching(message)]);
      expect(steps.done).toEqual([]);
    });

    test("params: lanes.default.ttl is refused with the file, the field and the fix", async () => {
      const bad = new TempParams({ "user-api-dev.json": exampleFile("user-api-dev.json", (j) => void ((j.lanes as Record<string, Record<string, unknown>>).default!.ttl = "1d")) });
      try {
        const out = await run(["ls", "--env", "dev"], { ...env, LANES_PARAMS_DIR: bad.dir }, { progress: () => undefined, clients: { s3: harness.s3, dynamodb: harness.dynamodb } });
        expect(out.code).toBe(0); // ls itself does not need the file to be valid; the estimate is left out
        expect(() => bad.repo().service("user-api", "dev")).toThrow(/user-api-dev\.json: field 'lanes\.default\.ttl' has bad value "1d"\. Allowed: the default lane never expires; remove lanes\.default\.ttl/);
      } finally {
        bad.cleanup();
      }
    });
  });

  describe("gc", () => {
    test("destroys exactly the expired, unlocked, non-default lanes, in service/lane order, and says what it skipped", async () => {
      const steps = new RecordingSteps();
      const progress: string[] = [];
      const out = await lanes(["gc", "--env", "dev", "--json"], { steps, progress: (l) => progress.push(l) });
      expect(out.code).toBe(0);
      expect(steps.done.map((s) => `${s.action} ${s.stack}`)).toEqual(["destroy app-order-worker-dev-stale", "destroy app-user-api-dev-old-a", "destroy app-user-api-dev-old-b"]);
      expect(out.result).toMatchObject({
        destroyed: [
          { service: "order-worker", lane: "stale" },
          { service: "user-api", lane: "old-a" },
          { service: "user-api", lane: "old-b" },
        ],
        skipped: [{ service: "user-api", lane: "locked-c", reason: expect.stringMatching(/^locked by bob@ci \(OperationTypeApply since /) }],
        failed: [],
        kept: 4,
      });
      expect(progress).toEqual(
        expect.arrayContaining([expect.stringMatching(/^\[2\/4\] skip app-user-api-dev-locked-c: locked by bob@ci/), expect.stringMatching(/^\[1\/4\] destroy app-order-worker-dev-stale \(expired /)]),
      );
    });

    test("the summary names what was destroyed, skipped and kept; --service narrows it", async () => {
      const out = await lanes(["gc", "--env", "dev", "--service", "order-worker"], { steps: new RecordingSteps() });
      expect(out.text).toBe("gc dev (order-worker): destroyed 1 (order-worker/stale); kept 1");
    });

    test("nothing expired: nothing destroyed", async () => {
      now = Date.now() - 10 * HOUR;
      try {
        const steps = new RecordingSteps();
        const out = await lanes(["gc", "--env", "dev"], { steps });
        expect(steps.done).toEqual([]);
        expect(out.text).toMatch(/^gc dev: destroyed 0; kept \d+$/);
      } finally {
        now = Date.now() + 3 * HOUR;
      }
    });

    test("--dry-run from the command line synthesizes and validates each expired lane's stack and destroys nothing", async () => {
      const listed = async () => ((await harness.s3.send(new ListObjectsV2Command({ Bucket: harness.state.bucket, Prefix: "app/dev/" }))).Contents ?? []).map((o) => o.Key).sort();
      const before = await listed();
      // only order-worker's lanes: one synth + validate keeps the test short
      const ran = await lanesCli(["gc", "--env", "dev", "--service", "order-worker", "--dry-run", "--json"], { ...env, LANES_PARAMS_DIR: params.dir });
      expect([ran.code, ran.code === 0 ? "" : ran.stderr]).toEqual([0, ""]);
      const result = JSON.parse(ran.stdout) as { destroyed: { lane: string }[]; steps: StepRecord[]; dryRun: boolean };
      expect(result.dryRun).toBe(true);
      expect(result.steps).toEqual([{ action: "destroy", stack: "app-order-worker-dev-stale", dryRun: true }]);
      expect(ran.stderr).toContain("dry run: would run: cdktf destroy app-order-worker-dev-stale --auto-approve");
      expect(await listed()).toEqual(before);
    });
  });
});
