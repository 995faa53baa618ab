/**
 * Regenerates the README's generated sections: the command reference (lib/cli/reference.ts) and
 * the pipeline roles' table (lib/policies/needs/readme.ts). Tests fail when the README disagrees.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { withReference } from "../lib/cli/reference";
import { README_BEGIN, README_END, renderRoleTable } from "../lib/policies/needs/readme";

function withRoleTable(readme: string): string {
  const start = readme.indexOf(README_BEGIN);
  const end = readme.indexOf(README_END);
  if (start < 0 || end < start) throw new Error(`README.md has no role table markers (${README_BEGIN} … ${README_END})`);
  return `${readme.slice(0, start)}${renderRoleTable()}${readme.slice(end + README_END.length)}`;
}

const readme = join(__dirname, "..", "README.md");
const before = readFileSync(readme, "utf8");
const after = withRoleTable(withReference(before));
writeFileSync(readme, after);
process.stdout.write(before === after ? "README.md: generated sections already up to date\n" : "README.md: generated sections regenerated\n");
