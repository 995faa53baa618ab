/**
 * The install phase of ci/buildspec.yml (`bash ci/install.sh`) with the pipeline's CodeBuild
 * cache, run for real in CodeBuild-shaped workspaces (helpers/codebuild.ts: the S3 cache with a
 * key, one immutable copy per key, no fallback). The project is small (one npm package served by
 * a local registry that records every request; Terraform as a file:// release zip) so that npm ci
 * runs for real in seconds. Network attempts are proven absent with a recording proxy set as
 * every proxy variable npm, curl and Terraform read, and an unreachable registry setting.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { appendFileSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer as createTcpServer, type Server as TcpServer } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CodeBuildWorkspace, loadBuildspec, type Buildspec } from "./helpers/codebuild";
import { ROOT } from "./helpers/project";
import { AWS_PROVIDER, findProviderMirror, packageDir, projectMirror } from "../lib/terraform";
import "./helpers/slow";

const DEP = "lanes-fixture-dep";
const UNREACHABLE = "http://127.0.0.1:9";

let dir: string;
let spec: Buildspec;
let registry: Server;
let registryUrl: string;
/** Paths the registry was asked for. */
let requests: string[] = [];
const tarballs = new Map<string, { body: Buffer; integrity: string }>();
let proxy: TcpServer;
let proxyUrl: string;
let proxyConnections = 0;
let zip: string;
let zipSha: string;
const workspaces: CodeBuildWorkspace[] = [];

/** A package tarball made by `npm pack`, served at /<name>/-/<name>-<version>.tgz. */
function packDependency(version: string): void {
  const src = join(dir, `pkg-${version}`);
  mkdirSync(src);
  writeFileSync(join(src, "package.json"), JSON.stringify({ name: DEP, version, main: "index.js" }));
  writeFileSync(join(src, "index.js"), `module.exports = ${JSON.stringify(version)};\n`);
  const file = execFileSync("npm", ["pack", "--silent", "--pack-destination", dir], { cwd: src, encoding: "utf8" }).trim();
  const body = readFileSync(join(dir, file));
  tarballs.set(`/${DEP}/-/${DEP}-${version}.tgz`, { body, integrity: `sha512-${createHash("sha512").update(body).digest("base64")}` });
}

/** The project's files: ci/install.sh, its patches/, and package.json + package-lock.json pinning DEP at `version`. */
function project(version: string): (src: string) => void {
  const path = `/${DEP}/-/${DEP}-${version}.tgz`;
  const lock = {
    name: "lanes-mini",
    version: "1.0.0",
    lockfileVersion: 3,
    requires: true,
    packages: {
      "": { name: "lanes-mini", version: "1.0.0", dependencies: { [DEP]: version } },
      [`node_modules/${DEP}`]: { version, resolved: `${registryUrl}${path}`, integrity: tarballs.get(path)!.integrity },
    },
  };
  return (src) => {
    mkdirSync(join(src, "ci"));
    copyFileSync(join(ROOT, "ci", "install.sh"), join(src, "ci", "install.sh"));
    cpSync(join(ROOT, "patches"), join(src, "patches"), { recursive: true });
    writeFileSync(join(src, "package.json"), JSON.stringify({ name: "lanes-mini", version: "1.0.0", private: true, dependencies: { [DEP]: version } }, null, 2));
    writeFileSync(join(src, "package-lock.json"), `${JSON.stringify(lock, null, 2)}\n`);
  };
}

async function workspace(version: string): Promise<CodeBuildWorkspace> {
  const ws = await CodeBuildWorkspace.create({ nodeModules: "none", source: project(version) });
  workspaces.push(ws);
  return ws;
}

