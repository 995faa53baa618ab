/**
 * Running Terraform on this project's terms, safely when many runs share one machine.
 *
 * Terraform installs hashicorp/aws (≈ 700 MB) into every working directory's `.terraform`. Its
 * plugin cache, the usual way to avoid copies, is documented as unsafe for concurrent use:
 * parallel `terraform init`s (lanes deployed at once, parallel test workers) fail while another
 * one is still writing the same cache entry. So the project never uses a plugin cache. Instead,
 * every init installs from a *read-only unpacked filesystem mirror*, which Terraform links into
 * the working directory (a symlink, no copy, ≈ 0.7 s):
 *
 * - the machine's mirror when it has one: `TF_PROVIDER_MIRROR`, else the first of
 *   MIRROR_CANDIDATES holding hashicorp/aws (`TF_PROVIDER_MIRROR=none` skips the machine's);
 * - else the project's own mirror `.lanes/terraform/providers`, filled once from the registry
 *   under an inter-process lock (the first run downloads; every run after it, and every run that
 *   waited on the lock, only reads), from the registry or LANES_PROVIDER_UPSTREAM. The pipelines'
 *   CodeBuild cache holds this directory as it is (ci/buildspec.yml), keyed by package-lock.json,
 *   which pins @cdktf/provider-aws and through it the provider version; a restored mirror is
 *   still only read, so parallel builds of one host never race on it.
 *
 * The CLI configuration is a file named after a hash of its content, written once by an atomic
 * rename, so concurrent runs never read half a file nor overwrite each other's.
 */
import { execFile, execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, copyFileSync, existsSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { writeFileAtomically } from "./atomic-write";
import { lock } from "proper-lockfile";

const execFileAsync = promisify(execFile);

export const MIRROR_CANDIDATES = [
  "/opt/tf-plugins",
  "/usr/local/share/terraform/plugins",
  "/usr/share/terraform/plugins",
  join(homedir(), ".terraform.d", "plugins"),
  join(homedir(), ".local", "share", "terraform", "plugins"),
];

export const AWS_PROVIDER = "registry.terraform.io/hashicorp/aws";
export const TERRAFORM_INSTALL_HINT =
  "install Terraform >= 1.10 (https://developer.hashicorp.com/terraform/install) and put `terraform` on the PATH";

type Vars = Readonly<Record<string, string | undefined>>;

export class TerraformSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TerraformSetupError";
  }
}

/** The hashicorp/aws version the synthesized stacks require: the one `@cdktf/provider-aws` was generated for. */
export function awsProviderVersion(): string {
  const pkg = require("@cdktf/provider-aws/package.json") as { cdktf?: { provider?: { version?: string } } };
  const version = pkg.cdktf?.provider?.version;
  if (!version) throw new TerraformSetupError("@cdktf/provider-aws/package.json names no provider version (cdktf.provider.version)");
  return version;
}

/** Terraform's name for this machine's platform, e.g. `linux_amd64`. */
export function terraformPlatform(platform: string = process.platform, arch: string = process.arch): string {
  const archName: Record<string, string> = { x64: "amd64", arm64: "arm64", ia32: "386", arm: "arm" };
  return `${platform === "win32" ? "windows" : platform}_${archName[arch] ?? arch}`;
}

/** The unpacked-layout directory of one provider package inside a mirror. */
export function packageDir(mirror: string, version: string, platform: string = terraformPlatform()): string {
  return join(mirror, AWS_PROVIDER, version, platform);
}

function holdsAws(dir: string): boolean {
  return existsSync(join(dir, AWS_PROVIDER));
}

/** The machine's provider mirror, or undefined when it has none (or `TF_PROVIDER_MIRROR=none`). */
export function findProviderMirror(vars: Vars = process.env): string | undefined {
  const configured = vars.TF_PROVIDER_MIRROR?.trim();
  if (configured === "none") return undefined;
  if (configured) {
    const dir = resolve(configured);
    if (!holdsAws(dir)) {
      throw new TerraformSetupError(
        `TF_PROVIDER_MIRROR=${configured} does not hold ${AWS_PROVIDER} (filesystem-mirror layout). Point it at the directory that contains registry.terraform.io/, or set TF_PROVIDER_MIRROR=none to download the provider once into the project's own mirror.`,
      );
    }
    return dir;
  }
  return MIRROR_CANDIDATES.find(holdsAws);
}

