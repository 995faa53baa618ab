/**
 * Interrupted deploys (issue 16, point 4), for real: a `terraform apply` of lane gray against
 * the local state harness (s3rver + dynalite, the real S3 backend and its DynamoDB lock) is
 * killed with SIGKILL while it holds the lock. `lanes status` shows the lock (holder, age);
 * `lanes unlock gray` refuses while a build of gray runs (CodeBuild answers recorded at the SDK
 * edge) and releases it when none does; default plans throughout; unlock never touches another
 * lane's lock; no state object is lost.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { BatchGetBuildsCommand, CodeBuildClient, ListBuildsForProjectCommand, type Build } from "@aws-sdk/client-codebuild";
import { GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { run } from "../lib/cli/lanes";
import { LaneOutputs } from "../lib/contract";
import { fakeOutputs, publishState } from "../lib/harness/fake-state";
import { startLocalState, type LocalState } from "../lib/harness/local-state";
import type { ClusterView } from "../lib/ops/cluster";
import { readLock } from "../lib/preflight";
import { dynamoLockId, stateKey } from "../lib/state";
import { runAsync } from "./helpers/harness";
import { TempParams } from "./helpers/project";
import { stackJson, synthMain, terraformOrFail } from "./helpers/terraform";
import "./helpers/slow";

const REGION = "ap-southeast-2";
const REPO = "123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/dev/user-api";
const PROJECT = "user-api-dev-deploy";

/** A CodeBuild build as BatchGetBuilds returns it, with the LANE the pipeline passed. */
const build = (id: string, lane: string, status: "IN_PROGRESS" | "SUCCEEDED" | "FAILED" | "STOPPED"): Build => ({
  id: `${PROJECT}:${id}`,
  buildStatus: status,
  startTime: new Date("2026-11-23T09:00:00Z"),
  environment: { type: "LINUX_CONTAINER", image: "aws/codebuild/amazonlinux-x86_64-standard:5.0", computeType: "BUILD_GENERAL1_SMALL", environmentVariables: [{ name: "LANE", value: lane }, { name: "ACTION", value: "deploy" }] },
});

