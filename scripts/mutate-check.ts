/**
 * The mutation gate: runs StrykerJS (stryker.config.mjs) incrementally on the listed decision
 * and security files that changed, and fails when a file's mutation score drops below the score
 * recorded for it in reports/mutation-scores.json (docs/TESTING.md explains every survivor). A
 * file with no recorded score yet is measured and reported, not failed.
 *
 *   npm run mutate:check                  listed files changed since the merge base with main (and uncommitted)
 *   npm run mutate:check -- FILE...       these files
 *   npm run mutate:check -- --all         every listed file (what `npm run mutate` runs)
 *   npm run mutate:check -- --recorded    every file with a recorded score: the CI gate (.ci/run);
 *                                         with the committed incremental report only mutants whose
 *                                         code or covering tests changed are run again
 *   ... --record                          write the scores measured as the new record (after explaining survivors)
 *   ... --concurrency=N                   Stryker's concurrency: its test runners and type checkers share it (stryker.config.mjs: 1)
 *   ... --force                           run every mutant of these files again, reusing none of their results (after a
 *                                         change neither Stryker nor the gate sees: an unlisted module outside __tests__/,
 *                                         a dependency's upgrade)
 *   ... --retry-timeouts                  run again these files' mutants that timed out (Stryker reuses a timeout
 *                                         until the code or its tests change; a timeout is no proof of a kill)
 *
 * Stryker reuses the results of unchanged mutants and tests from reports/stryker-incremental.json:
 * each group's run reads a report of that group's files and suites (`groupReport`, written to
 * reports/stryker-incremental.{group}.json for the run) and is merged back (`withGroupResults`),
 * so a run on some files keeps the other files' entries (Stryker itself would drop them), and a
 * suite two groups share is judged changed or not for each group by what that group last ran. A
 * suite that changed (its source or a helper module it loads from __tests__/) since a file of the
 * run was last measured (a digest per file and suite, scripts/suite-helpers.ts) is left out of the
 * test map Stryker is given: its tests run as new.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { staleSuites, suiteDigests } from "./suite-helpers";
/** A group of files and the suites that test them (stryker/suites.js). */
export type SuiteGroup = "unit" | "policies" | "roles" | "edge-functions";
const { isSuiteFile } = require("../stryker/suites.js") as { isSuiteFile: (file: string, group?: SuiteGroup) => boolean };

const ROOT = join(__dirname, "..");
const SCORES = join(ROOT, "reports", "mutation-scores.json");
const INCREMENTAL = join(ROOT, "reports", "stryker-incremental.json");
const REPORT = join(ROOT, "reports", "mutation", "mutation.json");

export interface MutantResult {
  /** Covered outside any test (module load): Stryker records no covering test for it. */
  readonly static?: boolean;
  readonly status: "Killed" | "Survived" | "NoCoverage" | "Timeout" | "CompileError" | "RuntimeError" | "Ignored" | "Pending";
}
export interface Report {
  files: Record<string, { mutants: MutantResult[] } & Record<string, unknown>>;
  testFiles?: Record<string, unknown>;
  /** Each group's suites as its files' results were made with (`groupReport`); Stryker's `testFiles` before. */
  testFilesByGroup?: Partial<Record<SuiteGroup, Record<string, unknown>>>;
  /** For each mutated file, its group's suites (with their helpers) as its results were made with: a digest each (scripts/suite-helpers.ts). */
  suitesByFile?: Record<string, Record<string, string>>;
  [key: string]: unknown;
}

function git(args: string[]): string[] {
  const out = spawnSync("git", args, { cwd: ROOT, encoding: "utf8" });
  if (out.status !== 0) throw new Error(`git ${args.join(" ")}: ${out.stderr.trim()}`);
  return out.stdout.split("\n").filter((line) => line !== "");
}

async function listedFiles(): Promise<string[]> {
  const config = (await import(pathToFileURL(join(ROOT, "stryker.config.mjs")).href)) as { default: { mutate: string[] } };
  return git(["ls-files", "--", ...config.default.mutate.map((pattern) => `:(glob)${pattern}`)]);
}

