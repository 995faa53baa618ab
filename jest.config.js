/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__", "<rootDir>/packages"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } }],
  },
  moduleFileExtensions: ["ts", "js", "json"],
  globalSetup: "<rootDir>/__tests__/helpers/global-setup.ts",
  globalTeardown: "<rootDir>/__tests__/helpers/global-teardown.ts",
  testTimeout: 120000,
  // Terraform runs are CPU-heavy; two workers match the 2-core machines this runs on.
  maxWorkers: 2,
};
