/** Runs main.ts and Terraform the way a user does, for the validate/plan tests. */
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { stackJson, synthEnv } from "../../lib/harness/run";
import { TS_NODE_ARGS } from "../../lib/process";
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
  execFileSync(process.execPath, [...TS_NODE_ARGS, "main.ts"], { cwd: ROOT, env: synthEnv(vars, outdir, paramsDir), stdio: ["ignore", "pipe", "pipe"] });
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

/** A diagnostic of `terraform validate -json`, with the stack its file belongs to. */
export interface StackDiagnostic {
  readonly stack: string;
  readonly severity: string;
  readonly summary: string;
  readonly detail: string;
}

/** What Terraform says of every stack called as a child module: a backend block has no effect there. */
export const CHILD_MODULE_BACKEND_WARNING = "Backend configuration ignored";

/**
 * Validates many synthesized stacks in one Terraform run: a root module in `<outdir>/validate-all`
 * calls each stack as a child module (`../stacks/<stack>`), so the provider is initialized and its
 * schema loaded once instead of once per stack. Terraform validates a child module's resources,
 * data sources, outputs and expressions against the provider schema as it does a root module's;
 * what a child cannot show (its backend block: `terraform init` of the stack checks that) is why
 * one stack is still validated as a root of its own in terraform-validate.test.ts. Returns every
 * diagnostic, each with the stack whose file it points at.
 */
export async function validateStacks(outdir: string, stacks: readonly string[], env: Record<string, string>): Promise<{ ok: boolean; diagnostics: StackDiagnostic[] }> {
  const root = join(outdir, "validate-all");
  mkdirSync(root, { recursive: true });
  const modules = Object.fromEntries(stacks.map((s) => [s.replace(/[^a-zA-Z0-9_]/g, "_"), { source: `../stacks/${s}` }]));
  writeFileSync(join(root, "main.tf.json"), JSON.stringify({ module: modules }, null, 2));
  await run("terraform", ["init", "-backend=false", "-input=false", "-no-color"], { cwd: root, env, maxBuffer: 16 << 20 });
  // validate exits 1 on errors and still prints its JSON report.
  const { stdout } = await run("terraform", ["validate", "-json", "-no-color"], { cwd: root, env, maxBuffer: 64 << 20 }).catch((err: { stdout?: string; message: string }) => {
    if (!err.stdout) throw err;
    return { stdout: err.stdout };
  });
  const report = JSON.parse(stdout) as { valid: boolean; diagnostics: { severity: string; summary: string; detail?: string; range?: { filename: string } }[] };
  const diagnostics = report.diagnostics.map((d) => ({
    stack: /stacks\/([^/]+)\//.exec(d.range?.filename ?? "")?.[1] ?? "(root)",
    severity: d.severity,
    summary: d.summary,
    detail: d.detail ?? "",
  }));
  return { ok: report.valid, diagnostics };
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