/** The install phase; `offline`: every route out is the recording proxy, the npm registry unreachable, Terraform's URL its real one. */
function install(ws: CodeBuildWorkspace, opts: { offline: boolean }) {
  requests = [];
  proxyConnections = 0;
  const dest = join(ws.root, "terraform-bin");
  const common = { TERRAFORM_INSTALL_DIR: dest, TERRAFORM_SHA256: zipSha, npm_config_update_notifier: "false" };
  const network: Record<string, string> = opts.offline
    ? {
        npm_config_registry: UNREACHABLE,
        // An attempt fails at once instead of npm's minute of retries (the negative control below).
        npm_config_fetch_retries: "0",
        npm_config_proxy: proxyUrl,
        npm_config_https_proxy: proxyUrl,
        HTTP_PROXY: proxyUrl,
        HTTPS_PROXY: proxyUrl,
        http_proxy: proxyUrl,
        https_proxy: proxyUrl,
      }
    : { TERRAFORM_URL: `file://${zip}` };
  return ws.run(spec, { ...common, ...network }, { phases: ["install"] });
}

function installedVersion(ws: CodeBuildWorkspace): string {
  return (JSON.parse(readFileSync(join(ws.src, "node_modules", DEP, "package.json"), "utf8")) as { version: string }).version;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "lanes-install-cache-"));
  spec = loadBuildspec(join(ROOT, "ci", "buildspec.yml"));
  registry = createHttpServer((req, res) => {
    requests.push(req.url ?? "");
    const tarball = tarballs.get(req.url ?? "");
    if (!tarball) {
      res.statusCode = 404;
      res.end("{}");
      return;
    }
    res.setHeader("content-type", "application/octet-stream");
    res.end(tarball.body);
  });
  await new Promise<void>((resolve) => registry.listen(0, "127.0.0.1", resolve));
  registryUrl = `http://127.0.0.1:${(registry.address() as AddressInfo).port}`;
  proxy = createTcpServer((socket) => {
    proxyConnections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  packDependency("1.0.0");
  packDependency("1.0.1");
  // A release zip standing in for terraform_1.11.4_linux_amd64.zip (its hash given as TERRAFORM_SHA256).
  mkdirSync(join(dir, "zip"));
  writeFileSync(join(dir, "zip", "terraform"), '#!/bin/sh\necho "Terraform v1.11.4"\necho "on linux_amd64"\n', { mode: 0o755 });
  zip = join(dir, "terraform_1.11.4_linux_amd64.zip");
  execFileSync("zip", ["-q", "-j", zip, join(dir, "zip", "terraform")]);
  zipSha = createHash("sha256").update(readFileSync(zip)).digest("hex");
});

