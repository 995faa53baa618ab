/**
 * Runs ci/buildspec.yml the way CodeBuild does, on this machine: a workspace laid out like
 * CodeBuild's (primary source at CODEBUILD_SRC_DIR, the app repository as a git clone at
 * CODEBUILD_SRC_DIR_AppOut), phases in order, commands in bash, environment variables carried
 * from one command to the next. Only the cloud edge is replaced: `aws` and `docker` are
 * recording stubs on the PATH.
 *
 * Phase rules followed (buildspec 0.2): a failing command ends its phase; a failing install or
 * pre_build ends the build; a failing build still runs post_build with
 * CODEBUILD_BUILD_SUCCEEDING=0. The S3 cache with a key is emulated on request (restoreCache /
 * saveCache around a run). Not emulated: runtime-versions, reports, artifact upload.
 */
import { execFile, spawn } from "node:child_process";
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, sep } from "node:path";
import { promisify } from "node:util";
import { parse } from "yaml";
import { ROOT } from "./project";

export const PHASES = ["install", "pre_build", "build", "post_build"] as const;
export type Phase = (typeof PHASES)[number];

export interface Buildspec {
  readonly version: string;
  readonly shell: string | undefined;
  readonly variables: Readonly<Record<string, string>>;
  readonly exportedVariables: readonly string[];
  readonly phases: Readonly<Partial<Record<Phase, readonly string[]>>>;
  readonly artifactFiles: readonly string[];
  /** `cache:` (S3 cache with a key): the key expression and the cached paths (whole directories). */
  readonly cache?: { readonly key: string; readonly fallbackKeys: readonly string[]; readonly paths: readonly string[] };
}

function record(value: unknown, where: string): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new Error(`buildspec: ${where} is not a mapping`);
  return value as Record<string, unknown>;
}

function strings(value: unknown, where: string): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) throw new Error(`buildspec: ${where} is not a list of strings`);
  return value as string[];
}

/** Parses and shape-checks a buildspec file. */
export function loadBuildspec(file: string): Buildspec {
  const doc = record(parse(readFileSync(file, "utf8")) as unknown, "the document");
  const env = doc.env === undefined ? {} : record(doc.env, "env");
  const phases = record(doc.phases, "phases");
  const unknownPhases = Object.keys(phases).filter((p) => !(PHASES as readonly string[]).includes(p));
  if (unknownPhases.length > 0) throw new Error(`buildspec: unknown phases ${unknownPhases.join(", ")}`);
  const variables = env.variables === undefined ? {} : record(env.variables, "env.variables");
  const cache = doc.cache === undefined ? undefined : record(doc.cache, "cache");
  return {
    version: String(doc.version),
    shell: env.shell === undefined ? undefined : String(env.shell),
    variables: Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, String(v)])),
    exportedVariables: env["exported-variables"] === undefined ? [] : strings(env["exported-variables"], "env.exported-variables"),
    phases: Object.fromEntries(
      Object.entries(phases).map(([name, body]) => [name, strings(record(body, `phases.${name}`).commands, `phases.${name}.commands`)]),
    ),
    artifactFiles: doc.artifacts === undefined ? [] : strings(record(doc.artifacts, "artifacts").files, "artifacts.files"),
    ...(cache
      ? {
          cache: {
            key: String(cache.key),
            fallbackKeys: cache["fallback-keys"] === undefined ? [] : strings(cache["fallback-keys"], "cache.fallback-keys"),
            paths: strings(cache.paths, "cache.paths"),
          },
        }
      : {}),
  };
}

export interface Call {
  readonly tool: string;
  readonly argv: readonly string[];
  readonly cwd: string;
  /** Standard input, read only when the call takes a secret on stdin (`--password-stdin`). */
  readonly stdin?: string;
}

/**
 * Recording stubs. Behaviour is steered by variables of the build's environment:
 * STUB_ECR_IMAGE_EXISTS=1 (batch-get-image finds the tag). Any other call fails loudly: the build's
 * shell makes no other aws or docker call (the verify step talks to ECS and ELB through the SDK).
 */
