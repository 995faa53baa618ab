// @ts-check
/**
 * Stryker's configuration for the policies and the constructs that write them (scripts/mutate-check.ts
 * runs these files with it, and with the iam/* suites: LANES_MUTATE_SUITES=policies). The same as
 * stryker.config.mjs but for static mutants: those suites synthesize the example system when a
 * suite loads, so a policy's code runs outside any test, and Stryker counts that coverage as
 * "static". With `ignoreStatic` it would run such a mutant only with the tests that also covered
 * it inside a test (or not at all), never with the suites whose synth it changed, and the mutant
 * "survives" tests that kill it when it is planted by hand. Here a mutant with static coverage
 * runs every related test (docs/TESTING.md, "Policies"). Such a run loads every related suite,
 * each with its synths (about 25 s of tests on an idle machine), so the timeout is longer too:
 * at 30 s over the measured time, mutants that the tests kill were counted as timeouts.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
import base from "../stryker.config.mjs";

export default { ...base, ignoreStatic: false, timeoutMS: 90000 };
