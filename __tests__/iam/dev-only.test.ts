/** The simulator and its data are dev dependencies (and AGPL-3.0): only tests may import them. */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { ROOT } from "../helpers/project";

function* sources(dir: string): Generator<string> {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) yield* sources(path);
    else if (/\.(ts|js|mjs|cjs)$/.test(entry)) yield path;
  }
}

test("nothing outside __tests__ imports @cloud-copilot/*", () => {
  const offending: string[] = [];
  for (const dir of ["lib", "stacks", "constructs", "scripts", "ci"]) {
    for (const file of sources(join(ROOT, dir))) if (readFileSync(file, "utf8").includes("@cloud-copilot/")) offending.push(relative(ROOT, file));
  }
  expect(offending).toEqual([]);
});