const STUB_SOURCE = String.raw`
const fs = require("node:fs");
const path = require("node:path");
const tool = path.basename(process.argv[1]);
const argv = process.argv.slice(2);
const call = { tool, argv, cwd: process.cwd() };
if (argv.includes("--password-stdin")) call.stdin = fs.readFileSync(0, "utf8");
fs.appendFileSync(process.env.STUB_LOG, JSON.stringify(call) + "\n");
const [a, b] = argv;
const out = (text) => process.stdout.write(text);
function fail(message, code) { process.stderr.write(message + "\n"); process.exit(code); }
if (tool === "aws") {
  if (a === "sts" && b === "get-caller-identity") out("123456789012\n");
  else if (a === "ecr" && b === "get-login-password") out("stub-ecr-token\n");
  else if (a === "ecr" && b === "batch-get-image") {
    if (process.env.STUB_ECR_IMAGE_EXISTS === "1") out(JSON.stringify({ images: [{ imageId: { imageTag: "x" } }], failures: [] }) + "\n");
    else out(JSON.stringify({ images: [], failures: [{ imageId: { imageTag: "x" }, failureCode: "ImageNotFound", failureReason: "Requested image not found" }] }) + "\n");
  } else fail("stub aws: unexpected call: " + argv.join(" "), 255);
} else if (tool === "docker") {
  if (a === "login") out("Login Succeeded\n");
  else if (a === "build") out("stub docker: built\n");
  else if (a === "push") out("stub docker: pushed " + argv[1] + "\n");
  else fail("stub docker: unexpected call: " + argv.join(" "), 1);
}
`;

/**
 * Stand-in for CodeBuild's `codebuild-hash-files <file>...`: one SHA-256 over the named files of
 * the source directory (names and contents). Only plain paths: the buildspec names its lockfiles.
 */
const HASH_FILES_SOURCE = String.raw`
const { createHash } = require("node:crypto");
const fs = require("node:fs");
const files = process.argv.slice(2);
if (files.length === 0 || files.some((f) => /[*?[]/.test(f))) { process.stderr.write("codebuild-hash-files stand-in: plain file paths only\n"); process.exit(2); }
const hash = createHash("sha256");
for (const f of [...files].sort()) hash.update(f + "\0" + createHash("sha256").update(fs.readFileSync(f)).digest("hex") + "\n");
process.stdout.write(hash.digest("hex") + "\n");
`;

export interface PhaseResult {
  readonly phase: Phase;
  readonly status: "SUCCEEDED" | "FAILED";
  /** Exit code of the failing command (0 when the phase succeeded). */
  readonly exitCode: number;
}

export interface BuildResult {
  readonly succeeded: boolean;
  readonly phases: readonly PhaseResult[];
  /** stdout and stderr of all commands, interleaved as written. */
  readonly output: string;
  /** Environment after the last command that ran. */
  readonly env: Readonly<Record<string, string>>;
  /** Values of env.exported-variables at the end of the build (what CodeBuild hands the pipeline). */
  readonly exported: Readonly<Record<string, string>>;
  /** Wall time of each phase that ran, in milliseconds. */
  readonly ms: Readonly<Partial<Record<Phase, number>>>;
}

/** Variables the build must not inherit from the test process. */
const SCRUBBED = /^(ENV|SERVICE|SERVICE_NAME|LANE|LAYER|IMAGE_URI|BRANCH|MODULE_PATH|COMMIT|STACK|REGION|CDKTF_OUTDIR|LANES_.*|CODEBUILD_.*|STUB_.*|VERIFY_.*|HEALTHZ_.*|TERRAFORM_.*|SKIP_NPM_CI)$/;
const SHELL_OWNED = new Set(["_", "PWD", "OLDPWD", "SHLVL"]);

function runBash(script: string, cwd: string, env: Record<string, string>): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["-c", script], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), output }));
  });
}

function parseEnvDump(file: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of readFileSync(file, "utf8").split("\0")) {
    const eq = entry.indexOf("=");
    if (eq <= 0) continue;
    const name = entry.slice(0, eq);
    if (!SHELL_OWNED.has(name)) env[name] = entry.slice(eq + 1);
  }
  return env;
}

