/**
 * Policies in depth (issue 14, point 3): every trust policy, every bucket and Lambda resource
 * policy, and every role that is not a pipeline role (task, execution, edge sync Lambda), asked
 * of @cloud-copilot/iam-simulate request by request, allowed and denied, as synthesized. The
 * pipeline roles are judged the same way in least-privilege, needs, gc-role and escalation tests
 * (the gc schedule's role: gc-role.test.ts).
 *
 * Expected principals are AWS's documented service principals; the ELB account for ALB access
 * logs in ap-southeast-2 is 783225319266 (ELB docs, "Enable access logs", regions available
 * before August 2022); AmazonECSTaskExecutionRolePolicy is written out as AWS publishes it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Testing } from "cdktf";
import type { PolicyDocument } from "../../lib/policies/document";
import { EdgeStack } from "../../stacks/edge-stack";
import { exampleParams, synth, type Json, type Synthesized } from "../helpers/project";
import { synthBoot, synthInfra, synthState } from "../helpers/stacks";
import { ALLOW_ALL, KVS_ID, bucketName, decideWithResourcePolicy, mayAssume, stackResolver, trustPolicy } from "./resource-policy";
import { ACCOUNT, PARTITION, REGION, SimulatedPrincipal, policyFromAttribute, rolePolicies, synthesizedPipeline } from "./simulate";

const OTHER_ACCOUNT = "210987654321";
const SERVICE_PRINCIPALS = [
  "ecs-tasks.amazonaws.com",
  "ecs.amazonaws.com",
  "ec2.amazonaws.com",
  "lambda.amazonaws.com",
  "codebuild.amazonaws.com",
  "codepipeline.amazonaws.com",
  "events.amazonaws.com",
  "edgelambda.amazonaws.com",
] as const;
const USER_OF_ACCOUNT = `arn:aws:iam::${ACCOUNT}:user/someone`;

const bundleRoot = mkdtempSync(join(tmpdir(), "lanes-bundles-"));
afterAll(() => rmSync(bundleRoot, { recursive: true, force: true }));

const params = exampleParams();
const stacks = {
  state: synthState(),
  bootUserApi: synthBoot("user-api"),
  bootOrderWorker: synthBoot("order-worker"),
  edge: synth(new EdgeStack(Testing.app(), params.infra("dev"), params.edge("dev"), bundleRoot)),
  pipelineApp: synthesizedPipeline("app"),
  pipelineGc: synthesizedPipeline("gc"),
  pipelineInfra: synthesizedPipeline("infra"),
  pipelineBootstrap: synthesizedPipeline("bootstrap"),
} satisfies Record<string, Synthesized>;

/** Role name → the one service principal that may assume it; every role of every stack is listed. */
const TRUSTED: Record<keyof typeof stacks, Record<string, string>> = {
  state: {},
  bootUserApi: { "user-api-dev-task": "ecs-tasks.amazonaws.com", "user-api-dev-task-exec": "ecs-tasks.amazonaws.com", "user-api-dev-fallback": "lambda.amazonaws.com" },
  bootOrderWorker: { "order-worker-dev-task": "ecs-tasks.amazonaws.com", "order-worker-dev-task-exec": "ecs-tasks.amazonaws.com" },
  edge: { "lanes-edge-dev-sync": "lambda.amazonaws.com" },
  pipelineApp: { "user-api-dev-codebuild": "codebuild.amazonaws.com", "user-api-dev-pipeline": "codepipeline.amazonaws.com" },
  pipelineGc: { "gc-dev-codebuild": "codebuild.amazonaws.com", "gc-dev-pipeline": "codepipeline.amazonaws.com", "gc-dev-schedule": "events.amazonaws.com" },
  pipelineInfra: { "infra-dev-codebuild": "codebuild.amazonaws.com", "infra-dev-pipeline": "codepipeline.amazonaws.com" },
  pipelineBootstrap: { "bootstrap-dev-codebuild": "codebuild.amazonaws.com", "bootstrap-dev-pipeline": "codepipeline.amazonaws.com" },
};

/**
 * The resource each role is assumed for, as the service sends it in `aws:SourceArn` (ARN formats
 * from the Service Authorization Reference): an ECS task of the account in the env's region
 * (ECS task IAM role docs: ArnLike `arn:aws:ecs:{region}:{account}:*`), the CodeBuild project,
 * the EventBridge rule. `undefined`: a role whose trust carries no source conditions: Lambda
 * execution roles (Lambda documents none for assuming them) and CodePipeline service roles
 * (CodePipeline's guide shows its service role's trust without them; see lib/policies/trust.ts).
 */
