import { BUILDSPEC_PATH } from "../constructs/delivery-pipeline";
import { type Json, type Synthesized } from "./helpers/project";
import { synthPipeline } from "./helpers/stacks";

interface Action {
  name: string;
  category: string;
  provider: string;
  input_artifacts?: string[];
  output_artifacts?: string[];
  configuration: Record<string, string>;
}

function pipeline(s: Synthesized): Json {
  return s.only("aws_codepipeline");
}
function stages(s: Synthesized): { name: string; action: Action[] }[] {
  return pipeline(s).stage as { name: string; action: Action[] }[];
}
function buildAction(s: Synthesized): Action {
  return stages(s).find((st) => st.name === "Deploy")!.action[0]!;
}
function buildEnv(s: Synthesized): Record<string, string> {
  const list = JSON.parse(buildAction(s).configuration.EnvironmentVariables!) as { name: string; value: string; type: string }[];
  for (const v of list) expect(v.type).toBe("PLAINTEXT");
  return Object.fromEntries(list.map((v) => [v.name, v.value]));
}

describe("app pipeline user-api-dev", () => {
  const s = synthPipeline("app");

  test("is a V2 pipeline in PARALLEL mode, so a blue run never cancels a gray run", () => {
    expect(pipeline(s)).toMatchObject({ name: "user-api-dev", pipeline_type: "V2", execution_mode: "PARALLEL" });
  });

  test("variables: LANE required (no default), BRANCH defaulting to the params branch, ACTION defaulting to deploy, TTL defaulting to keep", () => {
    const vars = pipeline(s).variable as Json[];
    expect(vars.map((v) => v.name)).toEqual(["LANE", "BRANCH", "ACTION", "TTL"]);
    expect(vars[0]!.default_value).toBeUndefined();
    expect(vars[1]!.default_value).toBe("main");
    expect(vars[2]!.default_value).toBe("deploy");
    // CodePipeline variable defaults must not be empty: `keep` stands for "the lane's own ttl".
    expect(vars[3]!.default_value).toBe("keep");
  });

  test("dual source through the connection: InfraSource → InfraOut, AppSource → AppOut as a git clone", () => {
    const source = stages(s)[0]!;
    expect(source.name).toBe("Source");
    const byName = Object.fromEntries(source.action.map((a) => [a.name, a]));
    expect(byName.InfraSource).toMatchObject({
      provider: "CodeStarSourceConnection",
      output_artifacts: ["InfraOut"],
      configuration: { FullRepositoryId: "example-org/lanes", BranchName: "main", DetectChanges: "false" },
    });
    expect(byName.AppSource).toMatchObject({
      provider: "CodeStarSourceConnection",
      output_artifacts: ["AppOut"],
      configuration: { FullRepositoryId: "example-org/user-api", BranchName: "main", OutputArtifactFormat: "CODEBUILD_CLONE_REF" },
    });
    for (const a of source.action) {
      expect(a.configuration.ConnectionArn).toBe("arn:aws:codeconnections:ap-southeast-2:123456789012:connection/3f2a9c1e-7b7d-4c1e-9d5a-2b8f0e6c4a11");
    }
  });

  test("CodeBuild action: InfraOut primary, AppOut secondary, the shared project", () => {
    const action = buildAction(s);
    const [projectId] = s.resources("aws_codebuild_project")[0]!;
    expect(action).toMatchObject({
      category: "Build",
      provider: "CodeBuild",
      input_artifacts: ["InfraOut", "AppOut"],
      configuration: { PrimarySource: "InfraOut", ProjectName: `\${aws_codebuild_project.${projectId}.name}` },
    });
  });

  test("environment: pipeline variables pass through to the build", () => {
    expect(buildEnv(s)).toEqual({
      ENV: "dev",
      LAYER: "app",
      SERVICE_NAME: "user-api",
      MODULE_PATH: ".",
      LANE: "#{variables.LANE}",
      BRANCH: "#{variables.BRANCH}",
      ACTION: "#{variables.ACTION}",
      TTL: "#{variables.TTL}",
      PIPELINE_EXECUTION_ID: "#{codepipeline.PipelineExecutionId}",
      // The build's timeout, raised to fit the longest ramp (__tests__/ramp-stack.test.ts).
      LANES_BUILD_TIMEOUT_MINUTES: "237",
    });
  });

  test("CodeBuild project reads ci/buildspec.yml from the primary input and can run Docker", () => {
    expect(s.only("aws_codebuild_project")).toMatchObject({
      name: "user-api-dev-deploy",
      source: { type: "CODEPIPELINE", buildspec: BUILDSPEC_PATH },
      environment: { privileged_mode: true, type: "LINUX_CONTAINER" },
    });
    expect(BUILDSPEC_PATH).toBe("ci/buildspec.yml");
  });

  test("CodeBuild caches in S3, under build-cache/ of the pipeline's own artifact bucket", () => {
    const [bucketId] = s.resources("aws_s3_bucket")[0]!;
    expect(s.resources("aws_s3_bucket")).toHaveLength(1);
    expect(s.only("aws_codebuild_project").cache).toEqual({ type: "S3", location: `\${aws_s3_bucket.${bucketId}.bucket}/build-cache` });
  });

  test("artifact bucket is encrypted and private", () => {
    expect(s.only("aws_s3_bucket_server_side_encryption_configuration").rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms" }, bucket_key_enabled: true },
    ]);
    expect(s.only("aws_s3_bucket_public_access_block")).toMatchObject({ block_public_acls: true, restrict_public_buckets: true });
  });

  test("its state lives under pipeline/dev/user-api-dev/", () => {
    expect(((s.json.terraform as Json).backend as Record<string, Json>).s3!.key).toBe("pipeline/dev/user-api-dev/terraform.tfstate");
  });
});