const GIT_ENV = {
  GIT_AUTHOR_NAME: "Lanes Test",
  GIT_AUTHOR_EMAIL: "lanes@example.com",
  GIT_COMMITTER_NAME: "Lanes Test",
  GIT_COMMITTER_EMAIL: "lanes@example.com",
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_CONFIG_NOSYSTEM: "1",
};

const execFileAsync = promisify(execFile);

async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await execFileAsync("git", args, { cwd, env: { ...process.env, ...GIT_ENV } });
  return stdout.trim();
}

/** The sample app's module path inside its repository. */
export const APP_MODULE_PATH = "services/user-api";
export const RELEASE_BRANCH = "release/1.2.3";

/**
 * A CodeBuild-like workspace in a temp directory:
 *   src/       copy of this repository (node_modules symlinked)   → CODEBUILD_SRC_DIR
 *   origin/    the app repository (main, and release/1.2.3 one commit ahead)
 *   app/       `git clone origin` at main, as CODEBUILD_CLONE_REF hands it → CODEBUILD_SRC_DIR_AppOut
 *   bin/       aws and docker stubs
 */
export class CodeBuildWorkspace {
  readonly root: string;
  readonly src: string;
  readonly origin: string;
  readonly app: string;
  readonly bin: string;
  readonly tmp: string;
  private log = "";
  private runs = 0;

  private constructor(root: string) {
    this.root = root;
    this.src = join(root, "src");
    this.origin = join(root, "origin");
    this.app = join(root, "app");
    this.bin = join(root, "bin");
    this.tmp = join(root, "tmp");
  }

  /** How node_modules is laid out: a link to this repository's (never installed into), or absent. */
  private nodeModules: "link" | "none" = "link";

  /**
   * `nodeModules`: "link" (default) symlinks this repository's node_modules (the install phase
   * is refused: it would rewrite them); "none" leaves it to the install phase, as in CodeBuild.
   * `source`: lays out the primary source in the given directory instead of copying this repository.
   */
  static async create(opts: { nodeModules?: "link" | "none"; source?: (dir: string) => void } = {}): Promise<CodeBuildWorkspace> {
    const ws = new CodeBuildWorkspace(mkdtempSync(join(tmpdir(), "lanes-codebuild-")));
    ws.nodeModules = opts.nodeModules ?? "link";
    try {
      if (opts.source) {
        mkdirSync(ws.src);
        opts.source(ws.src);
      } else ws.copySource();
      ws.writeStubs();
      mkdirSync(ws.tmp);
      await ws.createApp();
      return ws;
    } catch (err) {
      ws.cleanup();
      throw err;
    }
  }

  private copySource(): void {
    const skip = new Set(["node_modules", ".git", "cdktf.out", ".lanes", ".ci", "coverage", ".terraform", "deploy-params.json"]);
    cpSync(ROOT, this.src, {
      recursive: true,
      filter: (path) => {
        const rel = relative(ROOT, path);
        return rel === "" || !rel.split(sep).some((part) => skip.has(part));
      },
    });
    if (this.nodeModules === "link") symlinkSync(join(ROOT, "node_modules"), join(this.src, "node_modules"), "dir");
  }

  private writeStubs(): void {
    const source = `#!${process.execPath}\n${STUB_SOURCE}`;
    for (const [dir, tools] of [[this.bin, ["aws", "docker"]]] as const) {
      mkdirSync(dir);
      for (const tool of tools) {
        writeFileSync(join(dir, tool), source);
        chmodSync(join(dir, tool), 0o755);
      }
    }
    writeFileSync(join(this.bin, "codebuild-hash-files"), `#!${process.execPath}\n${HASH_FILES_SOURCE}`);
    chmodSync(join(this.bin, "codebuild-hash-files"), 0o755);
  }

