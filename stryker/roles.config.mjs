// @ts-check
/**
 * Stryker's configuration for lib/policies/roles.ts and the needs table, lib/policies/needs/**
 * (scripts/mutate-check.ts runs it with the `roles` suites: LANES_MUTATE_SUITES=roles,
 * stryker/suites.js). The same as stryker.config.mjs but for static mutants: the role functions'
 * module-level lists (the EC2 write actions, the log bucket's actions) and the needs table's rows
 * are built when the module loads, and with `ignoreStatic` their mutants would be left out of the
 * score. Here they run every related test of the group; those suites call the
 * role functions in their tests without a synth (LANES_PIPELINE_ROLES=direct), so that costs the
 * group's few seconds, not the policies group's synths (docs/TESTING.md, "Policies").
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
import base from "../stryker.config.mjs";

export default { ...base, ignoreStatic: false };
