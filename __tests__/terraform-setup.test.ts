import { execFile } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import {
  AWS_PROVIDER,
  TerraformSetupError,
  awsProviderVersion,
  cliConfigText,
  findProviderMirror,
  packageDir,
  requireTerraform,
  terraformEnv,
  terraformPlatform,
  writeOnce,
} from "../lib/terraform";
import { ROOT } from "./helpers/project";

const run = promisify(execFile);

describe("Terraform setup", () => {
  const temps: string[] = [];
  const temp = (prefix: string) => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    temps.push(dir);
    return dir;
  };
  afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

  test("a missing terraform fails with what to install", () => {
    expect(() => requireTerraform({ PATH: "/nonexistent" })).toThrow(TerraformSetupError);
    expect(() => requireTerraform({ PATH: "/nonexistent" })).toThrow(/terraform was not found on the PATH: install Terraform >= 1\.10/);
  });

  test("TF_PROVIDER_MIRROR wins when it holds hashicorp/aws", () => {
    const dir = temp("lanes-mirror-");
    mkdirSync(join(dir, "registry.terraform.io", "hashicorp", "aws"), { recursive: true });
    expect(findProviderMirror({ TF_PROVIDER_MIRROR: dir })).toBe(dir);
  });

  test("TF_PROVIDER_MIRROR pointing at a directory without the provider is an error; 'none' skips the machine's mirror", () => {
    expect(() => findProviderMirror({ TF_PROVIDER_MIRROR: "/tmp/definitely-not-a-mirror" })).toThrow(/does not hold registry\.terraform\.io\/hashicorp\/aws/);
    expect(findProviderMirror({ TF_PROVIDER_MIRROR: "none" })).toBeUndefined();
  });

  test("the CLI config takes hashicorp/aws from the mirror only, everything else from the registry, and has no plugin cache", () => {
    const text = cliConfigText("/opt/mirror");
    expect(text).toMatch(/filesystem_mirror \{\s+path\s+= "\/opt\/mirror"\s+include = \["registry\.terraform\.io\/hashicorp\/aws"\]\s+\}/);
    expect(text).toMatch(/direct \{\s+exclude = \["registry\.terraform\.io\/hashicorp\/aws"\]\s+\}/);
    expect(text).not.toContain("plugin_cache_dir");
  });

  test("the provider version is the one @cdktf/provider-aws 20.1.0 was generated for, on Terraform's platform name", () => {
    expect(awsProviderVersion()).toBe("5.100.0");
    expect(terraformPlatform("linux", "x64")).toBe("linux_amd64");
    expect(terraformPlatform("darwin", "arm64")).toBe("darwin_arm64");
    expect(packageDir("/m", "5.100.0", "linux_amd64")).toBe("/m/registry.terraform.io/hashicorp/aws/5.100.0/linux_amd64");
  });

  test("files named after their content are written once and never overwritten by another content", () => {
    const dir = temp("lanes-once-");
    const a = writeOnce(dir, "cli", ".tfrc", "a\n");
    const again = writeOnce(dir, "cli", ".tfrc", "a\n");
    const b = writeOnce(dir, "cli", ".tfrc", "b\n");
    expect(again).toBe(a);
    expect(b).not.toBe(a);
    expect([readFileSync(a, "utf8"), readFileSync(b, "utf8")]).toEqual(["a\n", "b\n"]);
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  test("the environment sends Terraform to a read-only mirror, clears any plugin cache of the caller, and sets Go's GC target unless the caller did", async () => {
    requireTerraform();
    const { GOGC: _callerGogc, ...vars } = process.env;
    const env = await terraformEnv(ROOT, { ...vars, TF_PLUGIN_CACHE_DIR: "/somewhere/shared" });
    expect(env.TF_PLUGIN_CACHE_DIR).toBe("");
    expect(env.CDKTF_DISABLE_PLUGIN_CACHE_ENV).toBe("1");
    expect(env.GOGC).toBe("400");
    expect((await terraformEnv(ROOT, { ...vars, GOGC: "150" })).GOGC).toBe("150");
    const config = readFileSync(env.TF_CLI_CONFIG_FILE!, "utf8");
    expect(config).not.toContain("plugin_cache_dir");
    const mirror = /path\s+= "([^"]+)"/.exec(config)![1]!;
    expect(existsSync(packageDir(mirror, awsProviderVersion()))).toBe(true);
  });

  /**
   * The machine without a mirror (CodeBuild): the project's own mirror is filled by exactly one of
   * many processes started at once, under the lock; the others wait and only read. The upstream
   * here is the machine's mirror instead of the registry (no network); the code path is the same.
   */
  test("eight processes filling an empty project mirror at once: one downloads, all succeed, Terraform installs from it", async () => {
    const machineMirror = findProviderMirror();
    if (!machineMirror) throw new Error("this test needs the machine's provider mirror as the stand-in upstream");
    const root = temp("lanes-fill-");
    const mirror = join(root, "providers");
    const upstream = `provider_installation {\n  filesystem_mirror {\n    path = ${JSON.stringify(machineMirror)}\n  }\n}\n`;
    const script = [
      `const { fillMirror } = require(${JSON.stringify(join(ROOT, "lib", "terraform.ts"))});`,
      `fillMirror(${JSON.stringify(mirror)}, { version: "5.100.0", upstream: ${JSON.stringify(upstream)}, onFill: () => process.stdout.write("downloading\\n") })`,
      `  .then((filled) => process.stdout.write(filled ? "filled\\n" : "present\\n"), (e) => { process.stderr.write(String(e)); process.exit(1); });`,
    ].join("\n");
    const ran = await Promise.all(
      Array.from({ length: 8 }, () => run(process.execPath, ["--import", "tsx", "-e", script], { cwd: ROOT, env: { ...process.env, CHECKPOINT_DISABLE: "1" } })),
    );
    const said = ran.map((r) => r.stdout.trim()).sort();
    expect(said).toEqual(["downloading\nfilled", ...Array<string>(7).fill("present")]);
    const pkg = packageDir(mirror, "5.100.0");
    // A copy, not a link into the upstream: a CodeBuild cache of the mirror must not point at a directory of another host.
    expect(lstatSync(pkg).isSymbolicLink()).toBe(false);
    const upstreamPkg = realpathSync(packageDir(machineMirror, "5.100.0"));
    expect(readdirSync(pkg).sort()).toEqual(readdirSync(upstreamPkg).sort());
    for (const f of readdirSync(pkg)) expect(statSync(join(pkg, f)).size).toBe(statSync(join(upstreamPkg, f)).size);
    expect(readdirSync(root).sort()).toEqual(["providers"]); // no scratch directory or lock file left

    const stack = join(root, "stack");
    mkdirSync(stack);
    writeFileSync(join(stack, "main.tf.json"), JSON.stringify({ terraform: { required_providers: { aws: { source: "hashicorp/aws", version: "5.100.0" } } } }));
    const config = writeOnce(root, "cli", ".tfrc", cliConfigText(mirror));
    await run("terraform", ["init", "-backend=false", "-input=false", "-no-color"], { cwd: stack, env: { ...process.env, TF_CLI_CONFIG_FILE: config, CHECKPOINT_DISABLE: "1" } });
    const installed = join(stack, ".terraform", "providers", AWS_PROVIDER, "5.100.0", terraformPlatform());
    expect(lstatSync(installed).isSymbolicLink()).toBe(true);
    expect(realpathSync(installed)).toBe(realpathSync(pkg));
  });
});
