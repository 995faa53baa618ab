/**
 * The lanes command line, made from the command table with commander: parsing, validation of
 * choices and required options, `lanes --help` and `lanes <command> --help` (with each command's
 * examples and exit codes).
 */
import { Argument, Command, CommanderError, Option } from "commander";
import type { CommandInput, CommandSpec } from "./command";
import { AWS_EXIT_NAMES, EXIT } from "./exit-codes";
import { commandTable } from "./table";

export const PROGRAM = "lanes";

/** The text after a command's options: examples and exit codes. */
export function commandFooter(spec: CommandSpec): string {
  const codes = [EXIT.ok, EXIT.failed, ...[...spec.exitCodes, ...AWS_EXIT_NAMES.filter((n) => !spec.exitCodes.includes(n))].map((name) => EXIT[name])];
  return [
    "",
    "Examples:",
    ...spec.examples.map((e) => `  $ ${e}`),
    "",
    "Exit codes:",
    ...codes.map((c) => `  ${String(c.code).padStart(2)}  ${c.meaning}`),
  ].join("\n");
}

/**
 * Builds the program; `onRun` receives the chosen command and its input. `commands`: the
 * commands to offer (default: the whole table; `lanes <command> …` passes just that one).
 */
export function buildProgram(
  onRun: (spec: CommandSpec, input: CommandInput) => void,
  write: { out: (s: string) => void; err: (s: string) => void },
  commands: readonly CommandSpec[] = commandTable(),
): Command {
  const program = new Command(PROGRAM)
    .description("See and steer lanes (parallel versions of a service on ECS) from their Terraform state.")
    .option("--debug", "print stack traces of unexpected errors")
    .exitOverride()
    .configureOutput({ writeOut: write.out, writeErr: write.err })
    .showHelpAfterError("(lanes <command> --help shows the command's options and examples)")
    .addHelpText("after", `\nExit codes: ${Object.values(EXIT).map((e) => `${e.code} ${e.meaning}`).join("; ")}.`);
  for (const spec of commands) {
    const cmd = program.command(spec.name).summary(spec.summary).description(spec.description ? `${spec.summary}.\n\n${spec.description}` : `${spec.summary}.`);
    for (const a of spec.arguments) {
      const arg = new Argument(a.required ? `<${a.name}>` : `[${a.name}]`, a.description);
      cmd.addArgument(a.choices ? arg.choices([...a.choices]) : arg);
    }
    for (const o of spec.options) {
      // Required options are checked by the command itself, so the message can say how to give them.
      let opt = new Option(o.flags, o.required ? `${o.description} (required)` : o.description);
      if (o.choices) opt = opt.choices([...o.choices]);
      cmd.addOption(opt);
    }
    cmd.addHelpText("after", commandFooter(spec));
    cmd.exitOverride().configureOutput({ writeOut: write.out, writeErr: write.err });
    cmd.action((...received: unknown[]) => {
      const self = received[received.length - 1] as Command;
      onRun(spec, { command: spec.name, args: self.processedArgs as (string | undefined)[], options: self.opts() });
    });
  }
  return program;
}

export { CommanderError };
