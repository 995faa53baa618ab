/** ARN builders for the pipeline roles' policies (values may be Terraform tokens). */
export interface AccountContext {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
}

export const arns = {
  s3Bucket: (c: AccountContext, bucket: string) => `arn:${c.partition}:s3:::${bucket}`,
  s3Object: (c: AccountContext, bucket: string, key: string) => `arn:${c.partition}:s3:::${bucket}/${key}`,
  dynamoTable: (c: AccountContext, table: string) => `arn:${c.partition}:dynamodb:${c.region}:${c.account}:table/${table}`,
  ecsService: (c: AccountContext, cluster: string, service: string) => `arn:${c.partition}:ecs:${c.region}:${c.account}:service/${cluster}/${service}`,
  ecsCluster: (c: AccountContext, cluster: string) => `arn:${c.partition}:ecs:${c.region}:${c.account}:cluster/${cluster}`,
  ecsTaskDefinition: (c: AccountContext, family: string) => `arn:${c.partition}:ecs:${c.region}:${c.account}:task-definition/${family}:*`,
  elb: (c: AccountContext, resource: string) => `arn:${c.partition}:elasticloadbalancing:${c.region}:${c.account}:${resource}`,
  iamRole: (c: AccountContext, name: string) => `arn:${c.partition}:iam::${c.account}:role/${name}`,
  ecrRepository: (c: AccountContext, name: string) => `arn:${c.partition}:ecr:${c.region}:${c.account}:repository/${name}`,
  logGroup: (c: AccountContext, name: string) => `arn:${c.partition}:logs:${c.region}:${c.account}:log-group:${name}`,
  alarm: (c: AccountContext, name: string) => `arn:${c.partition}:cloudwatch:${c.region}:${c.account}:alarm:${name}`,
  snsTopic: (c: AccountContext, name: string) => `arn:${c.partition}:sns:${c.region}:${c.account}:${name}`,
  codebuildProject: (c: AccountContext, name: string) => `arn:${c.partition}:codebuild:${c.region}:${c.account}:project/${name}`,
} as const;
