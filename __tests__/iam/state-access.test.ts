/**
 * The state statements of a pipeline role (lib/policies/state-access.ts), written out: what the
 * app pipeline of user-api in dev gets for the state layout of docs/ARCHITECTURE.md (its lanes'
 * objects under `app/dev/user-api/`, the env's infra and the service's boot state read-only,
 * the other layers' prefixes denied), with each lock mode. The statements are what the roles'
 * simulations (contract, needs, least-privilege) judge request by request; here their exact text,
 * Sids included: they are what an operator reads in the console and in an access-denied message.
 */
import { stateStatements } from "../../lib/policies/state-access";

const CTX = { partition: "aws", region: "ap-southeast-2", account: "123456789012" };
const ACCESS = {
  writablePrefix: "app/dev/user-api/",
  readableKeys: ["infra/dev/terraform.tfstate", "boot/dev/user-api/terraform.tfstate"],
  deniedPrefixes: ["infra/", "boot/"],
};
const state = (lock: "lockfile" | "dynamodb" | "both") => ({ bucket: "lanes-state-123456789012", region: "ap-southeast-2", lock, lockTable: "lanes-locks" });

const S3 = [
  { Sid: "StateReadWriteOwnPrefix", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource: ["arn:aws:s3:::lanes-state-123456789012/app/dev/user-api/*"] },
  {
    Sid: "StateListOwnPrefix",
    Effect: "Allow",
    Action: ["s3:ListBucket"],
    Resource: ["arn:aws:s3:::lanes-state-123456789012"],
    Condition: { StringLike: { "s3:prefix": ["app/dev/user-api/*"] } },
  },
  {
    Sid: "StateReadLowerLayers",
    Effect: "Allow",
    Action: ["s3:GetObject"],
    Resource: ["arn:aws:s3:::lanes-state-123456789012/infra/dev/terraform.tfstate", "arn:aws:s3:::lanes-state-123456789012/boot/dev/user-api/terraform.tfstate"],
  },
  { Sid: "DenyOtherLayersStateWrites", Effect: "Deny", Action: ["s3:PutObject", "s3:DeleteObject"], Resource: ["arn:aws:s3:::lanes-state-123456789012/infra/*", "arn:aws:s3:::lanes-state-123456789012/boot/*"] },
];
const TABLE = "arn:aws:dynamodb:ap-southeast-2:123456789012:table/lanes-locks";
const DYNAMODB = [
  { Sid: "LockTableDescribe", Effect: "Allow", Action: ["dynamodb:DescribeTable"], Resource: [TABLE] },
  {
    Sid: "LockItemsOwnPrefix",
    Effect: "Allow",
    Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"],
    Resource: [TABLE],
    Condition: { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": ["lanes-state-123456789012/app/dev/user-api/*"] } },
  },
  {
    Sid: "DenyOtherLayersLockItems",
    Effect: "Deny",
    Action: ["dynamodb:PutItem", "dynamodb:DeleteItem"],
    Resource: [TABLE],
    Condition: { "ForAnyValue:StringLike": { "dynamodb:LeadingKeys": ["lanes-state-123456789012/infra/*", "lanes-state-123456789012/boot/*"] } },
  },
];

describe("a pipeline role's state statements, as written", () => {
  test("lock files only (S3 conditional writes): the S3 statements, no lock table", () => {
    expect(stateStatements(CTX, state("lockfile"), ACCESS)).toEqual(S3);
  });
  test.each(["dynamodb", "both"] as const)("lock %s: the S3 statements, then the lock table's", (lock) => {
    expect(stateStatements(CTX, state(lock), ACCESS)).toEqual([...S3, ...DYNAMODB]);
  });
  test("a layer that reads no lower state (infra) gets no read statement", () => {
    const infra = { writablePrefix: "infra/dev/", readableKeys: [], deniedPrefixes: ["boot/", "app/"] };
    expect(stateStatements(CTX, state("lockfile"), infra).map((s) => s.Sid)).toEqual(["StateReadWriteOwnPrefix", "StateListOwnPrefix", "DenyOtherLayersStateWrites"]);
  });
});
