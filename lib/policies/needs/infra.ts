/**
 * infra-{env} (stacks/infra-stack.ts): VPC, subnets, route tables and routes, internet gateway,
 * NAT gateways and their Elastic IPs, the ECS cluster and the Cloud Map private DNS namespace; the
 * env's log bucket (named by its prefix `lanes-{env}-logs-`) and the VPC's flow log; with an edge,
 * CloudFront's prefix list (read) and the origin secret (terraform_data: no AWS call).
 * Every resource carries the infra stack's default tags (env, service=shared, lane=shared,
 * managed-by, stack=infra-{env}); EC2 resources are named by id, so the infra role is scoped by
 * those tags: aws:RequestTag on creation, aws:ResourceTag afterwards.
 *
 * EC2 tags on create (TagSpecifications) need ec2:CreateTags with ec2:CreateAction; EC2 reads
 * (Describe*) are wildcard-only. Resources EC2 authorizes a create against include the parents:
 * CreateSubnet is authorized on the new subnet AND the VPC.
 */
import { arns } from "../arns";
import { backendNeeds } from "./state";
import { clusterArn, infraIds } from "./ids";
import type { Need, NeedContext, Operation } from "./types";

type Row = Omit<Need, "layer" | "resourceType" | "scope"> & { readonly scope?: Need["scope"] };
const rows = (resourceType: string, list: Row[]): Need[] => list.map((r) => ({ layer: "infra", resourceType, scope: "env", ...r }));

const vpc = (c: NeedContext) => arns.ec2(c, "vpc", infraIds.vpc(c));
const subnet = (c: NeedContext) => arns.ec2(c, "subnet", infraIds.subnet(c));
const routeTable = (c: NeedContext) => arns.ec2(c, "route-table", infraIds.routeTable(c));
const igw = (c: NeedContext) => arns.ec2(c, "internet-gateway", infraIds.internetGateway(c));
const eip = (c: NeedContext) => arns.ec2(c, "elastic-ip", infraIds.elasticIp(c));
const nat = (c: NeedContext) => arns.ec2(c, "natgateway", infraIds.natGateway(c));
const namespace = (c: NeedContext) => arns.cloudMapNamespace(c, infraIds.namespace(c));
const flowLog = (c: NeedContext) => arns.ec2(c, "vpc-flow-log", infraIds.flowLog(c));
const logBucket = (c: NeedContext) => arns.s3Bucket(c, infraIds.logBucket(c));
const any = () => "*";

/** Wildcard-only reads (Describe*): account-wide, no resource to scope. */
const describe = (operation: Operation, ...actions: string[]): Row[] => actions.map((action) => ({ operation, action, resource: any, scope: "account" }));

/** Create with tags: the new resource (aws:RequestTag) and ec2:CreateTags for its TagSpecifications. */
const ec2Create = (action: string, arn: (c: NeedContext) => string): Row[] => [
  { operation: "create", action, resource: arn, requestTags: true },
  { operation: "create", action: "ec2:CreateTags", resource: arn, requestTags: true, context: () => ({ "ec2:CreateAction": action.replace(/^ec2:/, "") }), note: "tags on create" },
];
/** Tag updates of an existing infra resource. */
const ec2Tags = (arn: (c: NeedContext) => string): Row[] => [
  { operation: "tag", action: "ec2:CreateTags", resource: arn, requestTags: true, resourceTags: "infra" },
  { operation: "tag", action: "ec2:DeleteTags", resource: arn, resourceTags: "infra" },
];
const onInfra = (operation: Operation, action: string, arn: (c: NeedContext) => string, extra: Partial<Row> = {}): Row => ({
  operation,
  action,
  resource: arn,
  resourceTags: "infra",
  ...extra,
});

