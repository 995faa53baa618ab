/**
 * The unit suites Stryker runs (stryker/jest.config.js), by name under __tests__/: read by the
 * jest configuration and by scripts/mutate-check.ts (which keeps the incremental report to them).
 *
 * The iam/* suites synthesise the example system to read its policies: they are the unit tests
 * of lib/policies/** and of the constructs that write policies. The stacks' synth suites that
 * pin what those constructs write besides policies (a bucket's encryption, versioning, public
 * access block and lifecycle; the lock table) come with them. They run only when one of those
 * files is mutated (LANES_MUTATE_IAM=1, set by mutate-check). For any other file they would make
 * each mutant pay a synth (every module a synth imports is "related"), and its mutants time out
 * instead of being killed, or surviving, on the evidence of a unit test.
 */
const UNIT_SUITES = [
  "routing", "naming", "state-keys", "params", "params-bounds", "params-rules", "selection",
  "edge-functions", "edge-protocol", "edge-sync",
  "canary", "canary-judge", "canary-paths", "verify-edge", "verify-decisions",
];
const POLICY_SUITES = ["iam/*", "state-stack", "infra-stack", "boot-stack", "pipeline-stack"];

/** The suites of a run: the unit suites, and the policy suites when `withPolicies`. */
function suites(withPolicies) {
  return [...UNIT_SUITES, ...(withPolicies ? POLICY_SUITES : [])];
}

/** Whether a test file (relative to the repository, `/`-separated) is one of the suites. */
function isSuiteFile(file, withPolicies) {
  return suites(withPolicies).some((name) => new RegExp(`^__tests__/${name.replace(/\*/g, "[^/]*")}\\.test\\.ts$`).test(file));
}

module.exports = { UNIT_SUITES, POLICY_SUITES, suites, isSuiteFile };
