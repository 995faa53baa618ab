/** Regenerates the README's command reference from the command table (lib/cli/reference.ts). */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { withReference } from "../lib/cli/reference";

const readme = join(__dirname, "..", "README.md");
const before = readFileSync(readme, "utf8");
const after = withReference(before);
writeFileSync(readme, after);
process.stdout.write(before === after ? "README.md: command reference already up to date\n" : "README.md: command reference regenerated\n");