describe("bootstrap pipeline bootstrap-dev", () => {
  const s = synthPipeline("bootstrap");

  test("V2, PARALLEL (different services at once), variable SERVICE, infra source only", () => {
    expect(pipeline(s)).toMatchObject({ name: "bootstrap-dev", pipeline_type: "V2", execution_mode: "PARALLEL" });
    expect((pipeline(s).variable as Json[]).map((v) => v.name)).toEqual(["SERVICE"]);
    expect(stages(s)[0]!.action.map((a) => a.name)).toEqual(["InfraSource"]);
    expect(buildAction(s).input_artifacts).toEqual(["InfraOut"]);
    expect(buildEnv(s)).toMatchObject({ LAYER: "boot", SERVICE_NAME: "#{variables.SERVICE}", ENV: "dev" });
    expect((s.only("aws_codebuild_project").environment as Json).privileged_mode).toBe(false);
  });
});

describe("infra pipeline infra-dev", () => {
  const s = synthPipeline("infra");

  test("V2, QUEUED, no variables, deploys the infra layer", () => {
    expect(pipeline(s)).toMatchObject({ name: "infra-dev", pipeline_type: "V2", execution_mode: "QUEUED" });
    expect(pipeline(s).variable).toBeUndefined();
    expect(buildEnv(s)).toMatchObject({ LAYER: "infra", ENV: "dev" });
  });
});

describe.each(["bootstrap", "infra", "gc"] as const)("%s pipeline: CodeBuild cache", (kind) => {
  const s = synthPipeline(kind);

  test("S3, under build-cache/ of its own artifact bucket", () => {
    expect(s.resources("aws_s3_bucket")).toHaveLength(1);
    const [bucketId] = s.resources("aws_s3_bucket")[0]!;
    expect(s.only("aws_codebuild_project").cache).toEqual({ type: "S3", location: `\${aws_s3_bucket.${bucketId}.bucket}/build-cache` });
  });
});

describe("gc pipeline gc-dev", () => {
  const s = synthPipeline("gc");

  test("V2, QUEUED (a scheduled run waits for the previous one), no variables, infra source only, runs the gc layer", () => {
    expect(pipeline(s)).toMatchObject({ name: "gc-dev", pipeline_type: "V2", execution_mode: "QUEUED" });
    expect(pipeline(s).variable).toBeUndefined();
    expect(stages(s)[0]!.action.map((a) => a.name)).toEqual(["InfraSource"]);
    expect(buildEnv(s)).toEqual({ ENV: "dev", LAYER: "gc", PIPELINE_EXECUTION_ID: "#{codepipeline.PipelineExecutionId}" });
    expect(s.only("aws_codebuild_project")).toMatchObject({ name: "gc-dev-deploy", environment: { privileged_mode: false } });
  });

  test("an EventBridge schedule (params pipelines.gcSchedule, default every hour) starts the pipeline with its own role", () => {
    const [pipelineId] = s.resources("aws_codepipeline")[0]!;
    const [ruleId, rule] = s.resources("aws_cloudwatch_event_rule")[0]!;
    expect(rule).toMatchObject({ name: "gc-dev-schedule", schedule_expression: "rate(1 hour)" });
    const target = s.only("aws_cloudwatch_event_target");
    expect(target).toMatchObject({ rule: `\${aws_cloudwatch_event_rule.${ruleId}.name}`, arn: `\${aws_codepipeline.${pipelineId}.arn}` });
    const role = s.resources("aws_iam_role").find(([, r]) => r.name === "gc-dev-schedule")!;
    expect(target.role_arn).toBe(`\${aws_iam_role.${role[0]}.arn}`);
    expect(JSON.parse(role[1].assume_role_policy as string)).toMatchObject({ Statement: [{ Principal: { Service: "events.amazonaws.com" }, Action: "sts:AssumeRole" }] });
    // only for its own rule of its own account (simulated in iam/trust-and-resource-policies.test.ts)
    expect(JSON.parse(role[1].assume_role_policy as string).Statement[0].Condition).toEqual({
      StringEquals: { "aws:SourceAccount": expect.stringMatching(/^\$\{data\.aws_caller_identity\.[^.]+\.account_id\}$/) },
      ArnLike: { "aws:SourceArn": expect.stringMatching(/^arn:\$\{data\.aws_partition\.[^.]+\.partition\}:events:ap-southeast-2:\$\{data\.aws_caller_identity\.[^.]+\.account_id\}:rule\/gc-dev-schedule$/) },
    });
  });
});
