/**
 * infra-{env} (stacks/infra-stack.ts): VPC, subnets, route tables and routes, internet gateway,
 * NAT gateways and their Elastic IPs, the ECS cluster and the Cloud Map private DNS namespace.
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
    ...describe("delete", "ec2:DescribeNetworkInterfaces"),
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
    ...describe("create", "ec2:DescribeVpcs", "ec2:DescribeRegions"),
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
    { operation: "tag", action: "servicediscovery:UntagResource", resource: any, notGranted: "wildcard-only; default tags never change" },
    onInfra("delete", "servicediscovery:DeleteNamespace", namespace, { note: "Cloud Map deletes the hosted zone itself: no route53:DeleteHostedZone" }),
    { operation: "delete", action: "servicediscovery:GetOperation", resource: namespace, scope: "account", note: "waits for the operation" },
  ]),
  ...backendNeeds("infra"),
];

