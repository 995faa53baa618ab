/**
 * What a row of the needs table (lib/policies/needs) must say for a reviewer: a call whose name
 * is not what its operation does (a tag call on create, a read on delete, a Put on delete, an
 * authorization AWS performs on another call) says why it happens (`note`, or `notGranted` for a
 * call the roles refuse). The table's contract (types.ts, `note`): "Why the call happens, when it
 * is not obvious from the resource's create/read/update/delete". What counts as obvious is written
 * here from the APIs' own naming (each AWS API reference names its calls Verb+Noun): a create is
 * Create/Put/Register/Run/Authorize/Associate/Attach/Allocate/Enable/Start, a read
 * Describe/Get/List, an update Modify/Update/Put/Set/Register/Replace/Authorize/Revoke/
 * (Dis)associate/Attach/Detach, a delete Delete/Deregister/Revoke/Disassociate/Detach/Release/
 * Remove, a tag Tag/Untag/AddTags/RemoveTags/CreateTags/DeleteTags or S3's Put/Delete…Tagging.
 */
import { NEEDS, type Need } from "../../lib/policies/needs";
import { describeNeed, needContext, needRows } from "./needs-context";
import { ACCOUNT } from "./simulate";

const OBVIOUS: Record<Need["operation"], RegExp> = {
  create: /^(Create|Put|Register|Run|Authorize|Associate|Attach|Allocate|Enable|Start)[A-Z]/,
  read: /^(Describe|Get|List)[A-Z]/,
  update: /^(Modify|Update|Put|Set|Register|Replace|Authorize|Revoke|Associate|Disassociate|Attach|Detach)[A-Z]/,
  delete: /^(Delete|Deregister|Revoke|Disassociate|Detach|Release|Remove)[A-Z]/,
  tag: /^(Tag|Untag)[A-Z]|^(AddTags|RemoveTags|CreateTags|DeleteTags)$|^(Put|Delete)[A-Za-z]*Tagging$/,
};

const obvious = (n: Need) => OBVIOUS[n.operation].test(n.action.split(":")[1]!);
const says = (n: Need) => [n.note, n.notGranted].some((text) => text !== undefined && text.trim().length > 0);

test("a call its operation does not explain says why it happens", () => {
  const unexplained = NEEDS.filter((n) => !obvious(n) && !says(n)).map(describeNeed);
  expect(unexplained).toEqual([]);
});

test("the naming rule, on calls whose reason is known: tags on create, a read while deleting, a Put that deletes", () => {
  const row = (layer: Need["layer"], resourceType: string, operation: Need["operation"], action: string) => needRows({ layer, resourceType, operation, action });
  const unobvious: [Need["layer"], string, Need["operation"], string][] = [
    ["app", "aws_ecs_service", "create", "ecs:TagResource"],
    ["boot", "aws_iam_role", "delete", "iam:ListInstanceProfilesForRole"],
    ["boot", "aws_lb", "delete", "ec2:DescribeNetworkInterfaces"],
    ["infra", "aws_s3_bucket_public_access_block", "delete", "s3:PutBucketPublicAccessBlock"],
    ["app", "build.image", "create", "ecr:UploadLayerPart"],
    ["app", "aws_ecs_service", "delete", "ecs:UpdateService"],
  ];
  for (const key of unobvious) {
    const rows = row(...key);
    expect([key, rows.length > 0, rows.some(obvious)]).toEqual([key, true, false]);
  }
  const plain: [Need["layer"], string, Need["operation"], string][] = [
    ["app", "aws_ecs_service", "create", "ecs:CreateService"],
    ["app", "aws_lb_target_group", "delete", "elasticloadbalancing:DeleteTargetGroup"],
    ["infra", "aws_s3_bucket", "tag", "s3:PutBucketTagging"],
    ["app", "aws_lb_listener_rule", "tag", "elasticloadbalancing:RemoveTags"],
  ];
  for (const key of plain) expect([key, row(...key).length > 0, row(...key).every(obvious)]).toEqual([key, true, true]);
});

test("rows of one call on different resources say which: the task definition passes its execution role and its task role", () => {
  const passes = needRows({ layer: "app", resourceType: "aws_ecs_task_definition", action: "iam:PassRole" });
  const c = needContext("user-api");
  expect(passes.map((n) => [n.resource(c), n.note])).toEqual([
    [`arn:aws:iam::${ACCOUNT}:role/user-api-dev-task-exec`, "the task definition's execution role"],
    [`arn:aws:iam::${ACCOUNT}:role/user-api-dev-task`, "the task definition's task role"],
  ]);
});
