/**
 * Running Terraform on this project's terms: against a local provider mirror when there is one
 * (offline machines), else the registry as usual; with a shared plugin cache so every stack
 * directory links the ~700 MB AWS provider instead of copying it.
 *
 * Mirror: `TF_PROVIDER_MIRROR` (a directory holding `registry.terraform.io/…` in
 * filesystem-mirror layout; `none` turns detection off), else the first of MIRROR_CANDIDATES that
 * holds hashicorp/aws.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";

export const MIRROR_CANDIDATES = [
  "/opt/tf-plugins",
  "/usr/local/share/terraform/plugins",
  "/usr/share/terraform/plugins",
  join(homedir(), ".terraform.d", "plugins"),
  join(homedir(), ".local", "share", "terraform", "plugins"),
];

const AWS_PROVIDER = "registry.terraform.io/hashicorp/aws";
export const TERRAFORM_INSTALL_HINT =
  "install Terraform >= 1.10 (https://developer.hashicorp.com/terraform/install) and put `terraform` on the PATH";

export class TerraformSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TerraformSetupError";
  }
}

function holdsAws(dir: string): boolean {
  return existsSync(join(dir, AWS_PROVIDER));
}

/** The provider mirror to use, or undefined for the registry. */
export function findProviderMirror(vars: Readonly<Record<string, string | undefined>> = process.env): string | undefined {
  const configured = vars.TF_PROVIDER_MIRROR?.trim();
  if (configured === "none") return undefined;
  if (configured) {
    const dir = resolve(configured);
    if (!holdsAws(dir)) {
      throw new TerraformSetupError(
        `TF_PROVIDER_MIRROR=${configured} does not hold ${AWS_PROVIDER} (filesystem-mirror layout). Point it at the directory that contains registry.terraform.io/, or set TF_PROVIDER_MIRROR=none to use the registry.`,
      );
    }
    return dir;
  }
  return MIRROR_CANDIDATES.find(holdsAws);
}

/** The CLI configuration text: mirror for hashicorp/aws (when given), registry for the rest, plugin cache. */
export function cliConfigText(mirror: string | undefined, pluginCacheDir: string): string {
  const lines = [`plugin_cache_dir = ${JSON.stringify(pluginCacheDir)}`, ""];
  if (mirror) {
    lines.push(
      "provider_installation {",
      "  filesystem_mirror {",
      `    path    = ${JSON.stringify(mirror)}`,
      `    include = [${JSON.stringify(AWS_PROVIDER)}]`,
      "  }",
      "  direct {",
      `    exclude = [${JSON.stringify(AWS_PROVIDER)}]`,
      "  }",
      "}",
    );
  }
  return `${lines.join("\n")}\n`;
}

/**
 * Links the mirror's hashicorp/aws packages into the plugin cache. Terraform's plugin cache is
 * not safe for concurrent writers: two `terraform init` filling an empty cache at once (parallel
 * tests, parallel lanes) can each find the other's half-written package. With the cache filled
 * up front, every init only links from it.
 */
export function prefillPluginCache(mirror: string, cache: string): void {
  const source = join(mirror, AWS_PROVIDER);
  for (const version of readdirSync(source)) {
    for (const platform of readdirSync(join(source, version))) {
      const target = join(cache, AWS_PROVIDER, version, platform);
      if (existsSync(target)) continue;
      mkdirSync(join(cache, AWS_PROVIDER, version), { recursive: true });
      try {
        symlinkSync(join(source, version, platform), target, "dir");
      } catch (err) {
        // Another process linked it first.
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      }
    }
  }
}

/** Replaces `path` in one step, so a Terraform started meanwhile never reads half a file. */
function writeAtomically(path: string, text: string): void {
  if (existsSync(path) && readFileSync(path, "utf8") === text) return;
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, path);
}

/**
 * Environment for running terraform or cdktf from `projectDir`: writes
 * `.lanes/terraform/cli.tfrc` and the plugin cache directory, and returns the variables to set.
 */
export function terraformEnv(
  projectDir: string,
  vars: Readonly<Record<string, string | undefined>> = process.env,
): Record<string, string> {
  const dir = join(projectDir, ".lanes", "terraform");
  const cache = join(dir, "plugin-cache");
  mkdirSync(cache, { recursive: true });
  const config = join(dir, "cli.tfrc");
  const mirror = findProviderMirror(vars);
  if (mirror) prefillPluginCache(mirror, cache);
  writeAtomically(config, cliConfigText(mirror, cache));
  return {
    TF_CLI_CONFIG_FILE: config,
    TF_PLUGIN_CACHE_DIR: cache,
    CHECKPOINT_DISABLE: "1",
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
    // cdktf would otherwise point TF_PLUGIN_CACHE_DIR at its own directory.
    CDKTF_DISABLE_PLUGIN_CACHE_ENV: "1",
  };
}

/** Terraform's version, or a TerraformSetupError saying what to install. */
export function requireTerraform(vars: Readonly<Record<string, string | undefined>> = process.env): string {
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
