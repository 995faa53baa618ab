/** Running the project's own commands from tests and benchmarks (async: the harness servers share the process). */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

export const PROJECT_ROOT = join(__dirname, "..", "..");

export interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command without blocking the event loop. */
export async function runAsync(command: string, args: readonly string[], options: { cwd?: string; env: Record<string, string | undefined> }): Promise<Ran> {
  try {
    const { stdout, stderr } = await execFileAsync(command, [...args], { cwd: options.cwd ?? PROJECT_ROOT, env: options.env, maxBuffer: 64 << 20 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number | string; stdout?: string; stderr?: string; message: string };
    return { code: typeof e.code === "number" ? e.code : 1, stdout: e.stdout ?? "", stderr: `${e.stderr ?? ""}${e.message}` };
  }
}

const SELECTORS = ["ENV", "SERVICE", "SERVICE_NAME", "LANE", "LAYER", "IMAGE_URI"];

/** The environment for running main.ts: the caller's, with only the given selector variables. */
export function synthEnv(vars: Record<string, string>, outdir: string, paramsDir?: string): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env, CDKTF_OUTDIR: outdir, ...vars };
  for (const v of SELECTORS) if (!(v in vars)) delete env[v];
  if (paramsDir) env.LANES_PARAMS_DIR = paramsDir;
  return env;
}

/** Synthesizes main.ts into a fresh directory; returns it and the stack names. */
export async function synthMainAsync(vars: Record<string, string> = {}, paramsDir?: string): Promise<{ outdir: string; stacks: string[]; ran: Ran }> {
  const outdir = mkdtempSync(join(tmpdir(), "lanes-synth-"));
  const ran = await runAsync(process.execPath, ["--import", "tsx", "main.ts"], { env: synthEnv(vars, outdir, paramsDir) });
  if (ran.code !== 0) throw new Error(`synth failed: ${ran.stderr}`);
  const stacksDir = join(outdir, "stacks");
  return { outdir, stacks: existsSync(stacksDir) ? readdirSync(stacksDir).sort() : [], ran };
}

export function stackJson(outdir: string, stack: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(outdir, "stacks", stack, "cdk.tf.json"), "utf8")) as Record<string, unknown>;
}
