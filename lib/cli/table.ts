/**
 * The command table: every file in lib/cli/commands/ that exports `command`. Adding a command is
 * adding its file (and its test); help, the README reference and the pipeline's ACTION list follow.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { CommandSpec } from "./command";

const COMMANDS_DIR = join(__dirname, "commands");

let loaded: readonly CommandSpec[] | undefined;

export function commandTable(): readonly CommandSpec[] {
  if (loaded) return loaded;
  const specs = readdirSync(COMMANDS_DIR)
    .filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith(".d.ts"))
    .sort()
    .map((f) => {
      const mod = require(join(COMMANDS_DIR, f)) as { command?: CommandSpec };
      if (!mod.command) throw new Error(`lib/cli/commands/${f} exports no \`command\``);
      return mod.command;
    });
  loaded = specs;
  return specs;
}

export function findCommand(name: string): CommandSpec | undefined {
  return commandTable().find((c) => c.name === name);
}
