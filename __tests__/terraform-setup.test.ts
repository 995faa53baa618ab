import { lstatSync, mkdirSync, mkdtempSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TerraformSetupError, cliConfigText, findProviderMirror, prefillPluginCache, requireTerraform } from "../lib/terraform";

describe("Terraform setup", () => {
  test("the plugin cache is filled from the mirror up front, so parallel inits only link (idempotent)", () => {
    const root = mkdtempSync(join(tmpdir(), "lanes-cache-"));
    try {
      const mirror = join(root, "mirror");
      const pkg = join(mirror, "registry.terraform.io", "hashicorp", "aws", "5.100.0", "linux_amd64");
      mkdirSync(pkg, { recursive: true });
      const cache = join(root, "cache");
      prefillPluginCache(mirror, cache);
      prefillPluginCache(mirror, cache);
      const linked = join(cache, "registry.terraform.io", "hashicorp", "aws", "5.100.0", "linux_amd64");
      expect(lstatSync(linked).isSymbolicLink()).toBe(true);
      expect(readlinkSync(linked)).toBe(pkg);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test("a missing terraform fails with what to install", () => {
    expect(() => requireTerraform({ PATH: "/nonexistent" })).toThrow(TerraformSetupError);
    expect(() => requireTerraform({ PATH: "/nonexistent" })).toThrow(/terraform was not found on the PATH: install Terraform >= 1\.10/);
  });

  test("TF_PROVIDER_MIRROR wins when it holds hashicorp/aws", () => {
    const dir = mkdtempSync(join(tmpdir(), "lanes-mirror-"));
    try {
      mkdirSync(join(dir, "registry.terraform.io", "hashicorp", "aws"), { recursive: true });
      expect(findProviderMirror({ TF_PROVIDER_MIRROR: dir })).toBe(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("TF_PROVIDER_MIRROR pointing at a directory without the provider is an error, 'none' means the registry", () => {
    expect(() => findProviderMirror({ TF_PROVIDER_MIRROR: "/tmp/definitely-not-a-mirror" })).toThrow(/does not hold registry\.terraform\.io\/hashicorp\/aws/);
    expect(findProviderMirror({ TF_PROVIDER_MIRROR: "none" })).toBeUndefined();
  });

  test("the CLI config sends hashicorp/aws to the mirror and everything else to the registry", () => {
    const text = cliConfigText("/opt/mirror", "/cache");
    expect(text).toContain('plugin_cache_dir = "/cache"');
    expect(text).toMatch(/filesystem_mirror \{\s+path\s+= "\/opt\/mirror"\s+include = \["registry\.terraform\.io\/hashicorp\/aws"\]/);
    expect(text).toMatch(/direct \{\s+exclude = \["registry\.terraform\.io\/hashicorp\/aws"\]/);
    expect(cliConfigText(undefined, "/cache")).not.toContain("provider_installation");
  });
});
