/**
 * The test suite's own speed (issue 19, point 4): runs jest once (`--json`), and writes the
 * "Test suite time" section of docs/BENCHMARKS.md: the wall time, and each suite's time by group.
 * Run: npm run bench:tests [-- <jest args>]
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus } from "node:os";
import { join, relative } from "node:path";
import { PROJECT_ROOT } from "../lib/process";
import { replaceSection } from "./bench-pipeline";

/** A suite in jest's `--json` report (times in ms since the epoch). */
interface SuiteResult {
  readonly name: string;
  readonly status: string;
  readonly startTime: number;
  readonly endTime: number;
}

/** Which group a suite belongs to, from what it runs (its imports). */
export function groupOf(source: string): string {
  if (/helpers\/(codebuild|harness)"|lib\/harness\//.test(source)) return "integration (local state harness, fake AWS, the build run for real)";
  if (/helpers\/(terraform|slow)"|requireTerraform/.test(source)) return "Terraform (init, validate, plan)";
  return "synth and unit";
}

function main(): number {
  // Not under the OS temp directory: the suite's global teardown cleans up the temp directories it made.
  mkdirSync(join(PROJECT_ROOT, ".lanes"), { recursive: true });
  const out = mkdtempSync(join(PROJECT_ROOT, ".lanes", "test-times-"));
  const file = join(out, "jest.json");
  const ran = spawnSync(join(PROJECT_ROOT, "node_modules", ".bin", "jest"), ["--json", `--outputFile=${file}`, ...process.argv.slice(2)], {
    cwd: PROJECT_ROOT,
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, CHECKPOINT_DISABLE: "1" },
  });
  const report = JSON.parse(readFileSync(file, "utf8")) as { startTime: number; testResults: SuiteResult[]; numFailedTests: number; numTotalTests: number };
  const wall = (Math.max(...report.testResults.map((r) => r.endTime)) - report.startTime) / 1000;
  rmSync(out, { recursive: true, force: true });
  const groups = new Map<string, { suite: string; s: number; status: string }[]>();
  for (const r of report.testResults) {
    const group = groupOf(readFileSync(r.name, "utf8"));
    const list = groups.get(group) ?? [];
    list.push({ suite: relative(PROJECT_ROOT, r.name), s: (r.endTime - r.startTime) / 1000, status: r.status });
    groups.set(group, list);
  }
  const lines = [
    `## Test suite time`,
    ``,
    `One \`jest\` run (${report.numTotalTests} tests, ${report.numFailedTests} failed) on ${cpus().length} cores, ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC: **${wall.toFixed(0)} s wall time** (jest's 2 workers; \`npm test\` adds the import lint and \`tsc\`). Reproduce: \`npm run bench:tests\`. A suite's time is its own wall time in its worker, so suites running side by side overlap; the sum of a group is its share of the workers' time.`,
    ``,
    `| group | suites | sum of suite times |`,
    `|---|---|---|`,
    ...[...groups].map(([g, l]) => `| ${g} | ${l.length} | ${l.reduce((n, x) => n + x.s, 0).toFixed(0)} s |`),
    ``,
    `| suite | group | time |`,
    `|---|---|---|`,
    ...[...groups]
      .flatMap(([g, l]) => l.map((x) => ({ ...x, g })))
      .sort((a, b) => b.s - a.s)
      .map((x) => `| ${x.suite}${x.status === "passed" ? "" : ` (${x.status})`} | ${x.g.split(" ")[0]} | ${x.s.toFixed(1)} s |`),
    ``,
  ];
  replaceSection(join(PROJECT_ROOT, "docs", "BENCHMARKS.md"), lines);
  process.stderr.write(`test-times: ${wall.toFixed(0)} s; wrote docs/BENCHMARKS.md\n`);
  return ran.status ?? 1;
}

process.exit(main());
