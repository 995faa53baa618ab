/**
 * The statement ids of every role policy lib/policies/roles.ts writes, by IAM's rule for the Sid
 * element (IAM User Guide, "IAM JSON policy elements: Sid"): ASCII uppercase and lowercase letters
 * and digits only, and unique within a JSON policy. Every statement carries one: it is what an
 * operator reads in the console and in the simulator's answer for a denied call.
 */
import type { PolicyDocument, Statement } from "../../lib/policies/document";
import { appRolePolicy, bootstrapRolePolicy, buildVpcPolicy, gcRolePolicy, infraRolePolicy, pipelineServicePolicy, taskRoleBoundaryPolicy } from "../../lib/policies/roles";
import { exampleParams } from "../helpers/project";

const SID = /^[A-Za-z0-9]+$/;

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
const vpc = { vpcId: "vpc-0a1b2c3d4e5f67890", securityGroupId: "sg-0a1b2c3d4e5f67890" };

/** Each role document, computed inside the test that reads it. */
const documents: [string, () => PolicyDocument][] = [
  ["app (user-api)", () => appRolePolicy({ ...c, state: exampleParams().infra("dev").state }, "user-api")],
  ["app (order-api, its build in the VPC)", () => appRolePolicy({ ...c, state: exampleParams().infra("dev").state }, "order-api", vpc)],
  ["the build's VPC policy", () => buildVpcPolicy(c, vpc)],
  ["bootstrap", () => bootstrapRolePolicy({ ...c, state: exampleParams().infra("dev").state })],
  ["infra", () => infraRolePolicy({ ...c, state: exampleParams().infra("dev").state })],
  ["gc", () => gcRolePolicy({ ...c, state: exampleParams().infra("dev").state })],
  ["the task roles' boundary", () => taskRoleBoundaryPolicy(c)],
  ["the CodePipeline service role", () => pipelineServicePolicy(c)],
];

const statements = (d: PolicyDocument): Statement[] => [d.Statement].flat();

test.each(documents)("%s: every statement has a Sid of ASCII letters and digits, unique in the policy", (_name, document) => {
  const sids = statements(document()).map((s) => s.Sid);
  expect(sids.length).toBeGreaterThan(2);
  expect(sids.filter((sid) => sid === undefined || !SID.test(sid))).toEqual([]);
  expect(sids.filter((sid, i) => sids.indexOf(sid) !== i)).toEqual([]);
});

test("infra, the lowest layer, reads no other layer's state; bootstrap, app and gc read the layers below theirs", () => {
  const reads = (d: PolicyDocument) => statements(d).some((s) => s.Sid === "StateReadLowerLayers");
  const [app, , , bootstrap, infra, gc] = documents.map(([, document]) => reads(document()));
  expect({ app, bootstrap, infra, gc }).toEqual({ app: true, bootstrap: true, infra: false, gc: true });
});
