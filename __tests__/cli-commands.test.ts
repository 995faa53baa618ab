/**
 * The command table is the one source of the CLI's help, the README's command reference and the
 * app pipeline's ACTION list: a command added without help, an example or its exit codes fails
 * here, and so does a README or a pipeline that disagrees with the table.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { PIPELINE_ACTIONS, actionVariableDescription } from "../lib/ci/actions";
import type { CommandInput, CommandSpec } from "../lib/cli/command";
import { EXIT } from "../lib/cli/exit-codes";
import { run } from "../lib/cli/lanes";
import { buildProgram } from "../lib/cli/program";
import { REFERENCE_END, REFERENCE_START, commandReference } from "../lib/cli/reference";
import { commandTable } from "../lib/cli/table";
import { ROOT } from "./helpers/project";
import { synthPipeline } from "./helpers/stacks";

const table = commandTable();
const names = table.map((c) => c.name);

/** Parses a command line with the real program, without running the command. */
function parse(argv: string[]): { spec?: CommandSpec; input?: CommandInput; error?: string } {
  const got: { spec?: CommandSpec; input?: CommandInput; error?: string } = {};
  let err = "";
  const program = buildProgram((spec, input) => Object.assign(got, { spec, input }), { out: () => undefined, err: (s) => (err += s) });
  try {
    program.parse(argv, { from: "user" });
  } catch {
    got.error = err || "commander error";
  }
  return got;
}

/** Splits an example shell line into argv (examples use plain words and single-quoted strings only). */
function words(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]!);
}

describe("the command table", () => {
  test("holds the operator commands, one file each", () => {
    expect(names).toEqual(["analyze", "canary", "check", "ci", "deploy", "destroy", "edge", "fallback", "gc", "logs", "ls", "plan", "promote", "ramp", "request", "rollback", "status", "unlock"]);
  });

  test.each(table.map((c) => [c.name, c] as const))("%s has a summary, documented arguments and options, and exit codes from the one table", (_name, spec) => {
    expect(spec.summary.length).toBeGreaterThan(20);
    for (const a of spec.arguments) expect(a.description.length).toBeGreaterThan(3);
    for (const o of spec.options) {
      expect(o.flags).toMatch(/^--[a-z][a-z-]*( <[a-z.-]+>)?$/);
      expect(o.description.length).toBeGreaterThan(3);
    }
    expect(spec.exitCodes.length).toBeGreaterThan(0);
    for (const name of spec.exitCodes) expect(Object.keys(EXIT)).toContain(name);
  });

  test.each(table.flatMap((c) => c.examples.filter((e) => e.startsWith("lanes ")).map((e) => [c.name, e] as const)))("%s: the example `%s` parses as that command", (name, example) => {
    const parsed = parse(words(example).slice(1));
    expect(parsed.error).toBeUndefined();
    expect(parsed.spec?.name).toBe(name);
  });

  test("every command has at least one full example", () => {
    for (const spec of table) expect([spec.name, spec.examples.some((e) => e.includes(`lanes ${spec.name}`))]).toEqual([spec.name, true]);
  });

  test("exit codes are unique and 0 means done", () => {
    const codes = Object.values(EXIT).map((e) => e.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(EXIT.ok.code).toBe(0);
    expect(EXIT.usage.code).toBe(2);
  });

  test("the app pipeline's actions are exactly the commands that declare one, with the same declaration", () => {
    const declared = table.filter((c) => c.pipelineAction).map((c) => c.name).sort();
    expect(declared).toEqual(Object.keys(PIPELINE_ACTIONS).sort());
    for (const spec of table.filter((c) => c.pipelineAction)) {
      expect(spec.pipelineAction).toBe(PIPELINE_ACTIONS[spec.name as keyof typeof PIPELINE_ACTIONS]);
    }
  });

  test("the app pipeline's ACTION variable lists every action and defaults to deploy", () => {
    const stack = synthPipeline("app");
    const pipeline = stack.only("aws_codepipeline") as { variable: { name: string; description: string; default_value?: string }[] };
    const action = pipeline.variable.find((v) => v.name === "ACTION")!;
    expect(action.description).toBe(actionVariableDescription());
    for (const name of Object.keys(PIPELINE_ACTIONS)) expect(action.description).toContain(`${name} (`);
    expect(action.default_value).toBe("deploy");
  });

  test("the README's command reference is the one generated from the table (npm run docs)", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const start = readme.indexOf(REFERENCE_START);
    const end = readme.indexOf(REFERENCE_END);
    expect(start).toBeGreaterThan(0);
    expect(readme.slice(start + REFERENCE_START.length, end).trim()).toBe(commandReference().trim());
    for (const name of names) expect(readme).toContain(`\`lanes ${name}`);
  });
});

describe("help", () => {
  test("lanes --help lists every command with its summary and exits 0", async () => {
    const out = await run(["--help"]);
    expect(out.code).toBe(0);
    for (const spec of table) expect(out.text).toContain(spec.name);
    expect(out.text).toContain("Exit codes:");
  });

  test.each(names)("lanes %s --help shows its options, an example and its exit codes, and exits 0", async (name) => {
    const spec = table.find((c) => c.name === name)!;
    const out = await run([name, "--help"]);
    expect(out.code).toBe(0);
    for (const o of spec.options) expect(out.text).toContain(o.flags.split(" ")[0]!);
    expect(out.text).toContain(`$ ${spec.examples[0]!}`);
    for (const code of spec.exitCodes) expect(out.text).toContain(`  ${EXIT[code].code}  ${EXIT[code].meaning}`);
  });

  test("as a process: `lanes --help` prints to stdout and exits 0; no command is exit 2 with the help", async () => {
    const lanes = join(ROOT, "lib", "cli", "lanes.ts");
    const help = await promisify(execFile)(process.execPath, ["--import", "tsx", lanes, "--help"], { cwd: ROOT });
    expect(help.stdout).toContain("Usage: lanes [options] [command]");
    const none = await promisify(execFile)(process.execPath, ["--import", "tsx", lanes], { cwd: ROOT }).then(
      () => ({ code: 0, stderr: "" }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("no command given");
  });

  test("an unknown command or option is exit 2 with one line naming it", async () => {
    const unknown = await run(["ship", "gray"]);
    expect([unknown.code, unknown.text]).toEqual([2, expect.stringContaining("unknown command 'ship'")]);
    const option = await run(["status", "user-api", "--env", "dev", "--colour"]);
    expect([option.code, option.text]).toEqual([2, expect.stringContaining("unknown option '--colour'")]);
  });
});
