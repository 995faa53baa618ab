import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { Testing } from "cdktf";
import { ALL_VIEWER_ORIGIN_REQUEST_POLICY, CACHING_DISABLED_POLICY, INITIAL_RULES } from "../constructs/edge-distribution";
import { edgeFunctionCode } from "../lib/edge/function-code";
import { EdgeStack } from "../stacks/edge-stack";
import { TempParams, exampleFile, exampleParams, synth, type Json } from "./helpers/project";

// edge/rules.js is CommonJS shared with the Lambda.
const { validateRules } = require("../edge/rules.js") as { validateRules(v: unknown): { ok: boolean; problems?: string[] } };

describe("edge-dev", () => {
  const bundleRoot = mkdtempSync(join(tmpdir(), "lanes-bundles-"));
  afterAll(() => rmSync(bundleRoot, { recursive: true, force: true }));
  const params = exampleParams();
  const stack = new EdgeStack(Testing.app(), params.infra("dev"), params.edge("dev"), bundleRoot);
  const s = synth(stack);
  const remote = s.data("terraform_remote_state");

  test("keeps its state under edge/dev/, reads the origin's ALB from its boot state and the origin secret from infra's", () => {
    expect((((s.json.terraform as Json).backend as Record<string, Json>).s3!).key).toBe("edge/dev/terraform.tfstate");
    expect(remote.map(([, c]) => (c.config as Json).key).sort()).toEqual(["boot/dev/user-api/terraform.tfstate", "boot/dev/web-bff/terraform.tfstate", "infra/dev/terraform.tfstate"]);
    const [bootId] = remote.find(([, c]) => (c.config as Json).key === "boot/dev/user-api/terraform.tfstate")!;
    const [infraId] = remote.find(([, c]) => (c.config as Json).key === "infra/dev/terraform.tfstate")!;
    const dist = s.only("aws_cloudfront_distribution");
    expect((dist.origin as Json[]).map((o) => o.origin_id)).toEqual(["user-api", "web-bff"]);
    expect((dist.origin as Json[]).slice(0, 1)).toEqual([
      expect.objectContaining({
        origin_id: "user-api",
        domain_name: `\${data.terraform_remote_state.${bootId}.outputs.alb_dns_name}`,
        custom_origin_config: expect.objectContaining({ origin_protocol_policy: "http-only", http_port: 80 }),
        // Generation 1 (edge-dev.json originSecret defaults): its header, its value from infra's state.
        custom_header: [{ name: "x-lanes-origin-1", value: `\${data.terraform_remote_state.${infraId}.outputs.origin_secrets["1"]}` }],
      }),
    ]);
  });

  test("every behavior runs both functions, caches nothing and forwards all viewer headers", () => {
    const dist = s.only("aws_cloudfront_distribution");
    const [fnRequest] = s.resources("aws_cloudfront_function").find(([, c]) => (c.name as string).endsWith("viewer-request"))!;
    const [fnResponse] = s.resources("aws_cloudfront_function").find(([, c]) => (c.name as string).endsWith("viewer-response"))!;
    const behaviors = [dist.default_cache_behavior as Json, ...(dist.ordered_cache_behavior as Json[])];
    expect((dist.ordered_cache_behavior as Json[]).map((b) => b.path_pattern)).toEqual(["/api/users/*", "/bff/*"]);
    for (const b of behaviors) {
      expect(b).toMatchObject({ target_origin_id: b.path_pattern === "/bff/*" ? "web-bff" : "user-api", cache_policy_id: CACHING_DISABLED_POLICY, origin_request_policy_id: ALL_VIEWER_ORIGIN_REQUEST_POLICY, viewer_protocol_policy: "redirect-to-https" });
      expect(b.function_association).toEqual([
        { event_type: "viewer-request", function_arn: `\${aws_cloudfront_function.${fnRequest}.arn}` },
        { event_type: "viewer-response", function_arn: `\${aws_cloudfront_function.${fnResponse}.arn}` },
      ]);
    }
  });

  test("the viewer-request function runs cloudfront-js-2.0 with the rules KeyValueStore", () => {
    const [kvsId] = s.resources("aws_cloudfront_key_value_store")[0]!;
    const fn = s.resources("aws_cloudfront_function").map(([, c]) => c).find((c) => (c.name as string).endsWith("viewer-request"))!;
    expect(fn).toMatchObject({ runtime: "cloudfront-js-2.0", publish: true, key_value_store_associations: [`\${aws_cloudfront_key_value_store.${kvsId}.arn}`] });
    expect(fn.code as string).toMatch(/(^|[;}\n])async function handler\(/);
  });

  test("the store starts with valid rules (everyone in default) that the sync then owns", () => {
    const key = s.only("aws_cloudfrontkeyvaluestore_key");
    expect(key).toMatchObject({ key: "rules", lifecycle: { ignore_changes: ["value"] } });
    expect(JSON.parse(key.value as string)).toEqual(INITIAL_RULES);
    expect(validateRules(INITIAL_RULES).ok).toBe(true);
  });

  test("rules master table and the sync Lambda on a 5-minute schedule, with its alarms", () => {
    expect(s.only("aws_dynamodb_table")).toMatchObject({ name: "lanes-edge-dev-rules", hash_key: "id" });
    const fn = s.only("aws_lambda_function");
    expect(fn).toMatchObject({ runtime: "nodejs22.x", handler: "index.handler", function_name: "lanes-edge-dev-sync" });
    expect(Object.keys((fn.environment as Json).variables as Json).sort()).toEqual(["ALARM_TOPIC_ARN", "KEY_ROTATION_DAYS", "KVS_ARN", "RULES_TABLE"]);
    expect(((fn.environment as Json).variables as Json).KEY_ROTATION_DAYS).toBe("7");
    expect(s.only("aws_cloudwatch_event_rule").schedule_expression).toBe("rate(5 minutes)");
    expect(s.only("aws_lambda_permission")).toMatchObject({ principal: "events.amazonaws.com", action: "lambda:InvokeFunction" });
    expect(s.resources("aws_cloudwatch_metric_alarm").map(([, c]) => c.alarm_name).sort()).toEqual(["lanes-edge-dev-invalid-rules", "lanes-edge-dev-sync-errors"]);
  });

  test("the sync role's actions: read the table, write the keys item only, write the store, notify the topic, and no other action (resources: iam/trust-and-resource-policies.test.ts)", () => {
    const doc = JSON.parse(s.only("aws_iam_role_policy").policy as string) as { Statement: { Sid: string; Action: string[]; Condition?: Json }[] };
    expect(doc.Statement.flatMap((st) => st.Action).sort()).toEqual([
      "cloudfront-keyvaluestore:DescribeKeyValueStore",
      "cloudfront-keyvaluestore:GetKey",
      "cloudfront-keyvaluestore:PutKey",
      "cloudwatch:PutMetricData",
      "dynamodb:GetItem",
      "dynamodb:PutItem",
      "logs:CreateLogStream",
      "logs:PutLogEvents",
      "sns:Publish",
    ]);
    expect(doc.Statement.find((st) => st.Action.includes("dynamodb:PutItem"))!.Condition).toEqual({ "ForAllValues:StringEquals": { "dynamodb:LeadingKeys": ["keys"] } });
  });

  test("dev: requireSigned is off by default, so plain tester headers and user ids count", () => {
    const fn = s.resources("aws_cloudfront_function").map(([, c]) => c).find((c) => (c.name as string).endsWith("viewer-request"))!;
    expect(fn.code).toBe(edgeFunctionCode("viewer-request", { requireSigned: false }));
  });

  test("rejected tester tokens, user ids and cookies are counted from the function's logs in us-east-1", () => {
    const providers = (s.json.provider as { aws: Json[] }).aws;
    expect(providers.map((p) => [p.alias, p.region])).toEqual([
      [undefined, "ap-southeast-2"],
      ["us-east-1", "us-east-1"],
    ]);
    const groups = s.resources("aws_cloudwatch_log_group").map(([, c]) => c);
    const fnLogs = groups.find((g) => g.name === "/aws/cloudfront/function/lanes-edge-dev-viewer-request")!;
    expect(fnLogs).toMatchObject({ provider: "aws.us-east-1", retention_in_days: 30 });
    const filters = s.resources("aws_cloudwatch_log_metric_filter").map(([, c]) => c);
    expect(filters.map((f) => [f.pattern, (f.metric_transformation as Json).name, (f.metric_transformation as Json).namespace, f.provider]).sort()).toEqual([
      ['"lanes-rejected cookie"', "RejectedStickyCookies", "lanes/edge", "aws.us-east-1"],
      ['"lanes-rejected tester"', "RejectedTesterTokens", "lanes/edge", "aws.us-east-1"],
      ['"lanes-rejected user"', "RejectedUserIds", "lanes/edge", "aws.us-east-1"],
    ]);
  });

  test("the bundled Lambda loads alone and its KeyValueStore client signs with SigV4A", async () => {
    type Bundle = {
      createHandler(deps: Record<string, unknown>): () => Promise<{ status: string }>;
      createKvsClient(config: Record<string, unknown>): { destroy(): void };
    };
    const bundle = require(join(stack.sync.bundleDir, "index.js")) as Bundle;
    const rules = JSON.stringify({ version: 2, lanes: ["default", "gray"] });
    const requests: { headers: Record<string, string> }[] = [];
    const kvs = bundle.createKvsClient({
      region: "us-east-1",
      credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
      requestHandler: {
        handle: async (request: { headers: Record<string, string> }) => {
          requests.push(request);
          const body = JSON.stringify({ Key: "rules", Value: rules, ItemCount: 1, TotalSizeInBytes: rules.length });
          return { response: { statusCode: 200, headers: { "content-type": "application/json", etag: "E1" }, body: Readable.from([Buffer.from(body)]) } };
        },
      },
    });
    const fake = { send: async () => ({}) };
    const keys = JSON.stringify({ edge: [{ id: "e1", key: "k".repeat(43), created: new Date().toISOString() }], user: [] });
    const dynamodb = {
      send: async (command: { input: { Key: { id: { S: string } } } }) =>
        command.input.Key.id.S === "keys" ? { Item: { id: { S: "keys" }, keys: { S: keys } } } : { Item: { id: { S: "active" }, rules: { S: rules } } },
    };
    try {
      const handler = bundle.createHandler({
        dynamodb,
        kvs,
        sns: fake,
        cloudwatch: fake,
        logger: { log: () => undefined, error: () => undefined },
        env: { RULES_TABLE: "t", KVS_ARN: "arn:aws:cloudfront::123456789012:key-value-store/0123", ALARM_TOPIC_ARN: "arn:aws:sns:us-east-1:123456789012:t", KEY_ROTATION_DAYS: "7" },
      });
      expect(await handler()).toMatchObject({ status: "unchanged" });
    } finally {
      kvs.destroy();
    }
    expect(requests[0]!.headers.authorization).toMatch(/^AWS4-ECDSA-P256-SHA256 /);
  });
});

describe("edge params", () => {
  test("an origin must be an http service with an ALB", () => {
    const params = new TempParams({
      "edge-dev.json": exampleFile("edge-dev.json", (j) => {
        j.origins = [{ service: "order-worker" }];
        j.defaultService = "order-worker";
      }),
    });
    try {
      expect(() => params.repo().edge("dev")).toThrow(/edge-dev\.json: field 'origins\[0\]\.service' has bad value "order-worker"\. Allowed: an http service with an ALB \(it is a worker\)/);
    } finally {
      params.cleanup();
    }
  });

  test("the default service must be one of the origins", () => {
    const params = new TempParams({ "edge-dev.json": exampleFile("edge-dev.json", (j) => void (j.defaultService = "billing")) });
    try {
      expect(() => params.repo().edge("dev")).toThrow(/field 'defaultService' has bad value "billing"\. Allowed: one of the origins \(user-api, web-bff\)/);
    } finally {
      params.cleanup();
    }
  });
});