/**
 * The CLI configuration: hashicorp/aws only from `mirror` (read-only), every other provider from
 * the registry, and no plugin cache.
 */
export function cliConfigText(mirror: string): string {
  return [
    "provider_installation {",
    "  filesystem_mirror {",
    `    path    = ${JSON.stringify(mirror)}`,
    `    include = [${JSON.stringify(AWS_PROVIDER)}]`,
    "  }",
    "  direct {",
    `    exclude = [${JSON.stringify(AWS_PROVIDER)}]`,
    "  }",
    "}",
    "",
  ].join("\n");
}

/** Writes `text` to `dir/<stem>-<hash of text><ext>` unless it is there; one atomic rename, never a partial file. */
export function writeOnce(dir: string, stem: string, ext: string, text: string): string {
  const path = join(dir, `${stem}-${createHash("sha256").update(text).digest("hex").slice(0, 12)}${ext}`);
  if (existsSync(path)) return path;
  mkdirSync(dir, { recursive: true });
  writeFileAtomically(path, text);
  return path;
}

/** Copies a directory tree, as hard links where the file system allows (the provider is ≈ 700 MB), else as copies. */
function linkOrCopyTree(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const [src, dst] = [join(from, entry.name), join(to, entry.name)];
    if (entry.isDirectory()) linkOrCopyTree(src, dst);
    else {
      try {
        linkSync(src, dst);
      } catch {
        copyFileSync(src, dst);
        chmodSync(dst, statSync(src).mode);
      }
    }
  }
}

/** How the project's mirror is filled: `direct` = the public registry; tests pass another installation block. */
export interface FillOptions {
  readonly version: string;
  readonly platform?: string;
  /** `provider_installation` block of the CLI config used for the download. Default: the registry (`direct {}`). */
  readonly upstream?: string;
  readonly env?: Vars;
  /** Called once, when this process is the one that downloads. */
  readonly onFill?: () => void;
}

const REGISTRY_UPSTREAM = "provider_installation {\n  direct {}\n}\n";

/**
 * Makes `mirror` hold hashicorp/aws `version` (unpacked layout), downloading it at most once per
 * machine: the download runs under an inter-process lock in a private scratch directory and is
 * moved into place with one rename, so a reader sees either nothing or the whole package.
 * Returns whether this call downloaded it.
 */
export async function fillMirror(mirror: string, options: FillOptions): Promise<boolean> {
  const platform = options.platform ?? terraformPlatform();
  const target = packageDir(mirror, options.version, platform);
  if (existsSync(target)) return false;
  mkdirSync(mirror, { recursive: true });
  // Waits up to ~15 minutes for another process's download; a holder that died leaves a stale lock after 60 s.
  const release = await lock(mirror, { lockfilePath: `${mirror}.lock`, stale: 60_000, update: 10_000, retries: { retries: 900, minTimeout: 250, maxTimeout: 1000 } });
  const scratch = mkdtempSync(join(dirname(mirror), ".fill-"));
  try {
    if (existsSync(target)) return false;
    options.onFill?.();
    const cache = join(scratch, "cache");
    mkdirSync(cache);
    writeFileSync(
      join(scratch, "main.tf.json"),
      JSON.stringify({ terraform: { required_providers: { aws: { source: "hashicorp/aws", version: options.version } } } }),
    );
    const config = join(scratch, "cli.tfrc");
    writeFileSync(config, `plugin_cache_dir = ${JSON.stringify(cache)}\n${options.upstream ?? REGISTRY_UPSTREAM}`);
    try {
      await execFileAsync("terraform", ["init", "-backend=false", "-input=false", "-no-color"], {
        cwd: scratch,
        env: { ...(options.env ?? process.env), TF_CLI_CONFIG_FILE: config, TF_PLUGIN_CACHE_DIR: "", CHECKPOINT_DISABLE: "1" },
        maxBuffer: 16 << 20,
      });
    } catch (err) {
      const e = err as { stderr?: string; message: string };
      throw new TerraformSetupError(`could not download ${AWS_PROVIDER} ${options.version} into ${mirror}: ${e.stderr || e.message}`);
    }
    const downloaded = packageDir(cache, options.version, platform);
    if (!existsSync(downloaded)) throw new TerraformSetupError(`terraform init did not leave ${AWS_PROVIDER} ${options.version} (${platform}) in ${cache}`);
    mkdirSync(dirname(target), { recursive: true });
    if (lstatSync(downloaded).isSymbolicLink()) {
      // From a filesystem upstream Terraform only links its package: copy it, so that the mirror
      // (and a CodeBuild cache of it) holds the files, not a link to a directory of this host.
      const copy = join(scratch, "copy");
      linkOrCopyTree(realpathSync(downloaded), copy);
      renameSync(copy, target);
    } else renameSync(downloaded, target);
    return true;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    await release();
  }
}

