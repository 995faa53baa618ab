/**
 * Many Terraform runs on one machine at once (lanes deployed from two terminals, a self-hosted
 * runner, parallel test workers): nothing they share may break them. Every run goes through the
 * project's Terraform environment (lib/terraform.ts), as `npm run cdktf`, the lanes CLI and the
 * build do. The full-strength version (three rounds of 16 × init + validate + plan in the local
 * state harness) is `npm run stress`; this suite keeps its cost within the test budget.
 */
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, realpathSync, rmSync, copyFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { AWS_PROVIDER, awsProviderVersion, packageDir, terraformPlatform } from "../lib/terraform";
import { ROOT, TempParams, exampleFile } from "./helpers/project";
import { synthMain, terraformOrFail } from "./helpers/terraform";
import "./helpers/slow";

const run = promisify(execFile);
const LANES = ["default", ...Array.from({ length: 15 }, (_, i) => `lane${i + 1}`)];

describe("16 lanes' Terraform runs at once on one machine", () => {
  let tfEnv: Record<string, string>;
  let params: TempParams;
  let outdir: string;
  let mirrorPackage: string;

  beforeAll(async () => {
    tfEnv = await terraformOrFail();
    params = new TempParams({
      "user-api-dev.json": exampleFile("user-api-dev.json", (j) => {
        j.lanes = Object.fromEntries(LANES.map((l) => [l, {}]));
      }),
    });
    ({ outdir } = synthMain({ ENV: "dev", SERVICE: "user-api", LAYER: "app" }, params.dir));
    const mirror = /path\s+= "([^"]+)"/.exec(readFileSync(tfEnv.TF_CLI_CONFIG_FILE!, "utf8"))![1]!;
    mirrorPackage = realpathSync(packageDir(mirror, awsProviderVersion()));
  });

  afterAll(() => {
    params?.cleanup();
    if (outdir) rmSync(outdir, { recursive: true, force: true });
  });

  const stacks = () => LANES.map((l) => `app-user-api-dev-${l}`);

  /**
   * Init is where runs used to collide (a shared plugin cache being written). 16 inits start at the
   * same moment in fresh working directories; each must link the complete provider; then two of
   * them validate at once. One round: `npm run stress` runs three, and validates all 16 (each
   * round here cost about 25 s of CPU on 2 cores, docs/BENCHMARKS.md).
   */
  test("16 lane stacks run terraform init at the same moment, each links the whole provider from the read-only mirror, and they validate", async () => {
    const dirs = stacks().map((s) => {
      const dir = join(outdir, "inits", s);
      mkdirSync(dir, { recursive: true });
      copyFileSync(join(outdir, "stacks", s, "cdk.tf.json"), join(dir, "cdk.tf.json"));
      return dir;
    });
    const results = await Promise.allSettled(dirs.map((cwd) => run("terraform", ["init", "-backend=false", "-input=false", "-no-color"], { cwd, env: tfEnv })));
    expect(results.filter((r) => r.status === "rejected").map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
    for (const dir of dirs) {
      const installed = join(dir, ".terraform", "providers", AWS_PROVIDER, awsProviderVersion(), terraformPlatform());
      expect(realpathSync(installed)).toBe(mirrorPackage);
      expect(readFileSync(join(dir, ".terraform.lock.hcl"), "utf8")).toContain(`version     = "${awsProviderVersion()}"`);
    }
    const pair = [dirs[0]!, dirs[8]!];
    const validated = await Promise.all(pair.map((cwd) => run("terraform", ["validate", "-no-color"], { cwd, env: tfEnv }).then((r) => r.stdout)));
    validated.forEach((out) => expect(out).toMatch(/The configuration is valid/));
  });

  test("four synths bundling the edge Lambda into one directory at once all get the same complete bundle", async () => {
    const root = join(outdir, "bundles");
    const script = `process.stdout.write(require(${JSON.stringify(join(ROOT, "lib", "edge", "bundle.ts"))}).bundleRulesSync(${JSON.stringify(root)}))`;
    const dirs = await Promise.all(Array.from({ length: 4 }, () => run(process.execPath, ["--import", "tsx", "-e", script], { cwd: ROOT }).then((r) => r.stdout)));
    expect(new Set(dirs).size).toBe(1);
    const code = readFileSync(join(dirs[0]!, "index.js"), "utf8");
    // The whole bundle: it loads and exports the handler factory.
    const loaded = require(join(dirs[0]!, "index.js")) as { createHandler?: unknown };
    expect(typeof loaded.createHandler).toBe("function");
    expect(code.length).toBeGreaterThan(10_000);
  });
});
