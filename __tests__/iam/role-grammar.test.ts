/**
 * What IAM accepts in the role policies lib/policies/roles.ts writes (IAM User Guide, "IAM JSON
 * policy elements": Action, Resource): an action is `service:action`, its name letters and
 * digits or a `*` wildcard; a resource is `*` or an ARN, `arn:partition:service:region:account:resource`
 * with a resource part. IAM refuses anything else when the policy is created; the simulator
 * does not check it, so an empty entry would pass every other test.
 */
import type { PolicyDocument } from "../../lib/policies/document";
import { appRolePolicy, bootstrapRolePolicy, buildVpcPolicy, gcRolePolicy, infraRolePolicy, pipelineServicePolicy, taskRoleBoundaryPolicy } from "../../lib/policies/roles";
import { exampleParams } from "../helpers/project";

const ACTION = /^[a-z0-9-]+:[A-Za-z0-9*]+$/;
/** The account part: empty (S3, IAM), twelve digits, or `aws` (AWS-managed resources: the CloudFront prefix list). */
const ARN = /^arn:aws:[a-z0-9-]+:[a-z0-9-]*:(\d{12}|aws)?:.+$/;

const c = {
  partition: "aws",
  region: "ap-southeast-2",
  account: "123456789012",
  project: "user-api-dev-deploy",
  buildLogGroup: "/aws/codebuild/user-api-dev-deploy",
  artifactBucketArn: "arn:aws:s3:::lanes-user-api-dev-artifacts",
  connectionArn: "arn:aws:codeconnections:ap-southeast-2:123456789012:connection/3f2a9c1e-7b7d-4c1e-9d5a-2b8f0e6c4a11",
  env: "dev",
};
const vpc = { vpcId: "vpc-0a1b2c3d4e5f67890", securityGroupId: "sg-0b1b2c3d4e5f67890" };
const role = { ...c, state: exampleParams().infra("dev").state };

const documents: [string, () => PolicyDocument][] = [
  ["app (user-api)", () => appRolePolicy(role, "user-api")],
  ["app (order-api, its build in the VPC)", () => appRolePolicy(role, "order-api", vpc)],
  ["the build's VPC policy", () => buildVpcPolicy(c, vpc)],
  ["bootstrap", () => bootstrapRolePolicy(role)],
  ["infra", () => infraRolePolicy(role)],
  ["gc", () => gcRolePolicy(role)],
  ["the task roles' boundary", () => taskRoleBoundaryPolicy(c)],
  ["the CodePipeline service role", () => pipelineServicePolicy(c)],
];

const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : [v].flat());

test.each(documents)("%s: every action is service:name, every resource `*` or an ARN; none is empty", (_name, document) => {
  const statements = [document().Statement].flat();
  const actions = statements.flatMap((s) => [...list(s.Action), ...list(s.NotAction)]);
  const resources = statements.flatMap((s) => [...list(s.Resource), ...list(s.NotResource)]);
  expect(statements.every((s) => list(s.Action).length + list(s.NotAction).length > 0 && list(s.Resource).length + list(s.NotResource).length > 0)).toBe(true);
  expect(actions.filter((a) => !ACTION.test(a))).toEqual([]);
  expect(resources.filter((r) => r !== "*" && !ARN.test(r))).toEqual([]);
});
