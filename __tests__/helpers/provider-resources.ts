/**
 * One minimal, valid configuration of each resource type the needs table creates, for the
 * provider's recorded requests (__tests__/provider-recorded.test.ts). Every reference to another
 * resource is a literal id or ARN, so that each resource's create starts at once and none waits on
 * another (each stops at its first request: the recorder answers with an error).
 */
const ACCOUNT = "123456789012";
const REGION = "ap-southeast-2";
const VPC = "vpc-0123456789abcdef0";
const SUBNET = "subnet-0123456789abcdef0";
const BUCKET = "lanes-recorded-bucket";
const POLICY = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }] });
const TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }] });
const LOAD_BALANCER = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:loadbalancer/app/x/0123456789abcdef`;
const LISTENER = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:listener/app/x/0123456789abcdef/0123456789abcdef`;
const TARGET_GROUP = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:targetgroup/x/0123456789abcdef`;
const ECS_TARGET = { resource_id: "service/c/s", scalable_dimension: "ecs:service:DesiredCount", service_namespace: "ecs" };

/** The file name the Lambda function's configuration names; the test writes a zip there. */
export const LAMBDA_ZIP = "function.zip";

export const RESOURCES: Readonly<Record<string, Record<string, unknown>>> = {
  aws_appautoscaling_policy: {
    name: "p",
    ...ECS_TARGET,
    policy_type: "TargetTrackingScaling",
    target_tracking_scaling_policy_configuration: [{ target_value: 50, predefined_metric_specification: [{ predefined_metric_type: "ECSServiceAverageCPUUtilization" }] }],
  },
  aws_appautoscaling_target: { ...ECS_TARGET, min_capacity: 1, max_capacity: 2 },
  aws_cloudwatch_dashboard: { dashboard_name: "d", dashboard_body: JSON.stringify({ widgets: [] }) },
  aws_cloudwatch_event_rule: { name: "r", schedule_expression: "rate(1 hour)" },
  aws_cloudwatch_event_target: { rule: "r", arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:f` },
  aws_cloudwatch_log_group: { name: "/ecs/dev/x", retention_in_days: 30 },
  aws_cloudwatch_log_metric_filter: { name: "m", log_group_name: "/ecs/dev/x", pattern: "ERROR", metric_transformation: [{ name: "e", namespace: "n", value: "1" }] },
  aws_cloudwatch_metric_alarm: { alarm_name: "a", comparison_operator: "GreaterThanThreshold", evaluation_periods: 1, metric_name: "m", namespace: "n", period: 60, statistic: "Sum", threshold: 1 },
  aws_ecr_lifecycle_policy: {
    repository: "x",
    policy: JSON.stringify({ rules: [{ rulePriority: 1, selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 10 }, action: { type: "expire" } }] }),
  },
  aws_ecr_repository: { name: "x" },
  aws_ecs_cluster: { name: "c" },
  aws_ecs_service: {
    name: "s",
    cluster: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/c`,
    task_definition: `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/t:1`,
    desired_count: 1,
    launch_type: "FARGATE",
    network_configuration: [{ subnets: [SUBNET] }],
  },
  aws_ecs_task_definition: {
    family: "t",
    requires_compatibilities: ["FARGATE"],
    network_mode: "awsvpc",
    cpu: "256",
    memory: "512",
    container_definitions: JSON.stringify([{ name: "app", image: "nginx", essential: true }]),
  },
  aws_eip: { domain: "vpc" },
  aws_flow_log: { vpc_id: VPC, traffic_type: "ALL", log_destination_type: "s3", log_destination: "arn:aws:s3:::lanes-flow-logs" },
  aws_iam_role: { name: "r", assume_role_policy: TRUST },
  aws_iam_role_policy: { name: "p", role: "r", policy: POLICY },
  aws_iam_role_policy_attachment: { role: "r", policy_arn: "arn:aws:iam::aws:policy/ReadOnlyAccess" },
  aws_internet_gateway: { vpc_id: VPC },
  aws_lambda_function: { function_name: "f", role: `arn:aws:iam::${ACCOUNT}:role/r`, runtime: "nodejs20.x", handler: "index.handler", filename: LAMBDA_ZIP },
  aws_lambda_permission: { function_name: "f", action: "lambda:InvokeFunction", principal: "events.amazonaws.com" },
  aws_lb: { name: "x", load_balancer_type: "application", subnets: [SUBNET, "subnet-0123456789abcdef1"] },
  aws_lb_listener: { load_balancer_arn: LOAD_BALANCER, port: 80, protocol: "HTTP", default_action: [{ type: "forward", target_group_arn: TARGET_GROUP }] },
  aws_lb_listener_rule: {
    listener_arn: LISTENER,
    priority: 100,
    action: [{ type: "forward", target_group_arn: TARGET_GROUP }],
    condition: [{ http_header: [{ http_header_name: "tracestate", values: ["*ctx=lane:gray*"] }] }],
  },
  aws_lb_target_group: { name: "x", port: 80, protocol: "HTTP", target_type: "ip", vpc_id: VPC },
  aws_nat_gateway: { subnet_id: SUBNET, allocation_id: "eipalloc-0123456789abcdef0" },
  aws_route: { route_table_id: "rtb-0123456789abcdef0", destination_cidr_block: "0.0.0.0/0", nat_gateway_id: "nat-0123456789abcdef0" },
  aws_route_table: { vpc_id: VPC },
  aws_route_table_association: { route_table_id: "rtb-0123456789abcdef0", subnet_id: SUBNET },
  aws_s3_bucket: { bucket: BUCKET },
  aws_s3_bucket_lifecycle_configuration: { bucket: BUCKET, rule: [{ id: "r", status: "Enabled", filter: [{}], expiration: [{ days: 30 }] }] },
  aws_s3_bucket_ownership_controls: { bucket: BUCKET, rule: [{ object_ownership: "BucketOwnerEnforced" }] },
  aws_s3_bucket_policy: { bucket: BUCKET, policy: POLICY },
  aws_s3_bucket_public_access_block: { bucket: BUCKET, block_public_acls: true },
  aws_s3_bucket_server_side_encryption_configuration: { bucket: BUCKET, rule: [{ apply_server_side_encryption_by_default: [{ sse_algorithm: "AES256" }] }] },
  aws_security_group: { name: "lanes", description: "d", vpc_id: VPC },
  aws_service_discovery_private_dns_namespace: { name: "dev.local", vpc: VPC },
  aws_service_discovery_service: { name: "x", dns_config: [{ namespace_id: "ns-0123456789abcdef", dns_records: [{ ttl: 10, type: "A" }] }] },
  aws_sns_topic: { name: "t" },
  aws_sqs_queue: { name: "q" },
  aws_subnet: { vpc_id: VPC, cidr_block: "10.0.0.0/24" },
  aws_vpc: { cidr_block: "10.0.0.0/16" },
  aws_vpc_security_group_egress_rule: { security_group_id: "sg-0123456789abcdef0", ip_protocol: "-1", cidr_ipv4: "0.0.0.0/0" },
  aws_vpc_security_group_ingress_rule: { security_group_id: "sg-0123456789abcdef0", ip_protocol: "tcp", from_port: 80, to_port: 80, cidr_ipv4: "10.0.0.0/16" },
};

/**
 * The endpoints the configuration sets, one per service the resources call (the provider's
 * `endpoints` block names). A service left out would be called at AWS itself.
 */
export const SERVICES = ["appautoscaling", "cloudwatch", "ec2", "ecr", "ecs", "elbv2", "events", "iam", "lambda", "logs", "s3", "servicediscovery", "sns", "sqs", "sts"] as const;

/** IAM's service prefix (Service Authorization Reference) for each SDK service id the log names. */
export const IAM_PREFIX: Readonly<Record<string, string>> = {
  "Application Auto Scaling": "application-autoscaling",
  CloudWatch: "cloudwatch",
  "CloudWatch Logs": "logs",
  EC2: "ec2",
  ECR: "ecr",
  ECS: "ecs",
  "Elastic Load Balancing v2": "elasticloadbalancing",
  EventBridge: "events",
  IAM: "iam",
  Lambda: "lambda",
  S3: "s3",
  ServiceDiscovery: "servicediscovery",
  SNS: "sns",
  SQS: "sqs",
};

/**
 * S3 API operations whose IAM action has another name (Amazon S3 API Reference, each operation's
 * "Permissions"; the Service Authorization Reference's S3 table lists the action for each): any
 * other operation is authorized as the action of its own name.
 */
export const S3_ACTION_OF_OPERATION: Readonly<Record<string, string>> = {
  PutBucketEncryption: "PutEncryptionConfiguration",
  PutBucketLifecycleConfiguration: "PutLifecycleConfiguration",
  PutPublicAccessBlock: "PutBucketPublicAccessBlock",
};