function changedFiles(): string[] {
  const base = process.env.MUTATE_BASE ?? ["main", "origin/main"].find((ref) => spawnSync("git", ["rev-parse", "--verify", "--quiet", ref], { cwd: ROOT }).status === 0);
  if (!base) throw new Error("no main or origin/main to compare with: set MUTATE_BASE to the ref this branch starts from, or name the files");
  const mergeBase = git(["merge-base", base, "HEAD"])[0]!;
  return [...new Set([...git(["diff", "--name-only", mergeBase, "HEAD"]), ...git(["diff", "--name-only", "HEAD"])])];
}

/** Stryker's mutation score: detected (killed, timed out) over valid (detected, survived, not covered); compile errors do not count. */
export function mutationScore(mutants: readonly MutantResult[]): { score: number; detected: number; valid: number; survived: number } {
  const detected = mutants.filter((m) => m.status === "Killed" || m.status === "Timeout").length;
  const undetected = mutants.filter((m) => m.status === "Survived" || m.status === "NoCoverage").length;
  const valid = detected + undetected;
  return { score: valid === 0 ? 100 : Math.floor((detected / valid) * 10000) / 100, detected, valid, survived: undetected };
}

const GROUPS: readonly SuiteGroup[] = ["unit", "policies", "roles", "edge-functions"];

/**
 * The incremental report one group's Stryker run reads: the group's files, and the suites their
 * results were made with. One committed report holds every group's results, but Stryker keeps
 * one `testFiles` map (each suite's source, from which it tells a changed test), and the groups
 * share suites (the policies group runs the iam/* suites the roles group runs). With one map, a
 * run of one group wrote a changed suite's new source over the one another group's results were
 * made with, and that group's next run (the gate runs the groups in turn) saw the suite
 * unchanged: it reused kills and survivals of tests that had changed. So each group keeps its
 * own map (`testFilesByGroup`); a report from before takes its group's suites from `testFiles`.
 */
export function groupReport(report: Report, group: SuiteGroup): Report {
  const { testFilesByGroup, suitesByFile: _digests, ...rest } = report;
  const files = Object.fromEntries(Object.entries(report.files).filter(([file]) => suiteGroup(file) === group));
  return { ...rest, files, testFiles: testFilesByGroup?.[group] ?? ofGroup(report.testFiles ?? {}, group) };
}

/**
 * The committed report with a group's run on `measured` (its mutated files) merged in: its files'
 * results, its suites, and for each measured file the digests of the suites it was measured with
 * (`digests`); the other groups', and the other files' digests, kept.
 */
export function withGroupResults(report: Report, group: SuiteGroup, run: Report, measured: readonly string[], digests: Readonly<Record<string, string>>, exists?: (file: string) => boolean): Report {
  const { testFiles, testFilesByGroup, suitesByFile, ...rest } = report;
  const byGroup = Object.fromEntries(GROUPS.map((g) => [g, testFilesByGroup?.[g] ?? ofGroup(testFiles ?? {}, g)]));
  byGroup[group] = ofGroup(currentTestFiles(run.testFiles ?? {}, exists), group);
  const { testFiles: _runTests, files: runFiles, ...runRest } = run;
  return { ...rest, ...runRest, files: { ...report.files, ...runFiles }, testFilesByGroup: byGroup, suitesByFile: { ...suitesByFile, ...Object.fromEntries(measured.map((file) => [file, { ...digests }])) } };
}

/**
 * A group's report without the entries of `suites` in its test map, so that Stryker takes their
 * tests for new ones: it runs again every mutant one of them killed or covers. For the suites
 * that changed since a file of the run was measured (`staleSuites`), which Stryker cannot see
 * when the change is in a helper module or was recorded by a run on other files.
 */
export function withoutSuites(report: Report, suites: readonly string[]): Report {
  const testFiles = Object.fromEntries(Object.entries(report.testFiles ?? {}).filter(([file]) => !suites.includes(file)));
  return { ...report, testFiles };
}

