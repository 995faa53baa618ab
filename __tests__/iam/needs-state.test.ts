/**
 * The needs table's state rows (lib/policies/needs/state.ts) for each lock mode, written out from
 * Terraform's S3 backend documentation (1.10/1.11, "Permissions Required" and "State Locking"):
 * GetObject and PutObject of the stack's key; with `use_lockfile` PutObject, GetObject and
 * DeleteObject of `<key>.tflock`; with a DynamoDB table DescribeTable, and PutItem, GetItem and
 * DeleteItem of `LockID = <bucket>/<key>` with GetItem and PutItem of its digest `<key>-md5`;
 * ListBucket with the key as prefix; never the `env:/` workspace listing. Lower layers' state is
 * read through `terraform_remote_state`: GetObject of their keys only (docs/ARCHITECTURE.md's layout).
 */
import type { StateConfig } from "../../lib/params/config";
import { needsFor, type Layer, type Need } from "../../lib/policies/needs";
import { needContext } from "./needs-context";

const BUCKET = "arn:aws:s3:::lanes-example-tfstate-dev";
const TABLE = "arn:aws:dynamodb:ap-southeast-2:123456789012:table/lanes-tf-locks-dev";

function stateRows(layer: Layer, lock: StateConfig["lock"]): string[] {
  const c = needContext("user-api", { state: { ...needContext("user-api").state, lock } });
  const state = (n: Need) => n.resourceType === "backend.s3" || n.resourceType === "data.terraform_remote_state";
  return needsFor(layer)
    .filter(state)
    .filter((n) => !n.applies || n.applies(c))
    .map((n) => `${n.notGranted ? "NOT " : ""}${n.action} ${n.resource(c)}${n.context ? ` ${JSON.stringify(n.context(c))}` : ""}`);
}

const KEY = "app/dev/user-api/gray/terraform.tfstate";
const OBJECT = `${BUCKET}/${KEY}`;
const lowerReads = [`s3:GetObject ${BUCKET}/infra/dev/terraform.tfstate`, `s3:GetObject ${BUCKET}/boot/dev/user-api/terraform.tfstate`];
const own = [`s3:GetObject ${OBJECT}`, `s3:PutObject ${OBJECT}`];
const lockfile = [`s3:PutObject ${OBJECT}.tflock`, `s3:GetObject ${OBJECT}.tflock`, `s3:DeleteObject ${OBJECT}.tflock`];
const item = (suffix: string) => JSON.stringify({ "dynamodb:LeadingKeys": [`lanes-example-tfstate-dev/${KEY}${suffix}`] });
const dynamodb = [
  `dynamodb:DescribeTable ${TABLE}`,
  `dynamodb:PutItem ${TABLE} ${item("")}`,
  `dynamodb:GetItem ${TABLE} ${item("")}`,
  `dynamodb:DeleteItem ${TABLE} ${item("")}`,
  `dynamodb:GetItem ${TABLE} ${item("-md5")}`,
  `dynamodb:PutItem ${TABLE} ${item("-md5")}`,
];
const list = [`s3:ListBucket ${BUCKET} ${JSON.stringify({ "s3:prefix": KEY })}`, `NOT s3:ListBucket ${BUCKET} ${JSON.stringify({ "s3:prefix": "env:/" })}`];

test.each([
  ["lockfile", [...own, ...lockfile]],
  ["dynamodb", [...own, ...dynamodb]],
  ["both", [...own, ...lockfile, ...dynamodb]],
] as const)("a lane's state calls with lock %s: its own key, its lock, the lower layers' keys read", (lock, calls) => {
  expect(stateRows("app", lock)).toEqual([...lowerReads, ...calls, ...list]);
});

test("boot reads infra's state and owns its service's key; infra reads no other layer's", () => {
  const boot = stateRows("boot", "lockfile");
  expect(boot.filter((r) => r.startsWith("s3:GetObject"))).toEqual([
    `s3:GetObject ${BUCKET}/infra/dev/terraform.tfstate`,
    `s3:GetObject ${BUCKET}/boot/dev/user-api/terraform.tfstate`,
    `s3:GetObject ${BUCKET}/boot/dev/user-api/terraform.tfstate.tflock`,
  ]);
  expect(stateRows("infra", "lockfile").filter((r) => r.startsWith("s3:GetObject"))).toEqual([
    `s3:GetObject ${BUCKET}/infra/dev/terraform.tfstate`,
    `s3:GetObject ${BUCKET}/infra/dev/terraform.tfstate.tflock`,
  ]);
});
