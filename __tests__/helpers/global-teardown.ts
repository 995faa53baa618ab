import { rmSync } from "node:fs";

/** Removes the run's temporary directory (see global-setup.ts). */
export default function globalTeardown(): void {
  const dir = process.env.LANES_TEST_RUN_TMPDIR;
  if (dir) rmSync(dir, { recursive: true, force: true });
}
