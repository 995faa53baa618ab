/**
 * Lane isolation, for real: the synthesized stacks planned by Terraform with the real AWS
 * provider (fake credentials, skip flags, no AWS calls) against real S3 state (s3rver) and the
 * DynamoDB lock protocol (dynalite), both on 127.0.0.1. Lower layers' states are published with
 * the exact outputs of their synthesized stacks.
 */
import { DeleteItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { DeleteObjectCommand } from "@aws-sdk/client-s3";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { fakeOutputs, publishState } from "../lib/harness/fake-state";
import { startLocalState, type LocalState } from "../lib/harness/local-state";
import type { RecordedRequest } from "../lib/harness/recording-proxy";
import { lanesCli, runAsync, type Ran } from "./helpers/harness";
import { TempParams, exampleFile } from "./helpers/project";
import { stackJson, synthMain, terraformOrFail } from "./helpers/terraform";
import "./helpers/slow";

const LANES = ["gray", "blue", "green", "canary", "exp"] as const;
const REGION = "ap-southeast-2";

describe("lane isolation against real S3 state and DynamoDB locks", () => {
  let params: TempParams;
  let harness: LocalState;
  let outdir: string;
  const tmpDirs: string[] = [];
  let env: Record<string, string>;
  let tfEnv: Record<string, string>;

  const stackDir = (stack: string) => join(outdir, "stacks", stack);
  const bucket = () => harness.state.bucket;
  // State keys and lock ids as docs/ARCHITECTURE.md lays them out (literals, not lib/state.ts's own answer).
  const INFRA_KEY = "infra/dev/terraform.tfstate";
  const BOOT_KEY = "boot/dev/user-api/terraform.tfstate";
  /** user-api calls order-api (params calls): its boot layer and lanes read order-api's boot state. */
  const CALLEE_KEY = "boot/dev/order-api/terraform.tfstate";
  const laneKey = (lane: string) => `app/dev/user-api/${lane}/terraform.tfstate`;
  /** Terraform's DynamoDB lock item: `LockID = <bucket>/<key>`. */
  const lockId = (key: string) => `${bucket()}/${key}`;
  /** Each test states which lower layers exist: published from their synthesized outputs, or absent. */
  const lowerLayers = async (layers: { infra: boolean; boot: boolean; callee?: boolean }) => {
    for (const [present, stack, key] of [
      [layers.infra, "infra-dev", INFRA_KEY],
      [layers.boot, "boot-user-api-dev", BOOT_KEY],
      [layers.callee ?? true, "boot-order-api-dev", CALLEE_KEY],
    ] as const) {
      if (present) await publishState(harness.s3, bucket(), key, fakeOutputs(stackJson(outdir, stack), REGION));
      else await harness.s3.send(new DeleteObjectCommand({ Bucket: bucket(), Key: key }));
    }
  };
  const terraform = (stack: string, args: string[], appId = stack) =>
    runAsync("terraform", args, { cwd: stackDir(stack), env: { ...tfEnv, AWS_SDK_UA_APP_ID: appId } });
  /** Stack directories already initialized (the backend's configuration never changes within the suite). */
  const initialized = new Set<string>();
  const plan = async (stack: string, appId = stack): Promise<Ran> => {
    if (!initialized.has(stack)) {
      const init = await terraform(stack, ["init", "-input=false", "-no-color"], appId);
      if (init.code !== 0) return init;
      initialized.add(stack);
    }
    return terraform(stack, ["plan", "-input=false", "-no-color", "-lock-timeout=0s"], appId);
  };
  /** boot-user-api-dev's plan with infra and the callee's boot published and its own state absent, made once for the tests that read it. */
  let bootPlan: Promise<Ran> | undefined;
  const planBoot = async (): Promise<Ran> => {
    await lowerLayers({ infra: true, boot: false });
    bootPlan ??= plan("boot-user-api-dev");
    return bootPlan;
  };
  const cli = (args: string[]) => lanesCli(args, { ...env, LANES_PARAMS_DIR: params.dir });

  beforeAll(async () => {
    tfEnv = await terraformOrFail();
    params = new TempParams({
      "user-api-dev.json": exampleFile("user-api-dev.json", (j) => {
        j.lanes = { default: {}, gray: { rulePriority: 100 }, blue: {}, green: {}, canary: {}, exp: {} };
      }),
    });
    harness = await startLocalState(params.repo().infra("dev").state);
    env = { ...process.env, ...harness.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" } as Record<string, string>;
    tfEnv = { ...tfEnv, ...harness.env };
    ({ outdir } = synthMain({ ...harness.env, ENV: "dev" }, params.dir));
    tmpDirs.push(outdir);
  });

  afterAll(async () => {
    await harness?.stop();
    params?.cleanup();
    tmpDirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
  });

  test("a lane whose lower layers are missing stops before Terraform, naming the layer and the command that creates it", async () => {
    await lowerLayers({ infra: false, boot: false });
    const ran = await cli(["check", "--env", "dev", "--service", "user-api", "--lane", "gray"]);
    expect(ran.code).toBe(3);
    expect(ran.stderr).toContain(
      "app-user-api-dev-gray reads the outputs of infra-dev, which has not been deployed: there is no state at s3://lanes-example-tfstate-dev/infra/dev/terraform.tfstate. Create it first: npm run cdktf -- deploy infra-dev",
    );
    expect(ran.stderr).not.toContain("Unable to find remote state");
  });

  test("boot-user-api-dev plans, reading infra-dev's outputs from S3 state", async () => {
    const outputs = fakeOutputs(stackJson(outdir, "infra-dev"), REGION);
    const ran = await planBoot();
    expect(ran.stderr).toBe("");
    expect(ran.code).toBe(0);
    expect(ran.stdout).toMatch(/Plan: \d+ to add, 0 to change, 0 to destroy/);
    // The ALB is placed in the public subnets read from infra's state.
    for (const subnet of outputs.public_subnet_ids as string[]) expect(ran.stdout).toContain(`"${subnet}"`);
    expect(ran.stdout).toContain(`vpc_id                 = "${outputs.vpc_id as string}"`);
    // Behind the edge: CloudFront's prefix list from infra's state, the origin secret rule, access logs.
    const ingress = ran.stdout.split(/\n\s*# /).filter((block) => block.includes('resource "aws_vpc_security_group_ingress_rule"'));
    expect(ingress.filter((block) => /cidr_ipv4\s+= "0\.0\.0\.0\/0"/.test(block))).toEqual([]);
    expect(ingress.filter((block) => new RegExp(`prefix_list_id\\s+= "${outputs.cloudfront_prefix_list_id as string}"`).test(block))).toHaveLength(1);
    expect(ran.stdout).toMatch(/http_header_name\s+= "x-lanes-origin-1"/);
    expect(ran.stdout).toMatch(new RegExp(`bucket\\s+= "${outputs.log_bucket as string}"`));
  });

  test("a lane requiring an origin secret generation infra does not hold does not plan (deploy infra first)", async () => {
    await lowerLayers({ infra: true, boot: true });
    const rotating = new TempParams({
      "edge-dev.json": exampleFile("edge-dev.json", (j) => void (j.originSecret = { sent: [1, 2], required: 2 })),
    });
    try {
      const { outdir: dir } = synthMain({ ...harness.env, ENV: "dev", LAYER: "app", SERVICE: "user-api", LANE: "gray" }, rotating.dir);
      tmpDirs.push(dir);
      const cwd = join(dir, "stacks", "app-user-api-dev-gray");
      const init = await runAsync("terraform", ["init", "-input=false", "-no-color"], { cwd, env: tfEnv });
      expect(init.code).toBe(0);
      const ran = await runAsync("terraform", ["plan", "-input=false", "-no-color", "-lock=false"], { cwd, env: tfEnv });
      expect(ran.code).not.toBe(0);
      expect(ran.stderr).toMatch(/origin_secrets\[\\?"2\\?"\]/);
      expect(ran.stderr).toMatch(/Invalid index|does not identify an element/);
    } finally {
      rotating.cleanup();
    }
  });

  test("with infra but no boot, the lane is stopped naming boot-user-api-dev and how to create it", async () => {
    await lowerLayers({ infra: true, boot: false });
    const ran = await cli(["check", "--env", "dev", "--service", "user-api", "--lane", "gray"]);
    expect(ran.code).toBe(3);
    expect(ran.stderr).toContain("app-user-api-dev-gray reads the outputs of boot-user-api-dev, which has not been deployed");
    expect(ran.stderr).toContain("aws codepipeline start-pipeline-execution --name bootstrap-dev --variables name=SERVICE,value=user-api");
  });

  test("a caller's lane whose callee has no boot layer is stopped naming the callee's boot stack and how to create it", async () => {
    await lowerLayers({ infra: true, boot: true, callee: false });
    const ran = await cli(["check", "--env", "dev", "--service", "user-api", "--lane", "gray"]);
    expect(ran.code).toBe(3);
    expect(ran.stderr).toContain(
      "app-user-api-dev-gray reads the outputs of boot-order-api-dev, which has not been deployed: there is no state at s3://lanes-example-tfstate-dev/boot/dev/order-api/terraform.tfstate. Create it first: npm run cdktf -- deploy boot-order-api-dev",
    );
    expect(ran.stderr).toContain("--variables name=SERVICE,value=order-api");
  });

  test("the caller's boot layer plans the path into its callee's ALB from the callee's state: its task security group admitted on the callee's listener port", async () => {
    const ran = await planBoot();
    expect([ran.code, ran.stderr]).toEqual([0, ""]);
    const callee = fakeOutputs(stackJson(outdir, "boot-order-api-dev"), REGION);
    const paths = ran.stdout.split(/\n\s*# /).filter((block) => block.includes('resource "aws_vpc_security_group_ingress_rule"') && block.includes("user-api tasks calling order-api"));
    expect(paths).toHaveLength(1);
    expect(paths[0]).toContain(`security_group_id            = "${callee.alb_security_group_id as string}"`);
    expect(paths[0]).toMatch(/from_port\s+= 80\b/);
  });

  test("app-user-api-dev-gray plans with cdktf diff (while blue's cdktf diff runs from the same checkout), reading infra and boot, and adds the lane's target group, rule, task definition and service (with its alarms and scaling)", async () => {
    await lowerLayers({ infra: true, boot: true });
    // Two CLI runs at once, each synthesizing into a directory of its own (a shared cdktf.out would
    // lose one run's stack directory to the other's synth).
    const [ran, blue] = await Promise.all(["gray", "blue"].map((lane) => cli(["plan", "--env", "dev", "--service", "user-api", "--lane", lane])));
    const text = `${ran!.stdout}\n${ran!.stderr}`;
    expect([ran!.code, ran!.code === 0 ? "" : text]).toEqual([0, ""]);
    expect([blue!.code, blue!.code === 0 ? "" : blue!.stderr]).toEqual([0, ""]);
    expect(`${blue!.stdout}\n${blue!.stderr}`).toContain('"*,ctx=lane:blue,*"');
    const created = [...text.matchAll(/\+ resource "([a-z0-9_]+)" "/g)].map((m) => m[1]).sort();
    expect(created).toEqual([
      "aws_appautoscaling_policy",
      "aws_appautoscaling_target",
      "aws_cloudwatch_metric_alarm",
      "aws_cloudwatch_metric_alarm",
      "aws_cloudwatch_metric_alarm",
      "aws_cloudwatch_metric_alarm",
      "aws_ecs_service",
      "aws_ecs_task_definition",
      "aws_lb_listener_rule",
      // the same rule on the internal listener user-api's callers use (it is behind the edge)
      "aws_lb_listener_rule",
      "aws_lb_target_group",
    ]);
    expect(text).toContain("Plan: 11 to add, 0 to change, 0 to destroy");
    expect(text).toContain('"*,ctx=lane:gray,*"');
    // The container's secret is a reference (params: container.secrets), never a value; the task is hardened.
    expect(text).toMatch(/\+ secrets\s+= \[\s+\+ \{\s+\+ name\s+= "DB_PASSWORD"\s+\+ valueFrom = "\/dev\/user-api\/db-password"\s+\},\s+\]/);
    expect(text).toMatch(/\+ readonlyRootFilesystem = true/);
    expect(text).toMatch(/\+ user\s+= "1000:1000"/);
    // The 5xx-rate and unhealthy-target alarms are the ECS service's deployment alarms.
    expect(text).toMatch(/\+ alarm_names = \[\s+\+ "user-api-dev-gray-5xx-rate",\s+\+ "user-api-dev-gray-unhealthy-hosts",\s+\]\s+\+ enable\s+= true\s+\+ rollback\s+= true/);
    // Values read from the lower layers' state: infra's cluster, boot's ALB.
    const infra = fakeOutputs(stackJson(outdir, "infra-dev"), REGION);
    const boot = fakeOutputs(stackJson(outdir, "boot-user-api-dev"), REGION);
    expect(text).toContain(`cluster                            = "${infra.cluster_arn as string}"`);
    expect(text).toContain(`alb_dns_name        = "${boot.alb_dns_name as string}"`);
    // The callee's base URL, read from order-api's boot state into the task's environment.
    const callee = fakeOutputs(stackJson(outdir, "boot-order-api-dev"), REGION);
    expect(callee.call_url).toMatch(/^http:\/\/order-api-dev-alb-[0-9a-f]{8}\.ap-southeast-2\.elb\.amazonaws\.com:80$/);
    expect(text).toMatch(new RegExp(`\\+ name\\s+= "ORDER_API_URL"\\s*\\n\\s*\\+ value\\s+= "${(callee.call_url as string).replace(/\./g, "\\.")}"`));
  });

  test("a locked lane fails fast saying who holds it, while another lane plans at the same time", async () => {
    await lowerLayers({ infra: true, boot: true });
    const key = laneKey("gray");
    const grayLock = lockId(key);
    const info = {
      ID: "7a1d0b1e-4c8f-4f55-9a39-1f0d3c2b6e77",
      Operation: "OperationTypeApply",
      Info: "",
      Who: "codebuild@user-api-dev-deploy",
      Version: "1.11.4",
      Created: "2026-11-22T00:40:00.000000000Z",
      Path: grayLock,
    };
    // Exactly the item Terraform's S3 backend writes in the lock table.
    await harness.dynamodb.send(
      new PutItemCommand({
        TableName: harness.state.lockTable,
        Item: { LockID: { S: grayLock }, Info: { S: JSON.stringify(info) } },
        ConditionExpression: "attribute_not_exists(LockID)",
      }),
    );
    try {
      const [viaCli, viaTerraform, blue] = await Promise.all([
        cli(["plan", "--env", "dev", "--service", "user-api", "--lane", "gray"]),
        plan("app-user-api-dev-gray", "lane-gray"),
        plan("app-user-api-dev-blue", "lane-blue"),
      ]);
      expect(viaCli.code).toBe(4);
      expect(viaCli.stderr).toContain(
        "app-user-api-dev-gray is locked: lane 'gray' of user-api in dev is being changed by codebuild@user-api-dev-deploy (OperationTypeApply, since 2026-11-22T00:40:00.000000000Z, lock ID 7a1d0b1e-4c8f-4f55-9a39-1f0d3c2b6e77)",
      );
      // Terraform itself honours the item: its own lock attempt is refused at once.
      expect(viaTerraform.code).not.toBe(0);
      expect(viaTerraform.stderr).toContain("Error acquiring the state lock");
      expect(viaTerraform.stderr).toContain("codebuild@user-api-dev-deploy");
      expect(blue.stderr).toBe("");
      expect(blue.code).toBe(0);
      expect(blue.stdout).toContain("Plan: 11 to add");
    } finally {
      await harness.dynamodb.send(new DeleteItemCommand({ TableName: harness.state.lockTable, Key: { LockID: { S: grayLock } } }));
    }
  });

  test("the worker's boot and canary lane plan too: queue and DLQ, no load balancer", async () => {
    await lowerLayers({ infra: true, boot: true });
    const boot = await plan("boot-order-worker-dev");
    expect([boot.code, boot.stderr]).toEqual([0, ""]);
    expect(boot.stdout).toMatch(/\+ resource "aws_sqs_queue" /);
    expect(boot.stdout).not.toMatch(/\+ resource "aws_lb" /);
    await publishState(harness.s3, bucket(), "boot/dev/order-worker/terraform.tfstate", fakeOutputs(stackJson(outdir, "boot-order-worker-dev"), REGION));
    const canary = await plan("app-order-worker-dev-canary");
    expect([canary.code, canary.stderr]).toEqual([0, ""]);
    expect(canary.stdout).toContain('"https://sqs.ap-southeast-2.amazonaws.com/123456789012/order-worker-dev-queue"');
    expect(canary.stdout).toMatch(/Plan: \d+ to add/);
    expect(canary.stdout).not.toMatch(/\+ resource "aws_lb_listener_rule" /);
  });

  test("edge-dev plans, reading the ALB of its origin from boot's state", async () => {
    await lowerLayers({ infra: true, boot: true });
    // web-bff is an origin too.
    await publishState(harness.s3, bucket(), "boot/dev/web-bff/terraform.tfstate", fakeOutputs(stackJson(outdir, "boot-web-bff-dev"), REGION));
    const edge = await plan("edge-dev");
    expect([edge.code, edge.stderr]).toEqual([0, ""]);
    const boot = fakeOutputs(stackJson(outdir, "boot-user-api-dev"), REGION);
    expect(edge.stdout).toContain(`domain_name              = "${boot.alb_dns_name as string}"`);
    expect(edge.stdout).toMatch(/\+ resource "aws_cloudfront_distribution" /);
    expect(edge.stdout).toMatch(/\+ resource "aws_lambda_function" /);
  });

  test("five lanes plan concurrently, each touching only its own state key and lock", async () => {
    await lowerLayers({ infra: true, boot: true });
    harness.requests.length = 0;
    const results = await Promise.all(LANES.map((lane) => plan(`app-user-api-dev-${lane}`, `lane-${lane}`)));
    results.forEach((r, i) => expect([LANES[i], r.code, r.stderr]).toEqual([LANES[i], 0, ""]));

    const lower = [INFRA_KEY, BOOT_KEY, CALLEE_KEY];
    for (const lane of LANES) {
      const own = laneKey(lane);
      const mine = harness.requests.filter((r: RecordedRequest) => r.appId === `lane-${lane}`);
      expect(mine.length).toBeGreaterThan(0);
      const s3Keys = new Set(mine.filter((r) => r.service === "s3" && r.key !== "").map((r) => r.key));
      const writes = mine.filter((r) => r.service === "s3" && (r.operation === "PUT" || r.operation === "DELETE")).map((r) => r.key);
      const lockItems = new Set(mine.filter((r) => r.service === "dynamodb").map((r) => r.key));
      expect([lane, [...s3Keys].sort()]).toEqual([lane, [...lower, own, `${own}.tflock`].filter((k) => s3Keys.has(k)).sort()]);
      expect([lane, writes.every((k) => k.startsWith(own))]).toEqual([lane, true]);
      // The lock item and Terraform's state digest item (`<LockID>-md5`), both of this lane's key.
      expect([lane, [...lockItems].sort()]).toEqual([lane, [lockId(own), `${lockId(own)}-md5`].filter((k) => lockItems.has(k)).sort()]);
      expect(lockItems.has(lockId(own))).toBe(true);
      expect(mine.some((r) => r.service === "dynamodb" && r.operation === "PutItem")).toBe(true);
      expect(s3Keys.has(lower[0]!) && s3Keys.has(lower[1]!)).toBe(true);
    }
  });
});

