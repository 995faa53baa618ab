// @ts-check
/**
 * Stryker's configuration for the CloudFront Functions (edge/viewer-*.js; scripts/mutate-check.ts
 * runs them with it, and with their suite: LANES_MUTATE_SUITES=edge-functions). The same as
 * stryker.config.mjs but without jest's related-tests lookup: the tests load these files by path
 * into a `node:vm` context of their own (lib/edge/function-runtime.ts, which hands that context
 * Stryker's namespace object), so no import relates a suite to them and the lookup finds none
 * ("No tests were executed"). The suite is named instead (stryker/suites.js), and per-test
 * coverage still runs each mutant with only the tests that reach it.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
import base from "../stryker.config.mjs";

export default { ...base, jest: { ...base.jest, enableFindRelatedTests: false } };
