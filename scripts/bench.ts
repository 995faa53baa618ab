/**
 * Benchmarks of the lane design (issue: "prove lane isolation"), written to docs/BENCHMARKS.md.
 * Not part of the test command. Run: npm run bench [-- --runs 5]
 *
 *  1. synth time of one lane with 1 lane versus 100 lanes (20 services) declared in params;
 *  2. plan time of one lane stack against the local state harness;
 *  3. wall time of 5 concurrent lane plans versus 1, next to the same 5 plans sharing one state
 *     key (the monolith a naive project would build), where the lock serializes them;
 *  4. resources one lane deploy touches versus a monolith holding the whole system;
 *  5. `terraform init` of one stack alone and of 8 stacks at once (the provider linked from the
 *     read-only mirror, lib/terraform.ts);
 *  6. the pipeline overhead of one lane deploy, cold and warm, against the plan alone
 *     (scripts/bench-pipeline.ts). `npm run bench -- --only pipeline` runs only this section and
 *     replaces it in docs/BENCHMARKS.md.
 */
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, totalmem, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { fakeOutputs, publishState } from "../lib/harness/fake-state";
import { startLocalState, type LocalState } from "../lib/harness/local-state";
import { PROJECT_ROOT, runAsync, stackJson, synthEnv, synthMainAsync, type Ran } from "../lib/harness/run";
import { ParamsRepository } from "../lib/params/load";
import { stateKey } from "../lib/state";
import { TS_NODE_ARGS } from "../lib/process";
import { requireTerraform, terraformEnv } from "../lib/terraform";
import { pipelineOverhead, replaceSection } from "./bench-pipeline";