const ofGroup = (testFiles: Record<string, unknown>, group: SuiteGroup) => Object.fromEntries(Object.entries(testFiles).filter(([file]) => isSuiteFile(file, group)));

/**
 * Whether a group's suites differ from those in its report (one added, removed, or its source
 * changed): `current` maps each suite file of the group to its source.
 */
export function suitesChanged(report: Report, current: Readonly<Record<string, string>>): boolean {
  const known = (report.testFiles ?? {}) as Record<string, { source?: string }>;
  const files = new Set([...Object.keys(known), ...Object.keys(current)]);
  return [...files].some((file) => known[file]?.source !== current[file]);
}

/** The report without the mutants of `files` that `drop` selects, so that Stryker runs them again. */
function without(report: Report, files: readonly string[], drop: (m: MutantResult, file: string) => boolean): Report {
  const kept = Object.entries(report.files).map(([file, result]) => [file, files.includes(file) ? { ...result, mutants: result.mutants.filter((m) => !drop(m, file)) } : result]);
  return { ...report, files: Object.fromEntries(kept) as Report["files"] };
}

/** The report without any result for the mutants of `files` (`--force`), so that Stryker runs them all again. */
export function withoutResults(report: Report, files: readonly string[]): Report {
  return without(report, files, () => true);
}

/** The report without the mutants of `files` that timed out, so that Stryker runs them again. */
export function withoutTimeouts(report: Report, files: readonly string[]): Report {
  return without(report, files, (m) => m.status === "Timeout");
}

/**
 * The report without the undetected mutants of `files` whose reuse Stryker cannot judge. Stryker
 * reuses a mutant's result until its code or one of its covering tests changes, and it records
 * only coverage inside a test. A static mutant (a module-level table) records none, and in the
 * policy files (run with static mutants: the suites synthesize when they load) a mutant also
 * covered by a suite's top-level synth records only its other tests. So a survival was reused
 * however the suites that load it changed: the tests written to kill log-delivery.ts's table, the
 * buckets' props and the lock table's settings did not count. They run again when a suite of
 * their group changed (`changed`, from `suitesChanged`); with the suites as they were, the
 * survival stands. (lib/policies/roles.ts runs with the role suites, which call its functions in
 * each test: its coverage is whole, its non-static survivors left to Stryker.)
 */
export function withoutStaleUndetected(report: Report, files: readonly string[], changed: (group: SuiteGroup) => boolean = () => true): Report {
  return without(report, files, (m, file) => (m.static === true || suiteGroup(file) === "policies") && (m.status === "Survived" || m.status === "NoCoverage") && changed(suiteGroup(file)));
}

/** Files whose unit tests are the iam/* suites (stryker/jest.config.js): the policies and the constructs that write them. */
export function needsPolicySuites(file: string): boolean {
  return file.startsWith("lib/policies/") || file.startsWith("constructs/");
}

/** The CloudFront Functions: loaded by path into a context of their own, so no import relates a suite to them. */
export function isEdgeFunction(file: string): boolean {
  return /^edge\/viewer-[a-z-]+\.js$/.test(file);
}

/** One Stryker run of mutate:check: its files, its configuration, and the suites it loads. */
export interface StrykerRun {
  readonly files: readonly string[];
  readonly configFile: string;
  readonly suites: SuiteGroup;
}

const RUN_CONFIGS: Record<SuiteGroup, string> = {
  unit: "stryker.config.mjs",
  policies: "stryker/policies.config.mjs",
  roles: "stryker/roles.config.mjs",
  "edge-functions": "stryker/edge-functions.config.mjs",
};

/** The pipeline roles' functions and their needs table: judged by the suites that call them in each test (stryker/suites.js `roles`). */
export function isRoleFunctions(file: string): boolean {
  return file === "lib/policies/roles.ts" || /^lib\/policies\/needs\/[^/]+\.ts$/.test(file);
}

