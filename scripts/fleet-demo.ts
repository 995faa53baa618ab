/**
 * A busy env, seen and collected: publishes the states a month of lanes leaves behind in the
 * local state harness (s3rver + dynalite), with ECS and ELBv2 answering from the local fake
 * endpoint (Service Quotas refusing, as when it cannot be reached), then runs `lanes ls` and
 * `lanes gc --dry-run` through the real CLI code (each expired lane synthesized and validated).
 * The clock of the two commands is set 26 hours after the states were written, so ages and
 * expiries read like those of a real env. Run: npm run fleet:demo (the README's "Operating lanes").
 */
import { PutItemCommand } from "@aws-sdk/client-dynamodb";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { run } from "../lib/cli/lanes";
import { LaneOutputs } from "../lib/contract";
import { startFakeAws } from "../lib/harness/fake-aws";
import { fakeOutputs, publishState } from "../lib/harness/fake-state";
import { startLocalState } from "../lib/harness/local-state";
import { stackJson, synthMainAsync } from "../lib/harness/run";
import { ParamsRepository } from "../lib/params/load";
import { dynamoLockId, stateKey } from "../lib/state";

const HOUR = 3_600_000;
const REGISTRY = "123456789012.dkr.ecr.ap-southeast-2.amazonaws.com";

interface DemoLane {
  readonly service: string;
  readonly lane: string;
  readonly tag: string;
  readonly by: string;
  readonly ttl?: string;
  /** Hours after publishing when it expires (the demo's now is +26 h). */
  readonly expiresIn?: number;
}

const LANES: readonly DemoLane[] = [
  { service: "user-api", lane: "default", tag: "sha-1a2b3c4", by: "pipeline:3f1c9e0a-default" },
  { service: "user-api", lane: "gray", tag: "sha-9f8e7d6", by: "pipeline:7b2d4c11-gray", ttl: "7d", expiresIn: 7 * 24 },
  { service: "user-api", lane: "feature-login", tag: "sha-51c0ffe", by: "maria@laptop", ttl: "24h", expiresIn: 20 },
  { service: "user-api", lane: "pr-1412", tag: "sha-0d15ea5", by: "pipeline:c0ffee12-pr-1412", ttl: "24h", expiresIn: 2 },
  { service: "user-api", lane: "pr-1419", tag: "sha-b16b00b", by: "pipeline:decade01-pr-1419", ttl: "48h", expiresIn: 40 },
  { service: "user-api", lane: "perf-test", tag: "sha-feedbee", by: "jun@ci-runner", ttl: "12h", expiresIn: 12 },
  { service: "user-api", lane: "loadtest-old", tag: "sha-ba5eba1", by: "jun@ci-runner", ttl: "none" },
  { service: "order-worker", lane: "default", tag: "sha-7777777", by: "pipeline:5a5a5a5a-default" },
  { service: "order-worker", lane: "replay-nov", tag: "sha-abad1de", by: "ops@bastion", ttl: "24h", expiresIn: 8 },
];

async function main(): Promise<void> {
  const paramsDir = join(__dirname, "..", "params");
  const params = new ParamsRepository(paramsDir);
  const harness = await startLocalState(params.infra("dev").state);
  const cloud = await startFakeAws();
  cloud.reset({ service: { desired: 1, running: 1, rolloutState: "COMPLETED" } });
  cloud.script.alb = { rules: 84, targetGroups: 85 };
  const temps: string[] = [];
  try {
    // The SDK clients the commands create read their endpoints and credentials from here.
    Object.assign(process.env, harness.env, cloud.env, { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" });
    for (const service of ["user-api", "order-worker"]) {
      const boot = await synthMainAsync({ ...harness.env, ENV: "dev", SERVICE: service, LAYER: "boot" }, paramsDir);
      temps.push(boot.outdir);
      await publishState(harness.s3, harness.state.bucket, stateKey({ layer: "boot", env: "dev", service }), fakeOutputs(stackJson(boot.outdir, `boot-${service}-dev`), "ap-southeast-2"));
    }
    const published = Date.now();
    for (const l of LANES) {
      const image = `${REGISTRY}/dev/${l.service}:${l.tag}`;
      await publishState(harness.s3, harness.state.bucket, stateKey({ layer: "app", env: "dev", service: l.service, lane: l.lane }), {
        [LaneOutputs.image.name]: image,
        [LaneOutputs.imageHistory.name]: [image],
        [LaneOutputs.changedBy.name]: l.by,
        [LaneOutputs.clusterName.name]: "dev-cluster",
        [LaneOutputs.ecsServiceName.name]: `${l.service}-dev-${l.lane}`,
        [LaneOutputs.targetGroupArn.name]: l.service === "user-api" ? `arn:aws:elasticloadbalancing:ap-southeast-2:123456789012:targetgroup/user-api-dev-${l.lane}-tg/0123456789abcdef` : "",
        [LaneOutputs.ttl.name]: l.ttl ?? "",
        [LaneOutputs.expiresAt.name]: l.expiresIn !== undefined ? new Date(published + l.expiresIn * HOUR).toISOString() : "",
      });
    }
    // Someone is re-deploying pr-1412 right now: gc must leave it alone.
    const locked = stateKey({ layer: "app", env: "dev", service: "user-api", lane: "pr-1412" });
    await harness.dynamodb.send(
      new PutItemCommand({
        TableName: harness.state.lockTable,
        Item: {
          LockID: { S: dynamoLockId(harness.state, locked) },
          Info: { S: JSON.stringify({ ID: "9b1e4c2a", Operation: "OperationTypeApply", Who: "pipeline@codebuild", Version: "1.11.4", Created: new Date(published + 25 * HOUR).toISOString(), Path: locked }) },
        },
      }),
    );

    const clock = { now: () => published + 26 * HOUR, sleep: async () => undefined };
    const show = async (argv: string[]) => {
      process.stdout.write(`$ npm run lanes -- ${argv.join(" ")}\n`);
      const out = await run(argv, { ...process.env, LANES_PARAMS_DIR: paramsDir }, { clock, progress: (line) => process.stdout.write(`lanes: ${line}\n`) });
      if (out.text) process.stdout.write(`${out.text}\n`);
      if (out.code !== 0) process.stdout.write(`(exit ${out.code})\n`);
      process.stdout.write("\n");
    };
    await show(["ls", "--env", "dev"]);
    await show(["gc", "--env", "dev", "--dry-run"]);
  } finally {
    await cloud.stop();
    await harness.stop();
    for (const d of temps) rmSync(d, { recursive: true, force: true });
  }
}

main().catch((err: Error) => {
  process.stderr.write(`${err.stack ?? err.message}\n`);
  process.exit(1);
});