describe("a lane deploy killed mid-apply", () => {
  let params: TempParams;
  let harness: LocalState;
  let outdir: string;
  let tfEnv: Record<string, string>;
  let env: Record<string, string>;
  const codebuild = new CodeBuildClient({ region: REGION });
  const cb = mockClient(codebuild);
  const cluster: ClusterView = { health: async () => ({ desired: 1, running: 1, rolloutState: "COMPLETED" }) };
  const grayKey = stateKey({ layer: "app", env: "dev", service: "user-api", lane: "gray" });
  const defaultKey = stateKey({ layer: "app", env: "dev", service: "user-api", lane: "default" });
  const stackDir = (stack: string) => join(outdir, "stacks", stack);
  const lanes = (argv: string[]) => run(argv, { ...env, LANES_PARAMS_DIR: params.dir }, { progress: () => undefined, clients: { s3: harness.s3, dynamodb: harness.dynamodb }, cluster, codebuild });
  const stateText = async (key: string) => (await harness.s3.send(new GetObjectCommand({ Bucket: harness.state.bucket, Key: key })).then((o) => o.Body!.transformToString()));
  const builds = (list: Build[]) => {
    cb.reset();
    cb.on(ListBuildsForProjectCommand).resolves({ ids: list.map((b) => b.id!) });
    cb.on(BatchGetBuildsCommand).callsFake((input: { ids: string[] }) => ({ builds: list.filter((b) => input.ids.includes(b.id!)) }));
  };

  /** Starts `terraform apply` of the stack, waits until it holds the lock and asks for approval, then SIGKILLs its whole process group. */
  async function killedApply(stack: string): Promise<string> {
    const child = spawn("terraform", ["apply", "-no-color", "-input=true", "-lock-timeout=0s"], { cwd: stackDir(stack), env: tfEnv, stdio: ["pipe", "pipe", "pipe"], detached: true });
    let out = "";
    const prompted = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`terraform apply never asked for approval:\n${out}`)), 240_000);
      const onData = (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes("Enter a value:")) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout.on("data", onData);
      child.stderr.on("data", onData);
      child.on("exit", (code) => reject(new Error(`terraform apply exited (${code}) before asking:\n${out}`)));
    });
    await prompted;
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
    process.kill(-child.pid!, "SIGKILL");
    expect(await exited).toBe("SIGKILL");
    return out;
  }

  beforeAll(async () => {
    tfEnv = await terraformOrFail();
    params = new TempParams();
    harness = await startLocalState(params.repo().infra("dev").state);
    env = { ...process.env, ...harness.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" } as Record<string, string>;
    tfEnv = { ...tfEnv, ...harness.env };
    ({ outdir } = synthMain({ ...harness.env, ENV: "dev" }, params.dir));
    for (const [stack, key] of [
      ["infra-dev", stateKey({ layer: "infra", env: "dev" })],
      ["boot-user-api-dev", stateKey({ layer: "boot", env: "dev", service: "user-api" })],
      // user-api calls order-api (params calls): its lanes read order-api's boot state too.
      ["boot-order-api-dev", stateKey({ layer: "boot", env: "dev", service: "order-api" })],
    ] as const) {
      await publishState(harness.s3, harness.state.bucket, key, fakeOutputs(stackJson(outdir, stack), REGION));
    }
    // gray ran an earlier image: its state object must survive the killed apply and the unlock.
    await publishState(harness.s3, harness.state.bucket, grayKey, {
      [LaneOutputs.image.name]: `${REPO}:sha-1111111`,
      [LaneOutputs.imageHistory.name]: [`${REPO}:sha-1111111`],
      [LaneOutputs.clusterName.name]: "dev-cluster",
      [LaneOutputs.ecsServiceName.name]: "user-api-dev-gray",
    });
    // …with the digest item Terraform's S3 backend keeps beside the lock (MD5 of the state object).
    const digest = createHash("md5").update(await stateText(grayKey)).digest("hex");
    await harness.dynamodb.send(new PutItemCommand({ TableName: harness.state.lockTable, Item: { LockID: { S: `${dynamoLockId(harness.state, grayKey)}-md5` }, Digest: { S: digest } } }));
    for (const stack of ["app-user-api-dev-gray", "app-user-api-dev-default"]) {
      const init = await runAsync("terraform", ["init", "-input=false", "-no-color"], { cwd: stackDir(stack), env: tfEnv });
      expect([stack, init.code, init.code === 0 ? "" : init.stderr]).toEqual([stack, 0, ""]);
    }
  });

  afterAll(async () => {
    cb.restore();
    await harness?.stop();
    params?.cleanup();
    if (outdir) rmSync(outdir, { recursive: true, force: true });
  });

  test("the lock stays; status shows it; unlock refuses while gray's build runs, never touches another lane, and releases it when no build runs", async () => {
    const before = await stateText(grayKey);
    await killedApply("app-user-api-dev-gray");

    // The killed apply's lock, as Terraform left it in the lock table.
    const lock = await readLock({ s3: harness.s3, dynamodb: harness.dynamodb }, harness.state, grayKey);
    expect(lock).toMatchObject({ Operation: "OperationTypeApply", Path: dynamoLockId(harness.state, grayKey) });

    // Other lanes are not affected: default plans (and takes its own lock) while gray's is held.
    const other = await runAsync("terraform", ["plan", "-input=false", "-no-color", "-lock-timeout=0s"], { cwd: stackDir("app-user-api-dev-default"), env: tfEnv });
    expect([other.code, other.stderr]).toEqual([0, ""]);
    // …and gray itself is refused by Terraform at once.
    const gray = await runAsync("terraform", ["plan", "-input=false", "-no-color", "-lock-timeout=0s"], { cwd: stackDir("app-user-api-dev-gray"), env: tfEnv });
    expect(gray.code).not.toBe(0);
    expect(gray.stderr).toContain("Error acquiring the state lock");

    const status = await lanes(["status", "user-api", "--env", "dev", "--json"]);
    expect(status.code).toBe(0);
    const grayStatus = (status.result.lanes as { lane: string; lock?: { id: string; who: string; operation: string; ageSeconds?: number } }[]).find((l) => l.lane === "gray")!;
    expect(grayStatus.lock).toEqual({ id: lock!.ID, who: lock!.Who, operation: "OperationTypeApply", created: lock!.Created, ageSeconds: expect.any(Number) });
    expect(grayStatus.lock!.ageSeconds).toBeLessThan(600);
    expect((status.result.notices as string[]).join("\n")).toContain(`lane gray: state lock held by ${lock!.Who} (OperationTypeApply, for `);
    expect((status.result.notices as string[]).join("\n")).toContain("lanes unlock gray --service user-api --env dev");
    const table = await lanes(["status", "user-api", "--env", "dev"]);
    expect(table.text).toMatch(new RegExp(`\\ngray\\s.*held by ${lock!.Who.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} for \\d`));

    // A build of gray still running (and one of default): refused, naming the build; nothing released.
    builds([build("b-gray", "gray", "IN_PROGRESS"), build("b-default", "default", "IN_PROGRESS"), build("b-old", "gray", "FAILED")]);
    const refused = await lanes(["unlock", "gray", "--service", "user-api", "--env", "dev"]);
    expect(refused.code).toBe(4);
    expect(refused.text).toContain(`a build of lane gray is still running in ${PROJECT}: ${PROJECT}:b-gray (started 2026-11-23T09:00:00.000Z)`);
    expect(refused.text).not.toContain("b-default");
    expect(cb.commandCalls(ListBuildsForProjectCommand)[0]!.args[0].input).toMatchObject({ projectName: PROJECT, sortOrder: "DESCENDING" });
    expect(await readLock({ s3: harness.s3, dynamodb: harness.dynamodb }, harness.state, grayKey)).toEqual(lock);

    // default holds no lock: unlocking it does nothing to gray's.
    builds([]);
    const defaultUnlock = await lanes(["unlock", "default", "--service", "user-api", "--env", "dev"]);
    expect([defaultUnlock.code, defaultUnlock.text]).toEqual([7, `app-user-api-dev-default holds no state lock (${defaultKey}): nothing to unlock.`]);
    expect(await readLock({ s3: harness.s3, dynamodb: harness.dynamodb }, harness.state, grayKey)).toEqual(lock);

    // gray's build has ended (stopped at its timeout): released.
    builds([build("b-gray", "gray", "STOPPED"), build("b-default", "default", "IN_PROGRESS")]);
    const released = await lanes(["unlock", "gray", "--service", "user-api", "--env", "dev"]);
    expect([released.code, released.text]).toEqual([0, expect.stringContaining(`released the state lock of app-user-api-dev-gray (lock ID ${lock!.ID}, held by ${lock!.Who}`)]);
    expect(await readLock({ s3: harness.s3, dynamodb: harness.dynamodb }, harness.state, grayKey)).toBeUndefined();
    // Terraform's digest item of gray's state is not the lock: left alone.
    const digest = await harness.dynamodb.send(new GetItemCommand({ TableName: harness.state.lockTable, Key: { LockID: { S: `${dynamoLockId(harness.state, grayKey)}-md5` } } }));
    expect(digest.Item?.Digest?.S).toBe(createHash("md5").update(before).digest("hex"));

    // No state object lost: gray's state is the one from before the killed apply, and gray plans again.
    expect(await stateText(grayKey)).toBe(before);
    const again = await runAsync("terraform", ["plan", "-input=false", "-no-color", "-lock-timeout=0s"], { cwd: stackDir("app-user-api-dev-gray"), env: tfEnv });
    expect([again.code, again.stderr]).toEqual([0, ""]);
  });
});