export const INFRA_NEEDS: readonly Need[] = [
  ...rows("aws_vpc", [
    ...ec2Create("ec2:CreateVpc", vpc),
    onInfra("create", "ec2:ModifyVpcAttribute", vpc, { note: "enable_dns_hostnames" }),
    ...describe("read", "ec2:DescribeVpcs", "ec2:DescribeRouteTables", "ec2:DescribeNetworkAcls", "ec2:DescribeSecurityGroups"),
    onInfra("read", "ec2:DescribeVpcAttribute", vpc),
    onInfra("update", "ec2:ModifyVpcAttribute", vpc),
    ...ec2Tags(vpc),
    onInfra("delete", "ec2:DeleteVpc", vpc),
  ]),
  ...rows("aws_subnet", [
    ...ec2Create("ec2:CreateSubnet", subnet),
    onInfra("create", "ec2:CreateSubnet", vpc, { requestTags: true, note: "authorized on the VPC too" }),
    ...describe("read", "ec2:DescribeSubnets"),
    onInfra("update", "ec2:ModifySubnetAttribute", subnet),
    ...ec2Tags(subnet),
    onInfra("delete", "ec2:DeleteSubnet", subnet),
    { operation: "delete", action: "ec2:DescribeNetworkInterfaces", resource: any, scope: "account", note: "the provider removes lingering network interfaces (Lambda's) in the subnet first" },
  ]),
  ...rows("aws_internet_gateway", [
    ...ec2Create("ec2:CreateInternetGateway", igw),
    onInfra("create", "ec2:AttachInternetGateway", igw),
    onInfra("create", "ec2:AttachInternetGateway", vpc),
    ...describe("read", "ec2:DescribeInternetGateways"),
    ...ec2Tags(igw),
    onInfra("delete", "ec2:DetachInternetGateway", igw),
    onInfra("delete", "ec2:DetachInternetGateway", vpc),
    onInfra("delete", "ec2:DeleteInternetGateway", igw),
  ]),
  ...rows("aws_route_table", [
    ...ec2Create("ec2:CreateRouteTable", routeTable),
    onInfra("create", "ec2:CreateRouteTable", vpc, { requestTags: true, note: "authorized on the VPC too" }),
    ...describe("read", "ec2:DescribeRouteTables"),
    ...ec2Tags(routeTable),
    onInfra("delete", "ec2:DeleteRouteTable", routeTable),
  ]),
  ...rows("aws_route", [
    onInfra("create", "ec2:CreateRoute", routeTable),
    ...describe("read", "ec2:DescribeRouteTables"),
    onInfra("update", "ec2:ReplaceRoute", routeTable),
    onInfra("delete", "ec2:DeleteRoute", routeTable),
  ]),
  ...rows("aws_route_table_association", [
    onInfra("create", "ec2:AssociateRouteTable", routeTable),
    onInfra("create", "ec2:AssociateRouteTable", subnet),
    ...describe("read", "ec2:DescribeRouteTables"),
    onInfra("update", "ec2:ReplaceRouteTableAssociation", routeTable),
    onInfra("delete", "ec2:DisassociateRouteTable", routeTable),
    onInfra("delete", "ec2:DisassociateRouteTable", subnet),
  ]),
  ...rows("aws_eip", [
    ...ec2Create("ec2:AllocateAddress", eip),
    ...describe("read", "ec2:DescribeAddresses", "ec2:DescribeAddressesAttribute"),
    ...ec2Tags(eip),
    onInfra("delete", "ec2:ReleaseAddress", eip),
  ]),
  ...rows("aws_nat_gateway", [
    ...ec2Create("ec2:CreateNatGateway", nat),
    onInfra("create", "ec2:CreateNatGateway", subnet, { requestTags: true, note: "authorized on its subnet" }),
    onInfra("create", "ec2:CreateNatGateway", eip, { requestTags: true, note: "and on its Elastic IP" }),
    ...describe("read", "ec2:DescribeNatGateways"),
    ...ec2Tags(nat),
    onInfra("delete", "ec2:DeleteNatGateway", nat),
  ]),
  ...rows("aws_ecs_cluster", [
    { operation: "create", action: "ecs:CreateCluster", resource: clusterArn, requestTags: true },
    { operation: "create", action: "ecs:TagResource", resource: clusterArn, requestTags: true, context: () => ({ "ecs:CreateAction": "CreateCluster" }), note: "tags on create" },
    {
      operation: "create",
      action: "iam:CreateServiceLinkedRole",
      resource: (c) => arns.iamRole(c, "aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS"),
      context: () => ({ "iam:AWSServiceName": "ecs.amazonaws.com" }),
      scope: "account",
      note: "the first cluster of the account creates ECS's service-linked role",
    },
    onInfra("read", "ecs:DescribeClusters", clusterArn),
    onInfra("update", "ecs:UpdateCluster", clusterArn, { note: "setting (containerInsights)" }),
    onInfra("tag", "ecs:TagResource", clusterArn, { requestTags: true }),
    onInfra("tag", "ecs:UntagResource", clusterArn),
    onInfra("delete", "ecs:DeleteCluster", clusterArn),
  ]),
  ...rows("aws_service_discovery_private_dns_namespace", [
    { operation: "create", action: "servicediscovery:CreatePrivateDnsNamespace", resource: any, requestTags: true },
    // Cloud Map creates the namespace's private hosted zone with the caller's permissions
    // (AWS Cloud Map API permissions reference); Route 53 has no tag or name conditions for these.
    { operation: "create", action: "route53:CreateHostedZone", resource: any, scope: "account", note: "Cloud Map creates the private hosted zone as the caller" },
    { operation: "create", action: "route53:GetHostedZone", resource: (c) => arns.hostedZone(c, infraIds.hostedZone(c)), scope: "account", note: "required by CreatePrivateDnsNamespace" },
    { operation: "create", action: "route53:ListHostedZonesByName", resource: any, scope: "account", note: "required by CreatePrivateDnsNamespace" },
    { operation: "create", action: "ec2:DescribeVpcs", resource: any, scope: "account", note: "required by CreatePrivateDnsNamespace" },
    { operation: "create", action: "ec2:DescribeRegions", resource: any, scope: "account", note: "required by CreatePrivateDnsNamespace" },
    { operation: "create", action: "servicediscovery:GetOperation", resource: namespace, scope: "account", note: "waits for the operation; its id names no namespace" },
    onInfra("read", "servicediscovery:GetNamespace", namespace),
    ...describe("read", "servicediscovery:ListTagsForResource"),
    {
      operation: "tag",
      action: "servicediscovery:TagResource",
      resource: any,
      requestTags: true,
      notGranted: "wildcard-only: granting it would let the role tag any Cloud Map resource into its scope; the stack's default tags never change",
    },
    { operation: "tag", action: "servicediscovery:UntagResource", resource: any, scope: "account", notGranted: "wildcard-only; default tags never change" },
    onInfra("delete", "servicediscovery:DeleteNamespace", namespace, { note: "Cloud Map deletes the hosted zone itself: no route53:DeleteHostedZone" }),
    { operation: "delete", action: "servicediscovery:GetOperation", resource: namespace, scope: "account", note: "waits for the operation" },
  ]),
  // The log bucket: S3 authorizes bucket calls on the bucket's name only (no tags on create).
  ...rows("aws_s3_bucket", [
    { operation: "create", action: "s3:CreateBucket", resource: logBucket },
    { operation: "create", action: "s3:PutBucketTagging", resource: logBucket, note: "default tags" },
    { operation: "create", action: "s3:ListBucket", resource: logBucket, note: "HeadBucket while waiting for the new bucket" },
    ...[
      "s3:GetBucketAcl",
      "s3:GetBucketCORS",
      "s3:GetBucketWebsite",
      "s3:GetBucketVersioning",
      "s3:GetAccelerateConfiguration",
      "s3:GetBucketRequestPayment",
      "s3:GetBucketLogging",
      "s3:GetLifecycleConfiguration",
      "s3:GetReplicationConfiguration",
      "s3:GetEncryptionConfiguration",
      "s3:GetBucketObjectLockConfiguration",
      "s3:GetBucketPolicy",
      "s3:GetBucketTagging",
    ].map((action): Row => ({ operation: "read", action, resource: logBucket })),
    { operation: "tag", action: "s3:PutBucketTagging", resource: logBucket },
    { operation: "delete", action: "s3:DeleteBucket", resource: logBucket },
  ]),
  ...rows("aws_s3_bucket_policy", [
    { operation: "create", action: "s3:PutBucketPolicy", resource: logBucket },
    { operation: "read", action: "s3:GetBucketPolicy", resource: logBucket },
    { operation: "delete", action: "s3:DeleteBucketPolicy", resource: logBucket },
  ]),
  ...rows("aws_s3_bucket_public_access_block", [
    { operation: "create", action: "s3:PutBucketPublicAccessBlock", resource: logBucket },
    { operation: "read", action: "s3:GetBucketPublicAccessBlock", resource: logBucket },
    { operation: "delete", action: "s3:PutBucketPublicAccessBlock", resource: logBucket, note: "DeletePublicAccessBlock" },
  ]),
  ...rows("aws_s3_bucket_server_side_encryption_configuration", [
    { operation: "create", action: "s3:PutEncryptionConfiguration", resource: logBucket },
    { operation: "read", action: "s3:GetEncryptionConfiguration", resource: logBucket },
    { operation: "delete", action: "s3:PutEncryptionConfiguration", resource: logBucket, note: "DeleteBucketEncryption" },
  ]),
  ...rows("aws_s3_bucket_lifecycle_configuration", [
    { operation: "create", action: "s3:PutLifecycleConfiguration", resource: logBucket },
    { operation: "read", action: "s3:GetLifecycleConfiguration", resource: logBucket },
    { operation: "delete", action: "s3:PutLifecycleConfiguration", resource: logBucket, note: "DeleteBucketLifecycle" },
  ]),
  ...rows("aws_s3_bucket_ownership_controls", [
    { operation: "create", action: "s3:PutBucketOwnershipControls", resource: logBucket },
    { operation: "read", action: "s3:GetBucketOwnershipControls", resource: logBucket },
    { operation: "delete", action: "s3:PutBucketOwnershipControls", resource: logBucket, note: "DeleteBucketOwnershipControls" },
  ]),
  ...rows("aws_flow_log", [
    ...ec2Create("ec2:CreateFlowLogs", flowLog),
    {
      operation: "create",
      action: "ec2:CreateFlowLogs",
      resource: vpc,
      requestTags: true,
      scope: "account",
      note: "authorized on the VPC too: the env's own, or an existing (wrapped) one that carries no infra tags",
    },
    { operation: "create", action: "logs:CreateLogDelivery", resource: any, scope: "account", note: "delivery to S3; wildcard-only" },
    ...describe("read", "ec2:DescribeFlowLogs"),
    ...ec2Tags(flowLog),
    onInfra("delete", "ec2:DeleteFlowLogs", flowLog),
    { operation: "delete", action: "logs:DeleteLogDelivery", resource: any, scope: "account", note: "wildcard-only" },
  ]),
  ...rows("data.aws_caller_identity", [
    { operation: "read", action: "sts:GetCallerIdentity", resource: any, scope: "account", note: "the account in the log bucket's policy; STS answers it for any caller" },
  ]),
  ...rows("data.aws_ec2_managed_prefix_list", [
    ...describe("read", "ec2:DescribeManagedPrefixLists"),
    { operation: "read", action: "ec2:GetManagedPrefixListEntries", resource: (c) => arns.awsPrefixList(c, infraIds.cloudfrontPrefixList(c)), scope: "account", note: "CloudFront's AWS-owned list" },
  ]),
  ...backendNeeds("infra"),
];

