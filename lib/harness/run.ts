/** Running main.ts from tests, benchmarks and the stress script (async: the harness servers share the process). */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { synthEnvironment } from "../layers/selector";
import { PROJECT_ROOT, TS_NODE_ARGS, runAsync, type Ran } from "../process";

export { PROJECT_ROOT, runAsync, type Ran };

/** The environment for running main.ts: the caller's, with only the given selector variables. */
export function synthEnv(vars: Record<string, string>, outdir: string, paramsDir?: string): Record<string, string | undefined> {
  return synthEnvironment(process.env, vars, { outdir, ...(paramsDir ? { paramsDir } : {}) });
}

/** Synthesizes main.ts into a fresh directory; returns it and the stack names. */
export async function synthMainAsync(vars: Record<string, string> = {}, paramsDir?: string): Promise<{ outdir: string; stacks: string[]; ran: Ran }> {
  const outdir = mkdtempSync(join(tmpdir(), "lanes-synth-"));
  const ran = await runAsync(process.execPath, [...TS_NODE_ARGS, "main.ts"], { env: synthEnv(vars, outdir, paramsDir) });
  if (ran.code !== 0) throw new Error(`synth failed: ${ran.stderr}`);
  const stacksDir = join(outdir, "stacks");
  return { outdir, stacks: existsSync(stacksDir) ? readdirSync(stacksDir).sort() : [], ran };
}

export function stackJson(outdir: string, stack: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(outdir, "stacks", stack, "cdk.tf.json"), "utf8")) as Record<string, unknown>;
}