const SOURCE: Record<string, string | undefined> = {
  "user-api-dev-task": `arn:aws:ecs:ap-southeast-2:${ACCOUNT}:task/lanes-dev/0123456789abcdef0123456789abcdef`,
  "user-api-dev-task-exec": `arn:aws:ecs:ap-southeast-2:${ACCOUNT}:task/lanes-dev/0123456789abcdef0123456789abcdef`,
  "order-worker-dev-task": `arn:aws:ecs:ap-southeast-2:${ACCOUNT}:task/lanes-dev/fedcba9876543210fedcba9876543210`,
  "order-worker-dev-task-exec": `arn:aws:ecs:ap-southeast-2:${ACCOUNT}:task-definition/order-worker-dev-gray:3`,
  "lanes-edge-dev-sync": undefined,
  "user-api-dev-fallback": undefined,
  "user-api-dev-codebuild": `arn:aws:codebuild:ap-southeast-2:${ACCOUNT}:project/user-api-dev-deploy`,
  "user-api-dev-pipeline": undefined,
  "gc-dev-codebuild": `arn:aws:codebuild:ap-southeast-2:${ACCOUNT}:project/gc-dev-deploy`,
  "gc-dev-pipeline": undefined,
  "gc-dev-schedule": `arn:aws:events:ap-southeast-2:${ACCOUNT}:rule/gc-dev-schedule`,
  "infra-dev-codebuild": `arn:aws:codebuild:ap-southeast-2:${ACCOUNT}:project/infra-dev-deploy`,
  "infra-dev-pipeline": undefined,
  "bootstrap-dev-codebuild": `arn:aws:codebuild:ap-southeast-2:${ACCOUNT}:project/bootstrap-dev-deploy`,
  "bootstrap-dev-pipeline": undefined,
};

/** Another resource of the same service and account that must not get the role. */
const OTHER_SOURCE: Record<string, string> = {
  "user-api-dev-task": `arn:aws:ecs:us-east-1:${ACCOUNT}:task/lanes-dev/0123456789abcdef0123456789abcdef`,
  "user-api-dev-task-exec": `arn:aws:ecs:us-east-1:${ACCOUNT}:task/lanes-dev/0123456789abcdef0123456789abcdef`,
  "order-worker-dev-task": `arn:aws:codebuild:ap-southeast-2:${ACCOUNT}:project/order-worker-dev-deploy`,
  "order-worker-dev-task-exec": `arn:aws:ecs:eu-west-1:${ACCOUNT}:task/lanes-dev/fedcba9876543210fedcba9876543210`,
  "user-api-dev-codebuild": `arn:aws:codebuild:ap-southeast-2:${ACCOUNT}:project/billing-dev-deploy`,
  "gc-dev-codebuild": `arn:aws:codebuild:ap-southeast-2:${ACCOUNT}:project/gc-prod-deploy`,
  "gc-dev-schedule": `arn:aws:events:ap-southeast-2:${ACCOUNT}:rule/someone-elses-rule`,
  "infra-dev-codebuild": `arn:aws:codebuild:ap-southeast-2:${ACCOUNT}:project/infra-dev-deploy-copy`,
  "bootstrap-dev-codebuild": `arn:aws:codebuild:us-east-1:${ACCOUNT}:project/bootstrap-dev-deploy`,
};

/** The request context the service sends for `role`'s own resource. */
const ownContext = (role: string): Record<string, string> => {
  const source = SOURCE[role];
  return source === undefined ? {} : { "aws:SourceAccount": ACCOUNT, "aws:SourceArn": source };
};

const roleCases = (Object.keys(TRUSTED) as (keyof typeof stacks)[]).flatMap((stack) => Object.entries(TRUSTED[stack]).map(([role, principal]) => [stack, role, principal] as const));
const conditionedCases = roleCases.filter(([, role]) => SOURCE[role] !== undefined);

