/**
 * Suites that run Terraform, cdktf or many processes: their tests may take minutes on a busy
 * 2-core machine (several suites share it). The timeout only catches a hang; it asserts nothing
 * about speed (docs/BENCHMARKS.md measures that).
 */
export const TERRAFORM_TEST_TIMEOUT_MS = 600_000;
jest.setTimeout(TERRAFORM_TEST_TIMEOUT_MS);
