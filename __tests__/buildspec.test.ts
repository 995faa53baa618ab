/**
 * ci/buildspec.yml, run for real (helpers/codebuild.ts): the phases' commands run in bash in a
 * CodeBuild-shaped workspace, with this repository's scripts, a real git clone of a sample app
 * repository, main.ts and Terraform, against state in the local harness (s3rver + dynalite).
 * Only the cloud edge is stood in for: `aws` and `docker` are recording stubs, and the ECS and
 * ELB APIs the verify step calls are a local fake endpoint the real SDK talks to.
 */
import { execFile, execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { startFakeAws, type FakeAws } from "../lib/harness/fake-aws";
import { fakeOutputs, publishState } from "../lib/harness/fake-state";
import { startLocalState, type LocalState } from "../lib/harness/local-state";
import { assertOnlyStack } from "../lib/ops/steps";
import { stateKey } from "../lib/state";
import { requireTerraform } from "../lib/terraform";
import { synthMain, stackJson } from "./helpers/terraform";
import { APP_MODULE_PATH, CodeBuildWorkspace, RELEASE_BRANCH, loadBuildspec, type BuildResult, type Buildspec, type Call } from "./helpers/codebuild";
import { ROOT } from "./helpers/project";
import "./helpers/slow";

const REGISTRY = "123456789012.dkr.ecr.ap-southeast-2.amazonaws.com";
const REPOSITORY_URI = `${REGISTRY}/dev/user-api`;
const STACK = "app-user-api-dev-gray";
const APP_VARS = {
  LAYER: "app",
  ENV: "dev",
  SERVICE_NAME: "user-api",
  LANE: "gray",
  BRANCH: RELEASE_BRANCH,
  MODULE_PATH: APP_MODULE_PATH,
};

function argvOf(calls: readonly Call[], tool: string, ...head: string[]): (readonly string[])[] {
  return calls.filter((c) => c.tool === tool && head.every((h, i) => c.argv[i] === h)).map((c) => c.argv);
}

function flag(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

let ws: CodeBuildWorkspace;
let spec: Buildspec;
let harness: LocalState;
let cloud: FakeAws;
/** What every run gets besides its own variables: the state harness and the fake ECS/ELB endpoint. */
let HARNESS: Record<string, string>;
const PREVIOUS_IMAGE = `${REPOSITORY_URI}:sha-1111111`;
const GRAY_IMAGE = `${REPOSITORY_URI}:sha-2222222`;

/** A deployed lane's state: the outputs a lane stack writes (lib/contract.ts LaneOutputs). */
async function publishLane(service: string, lane: string, outputs: Record<string, string | string[]>): Promise<void> {
  await publishState(harness.s3, harness.state.bucket, stateKey({ layer: "app", env: "dev", service, lane }), outputs);
}

beforeAll(async () => {
  // Fails (never skips) without terraform, saying what to install.
  requireTerraform();
  spec = loadBuildspec(join(ROOT, "ci", "buildspec.yml"));
  ws = await CodeBuildWorkspace.create();
  harness = await startLocalState({ bucket: "lanes-example-tfstate-dev", lockTable: "lanes-tf-locks-dev", region: "ap-southeast-2" });
  cloud = await startFakeAws();
  HARNESS = { ...harness.env, ...cloud.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" };
  // The lower layers, as their synthesized stacks would leave them.
  const { outdir } = synthMain({ ...harness.env, ENV: "dev", LAYER: "boot" });
  const infra = synthMain({ ...harness.env, ENV: "dev", LAYER: "infra" });
  await publishState(harness.s3, harness.state.bucket, stateKey({ layer: "infra", env: "dev" }), fakeOutputs(stackJson(infra.outdir, "infra-dev"), "ap-southeast-2"));
  // order-api: user-api calls it (params calls), so user-api's lanes read its boot state.
  for (const service of ["user-api", "order-worker", "order-api"]) {
    await publishState(harness.s3, harness.state.bucket, stateKey({ layer: "boot", env: "dev", service }), fakeOutputs(stackJson(outdir, `boot-${service}-dev`), "ap-southeast-2"));
  }
  rmSync(outdir, { recursive: true, force: true });
  rmSync(infra.outdir, { recursive: true, force: true });
  for (const lane of ["gray", "default"]) {
    await publishLane("user-api", lane, {
      image: GRAY_IMAGE,
      image_history: [GRAY_IMAGE, PREVIOUS_IMAGE],
      changed_by: "pipeline:earlier",
      ecs_service_name: `user-api-dev-${lane}`,
      cluster_name: "dev-cluster",
      target_group_arn: `arn:aws:elasticloadbalancing:ap-southeast-2:123456789012:targetgroup/user-api-dev-${lane === "default" ? "default" : lane}-tg/abc`,
      alb_dns_name: "127.0.0.1:1",
    });
  }
});

afterAll(async () => {
  ws?.cleanup();
  await harness?.stop();
  await cloud?.stop();
});

describe("ci/buildspec.yml", () => {
  it("is a light buildspec: bash, IMAGE_URI exported, one script call per phase, the deploy parameters as artifact", () => {
    expect(spec.version).toBe("0.2");
    expect(spec.shell).toBe("bash");
    expect(spec.exportedVariables).toEqual(["IMAGE_URI"]);
    expect(spec.phases).toEqual({
      install: ["bash ci/install.sh"],
      pre_build: [". ci/build.sh && prebuild"],
      build: [". ci/build.sh && build"],
      post_build: [". ci/build.sh && postbuild && deploy && verify"],
    });
    expect(spec.artifactFiles).toEqual(["deploy-params.json"]);
  });
});

describe("app pipeline run: LANE=gray BRANCH=release/1.2.3 (LANES_DRY_RUN=1)", () => {
  let result: BuildResult;
  let calls: Call[];
  let release: string;
  let imageUri: string;

  beforeAll(async () => {
    release = await ws.commitOf(RELEASE_BRANCH);
    imageUri = `${REPOSITORY_URI}:sha-${release.slice(0, 7)}`;
    result = await ws.run(spec, { ...APP_VARS, ...HARNESS, LANES_DRY_RUN: "1" });
    calls = ws.calls();
  });

  it("runs pre_build, build and post_build to success", () => {
    expect({ phases: result.phases, output: result.succeeded ? "" : result.output }).toEqual({
      phases: [
        { phase: "pre_build", status: "SUCCEEDED", exitCode: 0 },
        { phase: "build", status: "SUCCEEDED", exitCode: 0 },
        { phase: "post_build", status: "SUCCEEDED", exitCode: 0 },
      ],
      output: "",
    });
  });

  it("builds the BRANCH commit, not the commit the source action cloned", async () => {
    const main = await ws.commitOf("main");
    expect(release).not.toBe(main);
    expect(await ws.appHead()).toBe(release);
    expect(result.env.COMMIT).toBe(release);
  });

  it("logs docker in to the env's ECR registry with the token from aws ecr get-login-password", () => {
    const password = argvOf(calls, "aws", "ecr", "get-login-password");
    expect(password).toHaveLength(1);
    expect(flag(password[0]!, "--region")).toBe("ap-southeast-2");
    const logins = calls.filter((c) => c.tool === "docker" && c.argv[0] === "login");
    expect(logins).toEqual([
      expect.objectContaining({ argv: ["login", "--username", "AWS", "--password-stdin", REGISTRY], stdin: "stub-ecr-token\n" }),
    ]);
    // The account comes from STS, before the login.
    const order = calls.map((c) => `${c.tool} ${c.argv.slice(0, 2).join(" ")}`);
    expect(order.indexOf("aws sts get-caller-identity")).toBeLessThan(order.indexOf("docker login --username"));
  });

  it("builds in the module path and pushes <account>.dkr.ecr.<region>.amazonaws.com/dev/user-api:sha-<release commit>", () => {
    const builds = argvOf(calls, "docker", "build");
    expect(builds).toHaveLength(1);
    expect(flag(builds[0]!, "--tag")).toBe(imageUri);
    expect(builds[0]![builds[0]!.length - 1]).toBe(join(ws.app, APP_MODULE_PATH));
    expect(builds[0]).toContain(`org.opencontainers.image.revision=${release}`);
    expect(argvOf(calls, "docker", "push")).toEqual([["push", imageUri]]);
    const order = calls.map((c) => `${c.tool} ${c.argv[0]}`);
    expect(order.indexOf("docker login")).toBeLessThan(order.indexOf("docker build"));
    expect(order.indexOf("docker build")).toBeLessThan(order.indexOf("docker push"));
  });

  it("exports IMAGE_URI for the pipeline (env.exported-variables)", () => {
    expect(result.exported).toEqual({ IMAGE_URI: imageUri });
  });

  it("writes the deploy parameters file, the build's artifact", () => {
    for (const file of spec.artifactFiles) expect(existsSync(join(ws.src, file))).toBe(true);
    expect(JSON.parse(readFileSync(join(ws.src, "deploy-params.json"), "utf8"))).toEqual({
      service: "user-api",
      env: "dev",
      lane: "gray",
      layer: "app",
      branch: RELEASE_BRANCH,
      commit: release,
      imageUri,
      stack: STACK,
      action: "deploy",
    });
  });

  it("deploy synthesizes only app-user-api-dev-gray, with the pushed image, and terraform validates it", () => {
    const outdir = result.env.LANES_SYNTH_DIR!;
    expect(outdir.startsWith(ws.tmp)).toBe(true);
    const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")) as { stacks: Record<string, unknown> };
    expect(Object.keys(manifest.stacks)).toEqual([STACK]);
    expect(readdirSync(join(outdir, "stacks"))).toEqual([STACK]);
    const stack = JSON.parse(readFileSync(join(outdir, "stacks", STACK, "cdk.tf.json"), "utf8")) as {
      resource: { aws_ecs_task_definition: Record<string, { container_definitions: string }> };
    };
    const taskDefinitions = Object.values(stack.resource.aws_ecs_task_definition);
    expect(taskDefinitions).toHaveLength(1);
    const containers = JSON.parse(taskDefinitions[0]!.container_definitions) as { image: string }[];
    expect(containers.map((c) => c.image)).toEqual([imageUri]);
    expect(result.output).toContain(`dry run: ${STACK} synthesized with ${imageUri} and valid`);
    expect(existsSync(join(outdir, "stacks", STACK, ".terraform"))).toBe(true);
  });

  it("runs the lanes deploy command (preflight against the state, then the dry run), prints the command it would have run, and skips verify", () => {
    expect(result.output).toContain(`ACTION=deploy: lanes deploy gray --service user-api --image ${imageUri} --env dev`);
    expect(result.output).toContain(`would run: cdktf deploy ${STACK} --auto-approve`);
    expect(result.output).toContain("verify skipped: dry run");
    expect(cloud.calls).toEqual([]);
  });
});

describe("bad inputs stop the build in pre_build, before anything talks to AWS or Docker", () => {
  const cases: [string, Record<string, string>, string][] = [
    ["missing LANE", { LANE: "" }, "LANE is empty"],
    ["missing SERVICE_NAME", { SERVICE_NAME: "" }, "SERVICE_NAME is empty"],
    ["LANE=Gray_1", { LANE: "Gray_1" }, "LANE='Gray_1' is not a valid lane"],
  ];

  it.each(cases)("%s", async (_name, override, message) => {
    const result = await ws.run(spec, { ...APP_VARS, ...HARNESS, ...override, LANES_DRY_RUN: "1" });
    expect(result.phases).toEqual([{ phase: "pre_build", status: "FAILED", exitCode: 2 }]);
    expect(result.output).toContain(message);
    expect(result.output).toContain("nothing was built, pushed or deployed");
    expect(ws.calls()).toEqual([]);
    expect(result.exported).toEqual({});
  });
});

describe("ACTION: lane operations from the app pipeline", () => {
  it.each([
    ["promote", "lanes promote gray --service user-api --env dev", [`would run: cdktf deploy app-user-api-dev-default`, "would run: cdktf destroy app-user-api-dev-gray"]],
    ["rollback", "lanes rollback gray --service user-api --env dev", [`app-user-api-dev-gray synthesized with ${PREVIOUS_IMAGE} and valid`]],
    ["destroy", "lanes destroy gray --service user-api --env dev", ["would run: cdktf destroy app-user-api-dev-gray"]],
    ["ramp", "lanes ramp gray --service user-api --env dev", ["dry run: would ramp user-api dev lane gray 5% → 25% → 50% → 100%, analysed against default every 10 min (237 min at most)"]],
  ])("ACTION=%s builds nothing and runs the lanes command against the lane's state", async (action, command, done) => {
    const result = await ws.run(spec, { ...APP_VARS, ...HARNESS, ACTION: action, LANES_DRY_RUN: "1" });
    expect({ succeeded: result.succeeded, output: result.succeeded ? "" : result.output }).toEqual({ succeeded: true, output: "" });
    expect(ws.calls()).toEqual([]);
    expect(result.output).toContain(`ACTION=${action}: no image to build`);
    expect(result.output).toContain(command);
    for (const line of done) expect(result.output).toContain(line);
    expect(JSON.parse(readFileSync(join(ws.src, "deploy-params.json"), "utf8"))).toMatchObject({ action, imageUri: null, lane: "gray" });
  });

  it("ACTION=canary on a worker builds and pushes the image, then runs the canary release", async () => {
    const result = await ws.run(spec, { ...APP_VARS, ...HARNESS, SERVICE_NAME: "order-worker", LANE: "canary", ACTION: "canary", LANES_DRY_RUN: "1" });
    expect({ succeeded: result.succeeded, output: result.succeeded ? "" : result.output }).toEqual({ succeeded: true, output: "" });
    const pushed = argvOf(ws.calls(), "docker", "push").map((a) => a[1]);
    expect(pushed).toHaveLength(1);
    expect(pushed[0]).toMatch(new RegExp(`^${REGISTRY}/dev/order-worker:sha-[0-9a-f]{7}$`));
    expect(result.output).toContain(`lanes canary --service order-worker --image ${pushed[0]} --env dev`);
    expect(result.output).toContain("would run: cdktf deploy app-order-worker-dev-canary");
    expect(result.output).toContain("would run: cdktf destroy app-order-worker-dev-canary");
  });

  it.each([
    ["destroy", "ACTION=destroy LANE=default is refused in the pipeline"],
    ["promote", "ACTION=promote LANE=default is refused in the pipeline"],
    ["ramp", "ACTION=ramp LANE=default is refused in the pipeline: ramp moves requests from default to another lane"],
    ["ship", "ACTION='ship' is not an action. Allowed: deploy, promote, rollback, destroy, ramp, canary"],
    ["canary", "ACTION=canary is for worker services (workers: build, bake LANE=canary, then default); user-api is not one"],
  ])("ACTION=%s on the wrong lane or service stops in pre_build", async (action, message) => {
    const lane = action === "ship" || action === "canary" ? "gray" : "default";
    const result = await ws.run(spec, { ...APP_VARS, ...HARNESS, LANE: lane, ACTION: action, LANES_DRY_RUN: "1" });
    expect(result.phases).toEqual([{ phase: "pre_build", status: "FAILED", exitCode: 2 }]);
    expect(result.output).toContain(message);
    expect(ws.calls()).toEqual([]);
  });
});

describe("other runs", () => {
  it("LAYER=infra: pre_build and build do no Docker or ECR work", async () => {
    const result = await ws.run(spec, { LAYER: "infra", ENV: "dev", ...HARNESS }, { phases: ["pre_build", "build"] });
    expect(result.succeeded).toBe(true);
    expect(result.env.STACK).toBe("infra-dev");
    expect(ws.calls()).toEqual([]);
    expect(result.output).toContain("LAYER=infra: no image to build");
  });

  it("a commit already in ECR (immutable tags) is not built or pushed again", async () => {
    const release = await ws.commitOf(RELEASE_BRANCH);
    const result = await ws.run(spec, { ...APP_VARS, ...HARNESS, STUB_ECR_IMAGE_EXISTS: "1" }, { phases: ["pre_build", "build"] });
    expect(result.succeeded).toBe(true);
    const calls = ws.calls();
    expect(argvOf(calls, "aws", "ecr", "batch-get-image")).toHaveLength(1);
    expect(argvOf(calls, "docker", "build")).toEqual([]);
    expect(argvOf(calls, "docker", "push")).toEqual([]);
    expect(result.exported).toEqual({ IMAGE_URI: `${REPOSITORY_URI}:sha-${release.slice(0, 7)}` });
  });

  it("a dry run refuses a synth that holds other stacks than the one selected", () => {
    const outdir = join(ws.tmp, "two-stacks");
    mkdirSync(outdir, { recursive: true });
    writeFileSync(join(outdir, "manifest.json"), JSON.stringify({ stacks: { [STACK]: {}, "app-user-api-dev-default": {} } }));
    expect(() => assertOnlyStack(outdir, STACK)).toThrow(`expected exactly [${STACK}]: refusing to deploy`);
  });
});

describe("verify of a service not behind the edge (the lane's state in the harness; ECS, ELB and the ALB are local stand-ins)", () => {
  let server: Server;
  let seen: { url: string; headers: IncomingHttpHeaders }[];
  let answers: number[];
  /** How the stand-in ALB routes: by the lane rule (the tracestate's lane answers), everything to default (the rule missing), or an app that does not say which lane it is. */
  let routing: "lane-rule" | "default-only" | "no-header";

  beforeAll(async () => {
    // Without edge-dev.json user-api is reached through its ALB (__tests__/verify-edge.test.ts: through the edge).
    rmSync(join(ws.src, "params", "edge-dev.json"));
    server = createServer((req, res) => {
      seen.push({ url: req.url ?? "", headers: req.headers });
      res.statusCode = answers.shift() ?? 200;
      const lane = /(?:^|,)ctx=lane:([a-z0-9-]+)(?:,|$)/.exec(String(req.headers.tracestate ?? ""))?.[1];
      // Each lane's task answers with its LANE (packages/lane-context's middleware).
      if (routing === "lane-rule") res.setHeader("x-lanes-served-by", lane ?? "default");
      if (routing === "default-only") res.setHeader("x-lanes-served-by", "default");
      res.end("ok");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    await publishLane("user-api", "gray", {
      image: GRAY_IMAGE,
      image_history: [GRAY_IMAGE],
      ecs_service_name: "user-api-dev-gray",
      cluster_name: "dev-cluster",
      target_group_arn: "arn:aws:elasticloadbalancing:ap-southeast-2:123456789012:targetgroup/user-api-dev-gray-tg/abc",
      alb_dns_name: `127.0.0.1:${port}`,
    });
  });

  beforeEach(() => {
    seen = [];
    answers = [];
    routing = "lane-rule";
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const verify = (vars: Record<string, string>) =>
    ws.bash(". ci/build.sh && check_inputs && verify", { ...APP_VARS, ...HARNESS, VERIFY_INTERVAL: "0", HEALTHZ_INTERVAL: "0", ...vars });

  it("waits for a healthy target, restores the lane's rule the fallback switch pointed at default (a new lane's alarm starts in ALARM), then calls /healthz through the ALB with the lane's tracestate", async () => {
    const grayTg = "arn:aws:elasticloadbalancing:ap-southeast-2:123456789012:targetgroup/user-api-dev-gray-tg/abc";
    const grayRule = { arn: "arn:aws:elasticloadbalancing:ap-southeast-2:123456789012:listener-rule/app/user-api-dev-alb/1/2/3", forward: "default-tg", tags: { "lanes:target-group": "targetgroup/user-api-dev-gray-tg/abc", "lanes:lane": "gray" } };
    cloud.reset({ targetHealth: ["initial", "unhealthy", "healthy"], rules: [grayRule] });
    answers = [503];
    const { code, output } = await verify({});
    expect({ code, output: code === 0 ? "" : output }).toEqual({ code: 0, output: "" });
    expect(cloud.calls.filter((c) => c.action === "ModifyRule").map((c) => [c.params.RuleArn, c.params["Actions.member.1.TargetGroupArn"]])).toEqual([[grayRule.arn, grayTg]]);
    const health = cloud.calls.filter((c) => c.api === "elbv2" && c.action === "DescribeTargetHealth");
    expect(health).toHaveLength(3);
    expect(String(health[0]!.params.TargetGroupArn)).toContain("targetgroup/user-api-dev-gray-tg/");
    expect(health[0]!.region).toBe("ap-southeast-2");
    expect(seen.map((s) => [s.url, s.headers.tracestate])).toEqual([
      ["/healthz", "ctx=lane:gray"],
      ["/healthz", "ctx=lane:gray"],
    ]);
  });

  it("fails naming the lane's rule when default answers the lane's tracestate (the rule is missing or wrong)", async () => {
    cloud.reset({ targetHealth: ["healthy"] });
    routing = "default-only";
    const { code, output } = await verify({ HEALTHZ_ATTEMPTS: "2" });
    expect(code).not.toBe(0);
    expect(output).toContain("lane default answered http://127.0.0.1:");
    expect(output).toContain("not lane gray: listener rule user-api-dev-gray-rule (priority 100) did not route the request to app-user-api-dev-gray's target group");
    expect(seen.map((s) => s.headers.tracestate)).toEqual(["ctx=lane:gray", "ctx=lane:gray"]);
  });

  it("fails when a 2xx does not say which lane answered (nothing proves it was the lane)", async () => {
    cloud.reset({ targetHealth: ["healthy"] });
    routing = "no-header";
    const { code, output } = await verify({});
    expect(code).not.toBe(0);
    expect(output).toContain("without x-lanes-served-by: nothing proves lane gray answered");
    expect(seen).toHaveLength(1);
  });

  it("fails naming the lane when no target becomes healthy, without calling the ALB", async () => {
    cloud.reset({ targetHealth: ["unhealthy"] });
    const { code, output } = await verify({ VERIFY_ATTEMPTS: "3" });
    expect(code).not.toBe(0);
    expect(output).toContain("app-user-api-dev-gray is not healthy");
    expect(output).toContain("did not become healthy");
    expect(cloud.calls.filter((c) => c.api === "elbv2")).toHaveLength(3);
    expect(seen).toEqual([]);
  });
});

describe("ci/install.sh: Terraform pinned by SHA-256", () => {
  let dir: string;
  let zip: string;
  let zipSha: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "lanes-install-"));
    mkdirSync(join(dir, "zip"));
    writeFileSync(join(dir, "zip", "terraform"), '#!/bin/sh\necho "Terraform v1.11.4"\necho "on linux_amd64"\n', { mode: 0o755 });
    zip = join(dir, "terraform_1.11.4_linux_amd64.zip");
    try {
      execFileSync("zip", ["-q", "-j", zip, join(dir, "zip", "terraform")]);
    } catch (err) {
      throw new Error(`this test needs the 'zip' command to build a sample release zip: ${(err as Error).message}`);
    }
    zipSha = createHash("sha256").update(readFileSync(zip)).digest("hex");
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const install = (dest: string, vars: Record<string, string>) =>
    promisify(execFile)("bash", [join(ROOT, "ci", "install.sh")], {
      env: { ...process.env, SKIP_NPM_CI: "1", TERRAFORM_URL: `file://${zip}`, TERRAFORM_INSTALL_DIR: dest, LANES_CI_CACHE: join(dir, "cache"), ...vars },
    }).then(
      ({ stderr }) => ({ code: 0, stderr }),
      (err: { code?: number; stderr?: string }) => ({ code: err.code ?? 1, stderr: err.stderr ?? "" }),
    );

  it("refuses a zip that does not match the pinned hash, naming both hashes, and installs nothing", async () => {
    const pinned = /1\.11\.4\) echo ([0-9a-f]{64})/.exec(readFileSync(join(ROOT, "ci", "install.sh"), "utf8"))?.[1];
    expect(pinned).toBe("1ce994251c00281d6845f0f268637ba50c0005657eb3cf096b92f753b42ef4dc");
    const dest = join(dir, "dest-pinned");
    const { code, stderr } = await install(dest, {});
    expect(code).not.toBe(0);
    expect(stderr).toContain(`SHA-256 mismatch for file://${zip}: expected ${pinned}, actual ${zipSha}`);
    expect(stderr).toContain("nothing was installed");
    expect(existsSync(dest) ? readdirSync(dest) : []).toEqual([]);
  });

  it("refuses a zip that does not match TERRAFORM_SHA256 too", async () => {
    const dest = join(dir, "dest-override");
    const wrong = "0".repeat(64);
    const { code, stderr } = await install(dest, { TERRAFORM_SHA256: wrong });
    expect(code).not.toBe(0);
    expect(stderr).toContain(`expected ${wrong}, actual ${zipSha}`);
    expect(existsSync(dest) ? readdirSync(dest) : []).toEqual([]);
  });

  it("installs a zip whose hash matches", async () => {
    const dest = join(dir, "dest-ok");
    const { code, stderr } = await install(dest, { TERRAFORM_SHA256: zipSha });
    expect({ code, stderr: code === 0 ? "" : stderr }).toEqual({ code: 0, stderr: "" });
    expect(readdirSync(dest)).toEqual(["terraform"]);
    expect(execFileSync(join(dest, "terraform"), ["version"], { encoding: "utf8" })).toContain("Terraform v1.11.4");
  });
});
