/**
 * Concurrency stress: many lanes' Terraform runs at the same moment on one machine, through the
 * project's Terraform environment, against the local state harness. Each round synthesizes 16
 * lane stacks into fresh directories and starts, all at once: 16 × `terraform init`, then 16 ×
 * `terraform validate`, then (backend on, lower layers published) 16 × `terraform init` + `plan`.
 * Any failure fails the run. Not part of `npm test` (a round costs minutes of CPU on 2 cores);
 * `__tests__/concurrency.test.ts` is its in-budget subset.
 *
 *   npm run stress [-- --rounds 3 --lanes 16]
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { fakeOutputs, publishState } from "../lib/harness/fake-state";
import { startLocalState } from "../lib/harness/local-state";
import { PROJECT_ROOT, runAsync, stackJson, synthMainAsync, type Ran } from "../lib/harness/run";
import { ParamsRepository } from "../lib/params/load";
import { stateKey } from "../lib/state";
import { requireTerraform, terraformEnv } from "../lib/terraform";

const REGION = "ap-southeast-2";

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { rounds: { type: "string", default: "3" }, lanes: { type: "string", default: "16" } } });
  const rounds = Math.max(1, Number(values.rounds));
  const laneCount = Math.max(2, Number(values.lanes));
  requireTerraform();
  const log = (text: string) => process.stderr.write(`stress: ${text}\n`);
  const params = mkdtempSync(join(tmpdir(), "lanes-stress-params-"));
  cpSync(join(PROJECT_ROOT, "params"), params, { recursive: true });
  const lanes = ["default", ...Array.from({ length: laneCount - 1 }, (_, i) => `lane${i + 1}`)];
  const service = JSON.parse(readFileSync(join(params, "user-api-dev.json"), "utf8")) as Record<string, unknown>;
  writeFileSync(join(params, "user-api-dev.json"), JSON.stringify({ ...service, lanes: Object.fromEntries(lanes.map((l) => [l, {}])) }));

  const harness = await startLocalState(new ParamsRepository(params).infra("dev").state);
  const temps = [params];
  let failures = 0;
  try {
    const tfEnv = { ...process.env, ...(await terraformEnv(PROJECT_ROOT)), ...harness.env };
    const all = async (what: string, dirs: readonly string[], args: string[]) => {
      const start = Date.now();
      const ran: Ran[] = await Promise.all(dirs.map((cwd) => runAsync("terraform", args, { cwd, env: tfEnv })));
      const failed = ran.map((r, i) => [dirs[i]!, r] as const).filter(([, r]) => r.code !== 0);
      for (const [dir, r] of failed) log(`FAILED ${what} in ${dir}:\n${r.stdout}\n${r.stderr}`);
      failures += failed.length;
      log(`${what}: ${dirs.length} at once, ${failed.length} failed, ${((Date.now() - start) / 1000).toFixed(1)} s`);
    };
    for (let round = 1; round <= rounds; round++) {
      const { outdir } = await synthMainAsync({ ...harness.env, ENV: "dev" }, params);
      temps.push(outdir);
      if (round === 1) {
        for (const [stack, key] of [
          ["infra-dev", stateKey({ layer: "infra", env: "dev" })],
          ["boot-user-api-dev", stateKey({ layer: "boot", env: "dev", service: "user-api" })],
        ] as const) {
          await publishState(harness.s3, harness.state.bucket, key, fakeOutputs(stackJson(outdir, stack), REGION));
        }
      }
      const dirs = lanes.map((l) => join(outdir, "stacks", `app-user-api-dev-${l}`));
      log(`round ${round}/${rounds}`);
      await all("init -backend=false", dirs, ["init", "-backend=false", "-input=false", "-no-color"]);
      await all("validate", dirs, ["validate", "-no-color"]);
      await all("init (S3 backend)", dirs, ["init", "-reconfigure", "-input=false", "-no-color"]);
      await all("plan", dirs, ["plan", "-input=false", "-no-color", "-lock-timeout=0s"]);
    }
  } finally {
    await harness.stop();
    for (const t of temps) rmSync(t, { recursive: true, force: true });
  }
  log(failures === 0 ? `all ${rounds} round(s) passed` : `${failures} run(s) failed`);
  return failures === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`stress: ${err.stack ?? err.message}\n`);
    process.exit(1);
  },
);
