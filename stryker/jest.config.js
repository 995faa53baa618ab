/**
 * The jest configuration Stryker runs (npm run mutate): the project's, restricted to the unit
 * suites that feed the decision and security code on purpose (stryker/suites.js). The suites
 * that synthesise whole apps, run Terraform or start local servers prove integration, not
 * decisions, and cost seconds per mutant just to load; a mutant in the decision code must be
 * killed by a unit test. Stryker's jest runner adds --findRelatedTests for the files being
 * mutated, so a run on one file only loads the suites that import it.
 */
const base = require("../jest.config.js");
const { suites } = require("./suites.js");

const group = process.env.LANES_MUTATE_SUITES ?? "unit";
// The roles group judges the role functions called in each test (__tests__/iam/simulate.ts pipelineRole).
if (group === "roles") process.env.LANES_PIPELINE_ROLES = "direct";

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  rootDir: "..",
  // Every directory of the code the tests import: jest's --findRelatedTests (which Stryker runs
  // per mutant, on the mutant's file) follows imports only through files under the roots. With
  // __tests__ alone, a file reached through another (a policy through a construct and a stack)
  // had no related test, so its mutants ran no test and "survived".
  roots: ["<rootDir>/__tests__", "<rootDir>/lib", "<rootDir>/stacks", "<rootDir>/constructs", "<rootDir>/edge"],
  testMatch: suites(group).map((name) => `<rootDir>/__tests__/${name}.test.ts`),
  maxWorkers: 1,
};
