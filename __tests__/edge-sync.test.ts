/**
 * The sync Lambda (edge/sync/index.js), which copies the lane rules (edge/rules.js) and the keys
 * it rotates (edge/keys.js). DynamoDB is real (dynalite through the local state harness); the
 * KeyValueStore, SNS and CloudWatch clients are stubbed at the SDK edge: `send(command)` records
 * the command and answers like the service.
 */
import { GetItemCommand, PutItemCommand, type AttributeValue, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
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
import { createRulesTable, startLocalState, type LocalState } from "../lib/harness/local-state";
import { RULES_KEY, type LaneRules } from "../edge/rules";
import type { EdgeKeys } from "../edge/keys";
import { exampleRules, rulesOfSize, rulesWith } from "./helpers/edge-rules";

// edge/sync is plain CommonJS for the Lambda runtime; this is the part of it the tests use.
interface SendClient {
  send(command: object): Promise<unknown>;
}
interface SyncResult {
  status: "written" | "unchanged" | "invalid";
  version?: number;
  problems?: string[];
  keys: "rotated" | "written" | "unchanged";
}
interface SyncModule {
  createHandler(deps: {
    dynamodb: SendClient;
    kvs: SendClient;
    sns: SendClient;
    cloudwatch: SendClient;
    env?: Record<string, string | undefined>;
    logger?: { log(...args: unknown[]): void; error(...args: unknown[]): void };
    now?: () => Date;
  }): (event?: unknown) => Promise<SyncResult>;
  createKvsClient(config?: Record<string, unknown>): CloudFrontKeyValueStoreClient;
}
const sync = require("../edge/sync/index.js") as SyncModule;
const keysModule = require("../edge/keys.js") as typeof import("../edge/keys");

const KVS_ARN = "arn:aws:cloudfront::123456789012:key-value-store/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b";
const TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:lanes-edge-alarms";

const EXAMPLE: LaneRules = exampleRules();

// ---------------------------------------------------------------------------------------------
// Stubs at the SDK edge

/** Edge keys created at `created`, as the sync stores them (the current one first). */
function edgeKeys(...created: string[]): EdgeKeys {
  return { edge: created.map((c, i) => ({ id: `e${i}${c.replace(/[^0-9]/g, "").slice(0, 12)}`, key: `k${i}-${"x".repeat(42)}`, created: c })), user: [] };
}

/** Keys the sync finds fresh (no rotation due) in every test that is about the rules. */
const FRESH_KEYS = (): EdgeKeys => edgeKeys(new Date().toISOString());

/** A CloudFront KeyValueStore that answers GetKey, DescribeKeyValueStore and PutKey like the API. */
class FakeKvs implements SendClient {
  readonly calls: object[] = [];
  readonly values = new Map<string, string>();
  etag = "KV7XY89Z0ABC012";
  /** Thrown by the next PutKey instead of writing. */
  failPut: Error | undefined;

  constructor(keys: EdgeKeys | undefined) {
    if (keys) this.values.set("keys", keysModule.serializeKeys(keys));
  }

  /** The rules value. */
  get value(): string | undefined {
    return this.values.get(RULES_KEY);
  }
  set value(v: string | undefined) {
    if (v === undefined) this.values.delete(RULES_KEY);
    else this.values.set(RULES_KEY, v);
  }

  async send(command: object): Promise<unknown> {
    this.calls.push(command);
    if (command instanceof GetKeyCommand) {
      expect(command.input.KvsARN).toBe(KVS_ARN);
      const key = command.input.Key!;
      expect([RULES_KEY, "keys"]).toContain(key);
      const value = this.values.get(key);
      if (value === undefined) throw new ResourceNotFoundException({ message: "Key not found", $metadata: { httpStatusCode: 404 } });
      return { Key: key, Value: value, ItemCount: this.values.size, TotalSizeInBytes: value.length };
    }
    if (command instanceof DescribeKeyValueStoreCommand) {
      expect(command.input).toEqual({ KvsARN: KVS_ARN });
      return { KvsARN: KVS_ARN, ETag: this.etag, ItemCount: this.values.size, TotalSizeInBytes: 0, Created: new Date() };
    }
    if (command instanceof PutKeyCommand) {
      if (this.failPut) throw this.failPut;
      if (command.input.IfMatch !== this.etag) {
        throw new ConflictException({ message: "Pre-condition failed: ETag mismatch", $metadata: { httpStatusCode: 409 } });
      }
      this.values.set(command.input.Key!, command.input.Value!);
      this.etag = `${this.etag}+`;
      return { ETag: this.etag, ItemCount: this.values.size, TotalSizeInBytes: command.input.Value?.length ?? 0 };
    }
    throw new Error(`unexpected KeyValueStore command ${command.constructor.name}`);
  }

  /** Writes of the rules key. */
  puts(): PutKeyCommand[] {
    return this.calls.filter((c): c is PutKeyCommand => c instanceof PutKeyCommand && c.input.Key === RULES_KEY);
  }

  /** Writes of the keys key. */
  keyPuts(): PutKeyCommand[] {
    return this.calls.filter((c): c is PutKeyCommand => c instanceof PutKeyCommand && c.input.Key === "keys");
  }

  /** The calls about the rules: all but the look-up of the (unchanged) keys. */
  rulesCalls(): string[] {
    return this.calls.filter((c) => !(c instanceof GetKeyCommand && c.input.Key === "keys")).map((c) => c.constructor.name);
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

  /** A fresh rules table, holding `item` if given, and `keys` (fresh ones unless null). */
  async function rulesTable(item?: Record<string, AttributeValue>, keys: EdgeKeys | null = FRESH_KEYS()): Promise<string> {
    const name = `lanes-edge-rules-${++tables}`;
    const dynamodb: DynamoDBClient = harness.dynamodb;
    await createRulesTable(dynamodb, name);
    if (item) await dynamodb.send(new PutItemCommand({ TableName: name, Item: item }));
    if (keys) await dynamodb.send(new PutItemCommand({ TableName: name, Item: { id: { S: "keys" }, keys: { S: JSON.stringify(keys) } } }));
    return name;
  }

  async function storedKeys(table: string): Promise<EdgeKeys | undefined> {
    const out = await harness.dynamodb.send(new GetItemCommand({ TableName: table, Key: { id: { S: "keys" } }, ConsistentRead: true }));
    return out.Item?.keys?.S ? (JSON.parse(out.Item.keys.S) as EdgeKeys) : undefined;
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

  /** The KeyValueStore as the sync left it for the keys `table` holds. */
  async function kvsOf(table: string): Promise<FakeKvs> {
    return new FakeKvs(await storedKeys(table));
  }

  function syncFor(table: string, kvs: FakeKvs, opts: { now?: Date; dynamodb?: SendClient } = {}) {
    const sns = new Recorder(PublishCommand, { MessageId: "m-1" });
    const cloudwatch = new Recorder(PutMetricDataCommand, {});
    const handler = sync.createHandler({
      dynamodb: opts.dynamodb ?? harness.dynamodb,
      kvs,
      sns,
      cloudwatch,
      env: { RULES_TABLE: table, KVS_ARN: KVS_ARN, ALARM_TOPIC_ARN: TOPIC_ARN, KEY_ROTATION_DAYS: "7" },
      logger: silent,
      ...(opts.now ? { now: () => opts.now! } : {}),
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
    const kvs = await kvsOf(table);
    kvs.etag = "ETVPDKIKX0DER";
    const { handler, sns, cloudwatch } = syncFor(table, kvs);

    const result = await handler({ source: "aws.events", "detail-type": "Scheduled Event" });

    expect(result).toEqual({ status: "written", version: 3, keys: "unchanged" });
    expect(kvs.rulesCalls()).toEqual(["GetKeyCommand", "DescribeKeyValueStoreCommand", "PutKeyCommand"]);
    expect(kvs.puts()[0]?.input).toEqual({ KvsARN: KVS_ARN, Key: "rules", Value: JSON.stringify(EXAMPLE), IfMatch: "ETVPDKIKX0DER" });
    expect(invalidRulesMetrics(cloudwatch)).toEqual([0]);
    expect(sns.calls).toEqual([]);
  });

  test("replaces older rules in the KeyValueStore", async () => {
    const table = await rulesTable(rulesItem(EXAMPLE));
    const kvs = await kvsOf(table);
    kvs.value = JSON.stringify({ ...EXAMPLE, version: 2, percentages: [] });
    const { handler } = syncFor(table, kvs);

    await expect(handler({})).resolves.toEqual({ status: "written", version: 3, keys: "unchanged" });
    expect(kvs.value).toBe(JSON.stringify(EXAMPLE));
  });

  test("does not rewrite rules the KeyValueStore already holds", async () => {
    const table = await rulesTable(rulesItem(EXAMPLE));
    const kvs = await kvsOf(table);
    kvs.value = JSON.stringify(EXAMPLE);
    const { handler, sns, cloudwatch } = syncFor(table, kvs);

    const result = await handler({});

    expect(result).toEqual({ status: "unchanged", version: 3, keys: "unchanged" });
    expect(kvs.rulesCalls()).toEqual(["GetKeyCommand"]);
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
    const kvs = await kvsOf(table);
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
    const { handler, sns } = syncFor(table, await kvsOf(table));

    const result = await handler({});

    expect(result).toEqual({
      status: "invalid",
      version: 7,
      problems: ['$.lanes: must include "default"', "$.percentages[0].percent: must be a number from 0 to 100, got 101"],
      keys: "unchanged",
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
    const kvs = await kvsOf(table);
    const failure = error();
    kvs.failPut = failure;
    const { handler, cloudwatch } = syncFor(table, kvs);

    await expect(handler({})).rejects.toBe(failure);
    expect(kvs.value).toBeUndefined();
    expect(cloudwatch.calls).toEqual([]);
  });

  test("rejects when the alarm notification cannot be published, after still putting InvalidRules = 1", async () => {
    const table = await rulesTable(rulesItem(rulesWith({ lanes: ["gray"] })));
    const { handler, sns, cloudwatch } = syncFor(table, await kvsOf(table));
    sns.failWith = new Error("SNS unavailable");

    await expect(handler({})).rejects.toThrow("SNS unavailable");
    expect(invalidRulesMetrics(cloudwatch)).toEqual([1]);
  });

  test("refuses to start without its environment", () => {
    expect(() =>
      sync.createHandler({ dynamodb: harness.dynamodb, kvs: new FakeKvs(undefined), sns: new FakeKvs(undefined), cloudwatch: new FakeKvs(undefined), env: { RULES_TABLE: "t" } }),
    ).toThrow("lane rules sync: missing environment variable(s) KVS_ARN, ALARM_TOPIC_ARN, KEY_ROTATION_DAYS");
  });

  // ------------------------------------------------------------------ the edge's signing keys

  const DAY = 86400 * 1000;

  test("the first run creates an edge key, stores it, and writes ids and keys (no dates) to the KeyValueStore", async () => {
    const table = await rulesTable(rulesItem(EXAMPLE), null);
    const kvs = new FakeKvs(undefined);
    const now = new Date("2026-12-02T07:00:00.000Z");
    const { handler } = syncFor(table, kvs, { now });

    await expect(handler({})).resolves.toMatchObject({ status: "written", keys: "rotated" });

    const stored = await storedKeys(table);
    expect(stored?.edge).toHaveLength(1);
    expect(stored?.edge?.[0]).toMatchObject({ id: "e20261202t070000", created: now.toISOString() });
    // 32 random bytes, base64url.
    expect(Buffer.from(stored!.edge![0]!.key, "base64url")).toHaveLength(32);
    expect(JSON.parse(kvs.values.get("keys")!)).toEqual({ edge: [{ id: "e20261202t070000", key: stored!.edge![0]!.key }], user: [] });
  });

  test("a key younger than the rotation period stays, and nothing is written", async () => {
    const created = "2026-12-01T07:00:00.000Z";
    const table = await rulesTable(rulesItem(EXAMPLE), edgeKeys(created));
    const kvs = await kvsOf(table);
    const { handler } = syncFor(table, kvs, { now: new Date(Date.parse(created) + 7 * DAY - 1000) });

    await expect(handler({})).resolves.toMatchObject({ keys: "unchanged" });
    expect(kvs.keyPuts()).toEqual([]);
    expect(await storedKeys(table)).toEqual(edgeKeys(created));
  });

  test("a key as old as the rotation period is rotated: new key first, the previous one kept, the one before it dropped", async () => {
    const current = "2026-11-25T07:00:00.000Z";
    const table = await rulesTable(rulesItem(EXAMPLE), edgeKeys(current, "2026-11-18T07:00:00.000Z"));
    const before = (await storedKeys(table))!;
    const kvs = await kvsOf(table);
    const now = new Date(Date.parse(current) + 7 * DAY);
    const { handler } = syncFor(table, kvs, { now });

    await expect(handler({})).resolves.toMatchObject({ keys: "rotated" });

    const after = (await storedKeys(table))!;
    expect(after.edge?.map((k) => k.id)).toEqual(["e20261202t070000", before.edge![0]!.id]);
    expect(after.edge?.[1]).toEqual(before.edge![0]);
    expect(JSON.parse(kvs.values.get("keys")!).edge.map((k: { id: string }) => k.id)).toEqual(["e20261202t070000", before.edge![0]!.id]);
  });

  test("user keys are copied to the KeyValueStore and survive a rotation", async () => {
    const keys: EdgeKeys = { ...edgeKeys("2026-01-01T00:00:00.000Z"), user: [{ id: "idp-2026", key: "s".repeat(40), created: "2026-01-01T00:00:00.000Z" }] };
    const table = await rulesTable(rulesItem(EXAMPLE), keys);
    const kvs = new FakeKvs(undefined);
    const { handler } = syncFor(table, kvs, { now: new Date("2026-12-02T07:00:00.000Z") });

    await handler({});

    expect(JSON.parse(kvs.values.get("keys")!).user).toEqual([{ id: "idp-2026", key: "s".repeat(40) }]);
    expect((await storedKeys(table))!.user).toEqual(keys.user);
  });

  test("two runs rotating at once rotate once: the one whose conditional write fails takes the stored keys", async () => {
    const table = await rulesTable(rulesItem(EXAMPLE), edgeKeys("2026-01-01T00:00:00.000Z"));
    const winner = edgeKeys("2026-12-02T06:59:59.000Z", "2026-01-01T00:00:00.000Z");
    // The other run writes its rotation between this run's read and its write.
    const racing: SendClient = {
      async send(command: object) {
        if (command instanceof PutItemCommand && command.input.Item?.id?.S === "keys") {
          await harness.dynamodb.send(new PutItemCommand({ TableName: table, Item: { id: { S: "keys" }, keys: { S: JSON.stringify(winner) } } }));
        }
        return harness.dynamodb.send(command as GetItemCommand);
      },
    };
    const kvs = new FakeKvs(undefined);
    const { handler } = syncFor(table, kvs, { now: new Date("2026-12-02T07:00:00.000Z"), dynamodb: racing });

    await expect(handler({})).resolves.toMatchObject({ keys: "written" });
    expect(await storedKeys(table)).toEqual(winner);
    expect(kvs.values.get("keys")).toBe(keysModule.serializeKeys(winner));
  });

  test("keys are synced even when the rules are invalid", async () => {
    const table = await rulesTable(rulesItem(rulesWith({ lanes: ["gray"] })), null);
    const kvs = new FakeKvs(undefined);
    const { handler } = syncFor(table, kvs);

    await expect(handler({})).resolves.toMatchObject({ status: "invalid", keys: "rotated" });
    expect(kvs.keyPuts()).toHaveLength(1);
    expect(kvs.puts()).toEqual([]);
  });

  test("a malformed keys item rejects the run, naming the problem, and writes nothing", async () => {
    const table = await rulesTable(rulesItem(EXAMPLE), null);
    await harness.dynamodb.send(new PutItemCommand({ TableName: table, Item: { id: { S: "keys" }, keys: { S: JSON.stringify({ edge: [{ id: "bad id!", key: "" }] }) } } }));
    const kvs = new FakeKvs(undefined);
    const { handler } = syncFor(table, kvs);

    await expect(handler({})).rejects.toThrow(/keys item .* is malformed: \$\.edge\[0\]\.id: must match/);
    expect(kvs.calls.filter((c) => c instanceof PutKeyCommand)).toEqual([]);
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
