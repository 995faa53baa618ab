/**
 * Every row of the needs table (lib/policies/needs), read as IAM and a reviewer read it: its
 * action is a real action name (`service:Name`, IAM User Guide, "IAM JSON policy elements:
 * Action"), its resource `*` or an ARN of the row's own service (Service Authorization Reference:
 * the resource an action is authorized against carries its service's prefix), and what it says in
 * words (why it happens, why it is not granted, which other service a prefix also matches) says
 * something. The simulator takes an empty action or resource without complaint, and an emptied
 * note changes no decision, so none of these would fail another test.
 */
import { NEEDS, type Need } from "../../lib/policies/needs";
import { IAM_ACTION, IAM_ARN } from "./grammar";
import { describeNeed, needContext } from "./needs-context";

const c = needContext("user-api");

const words = (n: Need) => ({ note: n.note, notGranted: n.notGranted, prefixCollision: n.prefixCollision });

/** A Terraform resource or data source type (`aws_*`, `data.aws_*`, Terraform's `data.terraform_remote_state`), the S3 backend, the provider itself, or a call of the build's (`build.<what>`). */
const TYPE = /^(data\.)?aws_[a-z0-9_]+$|^data\.terraform_remote_state$|^backend\.s3$|^provider\.aws$|^build\.[a-z-]+$/;

test("every row's type is a Terraform type, the backend, the provider or the build", () => {
  expect(NEEDS.filter((n) => !TYPE.test(n.resourceType)).map(describeNeed)).toEqual([]);
});

test("every row's action is service:Name: one call, no wildcard", () => {
  expect(NEEDS.filter((n) => !IAM_ACTION.test(n.action) || !/:[A-Z]/.test(n.action) || n.action.includes("*")).map(describeNeed)).toEqual([]);
});

test("every row's resource is `*` or an ARN in the context's region and account", () => {
  const bad = NEEDS.map((n) => [describeNeed(n), n.resource(c)] as const).filter(([, r]) => r !== "*" && (!IAM_ARN.test(r) || !["", c.region].includes(r.split(":")[3]!) || !["", c.account, "aws"].includes(r.split(":")[4]!)));
  expect(bad).toEqual([]);
});

test("an ARN names the action's own service", () => {
  const service = (action: string) => action.split(":")[0]!;
  const bad = NEEDS.map((n) => [describeNeed(n), service(n.action), n.resource(c)] as const)
    .filter(([, , r]) => r !== "*")
    .filter(([, s, r]) => r.split(":")[2] !== s);
  expect(bad).toEqual([]);
});

test("what a row says in words says something: its note, why it is not granted, what its prefix also matches", () => {
  const said = NEEDS.flatMap((n) => Object.entries(words(n)).filter(([, v]) => v !== undefined).map(([k, v]) => [describeNeed(n), k, v as string] as const));
  expect(said.length).toBeGreaterThan(50);
  expect(said.filter(([, , text]) => text.trim().length < 4)).toEqual([]);
});
