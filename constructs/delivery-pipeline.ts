import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CodebuildProject } from "@cdktf/provider-aws/lib/codebuild-project";
import { Codepipeline } from "@cdktf/provider-aws/lib/codepipeline";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import type { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { Construct } from "constructs";
import type { PolicyDocument } from "../lib/policies/document";
import type { pipelineNames } from "../lib/naming";
import type { PipelineConfig } from "../lib/params/config";
import type { BuildContext } from "../lib/policies/build-common";
import { arns } from "../lib/policies/arns";
import { packPolicy } from "../lib/policies/pack";
import { servicePrincipalTrustPolicy, serviceTrustPolicy } from "../lib/policies/trust";
import { PrivateBucket } from "./private-bucket";

export const BUILDSPEC_PATH = "ci/buildspec.yml";
export const INFRA_ARTIFACT = "InfraOut";
export const APP_ARTIFACT = "AppOut";

/** CodePipeline V2 execution modes (REFERENCE.md): lanes need PARALLEL. */
export type ExecutionMode = "QUEUED" | "PARALLEL" | "SUPERSEDED";

export interface PipelineVariable {
  readonly name: string;
  readonly description: string;
  /** No default: the variable must be given when the run starts. */
  readonly defaultValue?: string;
}

export interface DeliveryPipelineProps {
  readonly names: ReturnType<typeof pipelineNames>;
  readonly config: PipelineConfig;
  readonly region: string;
  readonly executionMode: ExecutionMode;
  readonly variables: readonly PipelineVariable[];
  /** The build's environment, passed through the CodeBuild action (values may use #{variables.X}). */
  readonly environment: Readonly<Record<string, string>>;
  /** The app repository, cloned (CODEBUILD_CLONE_REF) so the build can check out BRANCH. */
  readonly appSource?: { readonly repo: string; readonly branch: string };
  /** Builds images: CodeBuild runs Docker (privileged mode). */
  readonly buildsImages: boolean;
  /** Run the build inside the VPC (a service with an internal ALB): private subnets and the build's security group. */
  readonly vpc?: {
    readonly vpcId: string;
    readonly subnetIds: string[];
    readonly securityGroupIds: string[];
    /** What the build role needs for it (a managed policy attached to the role, lib/policies/roles.ts buildVpcPolicy). */
    readonly policy: (ctx: BuildContext) => PolicyDocument;
  };
  /** The CodeBuild role's policy, from the same context the tests evaluate. */
  readonly buildPolicy: (ctx: BuildContext) => PolicyDocument;
  readonly pipelinePolicy: (ctx: BuildContext) => PolicyDocument;
}

/**
 * A service role assumed by `service`: with a source (confused deputy prevention,
 * lib/policies/trust.ts) only for `sourceArn` of this account, without one (CodePipeline, which
 * documents no source keys for its service role) by the service. The ARN is built from the
 * resource's name, not its `arn` attribute: the project references its role, so the role cannot
 * reference it.
 */
function servicePrincipalRole(scope: Construct, id: string, name: { name: string; fullName: string }, service: string, source?: { account: string; sourceArn: string }): IamRole {
  const trust = source ? serviceTrustPolicy({ service, ...source }) : servicePrincipalTrustPolicy(service);
  return new IamRole(scope, id, {
    name: name.name,
    assumeRolePolicy: JSON.stringify(trust),
    tags: { Name: name.fullName },
  });
}

/**
 * One deploy pipeline: V2 CodePipeline with the dual source
 * (`InfraSource` → `InfraOut`, this repo; `AppSource` → `AppOut`, the app repo) feeding one
 * CodeBuild action whose primary input is `InfraOut` (the shared `ci/buildspec.yml`); the
 * encrypted artifact bucket; and least-privilege roles for CodePipeline and CodeBuild.
 */
export class DeliveryPipeline extends Construct {
  readonly artifactBucket: S3Bucket;
  readonly buildRole: IamRole;
  readonly pipelineRole: IamRole;
  readonly project: CodebuildProject;
  readonly pipeline: Codepipeline;
  readonly buildContext: BuildContext;

  constructor(scope: Construct, id: string, props: DeliveryPipelineProps) {
    super(scope, id);
    const { names, config } = props;
    const account = new DataAwsCallerIdentity(this, "account");
    const partition = new DataAwsPartition(this, "partition");

    this.artifactBucket = new PrivateBucket(this, "artifacts", {
      bucketPrefix: names.artifactBucketPrefix,
      encryption: "aws:kms",
      expireAfterDays: 30,
      forceDestroy: true,
    }).bucket;

    this.buildContext = {
      partition: partition.partition,
      region: props.region,
      account: account.accountId,
      project: names.project,
      buildLogGroup: names.buildLogGroup,
      artifactBucketArn: this.artifactBucket.arn,
      connectionArn: config.connectionArn,
    };

    this.buildRole = servicePrincipalRole(this, "build-role", names.codebuildRole, "codebuild.amazonaws.com", { account: account.accountId, sourceArn: arns.codebuildProject(this.buildContext, names.project) });
    // Managed policies, not inline: a deploy role's needs outgrow IAM's 10,240 characters of
    // inline policy per role (lib/policies/pack.ts). The role name is unique in the account.
    packPolicy(props.buildPolicy(this.buildContext), `the CodeBuild role ${names.codebuildRole.name}`).forEach((document, i) => {
      const name = names.codebuildPolicy(i + 1);
      const policy = new IamPolicy(this, `build-policy-${i + 1}`, {
        name: name.name,
        description: `Deploy permissions of ${names.codebuildRole.name} (part ${i + 1})`,
        policy: JSON.stringify(document),
        tags: { Name: name.fullName },
      });
      new IamRolePolicyAttachment(this, `build-policy-${i + 1}-attachment`, { role: this.buildRole.name, policyArn: policy.arn });
    });
    if (props.vpc) {
      const vpcPolicy = new IamPolicy(this, "build-vpc-policy", {
        name: names.codebuildVpcPolicy,
        description: `CodeBuild of ${names.pipeline} in the VPC: its network interfaces`,
        policy: JSON.stringify(props.vpc.policy(this.buildContext)),
      });
      new IamRolePolicyAttachment(this, "build-vpc-attachment", { role: this.buildRole.name, policyArn: vpcPolicy.arn });
    }
    this.pipelineRole = servicePrincipalRole(this, "pipeline-role", names.pipelineRole, "codepipeline.amazonaws.com");
    new IamRolePolicy(this, "pipeline-policy", {
      role: this.pipelineRole.name,
      name: "pipeline",
      policy: JSON.stringify(props.pipelinePolicy(this.buildContext)),
    });

    const logs = new CloudwatchLogGroup(this, "build-logs", { name: names.buildLogGroup, retentionInDays: 30 });
    this.project = new CodebuildProject(this, "project", {
      name: names.project,
      description: `Builds and deploys for pipeline ${names.pipeline}`,
      serviceRole: this.buildRole.arn,
      buildTimeout: config.buildTimeoutMinutes,
      source: { type: "CODEPIPELINE", buildspec: BUILDSPEC_PATH },
      artifacts: { type: "CODEPIPELINE" },
      environment: {
        type: "LINUX_CONTAINER",
        computeType: config.computeType,
        image: config.buildImage,
        imagePullCredentialsType: "CODEBUILD",
        privilegedMode: props.buildsImages,
      },
      logsConfig: { cloudwatchLogs: { groupName: logs.name, status: "ENABLED" } },
      // S3 cache in the artifact bucket (same encryption, same 30-day expiry): what ci/buildspec.yml
      // `cache:` saves under its key (node_modules, the npm cache, the Terraform zip, the provider
      // mirror), restored by the next build with the same lockfiles. S3 rather than LOCAL: LOCAL
      // lives on one build host and is best-effort, so most builds would start cold. The build
      // role's PipelineArtifacts statement already reads and writes the bucket's objects.
      cache: { type: "S3", location: `${this.artifactBucket.bucket}/${names.buildCachePrefix}` },
      ...(props.vpc ? { vpcConfig: { vpcId: props.vpc.vpcId, subnets: props.vpc.subnetIds, securityGroupIds: props.vpc.securityGroupIds } } : {}),
    });

    const sourceAction = (name: string, repo: string, branch: string, output: string, cloneRef: boolean) => ({
      name,
      category: "Source",
      owner: "AWS",
      provider: "CodeStarSourceConnection",
      version: "1",
      outputArtifacts: [output],
      configuration: {
        ConnectionArn: config.connectionArn,
        FullRepositoryId: repo,
        BranchName: branch,
        DetectChanges: "false",
        OutputArtifactFormat: cloneRef ? "CODEBUILD_CLONE_REF" : "CODE_ZIP",
      },
    });
    const sources = [sourceAction("InfraSource", config.infraRepo, config.infraBranch, INFRA_ARTIFACT, false)];
    if (props.appSource) sources.push(sourceAction("AppSource", props.appSource.repo, props.appSource.branch, APP_ARTIFACT, true));

    const environment = Object.entries(props.environment).map(([name, value]) => ({ name, value, type: "PLAINTEXT" }));
    this.pipeline = new Codepipeline(this, "pipeline", {
      name: names.pipeline,
      pipelineType: "V2",
      executionMode: props.executionMode,
      roleArn: this.pipelineRole.arn,
      artifactStore: [{ type: "S3", location: this.artifactBucket.bucket }],
      ...(props.variables.length > 0
        ? {
            variable: props.variables.map((v) => ({
              name: v.name,
              description: v.description,
              ...(v.defaultValue !== undefined ? { defaultValue: v.defaultValue } : {}),
            })),
          }
        : {}),
      stage: [
        { name: "Source", action: sources },
        {
          name: "Deploy",
          action: [
            {
              name: "BuildAndDeploy",
              category: "Build",
              owner: "AWS",
              provider: "CodeBuild",
              version: "1",
              namespace: "Build",
              inputArtifacts: sources.map((s) => s.outputArtifacts[0]!),
              outputArtifacts: ["BuildOut"],
              configuration: {
                ProjectName: this.project.name,
                PrimarySource: INFRA_ARTIFACT,
                EnvironmentVariables: JSON.stringify(environment),
              },
            },
          ],
        },
      ],
    });
  }
}
