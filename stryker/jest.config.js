/**
 * The jest configuration Stryker runs (npm run mutate): the project's, restricted to the unit
 * suites that feed the decision and security code on purpose. The suites that synthesise whole
 * apps, run Terraform or start local servers prove integration, not decisions, and cost seconds
 * per mutant just to load; a mutant in the decision code must be killed by a unit test.
 * Stryker's jest runner adds --findRelatedTests for the files being mutated, so a run on one
 * file only loads the suites below that import it.
 */
const base = require("../jest.config.js");

const UNIT_SUITES = [
  "routing", "naming", "state-keys", "params", "params-bounds", "selection",
  "edge-functions", "edge-protocol", "edge-sync",
  "canary", "canary-judge", "canary-paths", "verify-edge", "verify-decisions",
  "iam/*",
];

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  rootDir: "..",
  roots: ["<rootDir>/__tests__"],
  testMatch: UNIT_SUITES.map((name) => `<rootDir>/__tests__/${name}.test.ts`),
  maxWorkers: 1,
};
