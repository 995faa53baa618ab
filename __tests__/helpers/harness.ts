/** Process helpers for tests that talk to the local state harness (which runs in-process). */
import { runAsync, type Ran } from "../../lib/harness/run";
import { TS_NODE_ARGS } from "../../lib/process";

export { runAsync, type Ran };

/** `npm run lanes -- …` without npm: the CLI under tsx. */
export function lanesCli(args: readonly string[], env: Record<string, string | undefined>): Promise<Ran> {
  return runAsync(process.execPath, [...TS_NODE_ARGS, "lib/cli/lanes.ts", ...args], { env });
}
