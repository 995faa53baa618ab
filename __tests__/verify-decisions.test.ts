/**
 * The verify step's decisions (lib/ci/verify.ts) fed on purpose (issue 14, point 4): which lane
 * is checked after each action (the lane; default after promote, ramp and canary; none after
 * destroy and gc), the probe's URL and tracestate through the ALB, and the probe's retries. State
 * is read through an S3 client mocked at the SDK edge (aws-sdk-client-mock); ECS health and the
 * HTTP request are injected. The service is not behind the edge here (edge-dev.json removed);
 * the edge path is verify-edge.test.ts's. Kept apart from verify-edge.test.ts so both merge cleanly.
 */
import { DescribeRulesCommand, DescribeTagsCommand, ElasticLoadBalancingV2Client, ModifyRuleCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { GetObjectCommand, NoSuchKey, S3Client } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { CiInputError, type CiAction, type CiInputs } from "../lib/ci/inputs";
import { healthProbe, verifyRun, type VerifyDeps } from "../lib/ci/verify";
import { TempParams, exampleFile } from "./helpers/project";

const BUCKET = "lanes-example-tfstate-dev";
const ALB = "user-api-dev-alb-1.ap-southeast-2.elb.amazonaws.com";
const params = new TempParams({ "edge-dev.json": undefined });
afterAll(() => params.cleanup());

const s3 = mockClient(S3Client);
/** State objects by key: a lane's outputs as Terraform writes them. */
let objects: Record<string, Record<string, string>>;
beforeEach(() => {
  s3.reset();
  objects = {};
  s3.on(GetObjectCommand).callsFake((input: { Bucket: string; Key: string }) => {
    const outputs = input.Bucket === BUCKET ? objects[input.Key] : undefined;
    if (!outputs) throw new NoSuchKey({ message: "The specified key does not exist.", $metadata: { httpStatusCode: 404 } });
    const body = JSON.stringify({ version: 4, outputs: Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, { value: v, type: "string" }])) });
    return { Body: { transformToString: async () => body } };
  });
});

const elb = mockClient(ElasticLoadBalancingV2Client);
const TG = (lane: string) => `arn:aws:elasticloadbalancing:ap-southeast-2:123456789012:targetgroup/user-api-dev-${lane}-tg/abc`;
const LISTENER = "arn:aws:elasticloadbalancing:ap-southeast-2:123456789012:listener/app/user-api-dev-alb/50dc6c495c0c9188/f2f7dc8efc522ab2";
const GRAY_RULE = "arn:aws:elasticloadbalancing:ap-southeast-2:123456789012:listener-rule/app/user-api-dev-alb/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee";
/** Gray's rule on the listener, forwarding to `forward` (default's group while it has fallen back). */
function grayRule(forward: string): void {
  elb.reset();
  elb.on(DescribeRulesCommand).resolves({ Rules: [{ RuleArn: GRAY_RULE, IsDefault: false, Actions: [{ Type: "forward", TargetGroupArn: forward }] }] });
  elb.on(DescribeTagsCommand).resolves({ TagDescriptions: [{ ResourceArn: GRAY_RULE, Tags: [{ Key: "Name", Value: "user-api-dev-gray-rule" }, { Key: "lanes:lane", Value: "gray" }, { Key: "lanes:target-group", Value: "targetgroup/user-api-dev-gray-tg/abc" }] }] });
  elb.on(ModifyRuleCommand).resolves({});
}
beforeEach(() => {
  grayRule(TG("gray"));
  objects["boot/dev/user-api/terraform.tfstate"] = { listener_arn: LISTENER, call_listener_arn: LISTENER, default_target_group_arn: TG("default") };
});

function laneState(lane: string, withAlb = true): void {
  objects[`app/dev/user-api/${lane}/terraform.tfstate`] = {
    ecs_service_name: `user-api-dev-${lane}`,
    cluster_name: "dev-cluster",
    ...(withAlb ? { target_group_arn: TG(lane), alb_dns_name: ALB } : {}),
  };
}

interface Run {
  probes: { url: string; headers: Record<string, string>; insecure: boolean }[];
  progress: string[];
  sleeps: number[];
  health: string[];
}

/** An answer of the probe: a status from the lane asked for, a status from a named lane (or none: no served-by header), or no answer. */
type Answer = number | Error | { readonly status: number; readonly servedBy?: string };

