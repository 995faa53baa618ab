/**
 * An operator command is one file in lib/cli/commands/ exporting `command`: its arguments,
 * options, help, example and exit codes, and what it does. `lanes --help`, `lanes <command>
 * --help`, the README's command reference and the app pipeline's ACTION list are all made from
 * these declarations (lib/cli/program.ts, scripts/gen-docs.ts, lib/ci/actions.ts).
 */
import type { PipelineAction } from "../ci/actions";
import type { ExitName } from "./exit-codes";
import type { CommandContext } from "./context";

export interface ArgumentSpec {
  /** Shown as <name> (required) or [name]. */
  readonly name: string;
  readonly description: string;
  readonly required: boolean;
  readonly choices?: readonly string[];
}

export interface OptionSpec {
  /** Commander flags, e.g. `--service <service>` or `--dry-run`. */
  readonly flags: string;
  readonly description: string;
  readonly required?: boolean;
  readonly choices?: readonly string[];
}

/** What the command line gave: positionals in order, options by name (camelCase, as commander parses them). */
export interface CommandInput {
  /** The command's name, for messages. */
  readonly command: string;
  readonly args: readonly (string | undefined)[];
  readonly options: Readonly<Record<string, string | boolean | undefined>>;
}

export interface Outcome {
  readonly code: number;
  /** What the command did, as printed with --json. */
  readonly result: Readonly<Record<string, unknown>>;
  /** What it prints without --json. */
  readonly text: string;
  /** The error behind a failure (its stack is printed with --debug). */
  readonly cause?: unknown;
}

export interface CommandSpec {
  readonly name: string;
  /** One line, shown in `lanes --help`. */
  readonly summary: string;
  /** More, shown in `lanes <command> --help` and the README. */
  readonly description?: string;
  readonly arguments: readonly ArgumentSpec[];
  readonly options: readonly OptionSpec[];
  /** At least one full command line. */
  readonly examples: readonly string[];
  /** Every exit code it may return besides 0 and 1 (always possible). */
  readonly exitCodes: readonly ExitName[];
  /** Set when the app pipeline's ACTION may run it: the entry of lib/ci/actions.ts of the same name. */
  readonly pipelineAction?: PipelineAction;
  run(input: CommandInput, ctx: CommandContext): Promise<Outcome>;
}
