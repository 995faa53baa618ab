/**
 * State permissions of a pipeline role, from the one state layout (lib/state.ts): read and
 * write under its own prefix (state objects and `.tflock` files; DynamoDB lock items whose
 * LockID starts with `<bucket>/<prefix>`), read the lower layers' state objects only, and an
 * explicit Deny on writing any other layer's prefix.
 */
import type { Statement } from "./document";
import type { StateConfig } from "../params/config";
import { arns, type AccountContext } from "./arns";

export interface StateAccess {
  /** Prefix the role writes, e.g. `app/dev/user-api/`. */
  readonly writablePrefix: string;
  /** Exact keys it reads (lower layers). */
  readonly readableKeys: readonly string[];
  /** Top-level prefixes it must never write, e.g. `infra/`, `boot/`. */
  readonly deniedPrefixes: readonly string[];
}

export function stateStatements(ctx: AccountContext, state: StateConfig, access: StateAccess): Statement[] {
  const object = (key: string) => arns.s3Object(ctx, state.bucket, key);
  const statements: Statement[] = [
    {
      Sid: "StateReadWriteOwnPrefix",
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
      Resource: [object(`${access.writablePrefix}*`)],
    },
    {
      Sid: "StateListOwnPrefix",
      Effect: "Allow",
      Action: ["s3:ListBucket"],
      Resource: [arns.s3Bucket(ctx, state.bucket)],
      Condition: { StringLike: { "s3:prefix": [`${access.writablePrefix}*`] } },
    },
    {
      Sid: "DenyOtherLayersStateWrites",
      Effect: "Deny",
      Action: ["s3:PutObject", "s3:DeleteObject"],
      Resource: access.deniedPrefixes.map((p) => object(`${p}*`)),
    },
  ];
  if (access.readableKeys.length > 0) {
    statements.splice(2, 0, {
      Sid: "StateReadLowerLayers",
      Effect: "Allow",
      Action: ["s3:GetObject"],
      Resource: access.readableKeys.map(object),
    });
  }
  if (state.lock === "dynamodb" || state.lock === "both") {
    const table = arns.dynamoTable(ctx, state.lockTable);
    statements.push(
      { Sid: "LockTableDescribe", Effect: "Allow", Action: ["dynamodb:DescribeTable"], Resource: [table] },
      {
        Sid: "LockItemsOwnPrefix",
        Effect: "Allow",
        Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"],
        Resource: [table],
        Condition: { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": [`${state.bucket}/${access.writablePrefix}*`] } },
      },
      {
        Sid: "DenyOtherLayersLockItems",
        Effect: "Deny",
        Action: ["dynamodb:PutItem", "dynamodb:DeleteItem"],
        Resource: [table],
        Condition: { "ForAnyValue:StringLike": { "dynamodb:LeadingKeys": access.deniedPrefixes.map((p) => `${state.bucket}/${p}*`) } },
      },
    );
  }
  return statements;
}