function deps(run: Run, answers: Answer[] = [200], attempts = 3): VerifyDeps {
  let call = 0;
  return {
    params: params.repo(),
    clients: { s3: new S3Client({ region: "ap-southeast-2" }), dynamodb: undefined as never },
    cluster: {
      health: async (cluster: string, service: string) => {
        run.health.push(`${cluster}/${service}`);
        return { desired: 1, running: 1, rolloutState: "COMPLETED", healthyTargets: 1 };
      },
    },
    progress: (line) => run.progress.push(line),
    healthTimeoutMs: 1000,
    healthIntervalMs: 0,
    healthChecks: 1,
    probe: async (url, headers, insecure) => {
      run.probes.push({ url, headers, insecure });
      const answer = answers[Math.min(call++, answers.length - 1)]!;
      if (answer instanceof Error) throw answer;
      if (typeof answer === "object") return answer;
      // The lane's task answers with its lane (x-lanes-served-by), as the lane-context middleware does.
      const lane = /ctx=lane:([^,]+)/.exec(headers.tracestate ?? "")?.[1];
      return { status: answer, ...(lane ? { servedBy: lane } : {}) };
    },
    probeAttempts: attempts,
    probeIntervalMs: 2000,
    sleep: async (ms) => void run.sleeps.push(ms),
    elb: new ElasticLoadBalancingV2Client({ region: "ap-southeast-2" }),
  };
}

const fresh = (): Run => ({ probes: [], progress: [], sleeps: [], health: [] });
const inputs = (action: CiAction, lane = "gray", layer: CiInputs["layer"] = "app"): CiInputs => ({
  layer,
  env: "dev",
  region: "ap-southeast-2",
  stack: `app-user-api-dev-${lane}`,
  service: "user-api",
  lane,
  action,
  buildsImage: false,
});

describe("which lane is verified after each action", () => {
  test.each<[CiAction, string]>([
    ["deploy", "gray"],
    ["rollback", "gray"],
    ["promote", "default"],
    ["ramp", "default"],
    ["canary", "default"],
  ])("after %s: %s (its ECS service, its tracestate member)", async (action, verified) => {
    laneState("gray");
    laneState("default");
    const run = fresh();
    const out = await verifyRun(inputs(action), deps(run));
    expect(run.health).toEqual([`dev-cluster/user-api-dev-${verified}`]);
    expect(run.probes).toEqual([{ url: `http://${ALB}/healthz`, headers: { tracestate: `ctx=lane:${verified}` }, insecure: false }]);
    expect(out).toBe(`http://${ALB}/healthz answered 200 from lane ${verified} (x-lanes-served-by) with 'tracestate: ctx=lane:${verified}' (try 1/3)`);
  });

  test.each<[CiAction, CiInputs["layer"], string]>([
    ["destroy", "app", "ACTION=destroy leaves no lane to verify"],
    ["deploy", "boot", "LAYER=boot has no lane to verify"],
    ["deploy", "infra", "LAYER=infra has no lane to verify"],
  ])("after %s of LAYER=%s: nothing is read or probed", async (action, layer, message) => {
    const run = fresh();
    expect(await verifyRun(inputs(action, "gray", layer), deps(run))).toBe(message);
    expect([run.health, run.probes, s3.commandCalls(GetObjectCommand).length]).toEqual([[], [], 0]);
  });

  test("gc verifies nothing", async () => {
    const run = fresh();
    expect(await verifyRun(inputs("gc"), deps(run))).toBe("LAYER=app has no lane to verify");
  });

  test("a lane without state is an error naming the stack", async () => {
    await expect(verifyRun(inputs("deploy"), deps(fresh()))).rejects.toThrow(new CiInputError("app-user-api-dev-gray has no state: was it deployed?"));
  });

  test("promote with default not deployed is an error naming default's stack, not the lane's", async () => {
    laneState("gray");
    await expect(verifyRun(inputs("promote"), deps(fresh()))).rejects.toThrow("app-user-api-dev-default has no state: was it deployed?");
  });

  test("a lane without an ALB (a worker) is reported, not probed", async () => {
    laneState("gray", false);
    const run = fresh();
    expect(await verifyRun(inputs("deploy"), deps(run))).toBe("user-api has no ALB in dev (a worker, or initAlb=false): no target group or URL to check");
    expect(run.probes).toEqual([]);
  });
});

