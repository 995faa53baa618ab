/** ARN builders for the pipeline roles' policies and the needs table (values may be Terraform tokens). */
export interface AccountContext {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
}

/** EC2 resource types the stacks create (the ARN's `{type}/{id}` part). */
export type Ec2ResourceType = "vpc" | "subnet" | "network-interface" | "route-table" | "internet-gateway" | "elastic-ip" | "natgateway" | "security-group" | "security-group-rule" | "vpc-flow-log";

export const arns = {
  s3Bucket: (c: AccountContext, bucket: string) => `arn:${c.partition}:s3:::${bucket}`,
  s3Object: (c: AccountContext, bucket: string, key: string) => `arn:${c.partition}:s3:::${bucket}/${key}`,
  dynamoTable: (c: AccountContext, table: string) => `arn:${c.partition}:dynamodb:${c.region}:${c.account}:table/${table}`,
  ecsService: (c: AccountContext, cluster: string, service: string) => `arn:${c.partition}:ecs:${c.region}:${c.account}:service/${cluster}/${service}`,
  ecsCluster: (c: AccountContext, cluster: string) => `arn:${c.partition}:ecs:${c.region}:${c.account}:cluster/${cluster}`,
  /** Every revision of a family (`revision` `*`), or one revision. */
  ecsTaskDefinition: (c: AccountContext, family: string, revision: string | number = "*") =>
    `arn:${c.partition}:ecs:${c.region}:${c.account}:task-definition/${family}:${revision}`,
  elb: (c: AccountContext, resource: string) => `arn:${c.partition}:elasticloadbalancing:${c.region}:${c.account}:${resource}`,
  iamRole: (c: AccountContext, name: string) => `arn:${c.partition}:iam::${c.account}:role/${name}`,
  /** IAM is global: no region in the ARN. */
  iamPolicy: (c: Pick<AccountContext, "partition" | "account">, name: string) => `arn:${c.partition}:iam::${c.account}:policy/${name}`,
  /** An AWS managed policy, e.g. `service-role/AmazonECSTaskExecutionRolePolicy`. */
  awsManagedPolicy: (c: Pick<AccountContext, "partition">, path: string) => `arn:${c.partition}:iam::aws:policy/${path}`,
  ecrRepository: (c: AccountContext, name: string) => `arn:${c.partition}:ecr:${c.region}:${c.account}:repository/${name}`,
  logGroup: (c: AccountContext, name: string) => `arn:${c.partition}:logs:${c.region}:${c.account}:log-group:${name}`,
  alarm: (c: AccountContext, name: string) => `arn:${c.partition}:cloudwatch:${c.region}:${c.account}:alarm:${name}`,
  /** CloudWatch dashboards are global: no region in the ARN. */
  dashboard: (c: AccountContext, name: string) => `arn:${c.partition}:cloudwatch::${c.account}:dashboard/${name}`,
  lambdaFunction: (c: AccountContext, name: string) => `arn:${c.partition}:lambda:${c.region}:${c.account}:function:${name}`,
  /** An EventBridge rule on the default event bus. */
  eventRule: (c: AccountContext, name: string) => `arn:${c.partition}:events:${c.region}:${c.account}:rule/${name}`,
  snsTopic: (c: AccountContext, name: string) => `arn:${c.partition}:sns:${c.region}:${c.account}:${name}`,
  sqsQueue: (c: AccountContext, name: string) => `arn:${c.partition}:sqs:${c.region}:${c.account}:${name}`,
  codebuildProject: (c: AccountContext, name: string) => `arn:${c.partition}:codebuild:${c.region}:${c.account}:project/${name}`,
  ec2: (c: AccountContext, type: Ec2ResourceType, id: string) => `arn:${c.partition}:ec2:${c.region}:${c.account}:${type}/${id}`,
  /** An AWS-managed prefix list (owned by AWS, not the account). */
  awsPrefixList: (c: Pick<AccountContext, "partition" | "region">, id: string) => `arn:${c.partition}:ec2:${c.region}:aws:prefix-list/${id}`,
  /** Cloud Map namespaces and services are named by id (`ns-…`, `srv-…`), never by name. */
  cloudMapNamespace: (c: AccountContext, id: string) => `arn:${c.partition}:servicediscovery:${c.region}:${c.account}:namespace/${id}`,
  cloudMapService: (c: AccountContext, id: string) => `arn:${c.partition}:servicediscovery:${c.region}:${c.account}:service/${id}`,
  hostedZone: (c: Pick<AccountContext, "partition">, id: string) => `arn:${c.partition}:route53:::hostedzone/${id}`,
  /** Application Auto Scaling names scalable targets by an opaque id, not by the ECS service. */
  scalableTarget: (c: AccountContext, id: string) => `arn:${c.partition}:application-autoscaling:${c.region}:${c.account}:scalable-target/${id}`,
} as const;