/** The group a file's mutants run with. */
export function suiteGroup(file: string): SuiteGroup {
  if (isRoleFunctions(file)) return "roles";
  if (needsPolicySuites(file)) return "policies";
  if (isEdgeFunction(file)) return "edge-functions";
  return "unit";
}

/**
 * The Stryker runs for `files`, one per group, so that none pays for another's suites: the policy
 * files with the iam/* suites and stryker/policies.config.mjs (static mutants run: those suites
 * synthesize when they load), the pipeline roles' functions with the suites that call them
 * (stryker/roles.config.mjs), the edge functions with their suite named (stryker/edge-functions.config.mjs:
 * no related-tests lookup), the others with the unit suites, static mutants ignored.
 */
export function strykerRuns(files: readonly string[]): StrykerRun[] {
  return (Object.keys(RUN_CONFIGS) as SuiteGroup[])
    .map((suites) => ({ files: files.filter((f) => suiteGroup(f) === suites), configFile: RUN_CONFIGS[suites], suites }))
    .filter((run) => run.files.length > 0);
}

/**
 * The test files of an incremental report that are still suites Stryker runs. An entry of a
 * deleted test file, or of one the suites no longer include, would count as removed tests on
 * every run, and Stryker re-runs every mutant those tests had killed, each time.
 */
export function currentTestFiles(testFiles: Record<string, unknown>, exists: (file: string) => boolean = (file) => existsSync(join(ROOT, file))): Record<string, unknown> {
  return Object.fromEntries(Object.entries(testFiles).filter(([file]) => isSuiteFile(file) && exists(file)));
}

/**
 * Whether the installed Stryker instrumenter mutates an expression under a type assertion. 9.6.1
 * skips `x as T` whole (stryker-js#6208), so everything written `{ … } as const` got no mutant and
 * the scores left it out; patches/@stryker-mutator+instrumenter+9.6.1.patch (applied by
 * patch-package at `npm ci`) skips only the type, as stryker-js PR #6228 does.
 */
export async function instrumenterSeesAssertions(): Promise<boolean> {
  const { Instrumenter } = await import("@stryker-mutator/instrumenter");
  const quiet = { isTraceEnabled: () => false, isDebugEnabled: () => false, isInfoEnabled: () => false, isWarnEnabled: () => false, isErrorEnabled: () => false, isFatalEnabled: () => false, trace() {}, debug() {}, info() {}, warn() {}, error() {}, fatal() {} };
  const probe = { name: "probe.ts", mutate: true, content: "export const probe = { on: true } as const;\n" };
  const { mutants } = await new Instrumenter(quiet).instrument([probe], { plugins: null, excludedMutations: [], ignorers: [] });
  return mutants.some((m) => m.mutatorName === "BooleanLiteral");
}

const readJson = <T>(path: string): T | undefined => (existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as T) : undefined);

