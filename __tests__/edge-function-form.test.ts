/**
 * The form of the CloudFront Functions (edge/viewer-request.js, edge/viewer-response.js) as
 * deployed: size, syntax and imports that runtime cloudfront-js-2.0 takes. What the functions
 * decide is in edge-functions.test.ts. These tests read the files' text, so they are not among
 * the suites Stryker runs (stryker/suites.js): in its sandbox the files are instrumented, and
 * their size and text are Stryker's, not ours.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deployedCode, type EdgeFunctionSettings } from "../lib/edge/function-code";
import { cloudfrontCrypto, cloudfrontModule, loadCloudFrontFunction, rewriteImports } from "../lib/edge/function-runtime";

const VIEWER_REQUEST = join(__dirname, "..", "edge", "viewer-request.js");
const VIEWER_RESPONSE = join(__dirname, "..", "edge", "viewer-response.js");
/** CloudFront Functions: "Maximum size of a function: 10 KB" (CloudFront quotas). */
const CLOUDFRONT_FUNCTION_MAX_BYTES = 10 * 1024;

const DEV: EdgeFunctionSettings = { requireSigned: false };
const PROD: EdgeFunctionSettings = { requireSigned: true };

/** Functions of the tests' own, written to a temporary directory. */
const dir = mkdtempSync(join(tmpdir(), "lanes-edge-fn-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function functionFile(name: string, code: string): string {
  const path = join(dir, name);
  writeFileSync(path, code);
  return path;
}

describe("cloudfront-js-2.0 constraints", () => {
  test.each([
    ["viewer-request.js", VIEWER_REQUEST],
    ["viewer-response.js", VIEWER_RESPONSE],
  ])("%s is under CloudFront's 10 KB function size limit as deployed", (_name, path) => {
    for (const settings of [DEV, PROD]) {
      const fn = loadCloudFrontFunction(path, { cloudfront: cloudfrontModule(), crypto: cloudfrontCrypto }, settings);
      expect(fn.size).toBeLessThan(CLOUDFRONT_FUNCTION_MAX_BYTES);
    }
  });

  test.each([
    ["viewer-request.js", VIEWER_REQUEST],
    ["viewer-response.js", VIEWER_RESPONSE],
  ])("%s avoids syntax the runtime does not take (optional chaining, destructuring, spread, require), as written and as deployed", (_name, path) => {
    const source = readFileSync(path, "utf8");
    const written = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
    // Minified code has no comments; regex literals hold no such text.
    const deployed = deployedCode(source, PROD);
    for (const code of [written, deployed]) {
      for (const forbidden of [/\?\.[^0-9]/, /\?\?/, /\b(?:const|let|var)\s*[[{]/, /\.\.\./, /\brequire\s*\(/, /\bexport\b/, /\bclass\s/]) {
        expect(code).not.toMatch(forbidden);
      }
    }
  });

  test("deployed code declares the top-level `async function handler(event)` CloudFront calls", () => {
    for (const path of [VIEWER_REQUEST, VIEWER_RESPONSE]) expect(deployedCode(readFileSync(path, "utf8"), PROD)).toMatch(/(^|[;}\n])async function handler\(/);
  });

  test("the env's setting is written into the deployed code", () => {
    const source = readFileSync(VIEWER_REQUEST, "utf8");
    expect(deployedCode(source, PROD)).not.toBe(deployedCode(source, DEV));
    expect(() => loadCloudFrontFunction(VIEWER_REQUEST, { cloudfront: cloudfrontModule(), crypto: cloudfrontCrypto })).toThrow(/REQUIRE_SIGNED/);
  });

  test("the loader refuses modules the function is not given", () => {
    expect(() => rewriteImports("import fs from 'fs';\nasync function handler(e) { return e; }", ["cloudfront"])).toThrow(
      /unavailable module 'fs'/,
    );
  });

  test("viewer-request imports only cloudfront and crypto", () => {
    expect(() => loadCloudFrontFunction(VIEWER_REQUEST, { cloudfront: cloudfrontModule() }, PROD)).toThrow(/crypto/);
    expect(() => loadCloudFrontFunction(VIEWER_REQUEST, { cloudfront: cloudfrontModule(), crypto: cloudfrontCrypto }, PROD)).not.toThrow();
  });
});

test("a handler esbuild renames to `e` is still called (the wrapper's parameter does not shadow it)", async () => {
  // A handler that does not read its event: esbuild gives it the first short name, `e`.
  const path = functionFile("lone.js", 'async function handler(event) {\n  return "called";\n}\n');
  expect(deployedCode(readFileSync(path, "utf8"), PROD)).toMatch(/^async function e\(/);
  await expect(loadCloudFrontFunction(path, {}).handler({} as never)).resolves.toBe("called");
});

describe("the runtime under mutation testing", () => {
  const path = functionFile("probe.js", "async function handler(event) {\n  return typeof __stryker__ === 'undefined' ? 'none' : __stryker__;\n}\n");
  const g = globalThis as { __stryker__?: unknown };

  test("a function sees StrykerJS's namespace object itself (the active mutant and coverage are shared), only when there is one", async () => {
    const saved = g.__stryker__;
    try {
      const ns = { activeMutant: "7" };
      g.__stryker__ = ns;
      await expect(loadCloudFrontFunction(path, {}).handler({} as never)).resolves.toBe(ns);
      delete g.__stryker__;
      await expect(loadCloudFrontFunction(path, {}).handler({} as never)).resolves.toBe("none");
    } finally {
      if (saved === undefined) delete g.__stryker__;
      else g.__stryker__ = saved;
    }
  });

  test("the active mutant Stryker's jest runner names in the environment is copied into the namespace, as its instrumented code does", async () => {
    const saved = [g.__stryker__, process.env.__STRYKER_ACTIVE_MUTANT__] as const;
    try {
      process.env.__STRYKER_ACTIVE_MUTANT__ = "12";
      g.__stryker__ = {};
      await expect(loadCloudFrontFunction(path, {}).handler({} as never)).resolves.toEqual({ activeMutant: "12" });
      // One already active stays (the namespace is the runner's own).
      g.__stryker__ = { activeMutant: "3" };
      await expect(loadCloudFrontFunction(path, {}).handler({} as never)).resolves.toEqual({ activeMutant: "3" });
      delete process.env.__STRYKER_ACTIVE_MUTANT__;
      g.__stryker__ = {};
      await expect(loadCloudFrontFunction(path, {}).handler({} as never)).resolves.toEqual({});
    } finally {
      if (saved[0] === undefined) delete g.__stryker__;
      else g.__stryker__ = saved[0];
      if (saved[1] === undefined) delete process.env.__STRYKER_ACTIVE_MUTANT__;
      else process.env.__STRYKER_ACTIVE_MUTANT__ = saved[1];
    }
  });
});