  private async createApp(): Promise<void> {
    const moduleDir = join(this.origin, APP_MODULE_PATH);
    mkdirSync(moduleDir, { recursive: true });
    await git(this.origin, "init", "--quiet", "--initial-branch=main");
    writeFileSync(join(moduleDir, "Dockerfile"), 'FROM public.ecr.aws/docker/library/node:20-alpine\nCOPY server.js /app/server.js\nEXPOSE 8080\nCMD ["node", "/app/server.js"]\n');
    writeFileSync(join(moduleDir, "server.js"), 'require("node:http").createServer((q, s) => s.end("ok main")).listen(8080);\n');
    await git(this.origin, "add", "-A");
    await git(this.origin, "commit", "--quiet", "-m", "user-api on main");
    await git(this.origin, "checkout", "--quiet", "-b", RELEASE_BRANCH);
    writeFileSync(join(moduleDir, "server.js"), 'require("node:http").createServer((q, s) => s.end("ok 1.2.3")).listen(8080);\n');
    await git(this.origin, "commit", "--quiet", "-am", "user-api 1.2.3");
    await git(this.origin, "checkout", "--quiet", "main");
    await git(this.root, "clone", "--quiet", this.origin, this.app);
  }

  /** Full commit id of a ref in the app's origin repository. */
  commitOf(ref: string): Promise<string> {
    return git(this.origin, "rev-parse", ref);
  }

  /** Checked-out commit of the AppOut clone. */
  appHead(): Promise<string> {
    return git(this.app, "rev-parse", "HEAD");
  }

  /** Calls recorded by the stubs since the last `run`. */
  calls(): Call[] {
    if (!this.log || !existsSync(this.log)) return [];
    return readFileSync(this.log, "utf8")
      .split("\n")
      .filter((l) => l !== "")
      .map((l) => JSON.parse(l) as Call);
  }

