/**
 * constructs/rules-sync.ts on its own: every resource it writes, whole, as hashicorp/aws documents
 * them (the rules table, the Lambda, its role, schedule and invoke permission, the two alarms).
 * edge-stack.test.ts checks it in the edge stack; the role's requests are simulated in
 * iam/trust-and-resource-policies.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Testing, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { RulesSync, type RulesSyncProps } from "../constructs/rules-sync";
import { edgeNames } from "../lib/naming";
import { ref, synth, type Json } from "./helpers/project";

const KVS_ARN = "arn:aws:cloudfront::123456789012:key-value-store/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b";
let bundleDir: string;
/** The construct with the default props below, synthesized once for the suite. */
let s: ReturnType<typeof synth>;

beforeAll(() => {
  bundleDir = mkdtempSync(join(tmpdir(), "lanes-rules-sync-"));
  writeFileSync(join(bundleDir, "index.js"), "exports.handler = async () => ({});\n");
  s = sync();
});
afterAll(() => rmSync(bundleDir, { recursive: true, force: true }));

function sync(props: Partial<RulesSyncProps> = {}) {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  new AwsProvider(stack, "aws", { region: "us-east-1" });
  new RulesSync(stack, "rules", { names: edgeNames("dev"), keyValueStoreArn: KVS_ARN, bundleDir, everyMinutes: 5, keyRotationDays: 7, ...props });
  return synth(stack);
}

/** `${type.id.attr}` of the one resource of `type`. */
function refOf(out: ReturnType<typeof synth>, type: string, attr: string): string {
  const [[id]] = out.resources(type) as [[string, Json]];
  return ref(type, id, attr);
}

test("writes the table, its topic, the function with its log group, role and policy, the schedule and the two alarms: nothing else", () => {
  expect(Object.keys(s.json.resource as Json).sort()).toEqual([
    "aws_cloudwatch_event_rule",
    "aws_cloudwatch_event_target",
    "aws_cloudwatch_log_group",
    "aws_cloudwatch_metric_alarm",
    "aws_dynamodb_table",
    "aws_iam_role",
    "aws_iam_role_policy",
    "aws_lambda_function",
    "aws_lambda_permission",
    "aws_sns_topic",
  ]);
});

test("the rules table: on demand, keyed by id, encrypted, with point-in-time recovery", () => {
  expect(s.only("aws_dynamodb_table")).toEqual({
    name: "lanes-edge-dev-rules",
    billing_mode: "PAY_PER_REQUEST",
    hash_key: "id",
    attribute: [{ name: "id", type: "S" }],
    point_in_time_recovery: { enabled: true },
    server_side_encryption: { enabled: true },
  });
});

test("the alarm topic is encrypted with the AWS managed SNS key; the log group keeps 30 days", () => {
  expect(s.only("aws_sns_topic")).toEqual({ name: "lanes-edge-dev-alarms", kms_master_key_id: "alias/aws/sns" });
  expect(s.only("aws_cloudwatch_log_group")).toEqual({ name: "/aws/lambda/lanes-edge-dev-sync", retention_in_days: 30 });
});

