/** What decides whether a call carries request tags IAM sees: shared by iam/needs-request-tags and provider-recorded. */
import type { Need, NeedContext } from "../../lib/policies/needs";
import { conditionKeysFor } from "./simulate";

/** API operations that remove tags (`Untag*`, ELBv2's RemoveTags, EC2's DeleteTags): they carry the tags removed, never the stack's default tags. */
export const UNTAG_OPERATION = /^(Untag[A-Za-z]*|RemoveTags|DeleteTags)$/;

/** Whether an action (`ec2:DeleteTags`) removes tags (`UNTAG_OPERATION`). */
export const removesTags = (action: string): boolean => UNTAG_OPERATION.test(action.slice(action.indexOf(":") + 1));

/** Whether IAM sees request tags on a row's action and resource (Service Authorization Reference: it lists `aws:RequestTag/${TagKey}`). */
export async function iamSeesRequestTags(n: Need, c: NeedContext): Promise<boolean> {
  return (await conditionKeysFor(n.action, n.resource(c))).has("aws:requesttag/${tagkey}");
}
