"use strict";
/**
 * Lane rules sync: copies the master lane rules from DynamoDB to the CloudFront KeyValueStore that
 * the lane-assigning CloudFront Function reads, but only when they are valid, and keeps the
 * function's signing keys there, rotating them. Runs every 5 minutes (EventBridge schedule) and
 * on demand (any invoke); the event is ignored.
 *
 *   0. Keys (../keys.js): GetItem { id: "keys" } (consistent read), attribute `keys` the JSON. When
 *      there is no edge key or the current one is KEY_ROTATION_DAYS old, a new one goes first and
 *      the previous one stays (PutItem, conditional on the item being what was read, so two runs
 *      never rotate twice). The KVS key "keys" gets ids and keys (GetKey, then DescribeKeyValueStore
 *      and PutKey with IfMatch when different). A malformed keys item rejects the invocation.
 *   1. GetItem { id: "active" } from RULES_TABLE (consistent read): attribute `rules` is the JSON
 *      string, `updatedBy` and `updatedAt` say who changed it.
 *   2. validateRules (../rules.js). Invalid, unparsable or missing: nothing is written, so the edge
 *      keeps the last good rules; an SNS notification naming every problem goes to ALARM_TOPIC_ARN
 *      and the metric lanes/edge InvalidRules = 1 is put (no dimensions). Resolves { status: "invalid" }.
 *   3. Valid: the compact JSON is compared with the KVS key "rules" (GetKey). Equal: nothing is
 *      written. Different or absent: DescribeKeyValueStore gives the store's ETag and PutKey writes
 *      the key with IfMatch = ETag. Then InvalidRules = 0. Resolves { status: "written" | "unchanged" }.
 *   Every result also says what happened to the keys: keys "rotated" | "written" | "unchanged".
 *   Any AWS failure (throttled or conflicting KVS write, SNS or CloudWatch down, DynamoDB unreachable)
 *   rejects the invocation, so Lambda's Errors metric and retries see it; the next scheduled run
 *   starts over from DynamoDB. Nothing is reported as synced unless PutKey succeeded.
 *
 * Environment: RULES_TABLE (table name), KVS_ARN (key value store ARN), ALARM_TOPIC_ARN (SNS topic),
 * KEY_ROTATION_DAYS, plus the usual AWS_REGION. IAM: dynamodb:GetItem on the table, PutItem on
 * its item "keys" (dynamodb:LeadingKeys); cloudfront-keyvaluestore:GetKey,
 * DescribeKeyValueStore and PutKey on the store; sns:Publish on the topic; cloudwatch:PutMetricData
 * (condition cloudwatch:namespace = lanes/edge).
 *
 * SigV4A and the deployment package. The KeyValueStore API is signed with SigV4A (region set "*").
 * The SDK signs SigV4A only when an implementation is registered: either @aws-sdk/signature-v4-crt
 * (native aws-crt binaries, which must match the Lambda's OS/architecture and are known not to be
 * found once bundled) or the pure-JS @aws-sdk/signature-v4a, used here: requiring it registers
 * its signer in @smithy/signature-v4's `signatureV4aContainer`. The registration only reaches a KVS
 * client that loads the *same copy* of @smithy/signature-v4. The Node.js 20 runtime bundles the SDK
 * v3 clients but no SigV4A implementation (aws/aws-sdk-js-v3#5663), and a signer shipped in the zip
 * does not register into the runtime's copy (checked: it fails exactly as with no signer). So the deployment package must contain, in one node_modules tree (npm
 * dedupes @smithy/signature-v4 between them):
 *     @aws-sdk/client-cloudfront-keyvaluestore  (3.1142.0, as in the project's package.json)
 *     @aws-sdk/signature-v4a                    (3.1138.0; pulls @smithy/signature-v4a)
 * @aws-sdk/client-dynamodb, client-sns and client-cloudwatch may come from the runtime (shipping
 * them too is harmless and pins their versions). Without the signer this module fails to load;
 * with the signer but the runtime's KVS client, every KVS call fails with "Neither CRT nor JS SigV4a
 * implementation is available". About 17 MB unzipped (npm install --omit=dev of the two).
 * The package must also contain ../rules.js (shared with the CLI and the CloudFront Function's
 * contract). A TerraformAsset of edge/sync/ alone would miss it: zip edge/ instead, with handler
 * "sync/index.handler" and the node_modules above in edge/sync/node_modules (or edge/node_modules).
 */

