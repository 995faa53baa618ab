/**
 * Which calls carry the deploying stack's tags (`requestTags`: `aws:RequestTag/*` and
 * `aws:TagKeys` in the request context), judged by two sources the needs table does not write:
 * - the AWS provider's own requests (`./provider-requests`, transcribed from
 *   hashicorp/terraform-provider-aws's Create/Update/tag functions: `Tags: getTagsIn(ctx)`,
 *   `TagSpecifications`, the tag-on-create authorizations of those calls);
 * - the Service Authorization Reference (iam-simulate's `allowedContextKeysForRequest`, through `conditionKeysFor`): IAM sees
 *   request tags only on actions it lists `aws:RequestTag/${TagKey}` for (S3's PutBucketTagging
 *   sends a TagSet IAM does not see).
 * An untag call (EC2's DeleteTags, `Untag*`, `RemoveTags`) carries only the tags being removed,
 * never the stack's default tags, which every deploy sets; it is expected without them.
 *
 * The roles' Allow statements condition most create calls on request tags, but not every one
 * (a listener's, a security group rule's), so a flag the table drops there changes no decision:
 * this suite is what notices it.
 */
import { NEEDS, type Need } from "../../lib/policies/needs";
import { describeNeed, needContext } from "./needs-context";
import { PROVIDER_REQUESTS, type ProviderRequest } from "./provider-requests";
import { iamSeesRequestTags, removesTags } from "./request-tags";

const c = needContext("user-api");

/** The rows the provider's source was read for: Terraform resources' create, update and tag calls. */
const judged = (n: Need) => n.resourceType.startsWith("aws_") && ["create", "update", "tag"].includes(n.operation);
const key = (r: { type: string; operation: string; action: string }) => `${r.type} ${r.operation} ${r.action}`;
const providerRequests = new Map<string, ProviderRequest>(PROVIDER_REQUESTS.map((r) => [key(r), r]));

test("every create/update/tag row of a Terraform resource is in the provider's requests (transcribe a new one from the provider's source)", () => {
  const missing = NEEDS.filter(judged).filter((n) => !providerRequests.has(key({ type: n.resourceType, operation: n.operation, action: n.action })));
  expect(missing.map(describeNeed)).toEqual([]);
});

test("a row carries request tags exactly when the provider sends tags in that call and IAM sees them", async () => {
  const wrong: string[] = [];
  for (const n of NEEDS.filter(judged)) {
    const request = providerRequests.get(key({ type: n.resourceType, operation: n.operation, action: n.action }));
    if (!request) continue;
    const expected = request.tags && !removesTags(n.action) && (await iamSeesRequestTags(n, c));
    if (Boolean(n.requestTags) !== expected) wrong.push(`${describeNeed(n)}: requestTags ${Boolean(n.requestTags)}, expected ${expected} (${request.source})`);
  }
  expect(wrong).toEqual([]);
});

test("the oracle itself: the calls whose tags are known without it", () => {
  const get = (type: string, operation: ProviderRequest["operation"], action: string) => providerRequests.get(key({ type, operation, action }));
  // ELBv2 API reference: CreateListener, CreateRule and CreateTargetGroup take Tags.
  expect(get("aws_lb_listener", "create", "elasticloadbalancing:CreateListener")).toEqual(expect.objectContaining({ call: true, tags: true }));
  expect(get("aws_lb_target_group", "create", "elasticloadbalancing:CreateTargetGroup")).toEqual(expect.objectContaining({ call: true, tags: true }));
  // ECS API reference: RegisterTaskDefinition takes tags; UpdateService does not.
  expect(get("aws_ecs_task_definition", "create", "ecs:RegisterTaskDefinition")).toEqual(expect.objectContaining({ call: true, tags: true }));
  expect(get("aws_ecs_service", "update", "ecs:UpdateService")).toEqual(expect.objectContaining({ call: true, tags: false }));
  // IAM API reference: PassRole is no API call, an authorization of the call that names the role.
  expect(get("aws_ecs_task_definition", "create", "iam:PassRole")).toEqual(expect.objectContaining({ call: false, tags: false }));
});
