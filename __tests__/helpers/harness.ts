/** Async process helpers for tests that talk to the local state harness (which runs in-process). */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { ROOT } from "./project";

const execFileAsync = promisify(execFile);

export interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command without blocking the event loop (the harness servers live in this process). */
export async function runAsync(command: string, args: readonly string[], options: { cwd?: string; env: Record<string, string | undefined> }): Promise<Ran> {
  try {
    const { stdout, stderr } = await execFileAsync(command, [...args], { cwd: options.cwd ?? ROOT, env: options.env, maxBuffer: 64 << 20 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number | string; stdout?: string; stderr?: string; message: string };
    return { code: typeof e.code === "number" ? e.code : 1, stdout: e.stdout ?? "", stderr: `${e.stderr ?? ""}${e.message}` };
  }
}

/** `npm run lanes -- …` without npm: the CLI under tsx. */
export function lanesCli(args: readonly string[], env: Record<string, string | undefined>): Promise<Ran> {
  return runAsync(process.execPath, ["--import", "tsx", "lib/cli/lanes.ts", ...args], { env });
}
