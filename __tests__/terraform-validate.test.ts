/**
 * Every synthesized stack passes `terraform validate` against the real hashicorp/aws provider
 * (from the local mirror when there is one): all of them in one run, each called as a child
 * module (the provider schema loaded once), and one lane as a root module of its own.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CHILD_MODULE_BACKEND_WARNING, stackJson, synthMain, terraformOrFail, validateStack, validateStacks } from "./helpers/terraform";
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
    const { ok, diagnostics } = await validateStacks(outdir, stacks, env);
    const problems = diagnostics.filter((d) => d.summary !== CHILD_MODULE_BACKEND_WARNING);
    expect(problems.map((d) => `${d.stack}: ${d.severity}: ${d.summary}\n${d.detail}`)).toEqual([]);
    expect(ok).toBe(true);
    // Each stack has an S3 backend, which Terraform ignores in a child module with one warning:
    // one per stack proves that every stack was loaded and validated.
    expect(diagnostics.map((d) => d.stack).sort()).toEqual(stacks);
  });

  test("a stack with an argument the provider does not know fails, named", async () => {
    const { outdir, stacks } = synthMain({ LAYER: "boot", SERVICE: "user-api", ENV: "dev" });
    outdirs.push(outdir);
    expect(stacks).toEqual(["boot-user-api-dev"]);
    const file = join(outdir, "stacks", "boot-user-api-dev", "cdk.tf.json");
    const json = JSON.parse(readFileSync(file, "utf8")) as { resource: Record<string, Record<string, Record<string, unknown>>> };
    const [lb] = Object.values(json.resource["aws_lb"]!);
    lb!["no_such_argument"] = true;
    writeFileSync(file, JSON.stringify(json, null, 2));
    const { ok, diagnostics } = await validateStacks(outdir, stacks, env);
    expect(ok).toBe(false);
    expect(diagnostics.filter((d) => d.severity === "error").map((d) => [d.stack, d.summary, d.detail])).toEqual([
      ["boot-user-api-dev", "Extraneous JSON object property", 'No argument or block type is named "no_such_argument".'],
    ]);
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
