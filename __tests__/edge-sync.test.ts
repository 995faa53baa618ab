/**
 * The lane rules contract (edge/rules.js) and the sync Lambda (edge/sync/index.js). DynamoDB is
 * real (dynalite through the local state harness); the KeyValueStore, SNS and CloudWatch clients
 * are stubbed at the SDK edge: `send(command)` records the command and answers like the service.
 */
import { CreateTableCommand, PutItemCommand, type AttributeValue, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  CloudFrontKeyValueStoreServiceException,
  ConflictException,
  DescribeKeyValueStoreCommand,
  GetKeyCommand,
  InternalServerException,
  PutKeyCommand,
  ResourceNotFoundException,
  type CloudFrontKeyValueStoreClient,
} from "@aws-sdk/client-cloudfront-keyvaluestore";
import { PublishCommand } from "@aws-sdk/client-sns";
import { PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { Readable } from "node:stream";
import { startLocalState, type LocalState } from "../lib/harness/local-state";
import { MAX_VALUE_BYTES, RULES_KEY, validateRules, type LaneRules } from "../edge/rules";
import { exampleRules } from "./helpers/edge-rules";

// edge/sync is plain CommonJS for the Lambda runtime; this is the part of it the tests use.
interface SendClient {
  send(command: object): Promise<unknown>;
}
interface SyncResult {
  status: "written" | "unchanged" | "invalid";
  version?: number;
  problems?: string[];
}
interface SyncModule {
  createHandler(deps: {
    dynamodb: SendClient;
    kvs: SendClient;
    sns: SendClient;
    cloudwatch: SendClient;
    env?: Record<string, string | undefined>;
    logger?: { log(...args: unknown[]): void; error(...args: unknown[]): void };
  }): (event?: unknown) => Promise<SyncResult>;
  createKvsClient(config?: Record<string, unknown>): CloudFrontKeyValueStoreClient;
}
const sync = require("../edge/sync/index.js") as SyncModule;

const KVS_ARN = "arn:aws:cloudfront::123456789012:key-value-store/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b";
const TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:lanes-edge-alarms";

const EXAMPLE: LaneRules = exampleRules();

/** EXAMPLE with some fields replaced (undefined removes the field). */
function rulesWith(changes: Record<string, unknown>): Record<string, unknown> {
  const rules: Record<string, unknown> = { ...structuredClone(EXAMPLE), ...changes };
  for (const [key, value] of Object.entries(changes)) if (value === undefined) delete rules[key];
  return rules;
}

function bytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), "utf8");
}

/** EXAMPLE with extra gray users so that its compact JSON is exactly `size` bytes. */
function rulesOfSize(size: number): Record<string, unknown> {
  const gray = [...(EXAMPLE.users?.gray ?? [])];
  const rules = rulesWith({ users: { gray } });
  let i = 0;
  while (bytes(rules) + 104 < size) gray.push(`pad-${i++}-${"x".repeat(90)}`);
  // A new id adds its length plus two quotes and a comma.
  const rest = size - bytes(rules) - 3;
  if (rest < 1 || rest > 128) throw new Error(`cannot pad to ${size} bytes (rest ${rest})`);
  gray.push("y".repeat(rest));
  if (bytes(rules) !== size) throw new Error(`padded to ${bytes(rules)} bytes, not ${size}`);
  return rules;
}

// ---------------------------------------------------------------------------------------------
// validateRules: every problem names its JSON path and the rule broken

