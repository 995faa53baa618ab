/**
 * Every synthesized stack passes `terraform init -backend=false && terraform validate` against
 * the real hashicorp/aws provider (from the local mirror when there is one).
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { inBatches, stackJson, synthMain, terraformOrFail, validateStack, type TerraformResult } from "./helpers/terraform";
import "./helpers/slow";

describe("terraform validate", () => {
  let env: Record<string, string>;
  const outdirs: string[] = [];
  afterAll(() => outdirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  beforeAll(async () => {
    env = await terraformOrFail();
  });

  test("every stack of the example system is valid", async () => {
    const { outdir, stacks } = synthMain();
    outdirs.push(outdir);
    expect(stacks).toEqual([
      "app-order-api-dev-default",
      "app-order-api-dev-gray",
      "app-order-worker-dev-canary",
      "app-order-worker-dev-default",
      "app-user-api-dev-default",
      "app-user-api-dev-gray",
      "app-web-bff-dev-default",
      "app-web-bff-dev-gray",
      "boot-order-api-dev",
      "boot-order-worker-dev",
      "boot-user-api-dev",
      "boot-web-bff-dev",
      "edge-dev",
      "infra-dev",
      "pipeline-bootstrap-dev",
      "pipeline-gc-dev",
      "pipeline-infra-dev",
      "pipeline-order-api-dev",
      "pipeline-order-worker-dev",
      "pipeline-user-api-dev",
      "pipeline-web-bff-dev",
      "state-dev",
    ]);
    const results = await inBatches(stacks, 2, (s) => validateStack(join(outdir, "stacks", s), env));
    const failed = stacks.map((s, i): [string, TerraformResult] => [s, results[i]!]).filter(([, r]) => !r.ok);
    expect(failed.map(([s, r]) => `${s}:\n${r.output}`)).toEqual([]);
  });

  test("LANE=blue SERVICE=user-api ENV=dev builds app-user-api-dev-blue alone, and it is valid", async () => {
    const { outdir, stacks } = synthMain({ LANE: "blue", SERVICE: "user-api", ENV: "dev" });
    outdirs.push(outdir);
    expect(stacks).toEqual(["app-user-api-dev-blue"]);
    const json = stackJson(outdir, "app-user-api-dev-blue") as { terraform: { backend: { s3: { key: string } } } };
    expect(json.terraform.backend.s3.key).toBe("app/dev/user-api/blue/terraform.tfstate");
    const result = await validateStack(join(outdir, "stacks", "app-user-api-dev-blue"), env);
    expect(result.output).toMatch(/The configuration is valid/);
    expect(result.ok).toBe(true);
  });
});