describe("trust policies", () => {
  test.each(Object.keys(TRUSTED) as (keyof typeof stacks)[])("every role of %s is in the table", (stack) => {
    const names = stacks[stack].resources("aws_iam_role").map(([, c]) => c.name as string);
    expect(names.sort()).toEqual(Object.keys(TRUSTED[stack]).sort());
  });

  test("every role has its source (or is a Lambda execution or CodePipeline role) and every conditioned role another source", () => {
    const roles = roleCases.map(([, role]) => role);
    expect(Object.keys(SOURCE).sort()).toEqual([...roles].sort());
    expect(Object.keys(OTHER_SOURCE).sort()).toEqual(conditionedCases.map(([, role]) => role).sort());
    expect([...new Set(roleCases.filter(([, role]) => SOURCE[role] === undefined).map(([, , principal]) => principal))].sort()).toEqual(["codepipeline.amazonaws.com", "lambda.amazonaws.com"]);
  });

  test.each(roleCases)("%s: %s may be assumed by %s and no other principal", async (stack, role, principal) => {
    const s = stacks[stack];
    const context = ownContext(role);
    expect(await mayAssume(s, role, principal, context)).toBe("Allowed");
    const others: Record<string, string> = {};
    for (const other of [...SERVICE_PRINCIPALS.filter((p) => p !== principal), USER_OF_ACCOUNT, `arn:aws:iam::${OTHER_ACCOUNT}:root`]) {
      others[other] = await mayAssume(s, role, other, context);
    }
    expect(Object.entries(others).filter(([, d]) => d !== "ImplicitlyDenied")).toEqual([]);
  });

  test.each(conditionedCases)("%s: %s is assumed by %s only for this account's own resource (aws:SourceAccount, aws:SourceArn)", async (stack, role, principal) => {
    const s = stacks[stack];
    const own = SOURCE[role]!;
    const decisions = {
      own: await mayAssume(s, role, principal, { "aws:SourceAccount": ACCOUNT, "aws:SourceArn": own }),
      otherAccount: await mayAssume(s, role, principal, { "aws:SourceAccount": OTHER_ACCOUNT, "aws:SourceArn": own.replace(`:${ACCOUNT}:`, `:${OTHER_ACCOUNT}:`) }),
      otherAccountSameArn: await mayAssume(s, role, principal, { "aws:SourceAccount": OTHER_ACCOUNT, "aws:SourceArn": own }),
      ownAccountOtherAccountsArn: await mayAssume(s, role, principal, { "aws:SourceAccount": ACCOUNT, "aws:SourceArn": own.replace(`:${ACCOUNT}:`, `:${OTHER_ACCOUNT}:`) }),
      otherArn: await mayAssume(s, role, principal, { "aws:SourceAccount": ACCOUNT, "aws:SourceArn": OTHER_SOURCE[role]! }),
      noSourceArn: await mayAssume(s, role, principal, { "aws:SourceAccount": ACCOUNT }),
      noSource: await mayAssume(s, role, principal, {}),
    };
    expect(decisions).toEqual({
      own: "Allowed",
      otherAccount: "ImplicitlyDenied",
      otherAccountSameArn: "ImplicitlyDenied",
      ownAccountOtherAccountsArn: "ImplicitlyDenied",
      otherArn: "ImplicitlyDenied",
      noSourceArn: "ImplicitlyDenied",
      noSource: "ImplicitlyDenied",
    });
  });

  test("the edge sync Lambda's execution role trusts lambda.amazonaws.com without source conditions (Lambda sends none when it assumes it)", async () => {
    expect(await mayAssume(stacks.edge, "lanes-edge-dev-sync", "lambda.amazonaws.com", {})).toBe("Allowed");
    expect(trustPolicy(stacks.edge, "lanes-edge-dev-sync")).toEqual({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
    });
  });
});

/** The buckets with a policy: [what, stack, bucket name (empty: the stack's only one)]. */
const BUCKETS: [string, Synthesized, string][] = [
  ["the state bucket", stacks.state, "lanes-example-tfstate-dev"],
  ["the pipeline artifacts bucket", stacks.pipelineApp, ""],
];

function bucketPolicy(s: Synthesized, wanted?: string): { arn: string; policy: PolicyDocument } {
  const resolve = stackResolver(s);
  const policies = s.resources("aws_s3_bucket_policy").map(([id, c]) => {
    const bucketId = /^\$\{aws_s3_bucket\.([^.]+)\.id\}$/.exec(c.bucket as string)![1]!;
    const bucket = s.resources("aws_s3_bucket").find(([i]) => i === bucketId)![1];
    return { name: bucketName(bucket), arn: `arn:${PARTITION}:s3:::${bucketName(bucket)}`, policy: policyFromAttribute(s, c.policy, resolve, `aws_s3_bucket_policy.${id}`) };
  });
  const found = wanted ? policies.filter((p) => p.name === wanted) : policies;
  if (found.length !== 1) throw new Error(`expected one bucket policy${wanted ? ` for ${wanted}` : ""}, found ${found.length}`);
  return found[0]!;
}