  /** The environment CodeBuild would give the build: the test's variables, the stubs first on the PATH. */
  baseEnv(vars: Record<string, string>): Record<string, string> {
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined && !SCRUBBED.test(e[0])),
    );
    const path = [this.bin, inherited.PATH ?? ""].join(":");
    return {
      ...inherited,
      PATH: path,
      TMPDIR: this.tmp,
      CHECKPOINT_DISABLE: "1",
      AWS_REGION: "ap-southeast-2",
      AWS_DEFAULT_REGION: "ap-southeast-2",
      CODEBUILD_SRC_DIR: this.src,
      CODEBUILD_SRC_DIR_AppOut: this.app,
      CODEBUILD_BUILD_SUCCEEDING: "1",
      STUB_LOG: this.log,
      ...vars,
    };
  }

  /**
   * Runs `phases` of `spec` (default: pre_build, build, post_build — install needs the network)
   * with `vars` as the CodeBuild environment variables.
   */
  async run(
    spec: Buildspec,
    vars: Record<string, string>,
    opts: { phases?: readonly Phase[] } = {},
  ): Promise<BuildResult> {
    this.log = join(this.root, `calls-${++this.runs}.jsonl`);
    writeFileSync(this.log, "");
    let env = this.baseEnv({ ...spec.variables, ...vars });
    const wanted = opts.phases ?? ["pre_build", "build", "post_build"];
    if (wanted.includes("install") && this.nodeModules === "link") {
      throw new Error("the install phase would rewrite this repository's node_modules (linked into the workspace): create the workspace with nodeModules: \"none\"");
    }
    const results: PhaseResult[] = [];
    const ms: Partial<Record<Phase, number>> = {};
    let output = "";
    let ended = false;
    for (const phase of PHASES) {
      const commands = spec.phases[phase];
      if (ended) break;
      if (!wanted.includes(phase) || commands === undefined) continue;
      let exitCode = 0;
      const started = process.hrtime.bigint();
      for (const command of commands) {
        const dump = join(this.root, `env-${this.runs}`);
        rmSync(dump, { force: true });
        // Each command starts with the environment the previous one left, as in CodeBuild.
        const script = `trap 'env -0 > ${JSON.stringify(dump)}' EXIT\n${command}`;
        output += `[${phase}] $ ${command}\n`;
        const { code, output: out } = await runBash(script, this.src, env);
        output += out;
        if (existsSync(dump)) env = parseEnvDump(dump);
        if (code !== 0) {
          exitCode = code;
          break;
        }
      }
      ms[phase] = Number(process.hrtime.bigint() - started) / 1e6;
      results.push({ phase, status: exitCode === 0 ? "SUCCEEDED" : "FAILED", exitCode });
      if (exitCode !== 0) {
        // A failed build phase still runs post_build, told so; any other failure ends the build.
        if (phase === "build") env = { ...env, CODEBUILD_BUILD_SUCCEEDING: "0" };
        else ended = true;
      }
    }
    const exported = Object.fromEntries(spec.exportedVariables.filter((v) => env[v] !== undefined).map((v) => [v, env[v]!]));
    return { succeeded: results.every((r) => r.status === "SUCCEEDED"), phases: results, output, env, exported, ms };
  }

  /** Runs one bash snippet in the source directory with the CodeBuild environment (for function-level checks). */
  async bash(script: string, vars: Record<string, string>): Promise<{ code: number; output: string }> {
    this.log = join(this.root, `calls-${++this.runs}.jsonl`);
    writeFileSync(this.log, "");
    return runBash(script, this.src, this.baseEnv(vars));
  }

  /** The buildspec's cache key as CodeBuild resolves it: evaluated by bash in the source directory. */
  async cacheKey(spec: Buildspec): Promise<string> {
    if (!spec.cache) throw new Error("the buildspec declares no cache");
    const { code, output } = await runBash(`set -e; key="${spec.cache.key}"; printf '%s' "$key"`, this.src, this.baseEnv({}));
    if (code !== 0 || !/^[\w.-]+$/.test(output)) throw new Error(`cache key ${spec.cache.key} did not resolve: ${output}`);
    return output;
  }

  private cacheDirs(spec: Buildspec): string[] {
    return (spec.cache?.paths ?? []).map((p) => {
      if (!p.endsWith("/**/*")) throw new Error(`cache path ${p}: only whole directories (dir/**/*) are emulated`);
      return p.slice(0, -"/**/*".length);
    });
  }

  /**
   * CodeBuild's S3 cache with a key, kept in `store`: restores the copy saved under this build's
   * key, if any (no fallback keys: another key's copy is never used). `move` moves instead of
   * copying (the benchmark's gigabyte of node_modules). Returns the key and whether it was found.
   */
  async restoreCache(spec: Buildspec, store: string, opts: { move?: boolean } = {}): Promise<{ key: string; hit: boolean }> {
    const key = await this.cacheKey(spec);
    const saved = join(store, key);
    if (!existsSync(saved)) return { key, hit: false };
    for (const dir of this.cacheDirs(spec)) {
      if (!existsSync(join(saved, dir))) continue;
      mkdirSync(dirname(join(this.src, dir)), { recursive: true });
      if (opts.move) renameSync(join(saved, dir), join(this.src, dir));
      else cpSync(join(saved, dir), join(this.src, dir), { recursive: true, verbatimSymlinks: true });
    }
    if (opts.move) rmSync(saved, { recursive: true, force: true });
    return { key, hit: true };
  }

  /** Saves the cached directories under this build's key unless a copy is there already (one immutable copy per key). */
  async saveCache(spec: Buildspec, store: string, opts: { move?: boolean } = {}): Promise<{ key: string; saved: boolean }> {
    const key = await this.cacheKey(spec);
    const target = join(store, key);
    if (existsSync(target)) return { key, saved: false };
    const partial = `${target}.partial`;
    for (const dir of this.cacheDirs(spec)) {
      if (!existsSync(join(this.src, dir)) || lstatSync(join(this.src, dir)).isSymbolicLink()) continue;
      mkdirSync(dirname(join(partial, dir)), { recursive: true });
      if (opts.move) renameSync(join(this.src, dir), join(partial, dir));
      else cpSync(join(this.src, dir), join(partial, dir), { recursive: true, verbatimSymlinks: true });
    }
    mkdirSync(partial, { recursive: true });
    renameSync(partial, target);
    return { key, saved: true };
  }

  cleanup(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