/** Each suite file of a group (relative, `/`-separated) and its source as it is now. */
function suiteSources(group: SuiteGroup): Record<string, string> {
  const files = readdirSync(join(ROOT, "__tests__"), { recursive: true, encoding: "utf8" }).map((f) => `__tests__/${f.split(sep).join("/")}`);
  return Object.fromEntries(files.filter((file) => isSuiteFile(file, group)).map((file) => [file, readFileSync(join(ROOT, file), "utf8")]));
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const record = args.includes("--record");
  const listed = await listedFiles();
  const named = args.filter((a) => !a.startsWith("--"));
  const strykerArgs = args.filter((a) => /^--concurrency=\d+$/.test(a)).flatMap((a) => a.split("="));
  const recordedScores = readJson<Record<string, number>>(SCORES) ?? {};
  const files = args.includes("--all")
    ? listed
    : args.includes("--recorded")
      ? Object.keys(recordedScores)
      : named.length > 0
        ? named
        : changedFiles().filter((f) => listed.includes(f));
  const unlisted = files.filter((f) => !listed.includes(f));
  if (unlisted.length > 0) {
    process.stderr.write(`mutate:check: not in stryker.config.mjs's mutate list: ${unlisted.join(", ")}\n`);
    return 2;
  }
  if (files.length === 0) {
    process.stdout.write("mutate:check: no listed file changed\n");
    return 0;
  }
  if (!(await instrumenterSeesAssertions())) {
    process.stderr.write("mutate:check: Stryker's instrumenter is not patched: it would not mutate code under `as` (e.g. `{ … } as const`). Run `npm ci` (its postinstall applies patches/ with patch-package).\n");
    return 2;
  }
  const results: Report["files"] = {};
  for (const { files: runFiles, configFile, suites } of strykerRuns(files)) {
    // The group's own incremental report (groupReport); its results merged back after the run.
    const groupFile = join(ROOT, "reports", `stryker-incremental.${suites}.json`);
    const before = readJson<Report>(INCREMENTAL);
    const sources = suiteSources(suites);
    const digests = suiteDigests(ROOT, Object.keys(sources));
    if (before) {
      const stale = staleSuites(before.suitesByFile, runFiles, digests);
      if (stale.length > 0) process.stdout.write(`mutate:check: ${suites}: ${stale.join(", ")} (or a helper module it loads) changed since ${runFiles.length === 1 ? runFiles[0] : "a file of this run"} was measured: their tests run as new\n`);
      const own = withoutSuites(groupReport(before, suites), stale);
      const changed = suitesChanged(own, sources);
      const reused = args.includes("--force") ? withoutResults(own, runFiles) : args.includes("--retry-timeouts") ? withoutTimeouts(own, runFiles) : own;
      const rerun = withoutStaleUndetected(reused, runFiles, () => changed);
      writeFileSync(groupFile, JSON.stringify(rerun, null, 2));
    } else rmSync(groupFile, { force: true });
    const env = { ...process.env, LANES_MUTATE_SUITES: suites };
    const run = spawnSync("npx", ["stryker", "run", configFile, "--mutate", runFiles.join(","), "--incrementalFile", groupFile, ...strykerArgs], { cwd: ROOT, stdio: "inherit", env });
    const after = readJson<Report>(groupFile);
    rmSync(groupFile, { force: true });
    if (run.status !== 0) return run.status ?? 1;
    if (after) writeFileSync(INCREMENTAL, JSON.stringify(withGroupResults(before ?? { files: {} }, suites, after, runFiles, digests), null, 2));
    const report = readJson<Report>(REPORT);
    if (!report) throw new Error(`no report at ${REPORT}`);
    Object.assign(results, report.files);
  }

  const recorded = { ...recordedScores };
  const failures: string[] = [];
  for (const file of files) {
    const result = results[file];
    if (!result) {
      process.stdout.write(`${file}: not in Stryker's report (no mutant found in it?)\n`);
      failures.push(file);
      continue;
    }
    const { score, detected, valid, survived } = mutationScore(result.mutants);
    const floor = recorded[file];
    const verdict = floor === undefined ? "no recorded score yet (record it with --record once its survivors are explained)" : score >= floor ? `ok (recorded ${floor})` : `BELOW the recorded ${floor}`;
    process.stdout.write(`${file}: ${score}% (${detected}/${valid} detected, ${survived} undetected) ${verdict}\n`);
    if (record) recorded[file] = score;
    else if (floor !== undefined && score < floor) failures.push(file);
  }
  if (record && failures.length === 0) {
    const sorted = Object.fromEntries(Object.entries(recorded).sort(([a], [b]) => a.localeCompare(b)));
    writeFileSync(SCORES, `${JSON.stringify(sorted, null, 2)}\n`);
    process.stdout.write(`mutate:check: recorded in ${SCORES}\n`);
    return 0;
  }
  if (failures.length > 0) {
    process.stderr.write(`mutate:check: below the recorded score or not measured (kill the survivors or explain them in docs/TESTING.md, then --record): ${failures.join(", ")}\n`);
    return 1;
  }
  return 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err: Error) => {
      process.stderr.write(`mutate:check: ${err.message}\n`);
      process.exit(1);
    },
  );
}