describe("bucket policies: TLS only, on the bucket and on every object", () => {
  const CALLER = `arn:aws:iam::${ACCOUNT}:role/admin`;
  test.each(BUCKETS)("%s", async (_what, s, name) => {
    const { arn, policy } = bucketPolicy(s, name || undefined);
    const ask = (action: string, resource: string, tls: "true" | "false") =>
      decideWithResourcePolicy(policy, { principal: CALLER, identity: ALLOW_ALL, action, resource, context: { "aws:SecureTransport": tls } });
    const requests: [string, string][] = [
      ["s3:GetObject", `${arn}/infra/dev/terraform.tfstate`],
      ["s3:PutObject", `${arn}/any/key`],
      ["s3:DeleteObject", `${arn}/any/key`],
      ["s3:ListBucket", arn],
      ["s3:PutBucketPolicy", arn],
      ["s3:DeleteBucket", arn],
    ];
    const without: string[] = [];
    const withTls: string[] = [];
    for (const [action, resource] of requests) {
      without.push(`${action} ${resource}: ${await ask(action, resource, "false")}`);
      withTls.push(`${action} ${resource}: ${await ask(action, resource, "true")}`);
    }
    expect(without).toEqual(requests.map(([a, r]) => `${a} ${r}: ExplicitlyDenied`));
    expect(withTls).toEqual(requests.map(([a, r]) => `${a} ${r}: Allowed`));
  });
});

