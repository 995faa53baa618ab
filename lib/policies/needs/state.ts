/**
 * The Terraform S3 backend (1.10/1.11) and `terraform_remote_state`: the calls Terraform itself
 * makes for a stack's state, per layer.
 *
 * - state: GetObject (refresh), PutObject (persist) of the stack's key;
 * - `use_lockfile`: PutObject `<key>.tflock` (conditional write), GetObject it (lock info on
 *   conflict), DeleteObject it (unlock);
 * - DynamoDB locking: PutItem/DeleteItem of `LockID = <bucket>/<key>`, GetItem of it (lock info),
 *   and GetItem/PutItem of the state digest `<bucket>/<key>-md5`;
 * - listing workspaces: ListObjectsV2 with prefix `env:/` on every StateMgr(); with the default
 *   workspace_key_prefix Terraform treats AccessDenied as "no other workspaces", so the roles do
 *   not get it;
 * - lower layers: `terraform_remote_state` GetObject of their keys only.
 */
import { stateKey, type StateAddress } from "../../state";
import { arns } from "../arns";
import type { Layer, Need, NeedContext } from "./types";

export function addressOf(layer: Layer, c: NeedContext): StateAddress {
  switch (layer) {
    case "infra":
      return { layer: "infra", env: c.env };
    case "boot":
      return { layer: "boot", env: c.env, service: c.service };
    case "app":
      return { layer: "app", env: c.env, service: c.service, lane: c.lane };
  }
}

const scopeOf = { infra: "env", boot: "service", app: "lane" } as const;
const object = (c: NeedContext, key: string) => arns.s3Object(c, c.state.bucket, key);
const table = (c: NeedContext) => arns.dynamoTable(c, c.state.lockTable);
const withLockfile = (c: NeedContext) => c.state.lock === "lockfile" || c.state.lock === "both";
const withDynamo = (c: NeedContext) => c.state.lock === "dynamodb" || c.state.lock === "both";

export function backendNeeds(layer: Layer): Need[] {
  const key = (c: NeedContext) => stateKey(addressOf(layer, c));
  const base = { layer, resourceType: "backend.s3", scope: scopeOf[layer] } as const;
  const lockItem = (suffix: string) => (c: NeedContext) => ({ "dynamodb:LeadingKeys": [`${c.state.bucket}/${key(c)}${suffix}`] });
  return [
    { ...base, operation: "read", action: "s3:GetObject", resource: (c) => object(c, key(c)) },
    { ...base, operation: "update", action: "s3:PutObject", resource: (c) => object(c, key(c)) },
    { ...base, operation: "update", action: "s3:PutObject", resource: (c) => object(c, `${key(c)}.tflock`), applies: withLockfile, note: "use_lockfile: the lock object" },
    { ...base, operation: "read", action: "s3:GetObject", resource: (c) => object(c, `${key(c)}.tflock`), applies: withLockfile, note: "lock info when the lock is held" },
    { ...base, operation: "delete", action: "s3:DeleteObject", resource: (c) => object(c, `${key(c)}.tflock`), applies: withLockfile, note: "unlock" },
    {
      ...base,
      operation: "read",
      action: "dynamodb:DescribeTable",
      resource: table,
      applies: withDynamo,
      scope: "account",
      note: "listed by the S3 backend's documented permissions; the table is shared by every layer and service of the state config",
    },
    { ...base, operation: "update", action: "dynamodb:PutItem", resource: table, context: lockItem(""), applies: withDynamo, note: "lock" },
    { ...base, operation: "read", action: "dynamodb:GetItem", resource: table, context: lockItem(""), applies: withDynamo, note: "lock info" },
    { ...base, operation: "delete", action: "dynamodb:DeleteItem", resource: table, context: lockItem(""), applies: withDynamo, note: "unlock" },
    { ...base, operation: "read", action: "dynamodb:GetItem", resource: table, context: lockItem("-md5"), applies: withDynamo, note: "state digest" },
    { ...base, operation: "update", action: "dynamodb:PutItem", resource: table, context: lockItem("-md5"), applies: withDynamo, note: "state digest" },
    {
      ...base,
      operation: "read",
      action: "s3:ListBucket",
      resource: (c) => arns.s3Bucket(c, c.state.bucket),
      context: (c) => ({ "s3:prefix": key(c) }),
      note: "the backend's documented permission: list the path where the state is stored",
    },
    {
      ...base,
      operation: "read",
      action: "s3:ListBucket",
      resource: (c) => arns.s3Bucket(c, c.state.bucket),
      context: () => ({ "s3:prefix": "env:/" }),
      scope: "account",
      notGranted: "workspace listing: Terraform ignores AccessDenied for the default workspace_key_prefix, and listing env:/ would show every layer's workspaces",
    },
  ];
}

/** Reading a lower layer's outputs (`terraform_remote_state`): its state object only. */
export function remoteStateNeeds(layer: Layer, lower: readonly Layer[]): Need[] {
  return lower.map((l) => ({
    layer,
    resourceType: "data.terraform_remote_state",
    operation: "read",
    action: "s3:GetObject",
    resource: (c: NeedContext) => object(c, stateKey(addressOf(l, c))),
    scope: scopeOf[l],
    note: `the ${l} layer's outputs`,
  }));
}
