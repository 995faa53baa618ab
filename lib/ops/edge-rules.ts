/**
 * The edge's lane rules master: read and write the DynamoDB item the rules sync copies
 * to the CloudFront KeyValueStore. Rules are validated here with the same code the sync runs
 * (edge/rules.js), so nothing invalid is ever stored.
 */
import { GetItemCommand, PutItemCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { LaneRules } from "../../edge/rules";
import { edgeNames } from "../naming";
import { UsageError } from "../cli/exit-codes";

// CommonJS shared with the Lambda and typed by edge/rules.d.ts.
const rulesModule = require("../../edge/rules.js") as typeof import("../../edge/rules");

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

export async function setRules(dynamodb: DynamoDBClient, env: string, value: unknown, changedBy: string, now: Date = new Date()): Promise<LaneRules> {
  const result = rulesModule.validateRules(value);
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
