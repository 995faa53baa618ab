/** Runs main.ts and Terraform the way a user does, for the validate/plan tests. */
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { stackJson, synthEnv } from "../../lib/harness/run";
import { requireTerraform, terraformEnv } from "../../lib/terraform";
import { ROOT } from "./project";

const run = promisify(execFile);

/** Fails (never skips) when terraform is missing, saying what to install. */
export async function terraformOrFail(): Promise<Record<string, string>> {
  requireTerraform();
  return { ...process.env, ...(await terraformEnv(ROOT)) } as Record<string, string>;
}

/** Synthesizes main.ts with selector variables into a fresh directory; returns it and the stack names. */
export function synthMain(vars: Record<string, string> = {}, paramsDir?: string): { outdir: string; stacks: string[] } {
  const outdir = mkdtempSync(join(tmpdir(), "lanes-synth-"));
  execFileSync(process.execPath, ["--import", "tsx", "main.ts"], { cwd: ROOT, env: synthEnv(vars, outdir, paramsDir), stdio: ["ignore", "pipe", "pipe"] });
  const stacksDir = join(outdir, "stacks");
  const stacks = existsSync(stacksDir) ? readdirSync(stacksDir).sort() : [];
  return { outdir, stacks };
}

export { stackJson };

export interface TerraformResult {
  readonly ok: boolean;
  readonly output: string;
}

/** `terraform init -backend=false && terraform validate` in a synthesized stack directory. */
export async function validateStack(dir: string, env: Record<string, string>): Promise<TerraformResult> {
  try {
    await run("terraform", ["init", "-backend=false", "-input=false", "-no-color"], { cwd: dir, env, maxBuffer: 16 << 20 });
    const { stdout } = await run("terraform", ["validate", "-no-color"], { cwd: dir, env, maxBuffer: 16 << 20 });
    return { ok: true, output: stdout };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    return { ok: false, output: `${e.stdout ?? ""}${e.stderr ?? ""}` || e.message };
  }
}

/** Runs `task` over `items`, `limit` at a time (2 matches the machine's cores). */
export async function inBatches<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await task(items[i]!);
      }
    }),
  );
  return results;
}