afterAll(async () => {
  for (const ws of workspaces) ws.cleanup();
  await new Promise<void>((resolve) => registry?.close(() => resolve()));
  await new Promise<void>((resolve) => proxy?.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

describe("the buildspec's cache", () => {
  it("is keyed by the hash of package-lock.json, ci/install.sh and the patches npm ci applies, with no fallback key, and holds node_modules, .ci/cache and the provider mirror", () => {
    expect(spec.cache).toEqual({
      key: "lanes-deps-$(codebuild-hash-files package-lock.json ci/install.sh patches/@stryker-mutator+instrumenter+9.6.1.patch)",
      fallbackKeys: [],
      paths: ["node_modules/**/*", ".ci/cache/**/*", ".lanes/terraform/providers/**/*"],
    });
  });
});

describe("ci/install.sh with the CodeBuild cache", () => {
  let store: string;
  let coldKey: string;

  beforeAll(() => {
    store = join(dir, "cache-store");
  });

  it("cold (empty cache): npm ci fetches from the registry, Terraform is downloaded and checked, and the cache is saved under the lockfiles' key", async () => {
    const ws = await workspace("1.0.0");
    const restored = await ws.restoreCache(spec, store);
    expect(restored.hit).toBe(false);
    const result = await install(ws, { offline: false });
    expect({ phases: result.phases, output: result.succeeded ? "" : result.output }).toEqual({
      phases: [{ phase: "install", status: "SUCCEEDED", exitCode: 0 }],
      output: "",
    });
    expect(requests).toEqual([`/${DEP}/-/${DEP}-1.0.0.tgz`]);
    expect(installedVersion(ws)).toBe("1.0.0");
    expect(result.output).toContain(`downloading Terraform 1.11.4 from file://${zip}`);
    expect(result.output).toContain(`SHA-256 ${zipSha} verified`);
    expect(execFileSync(join(ws.root, "terraform-bin", "terraform"), ["version"], { encoding: "utf8" })).toContain("Terraform v1.11.4");
    const saved = await ws.saveCache(spec, store);
    expect(saved.saved).toBe(true);
    expect(saved.key).toMatch(/^lanes-deps-[0-9a-f]{64}$/);
    coldKey = saved.key;
  });

  it("warm (same lockfiles): nothing is fetched — no request to the registry or through the proxy — and the cached Terraform zip is checked again", async () => {
    const ws = await workspace("1.0.0");
    const restored = await ws.restoreCache(spec, store);
    expect(restored).toEqual({ key: coldKey, hit: true });
    const result = await install(ws, { offline: true });
    expect({ succeeded: result.succeeded, output: result.succeeded ? "" : result.output }).toEqual({ succeeded: true, output: "" });
    expect(requests).toEqual([]);
    expect(proxyConnections).toBe(0);
    expect(result.output).toContain("npm ci skipped");
    expect(result.output).toContain("Terraform 1.11.4 zip from the cache");
    expect(result.output).toContain(`SHA-256 ${zipSha} verified`);
    expect(result.output).not.toContain("downloading");
    expect(installedVersion(ws)).toBe("1.0.0");
  });

  it("the same offline settings on an empty cache fail, and the attempt is seen (so the warm run's zero is a real zero)", async () => {
    const ws = await workspace("1.0.0");
    const result = await install(ws, { offline: true });
    expect(result.phases).toEqual([{ phase: "install", status: "FAILED", exitCode: expect.any(Number) as number }]);
    expect(proxyConnections + requests.length).toBeGreaterThan(0);
  });

  it("warm npm cache without a matching node_modules (e.g. another Node major): npm ci --prefer-offline reinstalls from the cache, still without the network", async () => {
    const ws = await workspace("1.0.0");
    await ws.restoreCache(spec, store);
    writeFileSync(join(ws.src, "node_modules", ".lanes-installed"), "package-lock.json sha256 0; node 0 other\n");
    const result = await install(ws, { offline: true });
    expect({ succeeded: result.succeeded, output: result.succeeded ? "" : result.output }).toEqual({ succeeded: true, output: "" });
    expect(result.output).toContain("node_modules does not match package-lock.json");
    expect(requests).toEqual([]);
    expect(proxyConnections).toBe(0);
    expect(installedVersion(ws)).toBe("1.0.0");
  });

  it("a changed package-lock.json changes the key: nothing is restored, and the new tree is fetched", async () => {
    const ws = await workspace("1.0.1");
    const restored = await ws.restoreCache(spec, store);
    expect(restored.hit).toBe(false);
    expect(restored.key).not.toBe(coldKey);
    const result = await install(ws, { offline: false });
    expect(result.succeeded).toBe(true);
    expect(requests).toEqual([`/${DEP}/-/${DEP}-1.0.1.tgz`]);
    expect(installedVersion(ws)).toBe("1.0.1");
  });

  it("even node_modules of another lockfile put in place (a cache restored by mistake) is not used: its stamp names the other lockfile", async () => {
    const ws = await workspace("1.0.1");
    cpSync(join(store, coldKey), ws.src, { recursive: true, verbatimSymlinks: true });
    expect(installedVersion(ws)).toBe("1.0.0");
    const result = await install(ws, { offline: false });
    expect(result.succeeded).toBe(true);
    expect(result.output).toContain("node_modules does not match package-lock.json");
    expect(installedVersion(ws)).toBe("1.0.1");
  });

  it("a changed patch changes the key, and node_modules installed under the other patches is not used: its stamp names them", async () => {
    const ws = await workspace("1.0.0");
    appendFileSync(join(ws.src, "patches", "@stryker-mutator+instrumenter+9.6.1.patch"), "\n");
    const restored = await ws.restoreCache(spec, store);
    expect([restored.hit, restored.key === coldKey]).toEqual([false, false]);
    cpSync(join(store, coldKey), ws.src, { recursive: true, verbatimSymlinks: true });
    const result = await install(ws, { offline: false });
    expect(result.succeeded).toBe(true);
    expect(result.output).toContain("node_modules does not match package-lock.json");
  });

  it("a cached Terraform zip that does not match the pinned hash is thrown away and downloaded again; a download that does not match is refused", async () => {
    const ws = await workspace("1.0.0");
    await ws.restoreCache(spec, store);
    const cached = join(ws.src, ".ci", "cache", "terraform", `terraform_1.11.4_linux_amd64.${zipSha}.zip`);
    expect(existsSync(cached)).toBe(true);
    writeFileSync(cached, "not the release zip");
    const result = await install(ws, { offline: false });
    expect({ succeeded: result.succeeded, output: result.succeeded ? "" : result.output }).toEqual({ succeeded: true, output: "" });
    expect(result.output).toContain(`not ${zipSha}: discarding it and downloading`);
    expect(createHash("sha256").update(readFileSync(cached)).digest("hex")).toBe(zipSha);

    const refused = await ws.run(spec, { TERRAFORM_INSTALL_DIR: join(ws.root, "other-bin"), TERRAFORM_SHA256: "0".repeat(64), TERRAFORM_URL: `file://${zip}` }, { phases: ["install"] });
    expect(refused.phases).toEqual([{ phase: "install", status: "FAILED", exitCode: 1 }]);
    expect(refused.output).toContain(`expected ${"0".repeat(64)}, actual ${zipSha}`);
    expect(existsSync(join(ws.root, "other-bin", "terraform"))).toBe(false);
  });
});

/**
 * hashicorp/aws, the other download: the deploy step installs it from the project's mirror
 * (.lanes/terraform/providers, lib/terraform.ts), which the cache holds. Run through the
 * project's Terraform environment (scripts/with-terraform.ts, what every deploy step uses) in a
 * copy of this repository with no machine mirror (TF_PROVIDER_MIRROR=none, as in CodeBuild).
 */
describe("the provider mirror from the CodeBuild cache", () => {
  let ws: CodeBuildWorkspace;
  let stack: string;
  const initThroughProxy = () => {
    proxyConnections = 0;
    return ws.bash(`node --import tsx scripts/with-terraform.ts terraform -chdir=${JSON.stringify(stack)} init -backend=false -input=false -no-color`, {
      TF_PROVIDER_MIRROR: "none",
      HTTPS_PROXY: proxyUrl,
      HTTP_PROXY: proxyUrl,
      https_proxy: proxyUrl,
      http_proxy: proxyUrl,
      TF_REGISTRY_DISCOVERY_RETRY: "0",
    });
  };

  beforeAll(async () => {
    ws = await CodeBuildWorkspace.create();
    workspaces.push(ws);
    stack = join(ws.tmp, "stack");
    mkdirSync(stack);
    writeFileSync(join(stack, "main.tf.json"), JSON.stringify({ terraform: { required_providers: { aws: { source: "hashicorp/aws", version: "5.100.0" } } } }));
  });

  it("cold (no mirror restored): the deploy would fetch it from the registry — the attempt goes out, and fails here", async () => {
    const { code, output } = await initThroughProxy();
    expect(code).not.toBe(0);
    expect(output).toContain(`could not download ${AWS_PROVIDER} 5.100.0`);
    expect(proxyConnections).toBeGreaterThan(0);
  });

  it("warm (the mirror restored from the cache): terraform init installs it with no network attempt", async () => {
    const machineMirror = findProviderMirror();
    if (!machineMirror) throw new Error("this test needs the machine's provider mirror to stand for what the cache restores");
    const restored = packageDir(projectMirror(ws.src), "5.100.0");
    mkdirSync(join(restored, ".."), { recursive: true });
    symlinkSync(packageDir(machineMirror, "5.100.0"), restored, "dir");
    const { code, output } = await initThroughProxy();
    expect({ code, output: code === 0 ? "" : output }).toEqual({ code: 0, output: "" });
    expect(proxyConnections).toBe(0);
    expect(existsSync(packageDir(join(stack, ".terraform", "providers"), "5.100.0"))).toBe(true);
  });
});
