/**
 * Statements every pipeline's CodeBuild role needs: its logs, the artifacts, the connection,
 * who-am-I (the AWS provider and the S3 backend validate credentials with it). Reads of the
 * deployed resources are per role (roles.ts), scoped like its writes where the API allows.
 */
import type { Statement } from "./document";
import { arns, type AccountContext } from "./arns";

export interface BuildContext extends AccountContext {
  readonly project: string;
  readonly buildLogGroup: string;
  readonly artifactBucketArn: string;
  readonly connectionArn: string;
}

export function buildCommonStatements(c: BuildContext): Statement[] {
  return [
    {
      Sid: "BuildLogs",
      Effect: "Allow",
      Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: [arns.logGroup(c, c.buildLogGroup), arns.logGroup(c, `${c.buildLogGroup}:*`)],
    },
    {
      // The pipeline's artifacts and the build cache (`build-cache/`): AWS's CodeBuild service
      // role policy grants objects Get/Put and the bucket's identity (GetBucketAcl, GetBucketLocation).
      Sid: "PipelineArtifacts",
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:GetBucketAcl", "s3:GetBucketLocation"],
      Resource: [c.artifactBucketArn, `${c.artifactBucketArn}/*`],
    },
    {
      Sid: "SourceConnection",
      Effect: "Allow",
      Action: ["codestar-connections:UseConnection", "codeconnections:UseConnection"],
      Resource: [c.connectionArn],
    },
    { Sid: "WhoAmI", Effect: "Allow", Action: ["sts:GetCallerIdentity"], Resource: ["*"] },
  ];
}
