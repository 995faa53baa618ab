// @ts-check
/**
 * Mutation testing of the code that decides or protects (docs/TESTING.md): `npm run mutate`.
 * One file while iterating: `npm run mutate:check -- lib/routing.ts` (it keeps the other files'
 * results and each group's suites in the report; a bare `npx stryker run` would drop them).
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  packageManager: "npm",
  testRunner: "jest",
  jest: { projectType: "custom", configFile: "stryker/jest.config.js", enableFindRelatedTests: true },
  checkers: ["typescript"],
  tsconfigFile: "tsconfig.json",
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  coverageAnalysis: "perTest",
  ignoreStatic: true,
  incremental: true,
  incrementalFile: "reports/stryker-incremental.json",
  concurrency: 1,
  // A mutant's run loads the suites that cover it before its tests start, and that load is not in
  // the net time Stryker measures: at 5 s the params mutants "timed out" where a longer run kills
  // them (docs/TESTING.md, "Timeouts"). A mutant that really loops costs this much once.
  timeoutMS: 30000,
  reporters: ["clear-text", "progress", "json"],
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  thresholds: { high: 90, low: 85, break: null },
  tempDirName: ".stryker-tmp",
  ignorePatterns: ["/reports", "/cdktf.out", "/.lanes", "/docs"],
  cleanTempDir: "always",
  mutate: [
    "lib/routing.ts",
    "lib/naming.ts",
    "lib/state.ts",
    "lib/params/schema.ts",
    "lib/params/load.ts",
    "lib/policies/**/*.ts",
    "constructs/service-identity.ts",
    "constructs/private-bucket.ts",
    "constructs/state-backend.ts",
    "constructs/rules-sync.ts",
    "constructs/task-role-boundary.ts",
    "lib/ops/canary.ts",
    "lib/ci/verify.ts",
    "edge/rules.js",
    "edge/keys.js",
    "edge/viewer-request.js",
    "edge/viewer-response.js",
  ],
};