describe("a new lane's rules that fell back before it had a healthy target (its healthy-hosts alarm starts in ALARM)", () => {
  beforeEach(() => laneState("gray"));

  test("are restored to the lane's own group once it is healthy, before the probe, saying so", async () => {
    grayRule(TG("default"));
    const run = fresh();
    await verifyRun(inputs("deploy"), deps(run));
    expect(elb.commandCalls(ModifyRuleCommand).map((c) => c.args[0].input)).toEqual([{ RuleArn: GRAY_RULE, Actions: [{ Type: "forward", TargetGroupArn: TG("gray") }] }]);
    expect(run.progress).toContain("verify: user-api-dev-gray-rule fell back while gray had no healthy target (its healthy-hosts alarm in ALARM): restored to app-user-api-dev-gray's target group");
  });

  test("two of the lane's rules fallen back are both restored and named in one line", async () => {
    const CALL_RULE = `${GRAY_RULE.slice(0, -4)}beef`;
    elb.reset();
    elb.on(DescribeRulesCommand).resolves({
      Rules: [GRAY_RULE, CALL_RULE].map((RuleArn) => ({ RuleArn, IsDefault: false, Actions: [{ Type: "forward", TargetGroupArn: TG("default") }] })),
    });
    elb.on(DescribeTagsCommand).resolves({
      TagDescriptions: [
        [GRAY_RULE, "user-api-dev-gray-rule"],
        [CALL_RULE, "user-api-dev-gray-internal-rule"],
      ].map(([ResourceArn, Name]) => ({ ResourceArn, Tags: [{ Key: "Name", Value: Name }, { Key: "lanes:lane", Value: "gray" }, { Key: "lanes:target-group", Value: "targetgroup/user-api-dev-gray-tg/abc" }] })),
    });
    elb.on(ModifyRuleCommand).resolves({});
    const run = fresh();
    await verifyRun(inputs("deploy"), deps(run));
    expect(elb.commandCalls(ModifyRuleCommand).map((c) => c.args[0].input.RuleArn)).toEqual([GRAY_RULE, CALL_RULE]);
    expect(run.progress).toContain(
      "verify: user-api-dev-gray-rule, user-api-dev-gray-internal-rule fell back while gray had no healthy target (its healthy-hosts alarm in ALARM): restored to app-user-api-dev-gray's target group",
    );
  });

  test("rules already forwarding to the lane are left alone", async () => {
    grayRule(TG("gray"));
    const run = fresh();
    await verifyRun(inputs("deploy"), deps(run));
    expect(elb.commandCalls(ModifyRuleCommand)).toEqual([]);
    expect(run.progress.filter((l) => l.includes("restored"))).toEqual([]);
  });

  test("verifying default (after promote) touches no rule", async () => {
    laneState("default");
    grayRule(TG("default"));
    await verifyRun(inputs("promote"), deps(fresh()));
    expect(elb.calls()).toEqual([]);
  });
});

describe("the probe's answers", () => {
  beforeEach(() => laneState("gray"));

  test("2xx is success: 200, 204 and 299; the first one ends the tries", async () => {
    for (const status of [200, 204, 299]) {
      const run = fresh();
      expect(await verifyRun(inputs("deploy"), deps(run, [status]))).toContain(`answered ${status}`);
      expect(run.probes).toHaveLength(1);
    }
  });

  test("503, then no answer, then 200: retried 2 s apart, each failure shown, success on try 3", async () => {
    const run = fresh();
    const out = await verifyRun(inputs("deploy"), deps(run, [503, new Error("connect ECONNREFUSED"), 200]));
    expect(out).toBe(`http://${ALB}/healthz answered 200 from lane gray (x-lanes-served-by) with 'tracestate: ctx=lane:gray' (try 3/3)`);
    expect(run.progress.filter((l) => l.startsWith("verify:"))).toEqual([
      `verify: http://${ALB}/healthz with 'tracestate: ctx=lane:gray': HTTP 503 (try 1/3)`,
      `verify: http://${ALB}/healthz with 'tracestate: ctx=lane:gray': connect ECONNREFUSED (try 2/3)`,
    ]);
    expect(run.sleeps.filter((ms) => ms === 2000)).toHaveLength(2);
  });

  test.each([199, 300, 404, 500])("HTTP %p on every try fails after the last try, no sleep after it", async (status) => {
    const run = fresh();
    await expect(verifyRun(inputs("deploy"), deps(run, [status]))).rejects.toThrow(
      new CiInputError(`timed out: http://${ALB}/healthz with 'tracestate: ctx=lane:gray' did not answer with a 2xx after 3 tries 2s apart (last: HTTP ${status})`),
    );
    expect(run.probes).toHaveLength(3);
    expect(run.sleeps.filter((ms) => ms === 2000)).toHaveLength(2);
  });
});

describe("the probe's URL", () => {
  test.each<[Record<string, unknown>, string, boolean]>([
    [{ http: { port: 80 } }, `http://${ALB}/healthz`, false],
    [{ http: { port: 8080 } }, `http://${ALB}:8080/healthz`, false],
    [{ http: { port: 80 }, https: { port: 443, certificateArn: "arn:aws:acm:ap-southeast-2:123456789012:certificate/0b9e5c2a-1f3d-4e6a-8b7c-9d0e1f2a3b4c" } }, `https://${ALB}/healthz`, true],
    [{ http: { port: 80 }, https: { port: 8443, certificateArn: "arn:aws:acm:ap-southeast-2:123456789012:certificate/0b9e5c2a-1f3d-4e6a-8b7c-9d0e1f2a3b4c" } }, `https://${ALB}:8443/healthz`, true],
  ])("listeners %j: %s (HTTPS skips the name check: the certificate names the service, not the ALB)", (listeners, url, insecure) => {
    const p = new TempParams({ "edge-dev.json": undefined, "boot-dev.json": exampleFile("boot-dev.json", (j) => void ((j.defaults as Record<string, unknown>).listeners = listeners)) });
    try {
      expect(healthProbe(p.repo(), "user-api", "dev", "gray", ALB)).toEqual({ url, headers: { tracestate: "ctx=lane:gray" }, insecure });
    } finally {
      p.cleanup();
    }
  });
});

