/**
 * `lanes edge` against a real (local) DynamoDB rules table: storing rules computes `changed` and
 * needs a growing version, `token` mints a tester token the edge's own function accepts, and
 * `user-key` registers the identity provider's HS256 keys (two accepted at most).
 */
import { GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "../lib/cli/lanes";
import { parseTtl } from "../lib/cli/commands/edge";
import { cloudfrontCrypto, cloudfrontModule, loadCloudFrontFunction, memoryKvs, type CfRequest } from "../lib/edge/function-runtime";
import { createRulesTable, startLocalState, type LocalState } from "../lib/harness/local-state";
import { PARAMS_DIR } from "./helpers/project";

const keysModule = require("../edge/keys.js") as typeof import("../edge/keys");
const TABLE = "lanes-edge-dev-rules";

describe("lanes edge", () => {
  let harness: LocalState;
  let dir: string;
  const env = () => ({ ...process.env, LANES_PARAMS_DIR: PARAMS_DIR, USER: "tester", AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" });
  const lanes = (argv: string[]) => run(argv, env(), { edgeTable: harness.dynamodb, progress: () => undefined });
  let files = 0;
  const file = (content: unknown) => {
    const path = join(dir, `f-${++files}.json`);
    writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
    return path;
  };
  const storedKeys = async () => {
    const out = await harness.dynamodb.send(new GetItemCommand({ TableName: TABLE, Key: { id: { S: "keys" } }, ConsistentRead: true }));
    return out.Item?.keys?.S ? (JSON.parse(out.Item.keys.S) as import("../edge/keys").EdgeKeys) : undefined;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "lanes-edge-cli-"));
    harness = await startLocalState({ bucket: "lanes-edge-cli-test", lockTable: "lanes-edge-cli-locks", region: "ap-southeast-2" });
    await createRulesTable(harness.dynamodb, TABLE);
  });
  afterAll(async () => {
    await harness.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const V3 = { version: 3, lanes: ["default", "gray", "blue"], userId: { header: "x-user-id" }, testerHeader: "x-lane", percentages: [{ lane: "gray", percent: 10 }] };

  test("token before any rules or keys: nothing to sign for (exit 7)", async () => {
    const out = await lanes(["edge", "token", "gray", "--env", "dev"]);
    expect([out.code, out.text]).toEqual([7, expect.stringContaining("lane 'gray' is not in the edge rules of dev (none stored)")]);
  });

  test("set stores the rules with `changed` (every lane at the first version), whatever the file says", async () => {
    const out = await lanes(["edge", "set", "--env", "dev", "--file", file({ ...V3, changed: { gray: 1 } }), "--json"]);
    expect(out.code).toBe(0);
    expect((out.result as { stored: { changed: Record<string, number> } }).stored.changed).toEqual({ default: 3, gray: 3, blue: 3 });
  });

  test("set refuses a version that does not grow (cookies compare versions)", async () => {
    const out = await lanes(["edge", "set", "--env", "dev", "--file", file({ ...V3, percentages: [] })]);
    expect([out.code, out.text]).toEqual([2, expect.stringContaining("the rules are version 3, but version 3 is stored")]);
  });

  test("set: appending a lane's share at the end keeps gray's cookies (changed.gray stays)", async () => {
    const out = await lanes(["edge", "set", "--env", "dev", "--file", file({ ...V3, version: 4, percentages: [...V3.percentages, { lane: "blue", percent: 20 }] }), "--json"]);
    expect((out.result as { stored: { changed: Record<string, number> } }).stored.changed).toEqual({ default: 4, gray: 3, blue: 3 });
  });

  test("token before the sync made a key: exit 7 naming how to run the sync", async () => {
    const out = await lanes(["edge", "token", "gray", "--env", "dev"]);
    expect([out.code, out.text]).toEqual([7, expect.stringContaining("dev has no edge signing key yet: the rules sync creates one on its first run")]);
  });

  test("token mints a tester token the viewer-request function (prod: requireSigned) accepts for its lane, until it expires", async () => {
    const keys = keysModule.rotateEdgeKeys({}, new Date(), 7).keys;
    await harness.dynamodb.send(new PutItemCommand({ TableName: TABLE, Item: { id: { S: "keys" }, keys: { S: JSON.stringify(keys) } } }));
    const before = Math.floor(Date.now() / 1000);
    const out = await lanes(["edge", "token", "blue", "--env", "dev", "--ttl", "2h", "--json"]);
    expect(out.code).toBe(0);
    const minted = out.result as { token: string; expires: number; header: string; keyId: string };
    expect(minted.header).toBe("x-lane");
    expect(minted.keyId).toBe(keys.edge![0]!.id);
    expect(minted.expires - before).toBeGreaterThanOrEqual(7200);
    expect(minted.expires - before).toBeLessThanOrEqual(7201);

    const rules = (await lanes(["edge", "show", "--env", "dev", "--json"])).result as { rules: unknown };
    const fn = loadCloudFrontFunction<CfRequest>(
      join(__dirname, "..", "edge", "viewer-request.js"),
      { cloudfront: cloudfrontModule(memoryKvs({ rules: JSON.stringify(rules.rules), keys: keysModule.serializeKeys(keys) })), crypto: cloudfrontCrypto },
      { requireSigned: true },
    );
    const request = await fn.handler({
      version: "1.0",
      context: { distributionDomainName: "d1.cloudfront.net", distributionId: "E1", eventType: "viewer-request", requestId: "r" },
      viewer: { ip: "198.51.100.1" },
      request: { method: "GET", uri: "/", querystring: {}, headers: { [minted.header]: { value: minted.token } }, cookies: {} },
    });
    expect(request.headers["x-lanes-lane"]?.value).toBe("blue");
  });

  test("token: a lane the rules do not have (exit 7), a TTL past the key rotation period (exit 2)", async () => {
    expect((await lanes(["edge", "token", "green", "--env", "dev"])).code).toBe(7);
    const long = await lanes(["edge", "token", "gray", "--env", "dev", "--ttl", "8d"]);
    expect([long.code, long.text]).toEqual([2, expect.stringContaining("--ttl must be from 1 second to 168 hours")]);
  });

  test("--ttl takes seconds, minutes, hours and days", () => {
    expect([parseTtl("90"), parseTtl("90s"), parseTtl("30m"), parseTtl("2h"), parseTtl("1d")]).toEqual([90, 90, 1800, 7200, 86400]);
    expect(() => parseTtl("2 hours")).toThrow(/not a duration/);
  });

  test("user-key registers the identity provider's keys, newest first, two accepted at most; the edge keys stay", async () => {
    const edgeBefore = (await storedKeys())!.edge;
    for (const id of ["idp-1", "idp-2", "idp-3"]) {
      const out = await lanes(["edge", "user-key", "--env", "dev", "--id", id, "--file", file(`${id}-${"s".repeat(40)}\n`)]);
      expect(out.code).toBe(0);
    }
    const stored = (await storedKeys())!;
    expect(stored.user!.map((k) => [k.id, k.key])).toEqual([
      ["idp-3", `idp-3-${"s".repeat(40)}`],
      ["idp-2", `idp-2-${"s".repeat(40)}`],
    ]);
    expect(stored.edge).toEqual(edgeBefore);
  });

  test("user-key refuses a key shorter than 256 bits (RFC 7518) and stores nothing", async () => {
    const before = await storedKeys();
    const out = await lanes(["edge", "user-key", "--env", "dev", "--id", "idp-4", "--file", file("short")]);
    expect([out.code, out.text]).toEqual([2, expect.stringContaining("at least 32 characters")]);
    expect(await storedKeys()).toEqual(before);
  });
});
