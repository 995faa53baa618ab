/**
 * The test suite's own speed (issue 19, point 4): runs jest once (`--json`), and writes the
 * "Test suite time" section of docs/BENCHMARKS.md: the wall time, and each suite's time by group.
 * With `--cpu`, instead: each suite alone, its CPU time (user + system, the processes it starts
 * included) and the share of it spent in Terraform, into the "Test suite CPU" section — what
 * bounds the wall time on a machine of a few cores, whatever the scheduling.
 * Run: npm run bench:tests [-- <jest args>] | npm run bench:tests -- --cpu [suite…]
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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

/** CPU seconds of a command line run by bash (its children included), from bash's `time`. */
function cpuOf(command: string, env: NodeJS.ProcessEnv): { cpu: number; ok: boolean } {
  const ran = spawnSync("bash", ["-c", `TIMEFORMAT="%U %S"; { time ${command} >/dev/null 2>&1; } 2>&1`], { cwd: PROJECT_ROOT, env, encoding: "utf8" });
  const [user, sys] = ran.stdout.trim().split("\n").pop()!.split(" ").map(Number);
  return { cpu: (user ?? 0) + (sys ?? 0), ok: ran.status === 0 };
}

/**
 * Every suite alone (`jest <file>`), with a `terraform` first on PATH that times the real one
 * and appends its CPU seconds to a log read after each suite: the suite's CPU and Terraform's part of it.
 */
function cpuMode(only: readonly string[]): number {
  mkdirSync(join(PROJECT_ROOT, ".lanes"), { recursive: true });
  const out = mkdtempSync(join(PROJECT_ROOT, ".lanes", "test-cpu-"));
  const real = spawnSync("bash", ["-c", "command -v terraform"], { encoding: "utf8" }).stdout.trim();
  if (!real) throw new Error("terraform is not on PATH");
  const shim = join(out, "bin");
  const log = join(out, "terraform-cpu.log");
  mkdirSync(shim);
  writeFileSync(
    join(shim, "terraform"),
    // The log's path is written into the shim: the build emulator's tests run it with an environment of their own.
    `#!/bin/bash\nTIMEFORMAT="%U %S"\n{ time ${JSON.stringify(real)} "$@" 2>&3; } 3>&2 2>>${JSON.stringify(log)}\n`,
  );
  chmodSync(join(shim, "terraform"), 0o755);
  const jest = join(PROJECT_ROOT, "node_modules", ".bin", "jest");
  const suites = spawnSync(jest, ["--listTests"], { cwd: PROJECT_ROOT, encoding: "utf8" })
    .stdout.trim()
    .split("\n")
    .map((f) => relative(PROJECT_ROOT, f))
    .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
    .sort();
  const rows = suites.map((suite) => {
    rmSync(log, { force: true });
    const { cpu, ok } = cpuOf(`${JSON.stringify(jest)} ${JSON.stringify(suite)}`, { ...process.env, CHECKPOINT_DISABLE: "1", PATH: `${shim}:${process.env.PATH ?? ""}` });
    const tf = existsSync(log) ? readFileSync(log, "utf8").split("\n").filter((l) => /^\d+\.\d+ \d+\.\d+$/.test(l)).map((l) => l.split(" ").map(Number).reduce((a, b) => a + b, 0)) : [];
    const row = { suite, group: groupOf(readFileSync(join(PROJECT_ROOT, suite), "utf8")), cpu, terraform: tf.reduce((a, b) => a + b, 0), runs: tf.length, ok };
    process.stderr.write(`${suite}: ${cpu.toFixed(1)} s CPU (Terraform ${row.terraform.toFixed(1)} s in ${row.runs} runs)${ok ? "" : " FAILED"}\n`);
    return row;
  });
  rmSync(out, { recursive: true, force: true });
  const total = rows.reduce((n, r) => n + r.cpu, 0);
  const tfTotal = rows.reduce((n, r) => n + r.terraform, 0);
  const groups = [...new Set(rows.map((r) => r.group))];
  const sum = (list: typeof rows, f: (r: (typeof rows)[number]) => number) => list.reduce((n, r) => n + f(r), 0);
  const lines = [
    `## Test suite CPU`,
    ``,
    `Each suite run alone (\`jest <file>\`), ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC: its CPU time (user + system, every process it starts included) and the part spent in Terraform (\`init\`, \`validate\`, \`plan\`: mostly loading the AWS provider's schema, 4–6 s of CPU for each \`validate\` or \`plan\`). Run alone, each suite also pays jest's own start-up (about 1.5 s of CPU), which one \`jest\` run pays once per worker, so these figures overstate a whole run by about that much per suite. Reproduce: \`npm run bench:tests -- --cpu\`.`,
    ``,
    `| group | suites | CPU | of which Terraform | Terraform runs |`,
    `|---|---|---|---|---|`,
    ...groups.map((g) => {
      const list = rows.filter((r) => r.group === g);
      return `| ${g} | ${list.length} | ${sum(list, (r) => r.cpu).toFixed(0)} s | ${sum(list, (r) => r.terraform).toFixed(0)} s | ${sum(list, (r) => r.runs)} |`;
    }),
    `| **all** | ${rows.length} | **${total.toFixed(0)} s** | ${tfTotal.toFixed(0)} s | ${sum(rows, (r) => r.runs)} |`,
    ``,
    `CPU over ${cpus().length} cores: ${(total / cpus().length).toFixed(0)} s, less jest's start-up per suite (about ${((rows.length * 1.5) / cpus().length).toFixed(0)} s): what a whole run on these cores needs however it is scheduled. Terraform's part alone: **${(tfTotal / cpus().length).toFixed(0)} s**.`,
    ``,
    `| suite | CPU | Terraform (runs) |`,
    `|---|---|---|`,
    ...[...rows]
      .sort((a, b) => b.cpu - a.cpu)
      .filter((r) => r.cpu >= 5)
      .map((r) => `| ${r.suite}${r.ok ? "" : " (failed)"} | ${r.cpu.toFixed(1)} s | ${r.terraform.toFixed(1)} s (${r.runs}) |`),
    `| ${rows.filter((r) => r.cpu < 5).length} other suites, under 5 s each | ${sum(rows.filter((r) => r.cpu < 5), (r) => r.cpu).toFixed(0)} s | |`,
    ``,
  ];
  if (only.length > 0) {
    process.stdout.write(`${lines.join("\n")}\n`);
    return rows.every((r) => r.ok) ? 0 : 1;
  }
  replaceSection(join(PROJECT_ROOT, "docs", "BENCHMARKS.md"), lines);
  process.stderr.write(`test-times --cpu: ${total.toFixed(0)} s CPU, Terraform ${tfTotal.toFixed(0)} s; wrote docs/BENCHMARKS.md\n`);
  return rows.every((r) => r.ok) ? 0 : 1;
}

function main(): number {
  const args = process.argv.slice(2);
  // --cpu [suite…]: only those suites (printed, docs/BENCHMARKS.md left as it is).
  if (args[0] === "--cpu") return cpuMode(args.slice(1));
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