test("a lane that does not become healthy fails before any probe, naming its stack, target group, ECS events and log group", async () => {
  laneState("gray");
  const run = fresh();
  const unhealthy: VerifyDeps = { ...deps(run), cluster: { health: async () => ({ desired: 1, running: 0, rolloutState: "IN_PROGRESS", healthyTargets: 0 }) } };
  const err = await verifyRun(inputs("deploy"), unhealthy).then(() => undefined, (e: Error) => e);
  expect(err).toBeInstanceOf(CiInputError);
  expect(err!.message.startsWith(`app-user-api-dev-gray is not healthy (target group ${TG("gray")}): `)).toBe(true);
  expect(err!.message.endsWith("; see the ECS service events of app-user-api-dev-gray and the logs in /ecs/dev/user-api (stream prefix gray/)")).toBe(true);
  expect(run.probes).toEqual([]);
});

describe("who answered the probe (x-lanes-served-by)", () => {
  beforeEach(() => {
    laneState("gray");
    laneState("default");
  });
  const RULE = "listener rule user-api-dev-gray-rule (priority 100)";
  const URL = `http://${ALB}/healthz`;

  test("a 2xx without the header fails at once (no retry), naming the header, the lane and its rule", async () => {
    const run = fresh();
    await expect(verifyRun(inputs("deploy"), deps(run, [{ status: 200 }]))).rejects.toThrow(
      new CiInputError(
        `${URL} answered 200 with 'tracestate: ctx=lane:gray' but without x-lanes-served-by: nothing proves lane gray answered (default answers too when ${RULE} is missing or wrong). The service must answer with the header set to its LANE (packages/lane-context's middleware does).`,
      ),
    );
    expect(run.probes).toHaveLength(1);
    expect(run.sleeps.filter((ms) => ms === 2000)).toEqual([]);
  });

  test("default answering the lane's probe on every try fails naming the rule that did not route it, the lane's target group and the command to look", async () => {
    const run = fresh();
    await expect(verifyRun(inputs("deploy"), deps(run, [{ status: 200, servedBy: "default" }]))).rejects.toThrow(
      new CiInputError(
        `lane default answered ${URL} with 'tracestate: ctx=lane:gray', not lane gray: ${RULE} did not route the request to app-user-api-dev-gray's target group (${TG("gray")}); check the rule's conditions (lanes status gray --service user-api --env dev)`,
      ),
    );
    expect(run.probes).toHaveLength(3);
    expect(run.progress.filter((l) => l.startsWith("verify:"))).toEqual([1, 2, 3].map((n) => `verify: ${URL} with 'tracestate: ctx=lane:gray': HTTP 200 from lane default, not gray (try ${n}/3)`));
  });

  test("a wrong lane, then the lane itself: success on the try the lane answered", async () => {
    const out = await verifyRun(inputs("deploy"), deps(fresh(), [{ status: 200, servedBy: "blue" }, 200]));
    expect(out).toBe(`${URL} answered 200 from lane gray (x-lanes-served-by) with 'tracestate: ctx=lane:gray' (try 2/3)`);
  });

  test("a wrong lane, then no answer: the wrong lane is what fails (it says more about routing than a timeout)", async () => {
    await expect(verifyRun(inputs("deploy"), deps(fresh(), [{ status: 200, servedBy: "blue" }, new Error("socket hang up")]))).rejects.toThrow(/^lane blue answered /);
  });

  test("after promote, default is what must answer, and a wrong answer names the listener's default action", async () => {
    await expect(verifyRun(inputs("promote"), deps(fresh(), [{ status: 200, servedBy: "gray" }], 1))).rejects.toThrow(
      new CiInputError(
        `lane gray answered ${URL} with 'tracestate: ctx=lane:default', not lane default: the listener's default action did not route the request to app-user-api-dev-default's target group (${TG("default")}); check the rule's conditions (lanes status default --service user-api --env dev)`,
      ),
    );
  });

  test("one try: no sleep after it", async () => {
    const run = fresh();
    await expect(verifyRun(inputs("deploy"), deps(run, [503], 1))).rejects.toThrow("did not answer with a 2xx after 1 tries 2s apart (last: HTTP 503)");
    expect(run.sleeps.filter((ms) => ms === 2000)).toEqual([]);
  });
});
