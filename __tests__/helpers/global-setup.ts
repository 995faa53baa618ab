/**
 * One temporary directory per test run: every test, and every process a test starts (synths,
 * terraform, cdktf), puts its temporary files under it through TMPDIR, so parallel runs of the
 * suite on one machine never share temporary files and the run leaves nothing behind
 * (global-teardown.ts removes it).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export default function globalSetup(): void {
  const dir = mkdtempSync(join(tmpdir(), "lanes-test-run-"));
  process.env.LANES_TEST_RUN_TMPDIR = dir;
  process.env.TMPDIR = dir;
}
