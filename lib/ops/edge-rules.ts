/**
 * The edge's lane rules master and its keys: read and write the DynamoDB items the rules sync
 * copies to the CloudFront KeyValueStore (`active`: the rules; `keys`: the signing keys). Rules
 * are validated here with the same code the sync runs (edge/rules.js), so nothing invalid is ever
 * stored; tester tokens are minted with the contract's own code (edge/keys.js).
 */
import { GetItemCommand, PutItemCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { EdgeKeys } from "../../edge/keys";
import type { LaneRules } from "../../edge/rules";
import { edgeNames } from "../naming";
import { CliError, UsageError } from "../cli/exit-codes";

// CommonJS shared with the Lambda and typed by edge/rules.d.ts and edge/keys.d.ts.
const rulesModule = require("../../edge/rules.js") as typeof import("../../edge/rules");
const keysModule = require("../../edge/keys.js") as typeof import("../../edge/keys");

export const RULES_ITEM_ID = "active";

export interface StoredRules {
  readonly rules: LaneRules;
  readonly updatedBy?: string;
  readonly updatedAt?: string;
}

export async function showRules(dynamodb: DynamoDBClient, env: string): Promise<StoredRules | undefined> {
  const out = await dynamodb.send(new GetItemCommand({ TableName: edgeNames(env).rulesTable, Key: { id: { S: RULES_ITEM_ID } }, ConsistentRead: true }));
  const text = out.Item?.rules?.S;
  if (!text) return undefined;
  return {
    rules: JSON.parse(text) as LaneRules,
    ...(out.Item?.updatedBy?.S ? { updatedBy: out.Item.updatedBy.S } : {}),
    ...(out.Item?.updatedAt?.S ? { updatedAt: out.Item.updatedAt.S } : {}),
  };
}

/**
 * Validates and stores `value` as the env's rules. The version must grow; `changed` is computed
 * from the stored rules (edge/rules.js laneChanges: per lane, the last version a user left it),
 * whatever the file says.
 */
export async function setRules(dynamodb: DynamoDBClient, env: string, value: unknown, changedBy: string, now: Date = new Date()): Promise<LaneRules> {
  const given = value !== null && typeof value === "object" && !Array.isArray(value) ? Object.fromEntries(Object.entries(value).filter(([k]) => k !== "changed")) : value;
  const first = rulesModule.validateRules(given);
  if (!first.ok) throw new UsageError(`the rules are invalid and were not stored:\n  ${first.problems.join("\n  ")}`);
  const stored = await showRules(dynamodb, env);
  if (stored && first.rules.version <= stored.rules.version) {
    throw new UsageError(`the rules are version ${first.rules.version}, but version ${stored.rules.version} is stored: give them a higher version (sticky cookies compare versions).`);
  }
  const result = rulesModule.validateRules({ ...first.rules, changed: rulesModule.laneChanges(stored?.rules, first.rules) });
  if (!result.ok) throw new UsageError(`the rules are invalid and were not stored:\n  ${result.problems.join("\n  ")}`);
  await dynamodb.send(
    new PutItemCommand({
      TableName: edgeNames(env).rulesTable,
      Item: {
        id: { S: RULES_ITEM_ID },
        rules: { S: rulesModule.serializeRules(result.rules) },
        updatedBy: { S: changedBy },
        updatedAt: { S: now.toISOString() },
      },
    }),
  );
  return result.rules;
}

interface StoredKeys {
  /** The item's `keys` attribute as read (undefined: no item). */
  readonly raw?: string;
  readonly keys: EdgeKeys;
}

async function readKeys(dynamodb: DynamoDBClient, env: string): Promise<StoredKeys> {
  const names = edgeNames(env);
  const out = await dynamodb.send(new GetItemCommand({ TableName: names.rulesTable, Key: { id: { S: names.keysItem } }, ConsistentRead: true }));
  const raw = out.Item?.keys?.S;
  if (raw === undefined) return { keys: {} };
  const keys = JSON.parse(raw) as EdgeKeys;
  const problems = keysModule.keysProblems(keys);
  if (problems.length > 0) throw new CliError(`the keys item in ${names.rulesTable} is malformed: ${problems.join("; ")}`, "failed");
  return { raw, keys };
}

export interface TesterToken {
  readonly lane: string;
  readonly token: string;
  /** Unix seconds. */
  readonly expires: number;
  readonly keyId: string;
  /** The header the edge reads it from (the rules' testerHeader), when the rules name one. */
  readonly header?: string;
}

/**
 * A tester token for `lane`, valid `ttlSeconds` (at most `maxTtlSeconds`: a token never outlives
 * the key that signed it), signed with the current edge key. Exit 7 when the rules do not have
 * the lane or there is no edge key yet.
 */
export async function mintTesterToken(
  dynamodb: DynamoDBClient,
  env: string,
  lane: string,
  ttlSeconds: number,
  maxTtlSeconds: number,
  now: Date = new Date(),
): Promise<TesterToken> {
  if (!(ttlSeconds >= 1 && ttlSeconds <= maxTtlSeconds)) {
    throw new UsageError(`--ttl must be from 1 second to ${maxTtlSeconds / 3600} hours (the edge key rotation period, edge-${env}.json keyRotationDays), got ${ttlSeconds} seconds.`);
  }
  const stored = await showRules(dynamodb, env);
  if (!stored || !stored.rules.lanes.includes(lane)) {
    throw new CliError(`lane '${lane}' is not in the edge rules of ${env}${stored ? ` (lanes: ${stored.rules.lanes.join(", ")})` : " (none stored)"}: a token for it would be ignored. Add it with lanes edge set.`, "unknownLane");
  }
  const { keys } = await readKeys(dynamodb, env);
  const key = keys.edge?.[0];
  if (!key) {
    throw new CliError(`${env} has no edge signing key yet: the rules sync creates one on its first run (aws lambda invoke --function-name ${edgeNames(env).syncFunction} /dev/stdout).`, "unknownLane");
  }
  const expires = Math.floor(now.getTime() / 1000) + ttlSeconds;
  return { lane, token: keysModule.mintToken(lane, expires, key), expires, keyId: key.id, ...(stored.rules.testerHeader ? { header: stored.rules.testerHeader } : {}) };
}

/**
 * Registers the identity provider's HS256 key `id` (newest first; the previous one stays accepted,
 * older ones go). Written only if the keys item is still what was read (a rotation by the sync in
 * between is never lost). Returns the ids now accepted.
 */
export async function addUserKeyToStore(dynamodb: DynamoDBClient, env: string, id: string, key: string, changedBy: string, now: Date = new Date()): Promise<string[]> {
  const names = edgeNames(env);
  const { raw, keys } = await readKeys(dynamodb, env);
  let next: EdgeKeys;
  try {
    next = keysModule.addUserKey(keys, id, key, now);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  await dynamodb
    .send(
      new PutItemCommand({
        TableName: names.rulesTable,
        Item: { id: { S: names.keysItem }, keys: { S: JSON.stringify(next) }, updatedBy: { S: changedBy }, updatedAt: { S: now.toISOString() } },
        ...(raw === undefined
          ? { ConditionExpression: "attribute_not_exists(id)" }
          : { ConditionExpression: "#keys = :read", ExpressionAttributeNames: { "#keys": "keys" }, ExpressionAttributeValues: { ":read": { S: raw } } }),
      }),
    )
    .catch((err: Error) => {
      if (err.name === "ConditionalCheckFailedException") throw new CliError("the keys changed while the key was being added (the rules sync rotated them?): run the command again.", "failed");
      throw err;
    });
  return (next.user ?? []).map((k) => k.id);
}
