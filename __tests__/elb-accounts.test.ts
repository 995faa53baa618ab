/**
 * The ELB log delivery accounts of lib/policies/log-delivery.ts, judged by the real thing:
 * hashicorp/aws's `aws_elb_service_account` data source (read by the provider itself, offline:
 * it is a table compiled into the provider, the one the ELB guide publishes). Every region of our
 * table must give our account; the regions launched since August 2022, which the guide sends to
 * the log delivery service principal instead, must be unknown to the data source. Found by this
 * test: Jakarta (ap-southeast-3, 589379963580) was missing, so its ALBs would have been granted
 * the service principal, which the guide documents only for the newer regions.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { ELB_LOG_DELIVERY_ACCOUNTS, elbLogDeliveryPrincipal } from "../lib/policies/log-delivery";
import { terraformOrFail } from "./helpers/terraform";

const run = promisify(execFile);

/** Every AWS region (commercial, China, GovCloud), from AWS's list of regions. */
const ALL_REGIONS = [
  "af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-south-2",
  "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7",
  "ca-central-1", "ca-west-1", "cn-north-1", "cn-northwest-1", "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1",
  "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3", "il-central-1", "me-central-1", "me-south-1", "mx-central-1",
  "sa-east-1", "us-east-1", "us-east-2", "us-gov-east-1", "us-gov-west-1", "us-west-1", "us-west-2",
];
/** The regions our table leaves to the service principal: launched since August 2022, by the guide. */
const NEWER_REGIONS = ALL_REGIONS.filter((r) => !(r in ELB_LOG_DELIVERY_ACCOUNTS));

/** A configuration reading aws_elb_service_account for each region, with an output per region. */
function config(regions: readonly string[]): string {
  const name = (r: string) => r.replace(/-/g, "_");
  return JSON.stringify({
    terraform: { required_providers: { aws: { source: "hashicorp/aws" } } },
    provider: {
      aws: {
        region: "ap-southeast-2",
        access_key: "AKIAIOSFODNN7EXAMPLE",
        secret_key: "not-a-secret",
        skip_credentials_validation: true,
        skip_requesting_account_id: true,
        skip_metadata_api_check: true,
        skip_region_validation: true,
      },
    },
    data: { aws_elb_service_account: Object.fromEntries(regions.map((r) => [name(r), { region: r }])) },
    output: Object.fromEntries(regions.map((r) => [r, { value: `\${data.aws_elb_service_account.${name(r)}.id}` }])),
  });
}

let env: Record<string, string>;
const dirs: string[] = [];
beforeAll(async () => {
  env = await terraformOrFail();
});
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function initialized(regions: readonly string[]): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "lanes-elb-accounts-"));
  dirs.push(dir);
  writeFileSync(join(dir, "main.tf.json"), config(regions));
  await run("terraform", ["init", "-input=false", "-no-color"], { cwd: dir, env });
  return dir;
}

test("every region of the table: the account hashicorp/aws gives for it", async () => {
  const dir = await initialized(Object.keys(ELB_LOG_DELIVERY_ACCOUNTS));
  await run("terraform", ["apply", "-auto-approve", "-input=false", "-no-color"], { cwd: dir, env });
  const { stdout } = await run("terraform", ["output", "-json"], { cwd: dir, env });
  const outputs = JSON.parse(stdout) as Record<string, { value: string }>;
  expect(Object.fromEntries(Object.entries(outputs).map(([region, o]) => [region, o.value]))).toEqual(ELB_LOG_DELIVERY_ACCOUNTS);
});

test("every other region is unknown to the data source (no account to grant), and gets the log delivery service principal", async () => {
  const dir = await initialized(NEWER_REGIONS);
  const failed = await run("terraform", ["plan", "-input=false", "-no-color"], { cwd: dir, env }).then(
    () => undefined,
    (err: { stderr?: string; stdout?: string }) => `${err.stderr ?? ""}${err.stdout ?? ""}`,
  );
  expect(failed).toBeDefined();
  const unsupported = [...failed!.matchAll(/unsupported AWS Region: ([a-z0-9-]+)/g)].map((m) => m[1]).sort();
  expect(unsupported).toEqual([...NEWER_REGIONS].sort());
  for (const region of NEWER_REGIONS) expect(elbLogDeliveryPrincipal(region).type).toBe("Service");
  // The guide's newer regions, by name.
  expect(NEWER_REGIONS).toEqual(["ap-east-2", "ap-south-2", "ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ca-west-1", "eu-central-2", "eu-south-2", "il-central-1", "me-central-1", "mx-central-1"]);
});
