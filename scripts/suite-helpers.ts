/**
 * The test helper modules a suite loads, for the mutation gate (scripts/mutate-check.ts).
 * Stryker tells a changed test from the suite file's own source only: a change to a module the
 * suite imports from __tests__/ (a simulator, a context builder, an oracle table) leaves every
 * test's text as it was, so Stryker would reuse its kills and survivals. The gate records, per
 * suite, a digest of the helper modules it loads (`helperDigests`) with each run, and before the
 * next one drops from Stryker's report the suites whose digest differs (`staleHelperSuites`), so
 * that their tests count as new and what they cover runs again.
 *
 * Followed: relative `import … from`, `import "…"`, `import(…)`, `require(…)` and `export … from`
 * of files under __tests__/, transitively. Not followed: modules outside __tests__/ (a listed
 * file's changes Stryker sees mutant by mutant; an unlisted one's it does not see, as it does not
 * see a dependency's upgrade) and files a helper reads at run time rather than imports.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)["'](\.{1,2}\/[^"']+)["']/g;
const EXTENSIONS = ["", ".ts", ".js", "/index.ts", "/index.js"];

/** The file a relative specifier names from `fromFile` (both relative to `root`), if it exists. */
function resolveSpecifier(root: string, fromFile: string, specifier: string): string | undefined {
  const base = join(dirname(join(root, fromFile)), specifier);
  const found = EXTENSIONS.map((ext) => `${base}${ext}`).find((path) => existsSync(path) && statSync(path).isFile());
  return found === undefined ? undefined : relative(root, found).split(sep).join("/");
}

/** The files under __tests__/ that `suite` loads through relative imports, transitively, sorted (the suite itself not included). */
export function helperModules(root: string, suite: string): string[] {
  const seen = new Set<string>([suite]);
  const queue = [suite];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    const source = readFileSync(join(root, file), "utf8");
    for (const [, specifier] of source.matchAll(IMPORT)) {
      const target = resolveSpecifier(root, file, specifier!);
      if (target === undefined || !target.startsWith("__tests__/") || seen.has(target)) continue;
      seen.add(target);
      queue.push(target);
    }
  }
  seen.delete(suite);
  return [...seen].sort();
}

/** Each suite's helper digest: a SHA-256 of its helper modules' paths and sources (`helperModules`). */
export function helperDigests(root: string, suites: readonly string[]): Record<string, string> {
  return Object.fromEntries(
    suites.map((suite) => {
      const sources = helperModules(root, suite).map((file) => [file, readFileSync(join(root, file), "utf8")]);
      return [suite, createHash("sha256").update(JSON.stringify(sources)).digest("hex")];
    }),
  );
}

/**
 * The suites whose helpers differ from those the group's results were made with: `recorded` is
 * the group's map from its last run, `current` the digests now. With no map recorded (a report
 * from before the gate kept one) the results are taken as made with the helpers as they are; a
 * suite with no recorded digest is new, and Stryker runs it as new already.
 */
export function staleHelperSuites(recorded: Readonly<Record<string, string>> | undefined, current: Readonly<Record<string, string>>): string[] {
  if (recorded === undefined) return [];
  return Object.keys(current)
    .filter((suite) => recorded[suite] !== undefined && recorded[suite] !== current[suite])
    .sort();
}