describe("the env's log bucket (infra): TLS only; ALB access logs from ELB's account, flow logs from log delivery, each under its own prefix", () => {
  const infra = synthInfra();
  const { arn, policy } = bucketPolicy(infra);
  const ELB_SYDNEY = "arn:aws:iam::783225319266:root";
  const put = (principal: string, key: string, context: Record<string, string>, identity?: PolicyDocument) =>
    decideWithResourcePolicy(policy, { principal, action: "s3:PutObject", resource: `${arn}/${key}`, context: { "aws:SecureTransport": "true", ...context }, ...(identity ? { identity } : {}) });
  const flowContext = { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceAccount": ACCOUNT, "aws:SourceArn": `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:x` };

  test("ALB access logs: ELB's Sydney account writes under alb/*/AWSLogs/{account}/ only", async () => {
    expect(await put(ELB_SYDNEY, `alb/user-api/AWSLogs/${ACCOUNT}/elasticloadbalancing/x.log.gz`, {}, ALLOW_ALL)).toBe("Allowed");
    expect(await put(ELB_SYDNEY, `vpc-flow-logs/AWSLogs/${ACCOUNT}/x`, {}, ALLOW_ALL)).toBe("ImplicitlyDenied");
    expect(await put(ELB_SYDNEY, `alb/user-api/AWSLogs/${OTHER_ACCOUNT}/x`, {}, ALLOW_ALL)).toBe("ImplicitlyDenied");
    expect(await put(`arn:aws:iam::${OTHER_ACCOUNT}:root`, `alb/user-api/AWSLogs/${ACCOUNT}/x`, {}, ALLOW_ALL)).toBe("ImplicitlyDenied");
    expect(await put(ELB_SYDNEY, `alb/user-api/AWSLogs/${ACCOUNT}/x`, { "aws:SecureTransport": "false" }, ALLOW_ALL)).toBe("ExplicitlyDenied");
  });

  test("flow logs: delivery.logs.amazonaws.com with the owner's ACL, for this account's log sources only", async () => {
    const key = `vpc-flow-logs/AWSLogs/${ACCOUNT}/vpcflowlogs/x.log.gz`;
    expect(await put("delivery.logs.amazonaws.com", key, flowContext)).toBe("Allowed");
    expect(await put("delivery.logs.amazonaws.com", key, { ...flowContext, "s3:x-amz-acl": "private" })).toBe("ImplicitlyDenied");
    expect(await put("delivery.logs.amazonaws.com", key, { ...flowContext, "aws:SourceAccount": OTHER_ACCOUNT })).toBe("ImplicitlyDenied");
    expect(await put("delivery.logs.amazonaws.com", key, { ...flowContext, "aws:SourceArn": `arn:aws:logs:${REGION}:${OTHER_ACCOUNT}:log-group:x` })).toBe("ImplicitlyDenied");
    expect(await put("delivery.logs.amazonaws.com", `alb/x/AWSLogs/${ACCOUNT}/y`, flowContext)).toBe("ImplicitlyDenied");
    expect(await put("delivery.logs.amazonaws.com", key, { ...flowContext, "aws:SecureTransport": "false" })).toBe("ExplicitlyDenied");
    const acl = (context: Record<string, string>) =>
      decideWithResourcePolicy(policy, { principal: "delivery.logs.amazonaws.com", action: "s3:GetBucketAcl", resource: arn, context: { "aws:SecureTransport": "true", ...context } });
    expect(await acl({ "aws:SourceAccount": ACCOUNT, "aws:SourceArn": flowContext["aws:SourceArn"] })).toBe("Allowed");
    expect(await acl({ "aws:SourceAccount": OTHER_ACCOUNT, "aws:SourceArn": flowContext["aws:SourceArn"] })).toBe("ImplicitlyDenied");
  });

  test("TLS only on the bucket and its objects", async () => {
    const ask = (action: string, resource: string) =>
      decideWithResourcePolicy(policy, { principal: `arn:aws:iam::${ACCOUNT}:role/admin`, identity: ALLOW_ALL, action, resource, context: { "aws:SecureTransport": "false" } });
    expect(await ask("s3:GetObject", `${arn}/alb/x`)).toBe("ExplicitlyDenied");
    expect(await ask("s3:ListBucket", arn)).toBe("ExplicitlyDenied");
  });
});

describe("the edge sync Lambda: its invoke permission and its role", () => {
  const s = stacks.edge;
  const resolve = stackResolver(s);
  const r = (text: string) => text.replace(/\$\{([^}]+)\}/g, (whole, e: string) => resolve(e) ?? whole);
  const fn = r(`\${aws_lambda_function.${s.resources("aws_lambda_function")[0]![0]}.arn}`);
  const table = r(`\${aws_dynamodb_table.${s.resources("aws_dynamodb_table")[0]![0]}.arn}`);
  const topic = r(`\${aws_sns_topic.${s.resources("aws_sns_topic")[0]![0]}.arn}`);
  const logGroup = s.resources("aws_cloudwatch_log_group").find(([, c]) => (c.name as string).includes("lambda"))!;
  const logGroupArn = r(`\${aws_cloudwatch_log_group.${logGroup[0]}.arn}`);
  const kvs = `arn:${PARTITION}:cloudfront::${ACCOUNT}:key-value-store/${KVS_ID}`;
  const sync = new SimulatedPrincipal(`arn:${PARTITION}:iam::${ACCOUNT}:role/lanes-edge-dev-sync`, rolePolicies(s, "lanes-edge-dev-sync", resolve));

  test("only its EventBridge schedule may invoke it (AddPermission's statement: service principal, ArnLike aws:SourceArn)", async () => {
    const permission = s.only("aws_lambda_permission") as Json;
    const statement: PolicyDocument = {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: permission.principal as string },
          Action: permission.action as string,
          Resource: fn,
          ...(permission.source_arn ? { Condition: { ArnLike: { "aws:SourceArn": r(permission.source_arn as string) } } } : {}),
        },
      ],
    };
    const rule = r(permission.source_arn as string);
    expect(rule).toMatch(/^arn:aws:events:ap-southeast-2:123456789012:rule\//);
    const invoke = (principal: string, sourceArn: string) =>
      decideWithResourcePolicy(statement, { principal, action: "lambda:InvokeFunction", resource: fn, context: { "aws:SourceArn": sourceArn, "aws:SourceAccount": ACCOUNT } });
    expect(await invoke("events.amazonaws.com", rule)).toBe("Allowed");
    expect(await invoke("events.amazonaws.com", `arn:aws:events:${REGION}:${ACCOUNT}:rule/another`)).toBe("ImplicitlyDenied");
    expect(await invoke("s3.amazonaws.com", rule)).toBe("ImplicitlyDenied");
  });

  test.each<[string, string, Record<string, string | string[]>, string]>([
    ["dynamodb:GetItem", "TABLE", {}, "Allowed"],
    ["dynamodb:GetItem", "OTHER_TABLE", {}, "ImplicitlyDenied"],
    ["dynamodb:PutItem", "TABLE", { "dynamodb:LeadingKeys": ["keys"] }, "Allowed"],
    ["dynamodb:PutItem", "TABLE", { "dynamodb:LeadingKeys": ["rules"] }, "ImplicitlyDenied"],
    ["dynamodb:PutItem", "TABLE", { "dynamodb:LeadingKeys": ["keys", "rules"] }, "ImplicitlyDenied"],
    ["dynamodb:DeleteItem", "TABLE", { "dynamodb:LeadingKeys": ["keys"] }, "ImplicitlyDenied"],
    ["cloudfront-keyvaluestore:PutKey", "KVS", {}, "Allowed"],
    ["cloudfront-keyvaluestore:GetKey", "KVS", {}, "Allowed"],
    ["cloudfront-keyvaluestore:DescribeKeyValueStore", "KVS", {}, "Allowed"],
    ["cloudfront-keyvaluestore:PutKey", "OTHER_KVS", {}, "ImplicitlyDenied"],
    ["cloudfront-keyvaluestore:DeleteKey", "KVS", {}, "ImplicitlyDenied"],
    ["sns:Publish", "TOPIC", {}, "Allowed"],
    ["sns:Publish", "OTHER_TOPIC", {}, "ImplicitlyDenied"],
    ["cloudwatch:PutMetricData", "*", { "cloudwatch:namespace": "lanes/edge" }, "Allowed"],
    ["cloudwatch:PutMetricData", "*", { "cloudwatch:namespace": "AWS/Lambda" }, "ImplicitlyDenied"],
    ["logs:PutLogEvents", "LOG_STREAM", {}, "Allowed"],
    ["logs:PutLogEvents", "OTHER_LOG_STREAM", {}, "ImplicitlyDenied"],
    ["iam:PassRole", "ROLE", {}, "ImplicitlyDenied"],
  ])("%s on %s %j: %s", async (action, which, context, expected) => {
    const resources: Record<string, string> = {
      TABLE: table,
      OTHER_TABLE: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/other`,
      KVS: kvs,
      OTHER_KVS: `arn:aws:cloudfront::${ACCOUNT}:key-value-store/b1b2c3d4-5678-90ab-cdef-EXAMPLE22222`,
      TOPIC: topic,
      OTHER_TOPIC: `arn:aws:sns:${REGION}:${ACCOUNT}:other`,
      LOG_STREAM: `${logGroupArn}:log-stream:2026/12/02/[$LATEST]abc`,
      OTHER_LOG_STREAM: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/other:log-stream:x`,
      ROLE: `arn:aws:iam::${ACCOUNT}:role/lanes-edge-dev-sync`,
      "*": "*",
    };
    expect(await sync.decision({ action, resource: resources[which]!, context })).toBe(expected);
  });
});