describe("validateRules", () => {
  test("accepts the documented example and returns it as the rules", () => {
    const result = validateRules(EXAMPLE);
    expect(result).toEqual({ ok: true, rules: EXAMPLE });
  });

  test("accepts the minimal rules: a version and the default lane", () => {
    expect(validateRules({ version: 1, lanes: ["default"] }).ok).toBe(true);
  });

  test("accepts percents that add up to exactly 100 in binary fractions", () => {
    const rules = rulesWith({
      lanes: ["default", "a", "b", "c"],
      users: undefined,
      percentages: [
        { lane: "a", percent: 33.3 },
        { lane: "b", percent: 33.3 },
        { lane: "c", percent: 33.4 },
      ],
    });
    expect(validateRules(rules).ok).toBe(true);
  });

  test.each<[string, unknown, string]>([
    ["a non-object", ["default"], "$: rules must be a JSON object, got an array"],
    ["a missing version", rulesWith({ version: undefined }), "$.version: is required (a positive integer)"],
    ["a zero version", rulesWith({ version: 0 }), "$.version: must be a positive integer, got 0"],
    ["a fractional version", rulesWith({ version: 1.5 }), "$.version: must be a positive integer, got 1.5"],
    ["a version given as a string", rulesWith({ version: "3" }), '$.version: must be a positive integer, got "3"'],
    ["missing lanes", rulesWith({ lanes: undefined }), '$.lanes: is required (a list of lane names including "default")'],
    ["empty lanes", rulesWith({ lanes: [], users: undefined, percentages: undefined }), '$.lanes: must not be empty; it must include "default"'],
    ["lanes without default", rulesWith({ lanes: ["gray", "blue"] }), '$.lanes: must include "default"'],
    [
      "an upper-case lane name",
      rulesWith({ lanes: ["default", "Gray"], users: undefined, percentages: undefined }),
      '$.lanes[1]: lane name "Gray" must be lower-case letters, digits and inner hyphens (^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$)',
    ],
    [
      "a lane name ending in a hyphen",
      rulesWith({ lanes: ["default", "gray-"], users: undefined, percentages: undefined }),
      '$.lanes[1]: lane name "gray-" must be lower-case letters, digits and inner hyphens (^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$)',
    ],
    [
      "a lane name over 115 characters",
      rulesWith({ lanes: ["default", "a".repeat(116)], users: undefined, percentages: undefined }),
      "$.lanes[1]: lane name is 116 characters, more than 115",
    ],
    ["a lane listed twice", rulesWith({ lanes: ["default", "gray", "gray"] }), '$.lanes[2]: lane "gray" is listed twice (first at $.lanes[1])'],
    ["users of an unknown lane", rulesWith({ users: { blue: ["u-1"], green: ["u-9"] } }), '$.users.green: lane "green" is not in $.lanes'],
    [
      "users pinned to default",
      rulesWith({ users: { default: ["u-1"] } }),
      '$.users.default: "default" cannot have pinned users; it gets all traffic no other lane takes',
    ],
    ["a user list that is a string", rulesWith({ users: { gray: "u-1,u-2" } }), "$.users.gray: must be a list of user ids, got a string"],
    [
      "a user id with a comma",
      rulesWith({ users: { gray: ["u-1", "u-2,u-3"] } }),
      '$.users.gray[1]: a user id must be a non-empty string of at most 128 characters without ",", ";" or whitespace, got "u-2,u-3"',
    ],
    [
      "a user id with a space",
      rulesWith({ users: { gray: ["u 1"] } }),
      '$.users.gray[0]: a user id must be a non-empty string of at most 128 characters without ",", ";" or whitespace, got "u 1"',
    ],
    [
      "an empty user id",
      rulesWith({ users: { gray: [""] } }),
      '$.users.gray[0]: a user id must be a non-empty string of at most 128 characters without ",", ";" or whitespace, got ""',
    ],
    [
      "a numeric user id",
      rulesWith({ users: { gray: [42] } }),
      '$.users.gray[0]: a user id must be a non-empty string of at most 128 characters without ",", ";" or whitespace, got 42',
    ],
    [
      "a user in two lanes",
      rulesWith({ users: { gray: ["u-1", "u-2"], blue: ["u-3", "u-2"] } }),
      '$.users.blue[1]: user "u-2" is already in lane "gray" ($.users.gray[1]); a user can be pinned to one lane only',
    ],
    ["pinned users without userId", rulesWith({ userId: undefined }), "$.users: pinned users need $.userId to say where the user id comes from"],
    [
      "percents over 100",
      rulesWith({ percentages: [{ lane: "gray", percent: 60 }, { lane: "blue", percent: 50 }] }),
      "$.percentages: percents add up to 110; the total must be at most 100",
    ],
    ["a negative percent", rulesWith({ percentages: [{ lane: "gray", percent: -1 }] }), "$.percentages[0].percent: must be a number from 0 to 100, got -1"],
    ["a percent given as a string", rulesWith({ percentages: [{ lane: "gray", percent: "10" }] }), '$.percentages[0].percent: must be a number from 0 to 100, got "10"'],
    [
      "default in percentages",
      rulesWith({ percentages: [{ lane: "default", percent: 90 }] }),
      '$.percentages[0].lane: "default" cannot have a percentage; it gets all traffic no other lane takes',
    ],
    ["an unknown lane in percentages", rulesWith({ percentages: [{ lane: "green", percent: 5 }] }), '$.percentages[0].lane: lane "green" is not in $.lanes'],
    [
      "a lane with two percentages",
      rulesWith({ percentages: [{ lane: "gray", percent: 5 }, { lane: "gray", percent: 5 }] }),
      '$.percentages[1].lane: lane "gray" has a percentage twice (first at $.percentages[0])',
    ],
    [
      "an upper-case userId header",
      rulesWith({ userId: { header: "X-User-Id" } }),
      "$.userId.header: header name must be lower-case token characters (a-z 0-9 !#$%&'*+-.^_`|~), got \"X-User-Id\"",
    ],
    ["a userId naming neither header nor cookie", rulesWith({ userId: {} }), "$.userId: must name a header, a cookie or both"],
    [
      "a tester header with a space",
      rulesWith({ testerHeader: "x lane" }),
      "$.testerHeader: header name must be lower-case token characters (a-z 0-9 !#$%&'*+-.^_`|~), got \"x lane\"",
    ],
    [
      "a cookie name with a semicolon",
      rulesWith({ cookie: { name: "lane;", maxAgeSeconds: 60 } }),
      "$.cookie.name: cookie name must be token characters (A-Z a-z 0-9 !#$%&'*+-.^_`|~), got \"lane;\"",
    ],
    [
      "a cookie max age of 0",
      rulesWith({ cookie: { name: "lane", maxAgeSeconds: 0 } }),
      "$.cookie.maxAgeSeconds: must be a whole number of seconds from 1 to 31536000 (one year), got 0",
    ],
    [
      "a cookie max age over a year",
      rulesWith({ cookie: { name: "lane", maxAgeSeconds: 31536001 } }),
      "$.cookie.maxAgeSeconds: must be a whole number of seconds from 1 to 31536000 (one year), got 31536001",
    ],
    [
      "a misspelt field",
      rulesWith({ percentage: [] }),
      "$.percentage: unknown field; allowed: version, lanes, userId, testerHeader, users, percentages, cookie",
    ],
    [
      "rules over the KeyValueStore value limit",
      rulesOfSize(MAX_VALUE_BYTES + 1),
      "$: serialized rules are 1025 bytes; a CloudFront KeyValueStore value is at most 1024 bytes",
    ],
  ])("refuses %s", (_what, value, problem) => {
    const result = validateRules(value);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toContain(problem);
  });

  test("accepts rules of exactly the KeyValueStore value limit", () => {
    expect(validateRules(rulesOfSize(MAX_VALUE_BYTES)).ok).toBe(true);
  });

  test("counts the size in UTF-8 bytes, not characters", () => {
    const rules = rulesWith({ users: { gray: Array.from({ length: 8 }, (_, i) => `ü${i}-${"ü".repeat(60)}`) } });
    expect(JSON.stringify(rules).length).toBeLessThanOrEqual(MAX_VALUE_BYTES);
    const result = validateRules(rules);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([`$: serialized rules are ${bytes(rules)} bytes; a CloudFront KeyValueStore value is at most 1024 bytes`]);
  });

  test("reports every problem at once, not just the first", () => {
    const result = validateRules(rulesWith({ version: -1, lanes: ["gray"], percentages: [{ lane: "gray", percent: 101 }] }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([
      "$.version: must be a positive integer, got -1",
      '$.lanes: must include "default"',
      "$.percentages[0].percent: must be a number from 0 to 100, got 101",
    ]);
  });

  test("quotes keys that are not identifiers in paths", () => {
    const result = validateRules(rulesWith({ users: { "blue-2": ["u-9"] } }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual(['$.users["blue-2"]: lane "blue-2" is not in $.lanes']);
  });
});

// ---------------------------------------------------------------------------------------------
// Stubs at the SDK edge

/** A CloudFront KeyValueStore that answers GetKey, DescribeKeyValueStore and PutKey like the API. */
class FakeKvs implements SendClient {
  readonly calls: object[] = [];
  value: string | undefined;
  etag = "KV7XY89Z0ABC012";
  /** Thrown by the next PutKey instead of writing. */
  failPut: Error | undefined;

  async send(command: object): Promise<unknown> {
    this.calls.push(command);
    if (command instanceof GetKeyCommand) {
      expect(command.input).toEqual({ KvsARN: KVS_ARN, Key: RULES_KEY });
      if (this.value === undefined) throw new ResourceNotFoundException({ message: "Key not found", $metadata: { httpStatusCode: 404 } });
      return { Key: RULES_KEY, Value: this.value, ItemCount: 1, TotalSizeInBytes: this.value.length };
    }
    if (command instanceof DescribeKeyValueStoreCommand) {
      expect(command.input).toEqual({ KvsARN: KVS_ARN });
      return { KvsARN: KVS_ARN, ETag: this.etag, ItemCount: this.value === undefined ? 0 : 1, TotalSizeInBytes: 0, Created: new Date() };
    }
    if (command instanceof PutKeyCommand) {
      if (this.failPut) throw this.failPut;
      if (command.input.IfMatch !== this.etag) {
        throw new ConflictException({ message: "Pre-condition failed: ETag mismatch", $metadata: { httpStatusCode: 409 } });
      }
      this.value = command.input.Value;
      this.etag = `${this.etag}+`;
      return { ETag: this.etag, ItemCount: 1, TotalSizeInBytes: this.value?.length ?? 0 };
    }
    throw new Error(`unexpected KeyValueStore command ${command.constructor.name}`);
  }

  puts(): PutKeyCommand[] {
    return this.calls.filter((c): c is PutKeyCommand => c instanceof PutKeyCommand);
  }
}

/** SNS or CloudWatch: records commands of one class and answers `reply`. */
class Recorder<C extends object> implements SendClient {
  readonly calls: C[] = [];
  failWith: Error | undefined;
  constructor(
    private readonly commandClass: abstract new (...args: never[]) => C,
    private readonly reply: unknown,
  ) {}

  async send(command: object): Promise<unknown> {
    if (!(command instanceof this.commandClass)) throw new Error(`unexpected command ${command.constructor.name}`);
    this.calls.push(command);
    if (this.failWith) throw this.failWith;
    return this.reply;
  }
}

const silent = { log: () => undefined, error: () => undefined };

// ---------------------------------------------------------------------------------------------
// The sync handler, reading the master rules from a real (local) DynamoDB

describe("lane rules sync", () => {
  let harness: LocalState;
  let tables = 0;

  beforeAll(async () => {
    harness = await startLocalState({ bucket: "lanes-edge-sync-test", lockTable: "lanes-edge-sync-locks", region: "us-east-1" });
  });
  afterAll(async () => {
    await harness.stop();
  });

  /** A fresh rules table, holding `item` if given. */
  async function rulesTable(item?: Record<string, AttributeValue>): Promise<string> {
    const name = `lanes-edge-rules-${++tables}`;
    const dynamodb: DynamoDBClient = harness.dynamodb;
    await dynamodb.send(
      new CreateTableCommand({
        TableName: name,
        AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    if (item) await dynamodb.send(new PutItemCommand({ TableName: name, Item: item }));
    return name;
  }

  /** The master item as an operator writes it: pretty-printed JSON. */
  function rulesItem(rules: unknown): Record<string, AttributeValue> {
    return {
      id: { S: "active" },
      rules: { S: typeof rules === "string" ? rules : JSON.stringify(rules, null, 2) },
      updatedBy: { S: "alice@example.com" },
      updatedAt: { S: "2025-06-01T10:00:00Z" },
    };
  }

  function syncFor(table: string, kvs = new FakeKvs()) {
    const sns = new Recorder(PublishCommand, { MessageId: "m-1" });
    const cloudwatch = new Recorder(PutMetricDataCommand, {});
    const handler = sync.createHandler({
      dynamodb: harness.dynamodb,
      kvs,
      sns,
      cloudwatch,
      env: { RULES_TABLE: table, KVS_ARN: KVS_ARN, ALARM_TOPIC_ARN: TOPIC_ARN },
      logger: silent,
    });
    return { handler, kvs, sns, cloudwatch };
  }

  function invalidRulesMetrics(cloudwatch: Recorder<PutMetricDataCommand>): number[] {
    return cloudwatch.calls.map((c) => {
      expect(c.input.Namespace).toBe("lanes/edge");
      expect(c.input.MetricData).toHaveLength(1);
      expect(c.input.MetricData?.[0]).toMatchObject({ MetricName: "InvalidRules", Unit: "Count" });
      return c.input.MetricData?.[0]?.Value ?? NaN;
    });
  }

  test("writes valid rules as compact JSON with the ETag from DescribeKeyValueStore", async () => {
    const table = await rulesTable(rulesItem(EXAMPLE));
    const kvs = new FakeKvs();
    kvs.etag = "ETVPDKIKX0DER";
    const { handler, sns, cloudwatch } = syncFor(table, kvs);

    const result = await handler({ source: "aws.events", "detail-type": "Scheduled Event" });

    expect(result).toEqual({ status: "written", version: 3 });
    expect(kvs.calls.map((c) => c.constructor.name)).toEqual(["GetKeyCommand", "DescribeKeyValueStoreCommand", "PutKeyCommand"]);
    expect(kvs.puts()[0]?.input).toEqual({ KvsARN: KVS_ARN, Key: "rules", Value: JSON.stringify(EXAMPLE), IfMatch: "ETVPDKIKX0DER" });
    expect(invalidRulesMetrics(cloudwatch)).toEqual([0]);
    expect(sns.calls).toEqual([]);
  });

  test("replaces older rules in the KeyValueStore", async () => {
    const table = await rulesTable(rulesItem(EXAMPLE));
    const kvs = new FakeKvs();
    kvs.value = JSON.stringify({ ...EXAMPLE, version: 2, percentages: [] });
    const { handler } = syncFor(table, kvs);

    await expect(handler({})).resolves.toEqual({ status: "written", version: 3 });
    expect(kvs.value).toBe(JSON.stringify(EXAMPLE));
  });

  test("does not rewrite rules the KeyValueStore already holds", async () => {
    const table = await rulesTable(rulesItem(EXAMPLE));
    const kvs = new FakeKvs();
    kvs.value = JSON.stringify(EXAMPLE);
    const { handler, sns, cloudwatch } = syncFor(table, kvs);

    const result = await handler({});

    expect(result).toEqual({ status: "unchanged", version: 3 });
    expect(kvs.calls.map((c) => c.constructor.name)).toEqual(["GetKeyCommand"]);
    expect(invalidRulesMetrics(cloudwatch)).toEqual([0]);
    expect(sns.calls).toEqual([]);
  });

  const lastGood = JSON.stringify({ ...EXAMPLE, version: 2 });

  test.each<[string, Record<string, AttributeValue> | undefined, string]>([
    ["an unknown lane", rulesItem(rulesWith({ users: { green: ["u-1"] } })), '$.users.green: lane "green" is not in $.lanes'],
    [
      "percentages over 100",
      rulesItem(rulesWith({ percentages: [{ lane: "gray", percent: 70 }, { lane: "blue", percent: 40 }] })),
      "$.percentages: percents add up to 110; the total must be at most 100",
    ],
    ["a malformed user list", rulesItem(rulesWith({ users: { gray: "u-1;u-2" } })), "$.users.gray: must be a list of user ids, got a string"],
    [
      "a user in two lanes",
      rulesItem(rulesWith({ users: { gray: ["u-1"], blue: ["u-1"] } })),
      '$.users.blue[0]: user "u-1" is already in lane "gray" ($.users.gray[0]); a user can be pinned to one lane only',
    ],
    [
      "default in percentages",
      rulesItem(rulesWith({ percentages: [{ lane: "default", percent: 50 }] })),
      '$.percentages[0].lane: "default" cannot have a percentage; it gets all traffic no other lane takes',
    ],
    ["a missing rules item", undefined, '$: no rules item { id: "active" } in table'],
    [
      "rules too large for a KeyValueStore value",
      rulesItem(rulesOfSize(1500)),
      "$: serialized rules are 1500 bytes; a CloudFront KeyValueStore value is at most 1024 bytes",
    ],
    ["rules that are not JSON", rulesItem('{ "version": 4, '), "$: rules are not valid JSON"],
    [
      "a rules attribute that is not a string",
      { id: { S: "active" }, rules: { M: { version: { N: "4" } } } },
      '$: item attribute "rules" must be a string holding the rules JSON (found type M)',
    ],
  ])("refuses %s: nothing written, SNS names the problem, InvalidRules = 1", async (_what, item, problem) => {
    const table = await rulesTable(item);
    const kvs = new FakeKvs();
    kvs.value = lastGood;
    const { handler, sns, cloudwatch } = syncFor(table, kvs);

    const result = await handler({});

    expect(result.status).toBe("invalid");
    expect(result.problems?.some((p) => p.startsWith(problem))).toBe(true);
    expect(kvs.puts()).toEqual([]);
    expect(kvs.value).toBe(lastGood);
    expect(sns.calls).toHaveLength(1);
    const publish = sns.calls[0]!.input;
    expect(publish.TopicArn).toBe(TOPIC_ARN);
    expect(publish.Subject).toBe(`lanes: invalid lane rules in ${table}, not synced`);
    expect(publish.Message).toContain(problem);
    expect(publish.Message).toContain("NOT written");
    expect(invalidRulesMetrics(cloudwatch)).toEqual([1]);
  });

  test("the alarm names every problem and who last changed the rules", async () => {
    const table = await rulesTable(rulesItem(rulesWith({ version: 7, lanes: ["gray"], percentages: [{ lane: "gray", percent: 101 }] })));
    const { handler, sns } = syncFor(table);

    const result = await handler({});

    expect(result).toEqual({
      status: "invalid",
      version: 7,
      problems: ['$.lanes: must include "default"', "$.percentages[0].percent: must be a number from 0 to 100, got 101"],
    });
    const message = sns.calls[0]?.input.Message ?? "";
    expect(message).toContain("version 7");
    expect(message).toContain("Last changed by alice@example.com at 2025-06-01T10:00:00Z.");
    expect(message).toContain('- $.lanes: must include "default"');
    expect(message).toContain("- $.percentages[0].percent: must be a number from 0 to 100, got 101");
  });

  test.each<[string, () => Error]>([
    ["throttled", () => new CloudFrontKeyValueStoreServiceException({ name: "ThrottlingException", $fault: "client", message: "Rate exceeded", $metadata: { httpStatusCode: 429 } })],
    ["rejected by a concurrent change (ETag conflict)", () => new ConflictException({ message: "Pre-condition failed", $metadata: { httpStatusCode: 409 } })],
    ["failed on the service side", () => new InternalServerException({ message: "Internal error", $metadata: { httpStatusCode: 500 } })],
  ])("rejects, and reports no success, when the KeyValueStore write is %s", async (_what, error) => {
    const table = await rulesTable(rulesItem(EXAMPLE));
    const kvs = new FakeKvs();
    const failure = error();
    kvs.failPut = failure;
    const { handler, cloudwatch } = syncFor(table, kvs);

    await expect(handler({})).rejects.toBe(failure);
    expect(kvs.value).toBeUndefined();
    expect(cloudwatch.calls).toEqual([]);
  });

  test("rejects when the alarm notification cannot be published, after still putting InvalidRules = 1", async () => {
    const table = await rulesTable(rulesItem(rulesWith({ lanes: ["gray"] })));
    const { handler, sns, cloudwatch } = syncFor(table);
    sns.failWith = new Error("SNS unavailable");

    await expect(handler({})).rejects.toThrow("SNS unavailable");
    expect(invalidRulesMetrics(cloudwatch)).toEqual([1]);
  });

  test("refuses to start without its environment", () => {
    expect(() =>
      sync.createHandler({ dynamodb: harness.dynamodb, kvs: new FakeKvs(), sns: new FakeKvs(), cloudwatch: new FakeKvs(), env: { RULES_TABLE: "t" } }),
    ).toThrow("lane rules sync: missing environment variable(s) KVS_ARN, ALARM_TOPIC_ARN");
  });
});

// ---------------------------------------------------------------------------------------------
// The real KVS client the Lambda builds: stubbed only below the signer, at the HTTP handler

describe("the Lambda's KeyValueStore client", () => {
  test("signs with SigV4A (region set *) against the account's KVS endpoint", async () => {
    const requests: { hostname: string; path: string; headers: Record<string, string> }[] = [];
    const client = sync.createKvsClient({
      region: "us-east-1",
      credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
      requestHandler: {
        handle: async (request: { hostname: string; path: string; headers: Record<string, string> }) => {
          requests.push(request);
          const body = JSON.stringify({ KvsARN: KVS_ARN, ItemCount: 1, TotalSizeInBytes: 10, Created: 1700000000 });
          return { response: { statusCode: 200, headers: { "content-type": "application/json", etag: "E1" }, body: Readable.from([Buffer.from(body)]) } };
        },
      },
    });
    try {
      const out = await client.send(new DescribeKeyValueStoreCommand({ KvsARN: KVS_ARN }));
      expect(out.ETag).toBe("E1");
    } finally {
      client.destroy();
    }
    expect(requests).toHaveLength(1);
    expect(requests[0]?.hostname).toBe("123456789012.cloudfront-kvs.global.api.aws");
    expect(requests[0]?.headers.authorization).toMatch(/^AWS4-ECDSA-P256-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/cloudfront-keyvaluestore\/aws4_request/);
    expect(requests[0]?.headers["x-amz-region-set"]).toBe("*");
  });
});
