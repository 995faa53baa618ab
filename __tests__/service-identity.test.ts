/**
 * constructs/service-identity.ts on its own: the service's execution and task roles, each prop both
 * ways, every policy written out whole. The trust policy is AWS's for ECS task roles
 * (aws:SourceAccount, aws:SourceArn ArnLike an ECS ARN of the account and region); the requests
 * they allow are simulated in iam/trust-and-resource-policies.test.ts and iam/secrets.test.ts.
 */
import { Testing, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { ServiceIdentity, type ServiceIdentityProps } from "../constructs/service-identity";
import { ref, synth, type Json } from "./helpers/project";

const ACCOUNT = "111122223333";
const QUEUE = "arn:aws:sqs:ap-southeast-2:111122223333:lanes-dev-orders";

function identity(props: Partial<ServiceIdentityProps> = {}) {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  new AwsProvider(stack, "aws", { region: "ap-southeast-2" });
  new ServiceIdentity(stack, "id", {
    executionRoleName: { name: "lanes-dev-orders-exec", fullName: "lanes-dev-orders-execution", shortened: true },
    taskRoleName: { name: "lanes-dev-orders-task", fullName: "lanes-dev-orders-task", shortened: false },
    boundary: { account: ACCOUNT, policyName: "lanes-dev-task-boundary" },
    region: "ap-southeast-2",
    ...props,
  });
  return synth(stack);
}

type S = ReturnType<typeof identity>;
const partition = (s: S) => ref("data.aws_partition", s.data("aws_partition")[0]![0], "partition");
/** The roles by name: their logical id and their configuration. */
const roles = (s: S): Record<string, { id: string; role: Json }> =>
  Object.fromEntries(s.resources("aws_iam_role").map(([id, role]) => [role.name as string, { id, role }]));
const inlinePolicies = (s: S) =>
  Object.fromEntries(s.resources("aws_iam_role_policy").map(([, p]) => [p.name as string, { role: p.role, doc: JSON.parse(p.policy as string) as Json }]));
/** What inlinePolicies reads when `role` (by name) has the one inline policy `name` with these statements. */
const onlyInlinePolicy = (s: S, role: string, name: string, statements: Json[]) => ({
  [name]: { role: ref("aws_iam_role", roles(s)[role]!.id, "name"), doc: { Version: "2012-10-17", Statement: statements } },
});
/** The construct with the default props, synthesized once for the suite. */
let defaults: S;
beforeAll(() => {
  defaults = identity();
});

test("two roles, each trusted by ECS tasks of this account and region alone, with the env's boundary and their Name tags", () => {
  const s = defaults;
  const p = partition(s);
  const trust = {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: "ecs-tasks.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT }, ArnLike: { "aws:SourceArn": `arn:${p}:ecs:ap-southeast-2:${ACCOUNT}:*` } },
      },
    ],
  };
  const all = roles(s);
  expect(Object.keys(all).sort()).toEqual(["lanes-dev-orders-exec", "lanes-dev-orders-task"]);
  for (const [name, fullName] of [
    ["lanes-dev-orders-exec", "lanes-dev-orders-execution"],
    ["lanes-dev-orders-task", "lanes-dev-orders-task"],
  ] as const) {
    const { role } = all[name]!;
    expect(JSON.parse(role.assume_role_policy as string)).toEqual(trust);
    expect(role.permissions_boundary).toBe(`arn:${p}:iam::${ACCOUNT}:policy/lanes-dev-task-boundary`);
    expect(role.tags).toEqual({ Name: fullName });
  }
});

test("the execution role gets AWS's ECS task execution policy; the task role, by default, nothing", () => {
  const s = defaults;
  const exec = roles(s)["lanes-dev-orders-exec"]!;
  expect(s.only("aws_iam_role_policy_attachment")).toEqual({
    role: ref("aws_iam_role", exec.id, "name"),
    policy_arn: `arn:${partition(s)}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy`,
  });
  expect(s.resources("aws_iam_role_policy")).toEqual([]);
  expect(identity({ secrets: [] }).resources("aws_iam_role_policy")).toEqual([]);
});

test("secrets: the execution role may read exactly those, and decrypt with their key through SSM or Secrets Manager", () => {
  const s = identity({
    secrets: [{ from: "/lanes/dev/orders/db-password", kmsKeyArn: "arn:aws:kms:ap-southeast-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab" }],
  });
  expect(inlinePolicies(s)).toEqual(
    onlyInlinePolicy(s, "lanes-dev-orders-exec", "read-secrets", [
      {
        Effect: "Allow",
        Action: ["ssm:GetParameters"],
        Resource: [`arn:${partition(s)}:ssm:ap-southeast-2:${ACCOUNT}:parameter/lanes/dev/orders/db-password`],
      },
      {
        Effect: "Allow",
        Action: ["kms:Decrypt"],
        Resource: ["arn:aws:kms:ap-southeast-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"],
        Condition: { StringEquals: { "kms:ViaService": ["ssm.ap-southeast-2.amazonaws.com", "secretsmanager.ap-southeast-2.amazonaws.com"] } },
      },
    ]),
  );
});

test("a worker's task role may consume its queue and nothing else", () => {
  const s = identity({ consumesQueueArn: QUEUE });
  expect(inlinePolicies(s)).toEqual(
    onlyInlinePolicy(s, "lanes-dev-orders-task", "consume-queue", [
      {
        Sid: "ConsumeServiceQueue",
        Effect: "Allow",
        Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"],
        Resource: QUEUE,
      },
    ]),
  );
});

test("a service that discovers its callees may DiscoverInstances in the env's namespace only", () => {
  const s = identity({ discoversIn: "dev.local" });
  expect(inlinePolicies(s)).toEqual(
    onlyInlinePolicy(s, "lanes-dev-orders-task", "discover-instances", [
      {
        Sid: "DiscoverInstancesOfTheEnv",
        Effect: "Allow",
        Action: ["servicediscovery:DiscoverInstances"],
        Resource: "*",
        Condition: { StringEquals: { "servicediscovery:NamespaceName": "dev.local" } },
      },
    ]),
  );
});