/** AWS managed policy AmazonECSTaskExecutionRolePolicy (version 1), as AWS publishes it. */
const ECS_TASK_EXECUTION_ROLE_POLICY: PolicyDocument = {
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Action: ["ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage", "logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: "*",
    },
  ],
};

describe("task and execution roles, inside the env's permissions boundary", () => {
  const boundaryResource = stacks.state.resources("aws_iam_policy").find(([, c]) => c.name === "lanes-task-boundary-dev")!;
  const boundary = [{ name: "lanes-task-boundary-dev", document: policyFromAttribute(stacks.state, boundaryResource[1].policy, stackResolver(stacks.state), "boundary") }];
  const role = (name: string) => `arn:${PARTITION}:iam::${ACCOUNT}:role/${name}`;

  test("both services' roles carry exactly the AWS execution policy on the execution role, and user-api's only inline policy reads its secrets on the execution role (iam/secrets.test.ts judges it)", () => {
    for (const [s, service] of [[stacks.bootUserApi, "user-api"], [stacks.bootOrderWorker, "order-worker"]] as const) {
      const attachments = s.resources("aws_iam_role_policy_attachment").map(([, c]) => [c.role, c.policy_arn]);
      const exec = s.resources("aws_iam_role").find(([, c]) => c.name === `${service}-dev-task-exec`)![0];
      expect(attachments).toEqual([[`\${aws_iam_role.${exec}.name}`, expect.stringMatching(/^arn:\$\{data\.aws_partition\.[^.]+\.partition\}:iam::aws:policy\/service-role\/AmazonECSTaskExecutionRolePolicy$/)]]);
    }
    const userApiExec = stacks.bootUserApi.resources("aws_iam_role").find(([, c]) => c.name === "user-api-dev-task-exec")![0];
    const taskRoleRefs = stacks.bootUserApi.resources("aws_iam_role").filter(([, c]) => String(c.name).startsWith("user-api-dev-task")).map(([id]) => `\${aws_iam_role.${id}.name}`);
    expect(stacks.bootUserApi.resources("aws_iam_role_policy").filter(([, c]) => taskRoleRefs.includes(String(c.role))).map(([, c]) => [c.role, c.name])).toEqual([[`\${aws_iam_role.${userApiExec}.name}`, "read-secrets"]]);
  });

  const exec = new SimulatedPrincipal(role("user-api-dev-task-exec"), [{ name: "AmazonECSTaskExecutionRolePolicy", document: ECS_TASK_EXECUTION_ROLE_POLICY }], boundary);
  test.each<[string, string, string]>([
    ["ecr:GetAuthorizationToken", "*", "Allowed"],
    ["ecr:BatchGetImage", `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/dev/user-api`, "Allowed"],
    ["ecr:GetDownloadUrlForLayer", `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/dev/order-worker`, "Allowed"],
    ["ecr:BatchGetImage", `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/prod/user-api`, "ImplicitlyDenied"],
    ["ecr:BatchGetImage", `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/dev/user-api`, "ImplicitlyDenied"],
    ["logs:PutLogEvents", `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/ecs/dev/user-api:log-stream:gray/app/1`, "Allowed"],
    ["logs:CreateLogStream", `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/ecs/dev/user-api:log-stream:gray/app/1`, "Allowed"],
    ["logs:PutLogEvents", `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/ecs/prod/user-api:log-stream:x`, "ImplicitlyDenied"],
    ["logs:PutLogEvents", `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/codebuild/x:log-stream:x`, "ImplicitlyDenied"],
  ])("the execution role: %s on %s: %s", async (action, resource, expected) => {
    expect(await exec.decision({ action, resource })).toBe(expected);
  });

  const queue = (name: string) => `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`;
  const worker = new SimulatedPrincipal(role("order-worker-dev-task"), rolePolicies(stacks.bootOrderWorker, "order-worker-dev-task", stackResolver(stacks.bootOrderWorker)), boundary);
  test.each<[string, string, string]>([
    ["sqs:ReceiveMessage", "order-worker-dev-queue", "Allowed"],
    ["sqs:DeleteMessage", "order-worker-dev-queue", "Allowed"],
    ["sqs:ChangeMessageVisibility", "order-worker-dev-queue", "Allowed"],
    ["sqs:GetQueueAttributes", "order-worker-dev-queue", "Allowed"],
    ["sqs:GetQueueUrl", "order-worker-dev-queue", "Allowed"],
    ["sqs:SendMessage", "order-worker-dev-queue", "ImplicitlyDenied"],
    ["sqs:PurgeQueue", "order-worker-dev-queue", "ImplicitlyDenied"],
    ["sqs:ReceiveMessage", "order-worker-dev-dlq", "ImplicitlyDenied"],
    ["sqs:ReceiveMessage", "billing-dev-queue", "ImplicitlyDenied"],
    ["sqs:ReceiveMessage", "order-worker-prod-queue", "ImplicitlyDenied"],
  ])("order-worker's task role: %s on %s: %s", async (action, name, expected) => {
    expect(await worker.decision({ action, resource: queue(name) })).toBe(expected);
  });

  test("user-api's task role (no policy of its own) is refused its own state, queue and image", async () => {
    const taskPolicies = [{ name: "none", document: { Version: "2012-10-17", Statement: [] } as PolicyDocument }];
    const task = new SimulatedPrincipal(role("user-api-dev-task"), taskPolicies, boundary);
    expect(await task.decision({ action: "s3:GetObject", resource: "arn:aws:s3:::lanes-example-tfstate-dev/boot/dev/user-api/terraform.tfstate" })).toBe("ImplicitlyDenied");
    expect(await task.decision({ action: "sqs:ReceiveMessage", resource: queue("user-api-dev-queue") })).toBe("ImplicitlyDenied");
    expect(await task.decision({ action: "ecr:BatchGetImage", resource: `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/dev/user-api` })).toBe("ImplicitlyDenied");
  });
});
