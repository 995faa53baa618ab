/**
 * What each suite is, for the mutation gate (scripts/mutate-check.ts): its source and the test
 * helper modules it loads. Stryker tells a changed test from the suite file's own source only,
 * and keeps one test map for every file of a run:
 * - a change to a module the suite imports from __tests__/ (a simulator, a context builder, an
 *   oracle table) leaves every test's text as it was, so Stryker would reuse its kills and
 *   survivals;
 * - a run on some files records the suites as they are now for all of them, so the other files'
 *   results, made with the suites as they were, would be reused as if made with these.
 * The gate records, for each mutated file a run measured, a digest of each suite and its helpers
 * (`suiteDigests`), and before the next run drops from Stryker's report the suites whose digest
 * differs from one recorded for a file of that run (`staleSuites`), so that their tests count as
 * new and what they cover runs again.
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

/** Each suite's digest: a SHA-256 of its own and its helper modules' paths and sources (`helperModules`). */
export function suiteDigests(root: string, suites: readonly string[]): Record<string, string> {
  return Object.fromEntries(
    suites.map((suite) => {
      const sources = [suite, ...helperModules(root, suite)].map((file) => [file, readFileSync(join(root, file), "utf8")]);
      return [suite, createHash("sha256").update(JSON.stringify(sources)).digest("hex")];
    }),
  );
}

/**
 * The suites whose digest differs from the one recorded for any of `files` (the mutated files
 * of a run), sorted: `recorded` maps each file to the digests its results were made with. A file
 * with none recorded (a report from before the gate kept them) is taken as made with the suites
 * as they are; a suite with no recorded digest is new, and Stryker runs it as new already.
 */
export function staleSuites(recorded: Readonly<Record<string, Readonly<Record<string, string>>>> | undefined, files: readonly string[], current: Readonly<Record<string, string>>): string[] {
  const stale = new Set<string>();
  for (const file of files) {
    const made = recorded?.[file];
    if (made === undefined) continue;
    for (const [suite, digest] of Object.entries(current)) if (made[suite] !== undefined && made[suite] !== digest) stale.add(suite);
  }
  return [...stale].sort();
}
