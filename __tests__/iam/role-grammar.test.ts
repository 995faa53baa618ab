/**
 * What IAM accepts in the role policies lib/policies/roles.ts writes (IAM User Guide, "IAM JSON
 * policy elements": Action, Resource): an action is `service:action`, its name letters and
 * digits or a `*` wildcard; a resource is `*` or an ARN, `arn:partition:service:region:account:resource`
 * with a resource part. IAM refuses anything else when the policy is created; the simulator
 * does not check it, so an empty entry would pass every other test.
 */
import { IAM_ACTION, IAM_ARN } from "./grammar";
import { roleDocuments } from "./role-documents";


const documents = roleDocuments();

const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : [v].flat());

test.each(documents)("%s: every action is service:name, every resource `*` or an ARN; none is empty", (_name, document) => {
  const statements = [document().Statement].flat();
  const actions = statements.flatMap((s) => [...list(s.Action), ...list(s.NotAction)]);
  const resources = statements.flatMap((s) => [...list(s.Resource), ...list(s.NotResource)]);
  expect(statements.every((s) => list(s.Action).length + list(s.NotAction).length > 0 && list(s.Resource).length + list(s.NotResource).length > 0)).toBe(true);
  expect(actions.filter((a) => !IAM_ACTION.test(a))).toEqual([]);
  expect(resources.filter((r) => r !== "*" && !IAM_ARN.test(r))).toEqual([]);
});
