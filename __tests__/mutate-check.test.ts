/**
 * The mutation gate's bookkeeping (scripts/mutate-check.ts, docs/TESTING.md "The CI gate"): which
 * suites a run loads, which test files the incremental report keeps, and the score it compares.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { type Report, type SuiteGroup, currentTestFiles, groupReport, isEdgeFunction, isRoleFunctions, mutationScore, needsPolicySuites, strykerRuns, suiteGroup, suitesChanged, withGroupResults, withoutStaleUndetected, withoutResults, withoutSuites, withoutTimeouts } from "../scripts/mutate-check";
import { helperModules, staleSuites, suiteDigests } from "../scripts/suite-helpers";

const { isSuiteFile, suites } = require("../stryker/suites.js") as { isSuiteFile: (file: string, group?: SuiteGroup) => boolean; suites: (group: string) => string[] };

describe("the suites Stryker runs", () => {
  test.each([
    ["__tests__/routing.test.ts", true, true, false, false],
    ["__tests__/verify-decisions.test.ts", true, true, false, false],
    ["__tests__/edge-functions.test.ts", true, true, false, true],
    ["__tests__/edge-function-form.test.ts", false, false, false, false],
    ["__tests__/iam/needs.test.ts", false, true, true, false],
    ["__tests__/iam/escalation.test.ts", false, true, true, false],
    ["__tests__/iam/simulate.test.ts", false, true, false, false],
    ["__tests__/iam/secrets.test.ts", false, true, false, false],
    ["__tests__/iam/needs-table.test.ts", false, true, true, false],
    ["__tests__/iam/coverage.test.ts", false, true, false, false],
    ["__tests__/state-stack.test.ts", false, true, false, false],
    ["__tests__/pipeline-stack.test.ts", false, true, false, false],
    ["__tests__/app-lane-stack.test.ts", false, false, false, false],
    ["__tests__/iam/nested/deeper.test.ts", false, false, false, false],
    ["__tests__/lane-isolation.test.ts", false, false, false, false],
    ["__tests__/routing.test.js", false, false, false, false],
    ["packages/lane-context/test/routing.test.ts", false, false, false, false],
  ])("%s: a unit suite %s, with the policy suites %s, a role suite %s, an edge function suite %s", (file, unit, withPolicies, roles, edge) => {
    expect(isSuiteFile(file, "unit")).toBe(unit);
    expect(isSuiteFile(file, "policies")).toBe(withPolicies);
    expect(isSuiteFile(file, "roles")).toBe(roles);
    expect(isSuiteFile(file, "edge-functions")).toBe(edge);
    expect(isSuiteFile(file)).toBe(unit || withPolicies || roles || edge);
  });

  test("the roles group's jest configuration runs the role suites with the role functions called directly (LANES_PIPELINE_ROLES=direct); the others do not set it", () => {
    const config = (group: string) => {
      const env: NodeJS.ProcessEnv = { ...process.env, LANES_MUTATE_SUITES: group };
      delete env.LANES_PIPELINE_ROLES;
      const code = `const c = require("./stryker/jest.config.js"); process.stdout.write(JSON.stringify({ direct: process.env.LANES_PIPELINE_ROLES ?? null, testMatch: c.testMatch }));`;
      return JSON.parse(execFileSync(process.execPath, ["-e", code], { cwd: join(__dirname, ".."), env, encoding: "utf8" })) as { direct: string | null; testMatch: string[] };
    };
    expect(config("roles")).toEqual({ direct: "direct", testMatch: suites("roles").map((name) => `<rootDir>/__tests__/${name}.test.ts`) });
    expect(config("policies").direct).toBeNull();
    expect(config("unit").direct).toBeNull();
  });

  test("the role suites are policy suites that judge the pipeline roles (a role file's mutants in the policies group would run them too)", () => {
    expect(suites("roles").every((name) => isSuiteFile(`__tests__/${name}.test.ts`, "policies"))).toBe(true);
  });

  test("an unknown group is an error that names the groups", () => {
    expect(() => suites("iam")).toThrow("no suite group 'iam' (stryker/suites.js: unit, policies, roles, edge-functions)");
  });

  test("the CloudFront Functions are the edge function files; the sync's modules are not", () => {
    expect(["edge/viewer-request.js", "edge/viewer-response.js"].map(isEdgeFunction)).toEqual([true, true]);
    expect(["edge/rules.js", "edge/keys.js", "edge/sync/index.js", "lib/edge/viewer-request.js", "edge/viewer-request.ts"].map(isEdgeFunction)).toEqual([false, false, false, false, false]);
  });

  test("lib/policies/roles.ts and the needs table run with the role suites; the other policy files with the iam/* suites", () => {
    expect(["lib/policies/roles.ts", "lib/policies/needs/app.ts", "lib/policies/trust.ts", "constructs/delivery-pipeline.ts", "lib/routing.ts"].map(suiteGroup)).toEqual(["roles", "roles", "policies", "policies", "unit"]);
    expect(["lib/policies/roles.ts", "lib/policies/needs/index.ts", "lib/policies/roles.js", "lib/roles.ts", "lib/policies/needs/deeper/x.ts", "lib/policies/needs.ts"].map(isRoleFunctions)).toEqual([true, true, false, false, false, false]);
  });

  test("the iam/* suites are loaded for the policies and the constructs that write them, not for other files", () => {
    expect(["lib/policies/roles.ts", "lib/policies/trust.ts", "constructs/private-bucket.ts"].map(needsPolicySuites)).toEqual([true, true, true]);
    expect(["lib/routing.ts", "lib/params/schema.ts", "edge/rules.js", "lib/policies.ts"].map(needsPolicySuites)).toEqual([false, false, false, false]);
  });
});

describe("the Stryker runs of a check", () => {
  test("each group runs apart, with its configuration and suites", () => {
    expect(strykerRuns(["lib/routing.ts", "edge/viewer-request.js", "lib/policies/trust.ts", "lib/policies/roles.ts", "lib/state.ts", "constructs/private-bucket.ts", "edge/rules.js"])).toEqual([
      { files: ["lib/routing.ts", "lib/state.ts", "edge/rules.js"], configFile: "stryker.config.mjs", suites: "unit" },
      { files: ["lib/policies/trust.ts", "constructs/private-bucket.ts"], configFile: "stryker/policies.config.mjs", suites: "policies" },
      { files: ["lib/policies/roles.ts"], configFile: "stryker/roles.config.mjs", suites: "roles" },
      { files: ["edge/viewer-request.js"], configFile: "stryker/edge-functions.config.mjs", suites: "edge-functions" },
    ]);
  });
  test("one run when every file is of one kind", () => {
    expect(strykerRuns(["lib/routing.ts"])).toEqual([{ files: ["lib/routing.ts"], configFile: "stryker.config.mjs", suites: "unit" }]);
    expect(strykerRuns(["lib/policies/trust.ts"])).toEqual([{ files: ["lib/policies/trust.ts"], configFile: "stryker/policies.config.mjs", suites: "policies" }]);
    expect(strykerRuns(["edge/viewer-response.js"])).toEqual([{ files: ["edge/viewer-response.js"], configFile: "stryker/edge-functions.config.mjs", suites: "edge-functions" }]);
  });
  test("the policy configuration is the project's with static mutants run and a longer timeout, the roles' with static mutants run; the edge functions' without the related-tests lookup", () => {
    // Both configurations are ES modules: read by node itself, as Stryker reads them.
    const read = (file: string) =>
      JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", `import c from ${JSON.stringify(pathToFileURL(join(__dirname, "..", file)).href)}; process.stdout.write(JSON.stringify(c));`], { encoding: "utf8" })) as Record<string, unknown>;
    const base = read("stryker.config.mjs");
    expect(read("stryker/policies.config.mjs")).toEqual({ ...base, ignoreStatic: false, timeoutMS: 90000 });
    expect(read("stryker/roles.config.mjs")).toEqual({ ...base, ignoreStatic: false });
    expect(read("stryker/edge-functions.config.mjs")).toEqual({ ...base, jest: { ...(base.jest as object), enableFindRelatedTests: false } });
    expect(base.jest).toMatchObject({ enableFindRelatedTests: true });
    expect(base.ignoreStatic).toBe(true);
  });
});

describe("the incremental report's test files", () => {
  test("keeps the suites that still exist, drops deleted files and files no suite includes", () => {
    const report = {
      "__tests__/routing.test.ts": { tests: [] },
      "__tests__/iam/needs.test.ts": { tests: [] },
      "__tests__/canary-decisions.test.ts": { tests: [] },
      "__tests__/local-state.test.ts": { tests: [] },
    };
    const onDisk = new Set(["__tests__/routing.test.ts", "__tests__/iam/needs.test.ts", "__tests__/local-state.test.ts"]);
    expect(Object.keys(currentTestFiles(report, (f) => onDisk.has(f)))).toEqual(["__tests__/routing.test.ts", "__tests__/iam/needs.test.ts"]);
  });
});

describe("the score", () => {
  test("(killed + timed out) / (killed + timed out + survived + no coverage), floored to hundredths; compile errors and ignored mutants do not count", () => {
    const statuses = ["Killed", "Killed", "Timeout", "Survived", "NoCoverage", "Killed", "CompileError", "Ignored"] as const;
    // 4 detected of 6 valid: 66.666…% floored to 66.66.
    expect(mutationScore(statuses.map((status) => ({ status })))).toEqual({ score: 66.66, detected: 4, valid: 6, survived: 2 });
  });

  test("a file without valid mutants scores 100", () => {
    expect(mutationScore([{ status: "CompileError" }])).toEqual({ score: 100, detected: 0, valid: 0, survived: 0 });
  });
});

describe("--force", () => {
  test("drops every result of the files named, and only theirs, so that Stryker runs each of their mutants again", () => {
    const report: Report = {
      files: {
        "lib/a.ts": { language: "typescript", mutants: [{ status: "Timeout" }, { status: "Killed" }, { status: "Survived", static: true }] },
        "lib/b.ts": { language: "typescript", mutants: [{ status: "Killed" }] },
      },
      testFiles: { "__tests__/a.test.ts": {} },
    };
    expect(withoutResults(report, ["lib/a.ts"])).toEqual({
      files: { "lib/a.ts": { language: "typescript", mutants: [] }, "lib/b.ts": { language: "typescript", mutants: [{ status: "Killed" }] } },
      testFiles: { "__tests__/a.test.ts": {} },
    });
  });
});

describe("--retry-timeouts", () => {
  test("drops the timed-out mutants of the files named, and only those, so that Stryker runs them again", () => {
    const report: Report = {
      schemaVersion: "2",
      files: {
        "lib/a.ts": { language: "typescript", mutants: [{ status: "Timeout" }, { status: "Killed" }, { status: "Survived" }] },
        "lib/b.ts": { language: "typescript", mutants: [{ status: "Timeout" }] },
      },
      testFiles: { "__tests__/a.test.ts": {} },
    };
    expect(withoutTimeouts(report, ["lib/a.ts"])).toEqual({
      schemaVersion: "2",
      files: {
        "lib/a.ts": { language: "typescript", mutants: [{ status: "Killed" }, { status: "Survived" }] },
        "lib/b.ts": { language: "typescript", mutants: [{ status: "Timeout" }] },
      },
      testFiles: { "__tests__/a.test.ts": {} },
    });
  });
});

describe("undetected mutants whose reuse Stryker cannot judge", () => {
  test("static ones, and any in a file of the policies group (covered by suites' top-level synths too; not roles.ts, whose suites call it in each test), are dropped for the files checked, so that Stryker runs them again", () => {
    const undetected = [{ status: "Survived" as const }, { status: "NoCoverage" as const }];
    const report: Report = {
      files: {
        "lib/a.ts": {
          mutants: [
            { status: "Survived", static: true },
            { status: "NoCoverage", static: true },
            { status: "Killed", static: true },
            { status: "Timeout", static: true },
            { status: "Survived", static: false },
            ...undetected,
          ],
        },
        "lib/b.ts": { mutants: [{ status: "Survived", static: true }] },
        "constructs/state-backend.ts": { mutants: [...undetected, { status: "Survived", static: false }, { status: "Killed" }, { status: "Timeout" }] },
        "lib/policies/roles.ts": { mutants: [...undetected] },
      },
    };
    // roles.ts runs with the role suites, which cover it inside their tests: only its static survivors run again.
    expect(withoutStaleUndetected(report, ["lib/policies/roles.ts"]).files["lib/policies/roles.ts"]).toEqual({ mutants: [{ status: "Survived" }, { status: "NoCoverage" }] });
    const withStatic = { files: { "lib/policies/roles.ts": { mutants: [{ status: "Survived", static: true }, { status: "Survived", static: false }] } } } as unknown as Report;
    expect(withoutStaleUndetected(withStatic, ["lib/policies/roles.ts"]).files["lib/policies/roles.ts"]).toEqual({ mutants: [{ status: "Survived", static: false }] });
    expect(withoutStaleUndetected(report, ["lib/a.ts", "constructs/state-backend.ts"])).toEqual({
      files: {
        "lib/a.ts": { mutants: [{ status: "Killed", static: true }, { status: "Timeout", static: true }, { status: "Survived", static: false }, ...undetected] },
        "lib/b.ts": { mutants: [{ status: "Survived", static: true }] },
        "constructs/state-backend.ts": { mutants: [{ status: "Killed" }, { status: "Timeout" }] },
        "lib/policies/roles.ts": { mutants: [...undetected] },
      },
    });
  });
});

describe("the instrumenter the gate runs", () => {
  // Stryker's own instrumenter, loaded by node as mutate:check loads it (jest's module system
  // does not load ES modules): with patches/ applied, code under `as const` gets its mutants.
  const seesAssertions = () =>
    execFileSync(process.execPath, ["--import", "tsx", "-e", 'require("./scripts/mutate-check.ts").instrumenterSeesAssertions().then((yes) => process.stdout.write(String(yes)))'], {
      cwd: join(__dirname, ".."),
      encoding: "utf8",
    });

  test("mutates the expression under a type assertion (`{ on: true } as const`), not only code outside one", () => {
    expect(seesAssertions()).toBe("true");
  });
});

describe("each group's results with the suites they were made with", () => {
  const NEEDS_ROWS = "__tests__/iam/needs-rows.test.ts";
  const ROUTING = "__tests__/routing.test.ts";
  const SECRETS = "__tests__/iam/secrets.test.ts";
  const suite = (source: string) => ({ tests: [], source });
  const committed: Report = {
    schemaVersion: "2",
    files: {
      "lib/routing.ts": { mutants: [{ status: "Killed" }] },
      "lib/policies/roles.ts": { mutants: [{ status: "Survived", static: true }] },
      "lib/policies/log-delivery.ts": { mutants: [{ status: "Killed" }] },
    },
    // A report from before: one map for every group.
    testFiles: { [ROUTING]: suite("r1"), [NEEDS_ROWS]: suite("n1"), [SECRETS]: suite("s1") },
  };
  const everyFileExists = () => true;

  test("a group's run reads its own files and its own suites (from the one map of a report from before)", () => {
    expect(groupReport(committed, "roles")).toEqual({ schemaVersion: "2", files: { "lib/policies/roles.ts": committed.files["lib/policies/roles.ts"] }, testFiles: { [NEEDS_ROWS]: suite("n1") } });
    expect(groupReport(committed, "policies").testFiles).toEqual({ [ROUTING]: suite("r1"), [NEEDS_ROWS]: suite("n1"), [SECRETS]: suite("s1") });
    expect(Object.keys(groupReport(committed, "unit").files)).toEqual(["lib/routing.ts"]);
  });

  test("merging a run keeps the other groups' files and suites, and replaces only its own", () => {
    const policiesRun: Report = { schemaVersion: "2", files: { "lib/policies/log-delivery.ts": { mutants: [{ status: "Survived" }] } }, testFiles: { [ROUTING]: suite("r1"), [NEEDS_ROWS]: suite("n2"), [SECRETS]: suite("s1") } };
    const merged = withGroupResults(committed, "policies", policiesRun, ["lib/policies/log-delivery.ts"], { [NEEDS_ROWS]: "d2" }, everyFileExists);
    expect(merged.files).toEqual({ ...committed.files, "lib/policies/log-delivery.ts": { mutants: [{ status: "Survived" }] } });
    expect(merged.testFiles).toBeUndefined();
    expect(merged.suitesByFile).toEqual({ "lib/policies/log-delivery.ts": { [NEEDS_ROWS]: "d2" } });
    // The roles group's run after it records its files' digests, keeping the policy file's.
    const rolesRun: Report = { files: {}, testFiles: { [NEEDS_ROWS]: suite("n2") } };
    expect(withGroupResults(merged, "roles", rolesRun, ["lib/policies/roles.ts"], { [NEEDS_ROWS]: "d3" }, everyFileExists).suitesByFile).toEqual({
      "lib/policies/log-delivery.ts": { [NEEDS_ROWS]: "d2" },
      "lib/policies/roles.ts": { [NEEDS_ROWS]: "d3" },
    });
    // Stryker is not given the digests: they are the gate's.
    expect(groupReport({ ...merged, suitesByFile: { "lib/policies/roles.ts": { [NEEDS_ROWS]: "d3" } } }, "roles")).not.toHaveProperty("suitesByFile");
    expect(merged.testFilesByGroup).toEqual({
      unit: { [ROUTING]: suite("r1") },
      policies: { [ROUTING]: suite("r1"), [NEEDS_ROWS]: suite("n2"), [SECRETS]: suite("s1") },
      roles: { [NEEDS_ROWS]: suite("n1") },
      "edge-functions": {},
    });
    // The gate runs the policies group before the roles group: the roles' results were made with
    // needs-rows as it was (n1), so the roles group still sees it changed (n2 on disk) and runs
    // again what its change may decide, instead of reusing it.
    expect(suitesChanged(groupReport(merged, "roles"), { [NEEDS_ROWS]: "n2" })).toBe(true);
    expect(suitesChanged(groupReport(merged, "policies"), { [ROUTING]: "r1", [NEEDS_ROWS]: "n2", [SECRETS]: "s1" })).toBe(false);
  });

  test("a merged run's suites are only its group's that still exist", () => {
    const run: Report = { files: {}, testFiles: { [NEEDS_ROWS]: suite("n2"), "__tests__/iam/gone.test.ts": suite("g"), [ROUTING]: suite("r2") } };
    const merged = withGroupResults(committed, "roles", run, [], {}, (file) => file !== "__tests__/iam/gone.test.ts");
    expect(merged.testFilesByGroup?.roles).toEqual({ [NEEDS_ROWS]: suite("n2") });
    expect(merged.testFilesByGroup?.unit).toEqual({ [ROUTING]: suite("r1") });
  });

  test("suites changed: one added, one removed, or a source that differs; not the same suites", () => {
    const own: Report = { files: {}, testFiles: { [NEEDS_ROWS]: suite("n1"), [SECRETS]: suite("s1") } };
    expect(suitesChanged(own, { [NEEDS_ROWS]: "n1", [SECRETS]: "s1" })).toBe(false);
    expect(suitesChanged(own, { [NEEDS_ROWS]: "n1", [SECRETS]: "s2" })).toBe(true);
    expect(suitesChanged(own, { [NEEDS_ROWS]: "n1" })).toBe(true);
    expect(suitesChanged(own, { [NEEDS_ROWS]: "n1", [SECRETS]: "s1", [ROUTING]: "r1" })).toBe(true);
    expect(suitesChanged({ files: {} }, {})).toBe(false);
  });

  test("with its group's suites unchanged, a static survivor's result stands; changed, it runs again", () => {
    const report: Report = { files: { "lib/policies/roles.ts": { mutants: [{ status: "Survived", static: true }, { status: "Killed", static: true }] } } };
    expect(withoutStaleUndetected(report, ["lib/policies/roles.ts"], () => false)).toEqual(report);
    expect(withoutStaleUndetected(report, ["lib/policies/roles.ts"], (group) => group === "roles").files["lib/policies/roles.ts"]).toEqual({ mutants: [{ status: "Killed", static: true }] });
    expect(withoutStaleUndetected(report, ["lib/policies/roles.ts"], (group) => group === "policies")).toEqual(report);
  });
});

describe("a suite's helper modules (scripts/suite-helpers.ts): what Stryker does not see change", () => {
  let root: string;
  const write = (file: string, source: string) => {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), source);
  };
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "lanes-helpers-"));
    write("__tests__/iam/a.test.ts", 'import { x } from "./simulate";\nimport "../helpers/slow";\nimport { z } from "../../lib/z";\nimport { parse } from "zod";\n');
    write("__tests__/iam/simulate.ts", 'export * from "./grammar";\nconst r = require("../helpers/oracle");\nexport const x = () => import("./late");\n');
    write("__tests__/iam/grammar.ts", 'import type { T } from "./simulate";\nimport { y } from "./missing";\n');
    write("__tests__/helpers/slow.ts", "jest.setTimeout(1);\n");
    write("__tests__/helpers/oracle.js", "module.exports = {};\n");
    write("__tests__/iam/late/index.ts", "export const late = 1;\n");
    write("__tests__/iam/unrelated.ts", "export const u = 1;\n");
    write("__tests__/b.test.ts", 'import { u } from "./iam/unrelated";\n');
    write("lib/z.ts", 'import { w } from "../__tests__/helpers/never";\n');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  test("are the files under __tests__/ it imports, requires or re-exports, transitively (cycles once; not lib/, node_modules or a specifier that names no file)", () => {
    expect(helperModules(root, "__tests__/iam/a.test.ts")).toEqual([
      "__tests__/helpers/oracle.js",
      "__tests__/helpers/slow.ts",
      "__tests__/iam/grammar.ts",
      "__tests__/iam/late/index.ts",
      "__tests__/iam/simulate.ts",
    ]);
    expect(helperModules(root, "__tests__/b.test.ts")).toEqual(["__tests__/iam/unrelated.ts"]);
  });

  test("a suite's digest changes with its own source and with a helper it loads, however deep; not with another suite's helper", () => {
    const A = "__tests__/iam/a.test.ts";
    const B = "__tests__/b.test.ts";
    const first = suiteDigests(root, [A, B]);
    expect(first[A]).toMatch(/^[0-9a-f]{64}$/);
    expect(suiteDigests(root, [A, B])).toEqual(first);
    write(A, 'import { x } from "./simulate";\nimport "../helpers/slow";\n// a new test\n');
    const second = suiteDigests(root, [A, B]);
    expect([second[A] === first[A], second[B] === first[B]]).toEqual([false, true]);
    write("__tests__/helpers/oracle.js", "module.exports = { weaker: true };\n");
    const third = suiteDigests(root, [A, B]);
    expect([third[A] === second[A], third[B] === second[B]]).toEqual([false, true]);
    write("__tests__/iam/unrelated.ts", "export const u = 2;\n");
    expect(suiteDigests(root, [A, B])[A]).toBe(third[A]);
  });

  test("stale: a suite whose digest differs from one recorded for a file of the run; not for a file outside it, not a suite with none recorded (new: Stryker runs it as new), nothing for a file with no map yet", () => {
    const recorded = { "lib/a.ts": { s: "1", t: "2" }, "lib/b.ts": { s: "0", t: "2" } };
    const now = { s: "1", t: "3", u: "4" };
    expect(staleSuites(recorded, ["lib/a.ts"], now)).toEqual(["t"]);
    // lib/b.ts was measured before a run on lib/a.ts recorded s as it is now: its results still see s changed.
    expect(staleSuites(recorded, ["lib/b.ts"], now)).toEqual(["s", "t"]);
    expect(staleSuites(recorded, ["lib/a.ts", "lib/b.ts"], now)).toEqual(["s", "t"]);
    expect(staleSuites(recorded, ["lib/c.ts"], now)).toEqual([]);
    expect(staleSuites(undefined, ["lib/a.ts"], now)).toEqual([]);
    expect(staleSuites(recorded, ["lib/a.ts"], { s: "1", t: "2" })).toEqual([]);
  });

  test("a suite that changed since a file of the run was measured leaves the group's report, so that Stryker runs its tests as new and its group's survivors run again", () => {
    const NEEDS = "__tests__/iam/needs-rows.test.ts";
    const ROLE = "__tests__/iam/readme.test.ts";
    const own: Report = { files: { "lib/policies/roles.ts": { mutants: [{ status: "Survived", static: true }] } }, testFiles: { [NEEDS]: { tests: [], source: "n" }, [ROLE]: { tests: [], source: "r" } } };
    const dropped = withoutSuites(own, [NEEDS]);
    expect(dropped.testFiles).toEqual({ [ROLE]: { tests: [], source: "r" } });
    expect(dropped.files).toEqual(own.files);
    expect(suitesChanged(dropped, { [NEEDS]: "n", [ROLE]: "r" })).toBe(true);
    expect(withoutSuites(own, [])).toEqual(own);
  });
});