// Side effect: registers the JS SigV4A signer (see above). Must be loaded before any KVS call.
require("@aws-sdk/signature-v4a");
const { DynamoDBClient, GetItemCommand, PutItemCommand } = require("@aws-sdk/client-dynamodb");
const {
  CloudFrontKeyValueStoreClient,
  DescribeKeyValueStoreCommand,
  GetKeyCommand,
  PutKeyCommand,
} = require("@aws-sdk/client-cloudfront-keyvaluestore");
const { SNSClient, PublishCommand } = require("@aws-sdk/client-sns");
const { CloudWatchClient, PutMetricDataCommand } = require("@aws-sdk/client-cloudwatch");
const { RULES_KEY, MAX_VALUE_BYTES, validateRules, serializeRules } = require("../rules.js");
const { KEYS_KEY, keysProblems, rotateEdgeKeys, serializeKeys } = require("../keys.js");

/** Key of the master rules item: { id: { S: "active" } }. */
const ITEM_ID = "active";
/** Key of the keys item: { id: { S: "keys" } }. */
const KEYS_ITEM_ID = "keys";
const METRIC_NAMESPACE = "lanes/edge";
const METRIC_NAME = "InvalidRules";
const REQUIRED_ENV = ["RULES_TABLE", "KVS_ARN", "ALARM_TOPIC_ARN", "KEY_ROTATION_DAYS"];
/** SNS subjects: ASCII, no line breaks, at most 100 characters. */
const MAX_SUBJECT = 100;

function readEnv(env) {
  const missing = REQUIRED_ENV.filter((name) => !env[name]);
  if (missing.length > 0) throw new Error(`lane rules sync: missing environment variable(s) ${missing.join(", ")}`);
  const rotationDays = Number(env.KEY_ROTATION_DAYS);
  if (!(rotationDays > 0)) throw new Error(`lane rules sync: KEY_ROTATION_DAYS must be a positive number of days, got ${env.KEY_ROTATION_DAYS}`);
  return { table: env.RULES_TABLE, kvsArn: env.KVS_ARN, topicArn: env.ALARM_TOPIC_ARN, rotationDays };
}

function isMissingKey(err) {
  return Boolean(err) && (err.name === "ResourceNotFoundException" || (err.$metadata && err.$metadata.httpStatusCode === 404));
}

/**
 * Builds the handler around injected clients; each needs only `send(command)`.
 * @param {{ dynamodb: { send(c: unknown): Promise<any> }, kvs: { send(c: unknown): Promise<any> },
 *           sns: { send(c: unknown): Promise<any> }, cloudwatch: { send(c: unknown): Promise<any> },
 *           env?: Record<string, string | undefined>, logger?: Pick<Console, "log" | "error">, now?: () => Date }} deps
 * @returns {(event?: unknown) => Promise<{ status: "written" | "unchanged" | "invalid", version?: number, problems?: string[], keys: "rotated" | "written" | "unchanged" }>}
 */
