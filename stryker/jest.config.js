/**
 * The jest configuration Stryker runs (npm run mutate): the project's, without the suites that
 * run Terraform, cdktf or local servers. Those prove integration, not decisions; a mutant in the
 * decision code must be killed by a unit test that feeds that decision on purpose.
 * Stryker's jest runner adds --findRelatedTests for the files being mutated, so a run on one
 * file only loads the suites that import it.
 */
const base = require("../jest.config.js");

/** Suites that synthesise whole apps, run Terraform or start servers (minutes, not seconds). */
const HEAVY = [
  "terraform-validate", "terraform-setup", "ramp-terraform", "lane-isolation", "concurrency",
  "app-lane-stack", "boot-stack", "infra-stack", "pipeline-stack", "ramp-stack", "edge-stack", "state-stack",
  "dashboard", "architecture", "lanes-cli", "cli-commands", "cli-errors", "fleet", "worker", "registry", "buildspec",
  "edge-origin", "ci-fleet", "node-support",
];

/**
 * Tests that fail at this branch's starting commit for reasons outside the mutated code (Stryker
 * refuses to start on a red dry run); remove each entry when main fixes it:
 * - the ramp priority moved to 49999 (lib/routing.ts RAMP_RULE_PRIORITY), ramp-command's literals say 50000;
 * - the bootstrap role's worst-case inline policy is 10309 characters, over IAM's 10240.
 */
const KNOWN_FAILING = [
  "lanes ramp a healthy ramp adds the rule",
  "lanes ramp a second ramping lane is refused",
  "lanes ramp the README shows the analysis",
  "inline policy quota the worst case fits",
];
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  rootDir: "..",
  testPathIgnorePatterns: ["/node_modules/", ...HEAVY.map((name) => `/__tests__/${name}\\.test\\.ts$`)],
  testNamePattern: `^(?!(${KNOWN_FAILING.map(escape).join("|")}))`,
  maxWorkers: 1,
};
