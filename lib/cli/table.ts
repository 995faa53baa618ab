/**
 * The command table: every file in lib/cli/commands/ that exports `command`. Adding a command is
 * adding its file (and its test); help, the README reference and the pipeline's ACTION list follow.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { CommandSpec } from "./command";

const COMMANDS_DIR = join(__dirname, "commands");

let loaded: readonly CommandSpec[] | undefined;

function load(file: string): CommandSpec {
  const mod = require(join(COMMANDS_DIR, file)) as { command?: CommandSpec };
  if (!mod.command) throw new Error(`lib/cli/commands/${file} exports no \`command\``);
  return mod.command;
}

function commandFiles(): string[] {
  return readdirSync(COMMANDS_DIR)
    .filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith(".d.ts"))
    .sort();
}

export function commandTable(): readonly CommandSpec[] {
  if (loaded) return loaded;
  loaded = commandFiles().map(load);
  return loaded;
}

/**
 * The one command `name` names, loading only its file (`<name>.ts`), or undefined when no file
 * is named so: a command line naming its command does not load the others (their AWS SDK clients,
 * cdktf…), which is most of the CLI's start-up, paid by every `lanes ci` call of a pipeline build.
 */
export function commandNamed(name: string): CommandSpec | undefined {
  if (loaded) return loaded.find((c) => c.name === name);
  const file = commandFiles().find((f) => f.replace(/\.(ts|js)$/, "") === name);
  if (!file) return undefined;
  const spec = load(file);
  return spec.name === name ? spec : undefined;
}

export function findCommand(name: string): CommandSpec | undefined {
  return commandTable().find((c) => c.name === name);
}