function createHandler({ dynamodb, kvs, sns, cloudwatch, env = process.env, logger = console, now = () => new Date() }) {
  const { table, kvsArn, topicArn, rotationDays } = readEnv(env);

  const putMetric = (value) =>
    cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: METRIC_NAMESPACE,
        MetricData: [{ MetricName: METRIC_NAME, Value: value, Unit: "Count" }],
      }),
    );

  /** Reads the master item and turns it into { value } or { problems }, plus who changed it. */
  async function readMaster() {
    const { Item: item } = await dynamodb.send(
      new GetItemCommand({ TableName: table, Key: { id: { S: ITEM_ID } }, ConsistentRead: true }),
    );
    if (!item) return { problems: [`$: no rules item { id: "${ITEM_ID}" } in table ${table}`] };
    const source = {
      updatedBy: item.updatedBy && item.updatedBy.S,
      updatedAt: item.updatedAt && (item.updatedAt.S || item.updatedAt.N),
    };
    const attr = item.rules;
    if (!attr || typeof attr.S !== "string") {
      const found = attr ? `type ${Object.keys(attr).join("/")}` : "no such attribute";
      return { ...source, problems: [`$: item attribute "rules" must be a string holding the rules JSON (found ${found})`] };
    }
    try {
      return { ...source, value: JSON.parse(attr.S) };
    } catch (err) {
      return { ...source, problems: [`$: rules are not valid JSON (${err.message})`] };
    }
  }

  async function alarm(master, problems, version) {
    const who = [master.updatedBy && `by ${master.updatedBy}`, master.updatedAt && `at ${master.updatedAt}`].filter(Boolean);
    const message = [
      `The lane rules in DynamoDB table ${table} (item id "${ITEM_ID}"${version ? `, version ${version}` : ""}) are invalid.`,
      ...(who.length > 0 ? [`Last changed ${who.join(" ")}.`] : []),
      `They were NOT written to the CloudFront KeyValueStore ${kvsArn}; the edge keeps the last good rules.`,
      "",
      `Problems (${problems.length}):`,
      ...problems.map((p) => `- ${p}`),
    ].join("\n");
    const subject = `lanes: invalid lane rules in ${table}, not synced`.replace(/[^\x20-\x7e]/g, "?").slice(0, MAX_SUBJECT);
    // Both, even if one fails: the metric must not wait on SNS and vice versa.
    const results = await Promise.allSettled([
      sns.send(new PublishCommand({ TopicArn: topicArn, Subject: subject, Message: message })),
      putMetric(1),
    ]);
    const failed = results.find((r) => r.status === "rejected");
    if (failed) throw failed.reason;
    const summary = { status: "invalid", ...(version ? { version } : {}), problems };
    logger.error(
      JSON.stringify({ msg: "lane rules invalid; KeyValueStore not changed", table, updatedBy: master.updatedBy, updatedAt: master.updatedAt, ...summary }),
    );
    return summary;
  }

  async function currentValue(key) {
    try {
      const { Value } = await kvs.send(new GetKeyCommand({ KvsARN: kvsArn, Key: key }));
      return Value;
    } catch (err) {
      if (isMissingKey(err)) return undefined;
      throw err;
    }
  }

  /** Writes `value` at `key` unless the store holds it already; true when written. */
  async function putWhenDifferent(key, value) {
    if ((await currentValue(key)) === value) return false;
    const { ETag } = await kvs.send(new DescribeKeyValueStoreCommand({ KvsARN: kvsArn }));
    if (!ETag) throw new Error(`DescribeKeyValueStore returned no ETag for ${kvsArn}`);
    await kvs.send(new PutKeyCommand({ KvsARN: kvsArn, Key: key, Value: value, IfMatch: ETag }));
    return true;
  }

  /** The keys item: its raw JSON (undefined when there is none) and the parsed keys. */
  async function readKeys() {
    const { Item: item } = await dynamodb.send(new GetItemCommand({ TableName: table, Key: { id: { S: KEYS_ITEM_ID } }, ConsistentRead: true }));
    const raw = item && item.keys && typeof item.keys.S === "string" ? item.keys.S : undefined;
    if (item && raw === undefined) throw new Error(`the keys item { id: "${KEYS_ITEM_ID}" } in ${table} has no string attribute "keys"`);
    if (raw === undefined) return { raw, keys: {} };
    let keys;
    try {
      keys = JSON.parse(raw);
    } catch (err) {
      throw new Error(`the keys item { id: "${KEYS_ITEM_ID}" } in ${table} is not JSON (${err.message})`);
    }
    const problems = keysProblems(keys);
    if (problems.length > 0) throw new Error(`the keys item { id: "${KEYS_ITEM_ID}" } in ${table} is malformed: ${problems.join("; ")}`);
    return { raw, keys };
  }

  /** Rotates the edge keys when due, then copies the keys to the KeyValueStore. */
  async function syncKeys() {
    let { raw, keys } = await readKeys();
    const at = now();
    const rotation = rotateEdgeKeys(keys, at, rotationDays);
    let rotated = false;
    if (rotation.rotated) {
      const value = JSON.stringify(rotation.keys);
      try {
        await dynamodb.send(
          new PutItemCommand({
            TableName: table,
            Item: { id: { S: KEYS_ITEM_ID }, keys: { S: value }, rotatedAt: { S: at.toISOString() } },
            ...(raw === undefined
              ? { ConditionExpression: "attribute_not_exists(id)" }
              : { ConditionExpression: "#keys = :read", ExpressionAttributeNames: { "#keys": "keys" }, ExpressionAttributeValues: { ":read": { S: raw } } }),
          }),
        );
        keys = rotation.keys;
        rotated = true;
        logger.log(JSON.stringify({ msg: "edge key rotated", table, current: keys.edge[0].id, accepted: keys.edge.map((k) => k.id) }));
      } catch (err) {
        if (!err || err.name !== "ConditionalCheckFailedException") throw err;
        // Another run rotated first: use its keys.
        ({ keys } = await readKeys());
      }
    }
    const value = serializeKeys(keys);
    const bytes = new TextEncoder().encode(value).length;
    if (bytes > MAX_VALUE_BYTES) throw new Error(`the keys are ${bytes} bytes; a CloudFront KeyValueStore value is at most ${MAX_VALUE_BYTES} bytes`);
    const written = await putWhenDifferent(KEYS_KEY, value);
    return rotated ? "rotated" : written ? "written" : "unchanged";
  }

  return async function handler() {
    const keys = await syncKeys();
    const result = await syncRules();
    return { ...result, keys };
  };

  async function syncRules() {
    const master = await readMaster();
    const version =
      master.value && typeof master.value === "object" && Number.isSafeInteger(master.value.version) && master.value.version > 0
        ? master.value.version
        : undefined;
    if (master.problems) return alarm(master, master.problems, version);
    const result = validateRules(master.value);
    if (!result.ok) return alarm(master, result.problems, version);

    const value = serializeRules(result.rules);
    if (!(await putWhenDifferent(RULES_KEY, value))) {
      await putMetric(0);
      logger.log(JSON.stringify({ msg: "lane rules unchanged", table, version }));
      return { status: "unchanged", version };
    }
    await putMetric(0);
    logger.log(JSON.stringify({ msg: "lane rules written", table, kvsArn, version, updatedBy: master.updatedBy, updatedAt: master.updatedAt }));
    return { status: "written", version };
  }
}

/** A KeyValueStore client; SigV4A signing comes from the @aws-sdk/signature-v4a import above. */
function createKvsClient(config = {}) {
  return new CloudFrontKeyValueStoreClient(config);
}

let defaultHandler;

/** The Lambda entry point: real SDK v3 clients, region and credentials from the Lambda environment. */
exports.handler = async (event) => {
  if (!defaultHandler) {
    defaultHandler = createHandler({
      dynamodb: new DynamoDBClient({}),
      kvs: createKvsClient(),
      sns: new SNSClient({}),
      cloudwatch: new CloudWatchClient({}),
      env: process.env,
    });
  }
  return defaultHandler(event);
};
exports.createHandler = createHandler;
exports.createKvsClient = createKvsClient;
exports.ITEM_ID = ITEM_ID;
exports.KEYS_ITEM_ID = KEYS_ITEM_ID;
exports.METRIC_NAMESPACE = METRIC_NAMESPACE;
exports.METRIC_NAME = METRIC_NAME;