const REGION = "ap-southeast-2";
const LANES = ["gray", "blue", "green", "canary", "exp"] as const;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function timed(task: () => Promise<Ran>): Promise<number> {
  const start = process.hrtime.bigint();
  const ran = await task();
  if (ran.code !== 0) throw new Error(`benchmark step failed:\n${ran.stdout}\n${ran.stderr}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
}

/** A params directory: the example plus `services` services with `lanesEach` lanes each (user-api included). */
function paramsWith(services: number, lanesEach: number): string {
  const dir = mkdtempSync(join(tmpdir(), "lanes-bench-params-"));
  cpSync(join(PROJECT_ROOT, "params"), dir, { recursive: true });
  const names = ["default", ...LANES, ...Array.from({ length: Math.max(0, lanesEach - 1 - LANES.length) }, (_, i) => `lane${i + 1}`)];
  const lanes = (n: number) => Object.fromEntries(names.slice(0, n).map((l) => [l, l === "gray" ? { rulePriority: 100 } : {}]));
  const template = readJson(join(dir, "user-api-dev.json"));
  writeFileSync(join(dir, "user-api-dev.json"), JSON.stringify({ ...template, lanes: lanes(lanesEach) }, null, 2));
  const boot = readJson(join(dir, "boot-dev.json")) as { services: Record<string, unknown> };
  for (let i = 1; i < services; i++) {
    const service = `svc${i}`;
    writeFileSync(join(dir, `${service}-dev.json`), JSON.stringify({ ...template, service, repo: `example-org/${service}`, lanes: lanes(lanesEach) }, null, 2));
    boot.services[service] = {};
  }
  writeFileSync(join(dir, "boot-dev.json"), JSON.stringify(boot, null, 2));
  return dir;
}

function countResources(stack: Record<string, unknown>): number {
  return Object.values((stack.resource as Record<string, Record<string, unknown>> | undefined) ?? {}).reduce((n, byId) => n + Object.keys(byId).length, 0);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: "string", default: "5" }, only: { type: "string" } } });
  const runs = Math.max(1, Number(values.runs));
  const terraformVersion = requireTerraform();
  const temps: string[] = [];
  const log = (text: string) => process.stderr.write(`bench: ${text}\n`);
  const benchmarks = join(PROJECT_ROOT, "docs", "BENCHMARKS.md");
  const pipelineSection = async () => {
    const { lines, coldRatio, warmRatio } = await pipelineOverhead(Math.min(runs, 3), terraformVersion, log);
    replaceSection(benchmarks, lines);
    log(`pipeline overhead: cold ${coldRatio.toFixed(2)}x, warm ${warmRatio.toFixed(2)}x the plan; wrote docs/BENCHMARKS.md`);
  };
  if (values.only === "pipeline") return pipelineSection();
  if (values.only !== undefined) throw new Error(`--only ${values.only}: the only section that runs alone is 'pipeline'`);

  // 1. synth of one lane, 1 versus 100 lanes declared.
  const small = paramsWith(1, 2);
  const large = paramsWith(20, 5);
  temps.push(small, large);
  const lane = { ENV: "dev", SERVICE: "user-api", LANE: "gray" };
  const synthOnce = (paramsDir: string) => async () => {
    const outdir = mkdtempSync(join(tmpdir(), "lanes-bench-synth-"));
    temps.push(outdir);
    return runAsync(process.execPath, [...TS_NODE_ARGS, "main.ts"], { env: synthEnv(lane, outdir, paramsDir) });
  };
  await timed(synthOnce(small)); // warm the file cache
  const synthSmall: number[] = [];
  const synthLarge: number[] = [];
  for (let i = 0; i < runs; i++) {
    synthSmall.push(await timed(synthOnce(small)));
    synthLarge.push(await timed(synthOnce(large)));
  }
  log(`synth: ${seconds(median(synthSmall))} (1 lane declared) vs ${seconds(median(synthLarge))} (100 lanes)`);

  // 2.–3. plans against the local state harness.
  const params = paramsWith(1, 6);
  temps.push(params);
  const { state } = new ParamsRepository(params).infra("dev");
  const harness: LocalState = await startLocalState(state);
  try {
    const { outdir } = await synthMainAsync({ ...harness.env, ENV: "dev" }, params);
    temps.push(outdir);
    for (const [stack, key] of [
      ["infra-dev", stateKey({ layer: "infra", env: "dev" })],
      ["boot-user-api-dev", stateKey({ layer: "boot", env: "dev", service: "user-api" })],
    ] as const) {
      await publishState(harness.s3, state.bucket, key, fakeOutputs(stackJson(outdir, stack), REGION));
    }
    const tfEnv = { ...process.env, ...(await terraformEnv(PROJECT_ROOT)), ...harness.env };
    const tf = (dir: string, args: string[]) => runAsync("terraform", args, { cwd: dir, env: tfEnv });
    const laneDir = (l: string) => join(outdir, "stacks", `app-user-api-dev-${l}`);
    const planArgs = (timeout: string) => ["plan", "-input=false", "-no-color", `-lock-timeout=${timeout}`];
    // Terraform can lose the race between a refused lock and reading who holds it (the holder has
    // just released: "unexpected end of JSON input") and then gives up instead of waiting; a
    // person would run it again, and so does the benchmark (counted in the wall time).
    let lockRetries = 0;
    const planWaitingForLock = async (dir: string): Promise<Ran> => {
      for (;;) {
        const ran = await tf(dir, planArgs("600s"));
        if (ran.code === 0 || !ran.stderr.includes("unexpected end of JSON input")) return ran;
        lockRetries++;
      }
    };

    // Monolith: the same lane configurations, all keeping state under one key. Locked by the
    // DynamoDB table only: s3rver ignores conditional writes, so concurrent lock files would clobber.
    const monolithDir = (l: string) => join(outdir, "monolith", l);
    for (const l of LANES) {
      await timed(() => tf(laneDir(l), ["init", "-input=false", "-no-color"]));
      cpSync(laneDir(l), monolithDir(l), { recursive: true, dereference: false });
      rmSync(join(monolithDir(l), ".terraform", "terraform.tfstate"), { force: true });
      await timed(() => tf(monolithDir(l), ["init", "-input=false", "-no-color", "-reconfigure", "-backend-config=key=monolith/terraform.tfstate", "-backend-config=use_lockfile=false"]));
    }

    // 5. init: fresh working directories (no .terraform), one alone, then 8 different stacks at once.
    const initStacks = readdirSync(join(outdir, "stacks")).filter((s) => s.startsWith("app-")).slice(0, 8);
    let fresh = 0;
    const freshDir = (stack: string) => {
      const dir = join(outdir, "init", String(fresh++), stack);
      mkdirSync(dir, { recursive: true });
      copyFileSync(join(outdir, "stacks", stack, "cdk.tf.json"), join(dir, "cdk.tf.json"));
      return dir;
    };
    const initArgs = ["init", "-backend=false", "-input=false", "-no-color"];
    const initOne: number[] = [];
    const initEight: number[] = [];
    for (let i = 0; i < runs; i++) initOne.push(await timed(() => tf(freshDir("app-user-api-dev-gray"), initArgs)));
    for (let i = 0; i < runs; i++) {
      const dirs = initStacks.map(freshDir);
      initEight.push(await timed(async () => {
        const all = await Promise.all(dirs.map((d) => tf(d, initArgs)));
        return all.find((r) => r.code !== 0) ?? all[0]!;
      }));
    }
    log(`init: one stack ${seconds(median(initOne))}; ${initStacks.length} at once ${seconds(median(initEight))}`);

    const planOne: number[] = [];
    const planFive: number[] = [];
    const planMonolith: number[] = [];
    await timed(() => tf(laneDir("gray"), planArgs("0s"))); // warm
    for (let i = 0; i < runs; i++) {
      planOne.push(await timed(() => tf(laneDir("gray"), planArgs("0s"))));
    }
    const heavyRuns = Math.max(1, Math.min(runs, 3));
    for (let i = 0; i < heavyRuns; i++) {
      planFive.push(await timed(async () => {
        const all = await Promise.all(LANES.map((l) => tf(laneDir(l), planArgs("0s"))));
        return all.find((r) => r.code !== 0) ?? all[0]!;
      }));
      planMonolith.push(await timed(async () => {
        const all = await Promise.all(LANES.map((l) => planWaitingForLock(monolithDir(l))));
        return all.find((r) => r.code !== 0) ?? all[0]!;
      }));
    }
    log(`plan: one lane ${seconds(median(planOne))}; five lanes ${seconds(median(planFive))}; five on one state ${seconds(median(planMonolith))}`);

    // 4. resources a deploy plans over: one lane stack versus every infra/boot/app resource in one state.
    const laneResources = countResources(stackJson(outdir, "app-user-api-dev-gray"));
    const systemResources = (dir: string, stacks: readonly string[]) =>
      stacks.filter((s) => /^(infra|boot|app)-/.test(s)).reduce((n, s) => n + countResources(stackJson(dir, s)), 0);
    const exampleStacks = readdirSync(join(outdir, "stacks"));
    const { outdir: largeOut, stacks: largeStacks } = await synthMainAsync({ ENV: "dev" }, large);
    temps.push(largeOut);
    const exampleAll = systemResources(outdir, exampleStacks);
    const largeAll = systemResources(largeOut, largeStacks);

    const cpu = cpus()[0]?.model ?? "unknown CPU";
    const rows = [
      `# Benchmarks`,
      ``,
      `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} cores (${cpu}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, Terraform ${terraformVersion}, hashicorp/aws 5.100.0 from the local mirror. State in the local harness (s3rver + dynalite on 127.0.0.1, DynamoDB locking). Medians of ${runs} runs (${heavyRuns} for the five-plan rows).`,
      ``,
      `Reproduce: \`npm run bench -- --runs ${runs}\` (rewrites this file).`,
      ``,
      `## Synth time of one lane (\`LANE=gray SERVICE=user-api ENV=dev\`)`,
      ``,
      `| params declare | median | ratio |`,
      `|---|---|---|`,
      `| 1 service, 2 lanes | ${seconds(median(synthSmall))} | 1.00 |`,
      `| 20 services, 100 lanes | ${seconds(median(synthLarge))} | ${(median(synthLarge) / median(synthSmall)).toFixed(2)} |`,
      ``,
      `A lane run reads only its three params files and builds one stack, so the time does not grow with the system.`,
      ``,
      `## Plan time (init done; \`terraform plan\` against S3 state with DynamoDB locking)`,
      ``,
      `| what | median wall time | ratio to one lane |`,
      `|---|---|---|`,
      `| one lane stack | ${seconds(median(planOne))} | 1.00 |`,
      `| five lane stacks at once, each its own state key | ${seconds(median(planFive))} | ${(median(planFive) / median(planOne)).toFixed(2)} |`,
      `| the same five plans sharing one state key (monolith) | ${seconds(median(planMonolith))} | ${(median(planMonolith) / median(planOne)).toFixed(2)} |`,
      ``,
      `Separate keys: the five plans share only the CPU (${cpus().length} cores here: each plan loads the 700 MB AWS provider, so five at once are CPU-bound), never a lock. One key: each plan waits for the lock the previous one holds, so they run one after another, with Terraform's lock retry back-off on top (and ${lockRetries} plan(s) re-run after Terraform lost the race between a refused lock and reading its holder).`,
      ``,
      `## \`terraform init\` (fresh working directory, \`-backend=false\`)`,
      ``,
      `| what | median wall time |`,
      `|---|---|`,
      `| one stack | ${seconds(median(initOne))} |`,
      `| ${initStacks.length} lane stacks at once | ${seconds(median(initEight))} |`,
      ``,
      `Every init links hashicorp/aws from a read-only unpacked mirror (the machine's, or the project's own filled once under a lock) instead of writing a shared plugin cache, which Terraform documents as unsafe for concurrent use; no init writes anything another run reads.`,
      ``,
      `## Resources a deploy plans over`,
      ``,
      `| system | one lane stack | a monolith holding everything |`,
      `|---|---|---|`,
      `| the example system (infra, boot and lanes of user-api with 6 lanes, and order-worker) | ${laneResources} | ${exampleAll} |`,
      `| 20 services, 100 lanes | ${laneResources} | ${largeAll} |`,
      ``,
      `A lane deploy refreshes and plans only the lane's own ${laneResources} resources (target group, listener rule, task definition, ECS service, its alarms and autoscaling); in one shared state every deploy would plan the whole system and hold its single lock.`,
      ``,
    ];
    writeFileSync(benchmarks, rows.join("\n"));
    log("wrote docs/BENCHMARKS.md");
  } finally {
    await harness.stop();
    for (const t of temps) rmSync(t, { recursive: true, force: true });
  }
  await pipelineSection();
}

main().catch((err: Error) => {
  process.stderr.write(`bench: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