/**
 * Where the project's mirror is filled from: the public registry, or `LANES_PROVIDER_UPSTREAM`, a
 * filesystem mirror to copy from instead (a company's copy of the registry; the benchmark's cold
 * run on a machine without internet). Returned as a `provider_installation` block.
 */
export function upstreamInstallation(vars: Vars = process.env): string | undefined {
  const configured = vars.LANES_PROVIDER_UPSTREAM?.trim();
  if (!configured) return undefined;
  const dir = resolve(configured);
  if (!holdsAws(dir)) {
    throw new TerraformSetupError(`LANES_PROVIDER_UPSTREAM=${configured} does not hold ${AWS_PROVIDER} (filesystem-mirror layout): point it at the directory that contains registry.terraform.io/, or unset it to download from the registry.`);
  }
  return `provider_installation {\n  filesystem_mirror {\n    path = ${JSON.stringify(dir)}\n  }\n}\n`;
}

/** The project's own mirror, used when the machine has none. */
export function projectMirror(projectDir: string): string {
  return join(projectDir, ".lanes", "terraform", "providers");
}

/**
 * Environment for running terraform or cdktf from `projectDir`: makes sure a mirror holds the
 * provider, writes the CLI configuration, and returns the variables to set.
 */
/**
 * Go's garbage collector target for Terraform and the provider plugins it starts (they inherit
 * its environment). Loading the AWS provider's schema allocates heavily; at GOGC=400 a
 * `terraform validate` of a boot stack took about 27% less CPU on a 2-core machine (user + system,
 * 2.1-2.5 s instead of 2.8-3.3 s) for about 7% more memory (0.56 GB instead of 0.52 GB); see
 * docs/BENCHMARKS.md. A GOGC the caller sets is kept.
 */
export const TERRAFORM_GOGC = "400";

export async function terraformEnv(projectDir: string, vars: Vars = process.env): Promise<Record<string, string>> {
  let mirror = findProviderMirror(vars);
  if (!mirror || !existsSync(packageDir(mirror, awsProviderVersion()))) {
    mirror = projectMirror(projectDir);
    const upstream = upstreamInstallation(vars);
    await fillMirror(mirror, { version: awsProviderVersion(), env: vars, ...(upstream ? { upstream } : {}) });
  }
  const config = writeOnce(join(projectDir, ".lanes", "terraform"), "cli", ".tfrc", cliConfigText(mirror));
  return {
    TF_CLI_CONFIG_FILE: config,
    // A plugin cache from the caller's environment would bring back the shared writable directory.
    TF_PLUGIN_CACHE_DIR: "",
    CHECKPOINT_DISABLE: "1",
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
    // cdktf would otherwise point TF_PLUGIN_CACHE_DIR at its own directory.
    CDKTF_DISABLE_PLUGIN_CACHE_ENV: "1",
    GOGC: vars.GOGC || TERRAFORM_GOGC,
  };
}

/** Terraform's version, or a TerraformSetupError saying what to install. */
export function requireTerraform(vars: Vars = process.env): string {
  try {
    const out = execFileSync("terraform", ["version", "-json"], {
      encoding: "utf8",
      env: { ...vars, CHECKPOINT_DISABLE: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    return (JSON.parse(out) as { terraform_version: string }).terraform_version;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new TerraformSetupError(`terraform was not found on the PATH: ${TERRAFORM_INSTALL_HINT}.`);
    throw new TerraformSetupError(`terraform did not run (${(err as Error).message}): ${TERRAFORM_INSTALL_HINT}.`);
  }
}
