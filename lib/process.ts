/** The project's location, and running a command without blocking the event loop. */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

/** The repository root (where main.ts, params/ and node_modules/ are). */
export const PROJECT_ROOT = join(__dirname, "..");

/**
 * Node's arguments to run the project's TypeScript (main.ts, the lanes CLI, the example app):
 * tsx's CommonJS hook, in the process's own thread. The project is CommonJS; `--import tsx` would
 * also register tsx's ESM loader, which Node 20 runs in a thread of its own: about 0.3 s of CPU
 * more for every process started (measured on a synth and on `lanes ci`), paid by every synth,
 * every `lanes` call of a pipeline build and every test that starts one. bin/lanes.js and
 * cdktf.json's app use the same hook.
 */
export const TS_NODE_ARGS: readonly string[] = ["--require", "tsx/cjs"];

export interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to completion; a non-zero exit is a result, not an exception. */
export async function runAsync(command: string, args: readonly string[], options: { cwd?: string; env: Readonly<Record<string, string | undefined>> }): Promise<Ran> {
  try {
    const { stdout, stderr } = await execFileAsync(command, [...args], { cwd: options.cwd ?? PROJECT_ROOT, env: options.env, maxBuffer: 64 << 20 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number | string; stdout?: string; stderr?: string; message: string };
    return { code: typeof e.code === "number" ? e.code : 1, stdout: e.stdout ?? "", stderr: `${e.stderr ?? ""}${e.message}` };
  }
}
