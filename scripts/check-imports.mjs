#!/usr/bin/env node
/**
 * Fails when a source file imports the @cdktf/provider-aws barrel (the package root or its
 * lib/ index): those cost 4-7x in synth and test time. Deep imports only:
 * `@cdktf/provider-aws/lib/<resource>`.
 * Usage: node scripts/check-imports.mjs [dir...]   (default: the project's source folders)
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const BARREL = /(?:from\s+|require\(\s*|import\(\s*)["']@cdktf\/provider-aws(?:\/lib)?(?:\/index(?:\.js)?)?\/?["']/;
const SKIP = new Set(["node_modules", "cdktf.out", ".git", ".lanes", "coverage"]);
const EXT = /\.(ts|tsx|js|mjs|cjs)$/;

const roots = process.argv.slice(2);
const dirs = roots.length > 0 ? roots : ["main.ts", "lib", "stacks", "constructs", "scripts", "ci", "__tests__"];

function* files(path) {
  if (!existsSync(path)) return;
  if (statSync(path).isFile()) {
    if (EXT.test(path)) yield path;
    return;
  }
  for (const entry of readdirSync(path)) {
    if (SKIP.has(entry) || entry === "fixtures") continue;
    yield* files(join(path, entry));
  }
}

const offences = [];
for (const dir of dirs) {
  for (const file of files(dir)) {
    readFileSync(file, "utf8")
      .split("\n")
      .forEach((line, i) => {
        if (BARREL.test(line)) offences.push(`${relative(process.cwd(), file)}:${i + 1}: ${line.trim()}`);
      });
  }
}
if (offences.length > 0) {
  process.stderr.write(
    `Barrel imports of @cdktf/provider-aws found; import from '@cdktf/provider-aws/lib/<resource>' instead:\n${offences.join("\n")}\n`,
  );
  process.exit(1);
}
process.stdout.write("imports: deep @cdktf/provider-aws imports only\n");
