/**
 * The layer contract: the root outputs of every layer, declared once. Each stack declares all
 * the outputs of its layer's map (LanesStack.declareOutputs takes one value per entry), and the
 * readers above it (remote state, the lanes CLI, the build) read with the same maps, so a
 * rename cannot leave a reader behind.
 */
export type OutputSpec = { readonly name: string; readonly description: string; readonly sensitive?: true };
export type OutputContract = Readonly<Record<string, OutputSpec>>;

export const StateOutputs = {
  bucket: { name: "bucket", description: "State bucket of the env" },
  lockTable: { name: "lock_table", description: "DynamoDB lock table ('' with lock files only)" },
  taskRoleBoundaryArn: { name: "task_role_boundary_arn", description: "Permissions boundary every role the bootstrap pipeline creates must carry" },
} as const;

export const InfraOutputs = {
  vpcId: { name: "vpc_id", description: "VPC id" },
  privateSubnetIds: { name: "private_subnet_ids", description: "Private subnet ids (tasks run here)" },
  publicSubnetIds: { name: "public_subnet_ids", description: "Public subnet ids (internet-facing ALBs)" },
  clusterName: { name: "cluster_name", description: "ECS cluster name" },
  clusterArn: { name: "cluster_arn", description: "ECS cluster ARN" },
  namespaceId: { name: "namespace_id", description: "Cloud Map private DNS namespace id ('' when disabled)" },
  namespaceName: { name: "namespace_name", description: "Cloud Map private DNS namespace name" },
  accountId: { name: "account_id", description: "AWS account of the env (the boot layer builds the task roles' permissions boundary ARN with it)" },
  logBucket: { name: "log_bucket", description: "The env's log bucket: ALB access logs (alb/{service}/) and VPC flow logs ('' when both are off)" },
  cloudfrontPrefixListId: { name: "cloudfront_prefix_list_id", description: "CloudFront's origin-facing managed prefix list ('' without an edge)" },
  originSecrets: {
    name: "origin_secrets",
    description: "Origin secret per generation (edge-{env}.json originSecret): CloudFront sends them, the ALBs of services behind the edge require one ({} without an edge)",
    sensitive: true,
  },
} as const;

export const BootOutputs = {
  albArn: { name: "alb_arn", description: "ALB ARN ('' when initAlb is false)" },
  albArnSuffix: { name: "alb_arn_suffix", description: "ALB ARN suffix, the CloudWatch LoadBalancer dimension" },
  albDnsName: { name: "alb_dns_name", description: "ALB DNS name" },
  albSecurityGroupId: { name: "alb_security_group_id", description: "Security group of the ALB" },
  listenerArn: { name: "listener_arn", description: "Listener that carries lane rules (HTTPS when configured, else HTTP)" },
  httpListenerArn: { name: "http_listener_arn", description: "HTTP listener ARN" },
  httpsListenerArn: { name: "https_listener_arn", description: "HTTPS listener ARN ('' when not configured)" },
  defaultTargetGroupArn: { name: "default_target_group_arn", description: "Target group of the default lane" },
  defaultTargetGroupArnSuffix: { name: "default_target_group_arn_suffix", description: "Default target group ARN suffix, the CloudWatch TargetGroup dimension" },
  alarmTopicArn: { name: "alarm_topic_arn", description: "SNS topic every lane's alarms notify" },
  queueUrl: { name: "queue_url", description: "Worker queue URL ('' for an http service)" },
  queueArn: { name: "queue_arn", description: "Worker queue ARN ('' for an http service)" },
  queueName: { name: "queue_name", description: "Worker queue name, the CloudWatch QueueName dimension ('' for an http service)" },
  deadLetterQueueName: { name: "dead_letter_queue_name", description: "Worker dead-letter queue name ('' for an http service)" },
  logGroupName: { name: "log_group_name", description: "Log group /ecs/{env}/{service}" },
  sdServiceArn: { name: "sd_service_arn", description: "Cloud Map service ARN ('' when disabled)" },
  sdServiceId: { name: "sd_service_id", description: "Cloud Map service id ('' when disabled)" },
  ecrRepositoryUrl: { name: "ecr_repository_url", description: "ECR repository URL of the service's images" },
  taskExecutionRoleArn: { name: "task_execution_role_arn", description: "Task execution role (image pull, logs)" },
  taskRoleArn: { name: "task_role_arn", description: "Task role the application runs as" },
  taskSecurityGroupId: { name: "task_security_group_id", description: "Security group of the tasks (ALB-only ingress)" },
  callUrl: { name: "call_url", description: "Base URL the services that call this one use (http://{ALB DNS name}:{port} of the listener for callers; '' without an ALB)" },
  callListenerArn: { name: "call_listener_arn", description: "Listener the services that call this one reach: the internal listener behind the edge or with HTTPS, else the routing listener ('' without an ALB)" },
} as const;

/** Outputs of a lane stack, read by the pipeline's verify step and the operator tooling. */
export const LaneOutputs = {
  ecsServiceName: { name: "ecs_service_name", description: "ECS service of the lane" },
  clusterName: { name: "cluster_name", description: "ECS cluster the lane runs in" },
  targetGroupArn: { name: "target_group_arn", description: "Target group serving the lane ('' without an ALB)" },
  albDnsName: { name: "alb_dns_name", description: "DNS name of the service's ALB ('' without an ALB)" },
  image: { name: "image", description: "Image the lane runs" },
  imageHistory: { name: "image_history", description: "Images the lane ran, newest first (the current one first); rollback deploys the second" },
  changedBy: { name: "changed_by", description: "Who or what made the last change (pipeline execution id, or user@host)" },
  taskDefinitionArn: { name: "task_definition_arn", description: "Task definition revision of the lane" },
  ttl: { name: "ttl", description: "Time to live after the last deploy (e.g. 72h; 'none': never; '': none given); lanes gc removes expired lanes" },
  expiresAt: { name: "expires_at", description: "When the lane expires (ISO 8601; '' when it does not, or when only ttl is known)" },
} as const;

export const EdgeOutputs = {
  distributionDomainName: { name: "distribution_domain_name", description: "CloudFront domain name of the env's edge" },
  keyValueStoreArn: { name: "key_value_store_arn", description: "KeyValueStore the viewer-request function reads the lane rules from" },
  rulesTableName: { name: "rules_table_name", description: "DynamoDB table holding the master copy of the lane rules" },
  rulesSyncFunctionName: { name: "rules_sync_function_name", description: "Lambda that validates the rules and writes them to the KeyValueStore" },
  originSecretGenerations: { name: "origin_secret_generations", description: "Generations of the origin secret CloudFront sends (edge-{env}.json originSecret.sent)" },
} as const;

export const PipelineOutputs = {
  pipelineName: { name: "pipeline_name", description: "CodePipeline name" },
  buildRoleArn: { name: "build_role_arn", description: "Role the pipeline's CodeBuild project runs as" },
} as const;

export type InfraOutputKey = keyof typeof InfraOutputs;
export type BootOutputKey = keyof typeof BootOutputs;