test("the role is assumed by Lambda, and its policy is written out whole", () => {
  const role = s.only("aws_iam_role");
  expect(role.name).toBe("lanes-edge-dev-sync");
  expect(JSON.parse(role.assume_role_policy as string)).toEqual({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
  });
  const policy = s.only("aws_iam_role_policy");
  expect(policy.name).toBe("rules-sync");
  expect(policy.role).toBe(refOf(s, "aws_iam_role", "name"));
  const table = refOf(s, "aws_dynamodb_table", "arn");
  expect(JSON.parse(policy.policy as string)).toEqual({
    Version: "2012-10-17",
    Statement: [
      { Sid: "ReadRules", Effect: "Allow", Action: ["dynamodb:GetItem"], Resource: table },
      {
        Sid: "RotateKeys",
        Effect: "Allow",
        Action: ["dynamodb:PutItem"],
        Resource: table,
        Condition: { "ForAllValues:StringEquals": { "dynamodb:LeadingKeys": ["keys"] } },
      },
      {
        Sid: "WriteEdgeRules",
        Effect: "Allow",
        Action: ["cloudfront-keyvaluestore:DescribeKeyValueStore", "cloudfront-keyvaluestore:GetKey", "cloudfront-keyvaluestore:PutKey"],
        Resource: KVS_ARN,
      },
      { Sid: "Notify", Effect: "Allow", Action: ["sns:Publish"], Resource: refOf(s, "aws_sns_topic", "arn") },
      {
        Sid: "Metric",
        Effect: "Allow",
        Action: ["cloudwatch:PutMetricData"],
        Resource: "*",
        Condition: { StringEquals: { "cloudwatch:namespace": "lanes/edge" } },
      },
      { Sid: "Logs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${refOf(s, "aws_cloudwatch_log_group", "arn")}:*` },
    ],
  });
});

test("the function: Node.js 22 with the bundle, 30 s and 256 MB, after its log group, told its table, store, topic and rotation period", () => {
  const threeDays = sync({ keyRotationDays: 3 });
  const fn = threeDays.only("aws_lambda_function");
  expect(fn).toEqual({
    function_name: "lanes-edge-dev-sync",
    description: "validates the lane rules and writes them to the CloudFront KeyValueStore",
    role: refOf(threeDays, "aws_iam_role", "arn"),
    runtime: "nodejs22.x",
    handler: "index.handler",
    timeout: 30,
    memory_size: 256,
    environment: {
      variables: {
        RULES_TABLE: refOf(threeDays, "aws_dynamodb_table", "name"),
        KVS_ARN,
        ALARM_TOPIC_ARN: refOf(threeDays, "aws_sns_topic", "arn"),
        KEY_ROTATION_DAYS: "3",
      },
    },
    depends_on: [`aws_cloudwatch_log_group.${(threeDays.resources("aws_cloudwatch_log_group") as [[string, Json]])[0][0]}`],
    filename: expect.stringMatching(/^assets\/.+\.zip$/),
    source_code_hash: expect.stringMatching(/^[0-9A-F]{32}$/i),
  });
});

test('the schedule runs the function every N minutes ("minute" for one), through an invoke permission for that rule alone', () => {
  expect(s.only("aws_cloudwatch_event_rule")).toEqual({
    name: "lanes-edge-dev-sync",
    description: "sync the lane rules to the edge",
    schedule_expression: "rate(5 minutes)",
  });
  expect(sync({ everyMinutes: 1 }).only("aws_cloudwatch_event_rule").schedule_expression).toBe("rate(1 minute)");
  expect(s.only("aws_cloudwatch_event_target")).toEqual({ rule: refOf(s, "aws_cloudwatch_event_rule", "name"), arn: refOf(s, "aws_lambda_function", "arn") });
  expect(s.only("aws_lambda_permission")).toEqual({
    statement_id: "schedule",
    action: "lambda:InvokeFunction",
    function_name: refOf(s, "aws_lambda_function", "function_name"),
    principal: "events.amazonaws.com",
    source_arn: refOf(s, "aws_cloudwatch_event_rule", "arn"),
  });
});

test("two alarms, each raised by one bad 5-minute period and cleared when data stops: invalid rules and the function's errors", () => {
  const topic = refOf(s, "aws_sns_topic", "arn");
  const once = {
    period: 300,
    evaluation_periods: 1,
    comparison_operator: "GreaterThanOrEqualToThreshold",
    threshold: 1,
    treat_missing_data: "notBreaching",
    alarm_actions: [topic],
    ok_actions: [topic],
  };
  const alarms = Object.fromEntries(s.resources("aws_cloudwatch_metric_alarm").map(([, a]) => [a.alarm_name as string, a]));
  expect(alarms).toEqual({
    "lanes-edge-dev-invalid-rules": {
      alarm_name: "lanes-edge-dev-invalid-rules",
      alarm_description: "The lane rules in DynamoDB are invalid: the edge keeps the last good rules",
      namespace: "lanes/edge",
      metric_name: "InvalidRules",
      statistic: "Maximum",
      ...once,
    },
    "lanes-edge-dev-sync-errors": {
      alarm_name: "lanes-edge-dev-sync-errors",
      alarm_description: "The rules sync failed (AWS error): the edge keeps the last rules it got",
      namespace: "AWS/Lambda",
      metric_name: "Errors",
      dimensions: { FunctionName: refOf(s, "aws_lambda_function", "function_name") },
      statistic: "Sum",
      ...once,
    },
  });
});
