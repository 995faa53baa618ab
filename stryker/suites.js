/**
 * The suites Stryker runs (stryker/jest.config.js), by name under __tests__/, per group of files
 * (scripts/mutate-check.ts strykerRuns, which sets LANES_MUTATE_SUITES; it also keeps the
 * incremental report to these suites):
 *
 * - "unit": the unit suites, for every file not below.
 * - "policies": the unit suites and the iam/* suites, for lib/policies/** and the constructs that
 *   write policies. The iam/* suites synthesise the example system to read its policies: they are
 *   the unit tests of those files. The stacks' synth suites that pin what those constructs write
 *   besides policies (a bucket's encryption, versioning, public access block and lifecycle; the
 *   lock table) come with them. For any other file they would make each mutant pay a synth
 *   (every module a synth imports is "related"), and its mutants time out instead of being
 *   killed, or surviving, on the evidence of a unit test.
 * - "roles": for lib/policies/roles.ts, the pipeline roles' policy functions, and the needs table
 *   they are judged by (lib/policies/needs/**): the suites that judge those roles request by
 *   request with the simulator, the table's own functions (iam/needs-table), its rows
 *   (iam/needs-rows), state rows (iam/needs-state), request context (iam/needs-keys), request
 *   tags (iam/needs-request-tags, against the provider's requests), notes (iam/needs-notes),
 *   scopes (iam/needs-scope), whose tags a resource carries (iam/needs-owner), the build's own
 *   calls (iam/needs-build), the stand-ins for AWS-assigned ids its ARNs hold (iam/needs-ids)
 *   and the README's role table generated from both (iam/readme).
 *   Run with LANES_PIPELINE_ROLES=direct (stryker/jest.config.js), their `pipelineRole` calls
 *   the role function inside each test instead of reading a synthesized stack
 *   (iam/simulate.test.ts holds the two equal), so a mutant runs with the tests that reach it and
 *   no synth: seconds a mutant instead of the policies group's 12 or more.
 * - "edge-functions": for the CloudFront Functions (edge/viewer-*.js), which the tests load by
 *   path into a context of their own (lib/edge/function-runtime.ts), so no import leads jest's
 *   related-tests lookup to them: their unit suite is named here instead.
 */
const UNIT_SUITES = [
  "routing", "naming", "state-keys", "params", "params-bounds", "params-rules", "selection",
  "edge-functions", "edge-protocol", "edge-sync", "edge-rules", "edge-keys",
  "canary", "canary-judge", "canary-paths", "verify-edge", "verify-decisions",
];
const POLICY_SUITES = ["iam/*", "private-bucket", "rules-sync", "service-identity", "state-stack", "infra-stack", "boot-stack", "pipeline-stack"];
const ROLE_SUITES = ["iam/needs", "iam/escalation", "iam/contract", "iam/gc-role", "iam/least-privilege", "iam/ramp", "iam/needs-table", "iam/needs-ids", "iam/needs-rows", "iam/needs-state", "iam/needs-keys", "iam/needs-notes", "iam/needs-request-tags", "iam/needs-scope", "iam/needs-owner", "iam/needs-build", "iam/readme", "iam/role-statements", "iam/role-denies", "iam/role-conditions", "iam/role-grammar", "iam/build-vpc-policy"];
const EDGE_FUNCTION_SUITES = ["edge-functions"];

const GROUPS = {
  unit: UNIT_SUITES,
  policies: [...UNIT_SUITES, ...POLICY_SUITES],
  roles: ROLE_SUITES,
  "edge-functions": EDGE_FUNCTION_SUITES,
};

/** The suites of a group ("unit", "policies", "roles", "edge-functions"). */
function suites(group) {
  const names = GROUPS[group];
  if (!names) throw new Error(`no suite group '${group}' (stryker/suites.js: ${Object.keys(GROUPS).join(", ")})`);
  return names;
}

/** Whether a test file (relative to the repository, `/`-separated) is one of a group's suites, or of any group's. */
function isSuiteFile(file, group) {
  const names = group === undefined ? [...new Set(Object.values(GROUPS).flat())] : suites(group);
  return names.some((name) => new RegExp(`^__tests__/${name.replace(/\*/g, "[^/]*")}\\.test\\.ts$`).test(file));
}

module.exports = { UNIT_SUITES, POLICY_SUITES, ROLE_SUITES, EDGE_FUNCTION_SUITES, suites, isSuiteFile };
