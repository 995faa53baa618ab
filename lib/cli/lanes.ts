/**
 * `lanes`: see and steer lanes without reading Terraform state by hand. The commands are the
 * files in lib/cli/commands/ (`lanes --help` lists them). Progress goes to stderr; the result to
 * stdout (`--json` for scripts). Every known failure is one line and an exit code
 * (lib/cli/exit-codes.ts); a stack trace only for bugs, and only with `--debug`.
 */
import type { CommandInput, CommandSpec, Outcome } from "./command";
import { CommandContext, type Dependencies } from "./context";
import { describeAwsError } from "./aws-errors";
import { CliError, EXIT } from "./exit-codes";
import { buildProgram, CommanderError } from "./program";
import { commandNamed } from "./table";
import type { PreflightError } from "../preflight";

export type { Dependencies } from "./context";
export type { Outcome } from "./command";

const INPUT_ERRORS = ["ParamsError", "NamingError", "SelectionError", "CiInputError", "RampInputError", "AnalysisConfigError", "ImageReferenceError", "TtlError"];

/** The exit code of a known failure, or undefined for a bug. */
export function exitCodeOf(err: unknown): number | undefined {
  const error = err as Error & { code?: string };
  if (error instanceof CliError) return error.exitCode;
  // By name: importing lib/preflight here would load cdktf (through lib/state) into every command's start-up.
  if (error.name === "PreflightError") return (error as PreflightError).reason === "locked" ? EXIT.locked.code : EXIT.lowerLayerMissing.code;
  if (INPUT_ERRORS.includes(error.name)) return EXIT.usage.code;
  return undefined;
}

/** Runs one command line; throws only for bugs (known failures become exit codes). */
export async function run(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, deps: Dependencies = {}): Promise<Outcome> {
  let out = "";
  let err = "";
  let chosen: { spec: CommandSpec; input: CommandInput } | undefined;
  // A command line that starts with a command's name loads only that command.
  const named = argv[0] && !argv[0].startsWith("-") ? commandNamed(argv[0]) : undefined;
  const program = buildProgram((spec, input) => (chosen = { spec, input }), { out: (s) => (out += s), err: (s) => (err += s) }, named ? [named] : undefined);
  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    // --help and --version exit 0 with their text; everything else is bad input.
    if (e.exitCode === 0) return { code: 0, result: { help: out }, text: out.trimEnd() };
    // No command at all: commander shows the help; it is still bad input.
    if (e.code === "commander.help") return { code: EXIT.usage.code, result: { error: "no command given" }, text: `no command given.\n${(err || out).trimEnd()}` };
    return { code: EXIT.usage.code, result: { error: err.trim() || e.message, exitCode: EXIT.usage.code }, text: (err.trim() || e.message).replace(/^error: /, "") };
  }
  if (!chosen) {
    return { code: EXIT.usage.code, result: { error: "no command" }, text: `no command given.\n${program.helpInformation().trimEnd()}` };
  }
  const ctx = new CommandContext(env, deps);
  try {
    return await chosen.spec.run(chosen.input, ctx);
  } catch (e) {
    const aws = exitCodeOf(e) === undefined ? describeAwsError(e) : undefined;
    const code = aws ? EXIT[aws.exit].code : exitCodeOf(e);
    if (code === undefined) throw e;
    const message = aws?.message ?? (e as Error).message;
    return { code, result: { error: message, exitCode: code }, text: message, cause: e };
  } finally {
    ctx.close();
  }
}

/** Runs the command line and exits with its code (bin/lanes.js, npm run lanes). */
export function main(argv: readonly string[]): void {
  const json = argv.includes("--json");
  const debug = argv.includes("--debug");
  run(argv).then(
    (outcome) => {
      if (json && outcome.code === 0) process.stdout.write(`${JSON.stringify(outcome.result, null, 2)}\n`);
      else if (outcome.code === 0) process.stdout.write(outcome.text ? `${outcome.text}\n` : "");
      else {
        if (json) process.stdout.write(`${JSON.stringify(outcome.result, null, 2)}\n`);
        process.stderr.write(`lanes: ${outcome.text}\n`);
        if (debug && outcome.cause instanceof Error) process.stderr.write(`${outcome.cause.stack ?? ""}\n`);
      }
      process.exit(outcome.code);
    },
    (e: Error) => {
      process.stderr.write(`lanes: unexpected error: ${debug ? (e.stack ?? e.message) : `${e.message} (run again with --debug for the stack trace)`}\n`);
      process.exit(EXIT.failed.code);
    },
  );
}

if (require.main === module) main(process.argv.slice(2));
