/**
 * The statements every pipeline's CodeBuild role gets (lib/policies/build-common.ts), written out
 * for the app pipeline of user-api in dev, Sids included (what an operator reads in the console),
 * and judged request by request with iam-simulate: its own log group, artifact bucket and source
 * connection, and who-am-I; another log group, bucket or connection is denied.
 */
import { buildCommonStatements } from "../../lib/policies/build-common";
import { ACCOUNT, REGION, SimulatedPrincipal, type Decision } from "./simulate";

const CONNECTION = `arn:aws:codeconnections:${REGION}:${ACCOUNT}:connection/3f2a9c1e-7b7d-4c1e-9d5a-2b8f0e6c4a11`;
const OTHER_CONNECTION = `arn:aws:codeconnections:${REGION}:${ACCOUNT}:connection/0e6c4a11-2b8f-4c1e-9d5a-3f2a9c1e7b7d`;
const CTX = {
  partition: "aws",
  region: REGION,
  account: ACCOUNT,
  project: "user-api-dev-pipeline",
  buildLogGroup: "/aws/codebuild/user-api-dev-pipeline",
  artifactBucketArn: "arn:aws:s3:::lanes-artifacts-dev",
  connectionArn: CONNECTION,
};
const LOG_GROUP = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/codebuild/user-api-dev-pipeline`;

test("the four statements, as written", () => {
  expect(buildCommonStatements(CTX)).toEqual([
    { Sid: "BuildLogs", Effect: "Allow", Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], Resource: [LOG_GROUP, `${LOG_GROUP}:*`] },
    {
      Sid: "PipelineArtifacts",
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:GetBucketAcl", "s3:GetBucketLocation"],
      Resource: ["arn:aws:s3:::lanes-artifacts-dev", "arn:aws:s3:::lanes-artifacts-dev/*"],
    },
    { Sid: "SourceConnection", Effect: "Allow", Action: ["codestar-connections:UseConnection", "codeconnections:UseConnection"], Resource: [CONNECTION] },
    { Sid: "WhoAmI", Effect: "Allow", Action: ["sts:GetCallerIdentity"], Resource: ["*"] },
  ]);
});

describe("request by request", () => {
  const role = new SimulatedPrincipal(`arn:aws:iam::${ACCOUNT}:role/user-api-dev-pipeline-build`, [
    { name: "common", document: { Version: "2012-10-17", Statement: buildCommonStatements(CTX) } },
  ]);

  test.each<[string, string, Decision]>([
    ["logs:CreateLogGroup", LOG_GROUP, "Allowed"],
    ["logs:PutLogEvents", `${LOG_GROUP}:log-stream:build-1`, "Allowed"],
    ["logs:PutLogEvents", `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/codebuild/other:log-stream:build-1`, "ImplicitlyDenied"],
    ["s3:PutObject", "arn:aws:s3:::lanes-artifacts-dev/user-api/source.zip", "Allowed"],
    ["s3:GetBucketLocation", "arn:aws:s3:::lanes-artifacts-dev", "Allowed"],
    ["s3:PutObject", "arn:aws:s3:::lanes-state-123456789012/app/dev/user-api/gray.tfstate", "ImplicitlyDenied"],
    ["s3:DeleteObject", "arn:aws:s3:::lanes-artifacts-dev/user-api/source.zip", "ImplicitlyDenied"],
    ["codeconnections:UseConnection", CONNECTION, "Allowed"],
    ["codeconnections:UseConnection", OTHER_CONNECTION, "ImplicitlyDenied"],
    ["sts:GetCallerIdentity", "*", "Allowed"],
  ])("%s on %s: %s", async (action, resource, decision) => {
    expect(await role.decision({ action, resource })).toBe(decision);
  });
});
