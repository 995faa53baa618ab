/**
 * Independent oracle for the needs table's `requestTags` flag (iam/needs-request-tags.test.ts): for
 * each (Terraform type, operation, action) of the table's create/update/tag rows of Terraform
 * resources (187 when transcribed), whether the hashicorp/aws provider makes that API call itself
 * and whether the request carries the resource's tags.
 *
 * Transcribed by hand from the provider's Go source, not from the needs table:
 * - Primary source: hashicorp/terraform-provider-aws at tag v6.0.0 (2025-06-18, the release after
 *   v5.100.0 of 2025-06-12), read as the per-function source bodies that the public index
 *   lonegunmanb/terraform-provider-aws-index extracted at ref v6.0.0 (its earliest tag). The
 *   provider's own snapshot (>500 MiB) and a v5.100.0 tree could not be fetched here.
 * - Cross-check: every Create/Update/tag function cited was also read at upstream main commit
 *   1a5174b137bbdefdebd6e5c2fc033f829057e283 (2024-04-17, ~v5.46) from a fork snapshot; where the
 *   two differ, the upstream CHANGELOG dates the change before v5.100.0:
 *   aws_vpc_security_group_{ingress,egress}_rule send TagSpecifications on Authorize* since 5.61.0
 *   (#35614; before that a separate ec2:CreateTags call), and aws_cloudwatch_event_rule sends Tags
 *   on PutRule during Update since 5.72.0 (#39648). The v6.0.0 CHANGELOG lists no tag-handling
 *   change for any resource here, so the v6.0.0 bodies stand for v5.100.0.
 * - Not pinned to a release: aws_cloudwatch_log_group tag updates used TagLogGroup/UntagLogGroup
 *   (log_group_tags_gen.go) at ~v5.46 and TagResource/UntagResource at v6.0.0; the switch is not
 *   in the 5.46-5.75 CHANGELOG and could not be dated. Either call carries the tags.
 *
 * Conventions: the ISO-partition retry without tags (errs.IsUnsupportedOperationInPartitionError)
 * and the ELBv2 retry without tags for Gateway LBs / GENEVE target groups are ignored (normal path
 * judged). `tag` rows are transparent tagging (servicePackage.UpdateTags → updateTags), which sends
 * only the added/changed tags (oldTags.Updated(newTags)) on Tag calls and only the removed ones on
 * Untag calls. Note: EC2 updateTags sends DeleteTags with Tags: svcTags(removedTags), i.e. each
 * removed tag's Key AND old Value (ec2:DeleteTags exposes aws:RequestTag/aws:TagKeys), so those rows
 * are `tags: true`; the other services' Untag/RemoveTags calls send TagKeys only. s3:PutBucketTagging
 * carries the full TagSet, but IAM exposes no aws:RequestTag/aws:TagKeys for that action.
 * Tag-on-create rows (ec2:CreateTags, *:TagResource, elasticloadbalancing:AddTags, iam:TagRole,
 * sqs:TagQueue at `create`) are `call: false, tags: true`: AWS authorizes them for the tags sent in
 * the create call. `source` paths are relative to the provider repository.
 * The first call of each create and the tag calls of each update are also recorded from the
 * provider itself (hashicorp/aws 5.100.0 against a local endpoint, __tests__/provider-recorded.test.ts),
 * which checks these entries for them.
 */
export interface ProviderRequest {
  readonly type: string;
  readonly operation: "create" | "update" | "tag";
  readonly action: string;
  /** The provider makes this call itself for this resource's create/update/tag (false: an authorization AWS performs on another call, or a call made by AWS on the caller's behalf). */
  readonly call: boolean;
  /** The request carries the resource's tags (aws:RequestTag/*). */
  readonly tags: boolean;
  /** Where in terraform-provider-aws this is seen, or the reason when call is false. */
  readonly source: string;
}

export const PROVIDER_REQUESTS: readonly ProviderRequest[] = [
  { type: "aws_vpc", operation: "create", action: "ec2:CreateVpc", call: true, tags: true, source: "internal/service/ec2/vpc_.go resourceVPCCreate: TagSpecifications: getTagSpecificationsIn(ctx, ResourceTypeVpc)" },
  { type: "aws_vpc", operation: "create", action: "ec2:CreateTags", call: false, tags: true, source: "tag-on-create: AWS authorizes it for the tags sent in CreateVpc (TagSpecifications), so it carries them; no separate provider call" },
  { type: "aws_vpc", operation: "create", action: "ec2:ModifyVpcAttribute", call: true, tags: false, source: "internal/service/ec2/vpc_.go modifyVPCAttributesOnCreate→modifyVPCDNSHostnames etc.: ModifyVpcAttribute, no tags" },
  { type: "aws_vpc", operation: "update", action: "ec2:ModifyVpcAttribute", call: true, tags: false, source: "internal/service/ec2/vpc_.go resourceVPCUpdate: modifyVPCDNS*/NetworkAddressUsageMetrics → ModifyVpcAttribute, no tags" },
  { type: "aws_vpc", operation: "tag", action: "ec2:CreateTags", call: true, tags: true, source: "internal/service/ec2/tags_gen.go updateTags: CreateTags Tags: svcTags(updatedTags)" },
  { type: "aws_vpc", operation: "tag", action: "ec2:DeleteTags", call: true, tags: true, source: "internal/service/ec2/tags_gen.go updateTags: DeleteTags Tags: svcTags(removedTags) (Key+old Value of removed tags)" },
  { type: "aws_subnet", operation: "create", action: "ec2:CreateSubnet", call: true, tags: true, source: "internal/service/ec2/vpc_subnet.go resourceSubnetCreate: TagSpecifications: getTagSpecificationsIn(ctx, ResourceTypeSubnet)" },
  { type: "aws_subnet", operation: "create", action: "ec2:CreateTags", call: false, tags: true, source: "tag-on-create: AWS authorizes it for the tags sent in CreateSubnet (TagSpecifications), so it carries them; no separate provider call" },
  { type: "aws_subnet", operation: "update", action: "ec2:ModifySubnetAttribute", call: true, tags: false, source: "internal/service/ec2/vpc_subnet.go resourceSubnetUpdate: modifySubnet* → ModifySubnetAttribute, no tags" },
  { type: "aws_subnet", operation: "tag", action: "ec2:CreateTags", call: true, tags: true, source: "internal/service/ec2/tags_gen.go updateTags: CreateTags Tags: svcTags(updatedTags)" },
  { type: "aws_subnet", operation: "tag", action: "ec2:DeleteTags", call: true, tags: true, source: "internal/service/ec2/tags_gen.go updateTags: DeleteTags Tags: svcTags(removedTags) (Key+old Value of removed tags)" },
  { type: "aws_internet_gateway", operation: "create", action: "ec2:CreateInternetGateway", call: true, tags: true, source: "internal/service/ec2/vpc_internet_gateway.go resourceInternetGatewayCreate: TagSpecifications: getTagSpecificationsIn(ctx, ...InternetGateway)" },
  { type: "aws_internet_gateway", operation: "create", action: "ec2:CreateTags", call: false, tags: true, source: "tag-on-create: AWS authorizes it for the tags sent in CreateInternetGateway (TagSpecifications), so it carries them; no separate provider call" },
  { type: "aws_internet_gateway", operation: "create", action: "ec2:AttachInternetGateway", call: true, tags: false, source: "internal/service/ec2/vpc_internet_gateway.go attachInternetGateway: AttachInternetGatewayInput{InternetGatewayId, VpcId}, no tags" },
  { type: "aws_internet_gateway", operation: "tag", action: "ec2:CreateTags", call: true, tags: true, source: "internal/service/ec2/tags_gen.go updateTags: CreateTags Tags: svcTags(updatedTags)" },
  { type: "aws_internet_gateway", operation: "tag", action: "ec2:DeleteTags", call: true, tags: true, source: "internal/service/ec2/tags_gen.go updateTags: DeleteTags Tags: svcTags(removedTags) (Key+old Value of removed tags)" },
  { type: "aws_route_table", operation: "create", action: "ec2:CreateRouteTable", call: true, tags: true, source: "internal/service/ec2/vpc_route_table.go resourceRouteTableCreate: TagSpecifications: getTagSpecificationsIn(ctx, ResourceTypeRouteTable)" },
  { type: "aws_route_table", operation: "create", action: "ec2:CreateTags", call: false, tags: true, source: "tag-on-create: AWS authorizes it for the tags sent in CreateRouteTable (TagSpecifications), so it carries them; no separate provider call" },
  { type: "aws_route_table", operation: "tag", action: "ec2:CreateTags", call: true, tags: true, source: "internal/service/ec2/tags_gen.go updateTags: CreateTags Tags: svcTags(updatedTags)" },
  { type: "aws_route_table", operation: "tag", action: "ec2:DeleteTags", call: true, tags: true, source: "internal/service/ec2/tags_gen.go updateTags: DeleteTags Tags: svcTags(removedTags) (Key+old Value of removed tags)" },
  { type: "aws_route", operation: "create", action: "ec2:CreateRoute", call: true, tags: false, source: "internal/service/ec2/vpc_route.go resourceRouteCreate: CreateRouteInput has no tags (aws_route has no tags)" },
  { type: "aws_route", operation: "update", action: "ec2:ReplaceRoute", call: true, tags: false, source: "internal/service/ec2/vpc_route.go resourceRouteUpdate: ReplaceRouteInput, no tags" },
  { type: "aws_route_table_association", operation: "create", action: "ec2:AssociateRouteTable", call: true, tags: false, source: "internal/service/ec2/vpc_route_table_association.go resourceRouteTableAssociationCreate: AssociateRouteTableInput, no tags" },
  { type: "aws_route_table_association", operation: "update", action: "ec2:ReplaceRouteTableAssociation", call: true, tags: false, source: "internal/service/ec2/vpc_route_table_association.go resourceRouteTableAssociationUpdate: ReplaceRouteTableAssociationInput, no tags" },
  { type: "aws_eip", operation: "create", action: "ec2:AllocateAddress", call: true, tags: true, source: "internal/service/ec2/ec2_eip.go resourceEIPCreate: AllocateAddressInput{TagSpecifications: getTagSpecificationsIn(ctx, ResourceTypeElasticIp)}" },
  { type: "aws_eip", operation: "create", action: "ec2:CreateTags", call: false, tags: true, source: "tag-on-create: AWS authorizes it for the tags sent in AllocateAddress (TagSpecifications), so it carries them; no separate provider call" },
  { type: "aws_eip", operation: "tag", action: "ec2:CreateTags", call: true, tags: true, source: "internal/service/ec2/tags_gen.go updateTags: CreateTags Tags: svcTags(updatedTags)" },
  { type: "aws_eip", operation: "tag", action: "ec2:DeleteTags", call: true, tags: true, source: "internal/service/ec2/tags_gen.go updateTags: DeleteTags Tags: svcTags(removedTags) (Key+old Value of removed tags)" },
  { type: "aws_nat_gateway", operation: "create", action: "ec2:CreateNatGateway", call: true, tags: true, source: "internal/service/ec2/vpc_nat_gateway.go resourceNATGatewayCreate: TagSpecifications: getTagSpecificationsIn(ctx, ResourceTypeNatgateway)" },
  { type: "aws_nat_gateway", operation: "create", action: "ec2:CreateTags", call: false, tags: true, source: "tag-on-create: AWS authorizes it for the tags sent in CreateNatGateway (TagSpecifications), so it carries them; no separate provider call" },
  { type: "aws_nat_gateway", operation: "tag", action: "ec2:CreateTags", call: true, tags: true, source: "internal/service/ec2/tags_gen.go updateTags: CreateTags Tags: svcTags(updatedTags)" },
  { type: "aws_nat_gateway", operation: "tag", action: "ec2:DeleteTags", call: true, tags: true, source: "internal/service/ec2/tags_gen.go updateTags: DeleteTags Tags: svcTags(removedTags) (Key+old Value of removed tags)" },
  { type: "aws_ecs_cluster", operation: "create", action: "ecs:CreateCluster", call: true, tags: true, source: "internal/service/ecs/cluster.go resourceClusterCreate: CreateClusterInput{Tags: getTagsIn(ctx)}" },
  { type: "aws_ecs_cluster", operation: "create", action: "ecs:TagResource", call: false, tags: true, source: "tag-on-create: AWS authorizes it for the tags sent in CreateCluster (Tags), so it carries them; no separate provider call" },
  { type: "aws_ecs_cluster", operation: "create", action: "iam:CreateServiceLinkedRole", call: false, tags: false, source: "not a provider call: ECS creates its service-linked role during CreateCluster (comment in ecs/cluster.go resourceClusterCreate); no tags" },
  { type: "aws_ecs_cluster", operation: "update", action: "ecs:UpdateCluster", call: true, tags: false, source: "internal/service/ecs/cluster.go resourceClusterUpdate: UpdateClusterInput{Configuration, ServiceConnectDefaults, Settings}, no tags" },
  { type: "aws_ecs_cluster", operation: "tag", action: "ecs:TagResource", call: true, tags: true, source: "internal/service/ecs/tags_gen.go updateTags: TagResource Tags: svcTags(updatedTags)" },
  { type: "aws_ecs_cluster", operation: "tag", action: "ecs:UntagResource", call: true, tags: false, source: "internal/service/ecs/tags_gen.go updateTags: UntagResource TagKeys: removedTags.Keys() (keys only)" },
  { type: "aws_service_discovery_private_dns_namespace", operation: "create", action: "servicediscovery:CreatePrivateDnsNamespace", call: true, tags: true, source: "internal/service/servicediscovery/private_dns_namespace.go resourcePrivateDNSNamespaceCreate: Tags: getTagsIn(ctx)" },
  { type: "aws_service_discovery_private_dns_namespace", operation: "create", action: "route53:CreateHostedZone", call: false, tags: false, source: "not a provider call: Cloud Map creates the private hosted zone on the caller's behalf during CreatePrivateDnsNamespace; no tags" },
  { type: "aws_service_discovery_private_dns_namespace", operation: "create", action: "route53:GetHostedZone", call: false, tags: false, source: "not a provider call: checked by Cloud Map on the caller's behalf during CreatePrivateDnsNamespace; no tags" },
  { type: "aws_service_discovery_private_dns_namespace", operation: "create", action: "route53:ListHostedZonesByName", call: false, tags: false, source: "not a provider call: checked by Cloud Map on the caller's behalf during CreatePrivateDnsNamespace; no tags" },
  { type: "aws_service_discovery_private_dns_namespace", operation: "create", action: "ec2:DescribeVpcs", call: false, tags: false, source: "not a provider call: checked by Cloud Map on the caller's behalf during CreatePrivateDnsNamespace; no tags" },
  { type: "aws_service_discovery_private_dns_namespace", operation: "create", action: "ec2:DescribeRegions", call: false, tags: false, source: "not a provider call: checked by Cloud Map on the caller's behalf during CreatePrivateDnsNamespace; no tags" },
  { type: "aws_service_discovery_private_dns_namespace", operation: "create", action: "servicediscovery:GetOperation", call: true, tags: false, source: "internal/service/servicediscovery waitOperationSucceeded→findOperationByID: GetOperationInput{OperationId}, no tags" },
  { type: "aws_service_discovery_private_dns_namespace", operation: "tag", action: "servicediscovery:TagResource", call: true, tags: true, source: "internal/service/servicediscovery/tags_gen.go updateTags: TagResource Tags: svcTags(updatedTags)" },
  { type: "aws_service_discovery_private_dns_namespace", operation: "tag", action: "servicediscovery:UntagResource", call: true, tags: false, source: "internal/service/servicediscovery/tags_gen.go updateTags: UntagResource TagKeys (keys only)" },
  { type: "aws_s3_bucket", operation: "create", action: "s3:CreateBucket", call: true, tags: false, source: "internal/service/s3/bucket.go resourceBucketCreate: CreateBucketInput{Bucket, ACL, CreateBucketConfiguration, ObjectLock...}, no tags" },
  { type: "aws_s3_bucket", operation: "create", action: "s3:PutBucketTagging", call: true, tags: true, source: "s3/bucket.go resourceBucketCreate: bucketCreateTags(getTagsIn(ctx)) → tags.go PutBucketTagging TagSet (IAM: no aws:RequestTag key)" },
  { type: "aws_s3_bucket", operation: "create", action: "s3:ListBucket", call: true, tags: false, source: "internal/service/s3/bucket.go resourceBucketCreate: RetryWhenNotFound findBucket → HeadBucket (s3:ListBucket), no tags" },
  { type: "aws_s3_bucket", operation: "tag", action: "s3:PutBucketTagging", call: true, tags: true, source: "internal/service/s3/tags.go bucketUpdateTags: PutBucketTagging TagSet: newTags.Merge(ignoredTags) (IAM: no aws:RequestTag key)" },
  { type: "aws_s3_bucket_policy", operation: "create", action: "s3:PutBucketPolicy", call: true, tags: false, source: "internal/service/s3/bucket_policy.go resourceBucketPolicyPut: PutBucketPolicyInput{Bucket, Policy}, no tags" },
  { type: "aws_s3_bucket_public_access_block", operation: "create", action: "s3:PutBucketPublicAccessBlock", call: true, tags: false, source: "internal/service/s3/bucket_public_access_block.go resourceBucketPublicAccessBlockCreate: PutPublicAccessBlock, no tags" },
  { type: "aws_s3_bucket_server_side_encryption_configuration", operation: "create", action: "s3:PutEncryptionConfiguration", call: true, tags: false, source: "internal/service/s3/bucket_server_side_encryption_configuration.go ...Create: PutBucketEncryption, no tags" },
  { type: "aws_s3_bucket_lifecycle_configuration", operation: "create", action: "s3:PutLifecycleConfiguration", call: true, tags: false, source: "internal/service/s3/bucket_lifecycle_configuration.go Create: PutBucketLifecycleConfiguration, no tags" },
  { type: "aws_s3_bucket_ownership_controls", operation: "create", action: "s3:PutBucketOwnershipControls", call: true, tags: false, source: "internal/service/s3/bucket_ownership_controls.go resourceBucketOwnershipControlsCreate: PutBucketOwnershipControls, no tags" },
  { type: "aws_flow_log", operation: "create", action: "ec2:CreateFlowLogs", call: true, tags: true, source: "internal/service/ec2/vpc_flow_log.go resourceLogFlowCreate: TagSpecifications: getTagSpecificationsIn(ctx, ResourceTypeVpcFlowLog)" },
  { type: "aws_flow_log", operation: "create", action: "ec2:CreateTags", call: false, tags: true, source: "tag-on-create: AWS authorizes it for the tags sent in CreateFlowLogs (TagSpecifications), so it carries them; no separate provider call" },
  { type: "aws_flow_log", operation: "create", action: "logs:CreateLogDelivery", call: false, tags: false, source: "not a provider call: authorization EC2 checks on the caller for log delivery set up by CreateFlowLogs; no tags" },
  { type: "aws_flow_log", operation: "tag", action: "ec2:CreateTags", call: true, tags: true, source: "internal/service/ec2/tags_gen.go updateTags: CreateTags Tags: svcTags(updatedTags)" },
  { type: "aws_flow_log", operation: "tag", action: "ec2:DeleteTags", call: true, tags: true, source: "internal/service/ec2/tags_gen.go updateTags: DeleteTags Tags: svcTags(removedTags) (Key+old Value of removed tags)" },
  { type: "aws_lb", operation: "create", action: "elasticloadbalancing:CreateLoadBalancer", call: true, tags: true, source: "internal/service/elbv2/load_balancer.go resourceLoadBalancerCreate: CreateLoadBalancerInput{Tags: getTagsIn(ctx)}" },
  { type: "aws_lb", operation: "create", action: "elasticloadbalancing:AddTags", call: false, tags: true, source: "tag-on-create: AWS authorizes it for the tags sent in CreateLoadBalancer (Tags), so it carries them; no separate provider call" },
  { type: "aws_lb", operation: "create", action: "elasticloadbalancing:ModifyLoadBalancerAttributes", call: true, tags: false, source: "internal/service/elbv2/load_balancer.go resourceLoadBalancerCreate: modifyLoadBalancerAttributes (Attributes, LoadBalancerArn), no tags" },
  { type: "aws_lb", operation: "update", action: "elasticloadbalancing:ModifyLoadBalancerAttributes", call: true, tags: false, source: "internal/service/elbv2/load_balancer.go resourceLoadBalancerUpdate: modifyLoadBalancerAttributes, no tags" },
  { type: "aws_lb", operation: "update", action: "elasticloadbalancing:SetSecurityGroups", call: true, tags: false, source: "internal/service/elbv2/load_balancer.go resourceLoadBalancerUpdate: SetSecurityGroupsInput, no tags" },
  { type: "aws_lb", operation: "update", action: "elasticloadbalancing:SetSubnets", call: true, tags: false, source: "internal/service/elbv2/load_balancer.go resourceLoadBalancerUpdate: SetSubnetsInput, no tags" },
  { type: "aws_lb", operation: "tag", action: "elasticloadbalancing:AddTags", call: true, tags: true, source: "internal/service/elbv2/tags_gen.go updateTags: AddTags Tags: svcTags(updatedTags)" },
  { type: "aws_lb", operation: "tag", action: "elasticloadbalancing:RemoveTags", call: true, tags: false, source: "internal/service/elbv2/tags_gen.go updateTags: RemoveTags TagKeys: removedTags.Keys() (keys only)" },
  { type: "aws_lb_listener", operation: "create", action: "elasticloadbalancing:CreateListener", call: true, tags: true, source: "internal/service/elbv2/listener.go resourceListenerCreate: CreateListenerInput{Tags: getTagsIn(ctx)}" },
  { type: "aws_lb_listener", operation: "create", action: "elasticloadbalancing:AddTags", call: false, tags: true, source: "tag-on-create: AWS authorizes it for the tags sent in CreateListener (Tags), so it carries them; no separate provider call" },
  { type: "aws_lb_listener", operation: "update", action: "elasticloadbalancing:ModifyListener", call: true, tags: false, source: "internal/service/elbv2/listener.go resourceListenerUpdate: ModifyListenerInput, no tags" },
  { type: "aws_lb_listener", operation: "tag", action: "elasticloadbalancing:AddTags", call: true, tags: true, source: "internal/service/elbv2/tags_gen.go updateTags: AddTags Tags: svcTags(updatedTags)" },
  { type: "aws_lb_listener", operation: "tag", action: "elasticloadbalancing:RemoveTags", call: true, tags: false, source: "internal/service/elbv2/tags_gen.go updateTags: RemoveTags TagKeys: removedTags.Keys() (keys only)" },
  { type: "aws_lb_listener_rule", operation: "create", action: "elasticloadbalancing:CreateRule", call: true, tags: true, source: "internal/service/elbv2/listener_rule.go resourceListenerRuleCreate: CreateRuleInput{Tags: getTagsIn(ctx)}" },
  { type: "aws_lb_listener_rule", operation: "create", action: "elasticloadbalancing:AddTags", call: false, tags: true, source: "tag-on-create: AWS authorizes it for the tags sent in CreateRule (Tags), so it carries them; no separate provider call" },
  { type: "aws_lb_listener_rule", operation: "update", action: "elasticloadbalancing:ModifyRule", call: true, tags: false, source: "internal/service/elbv2/listener_rule.go resourceListenerRuleUpdate: ModifyRuleInput, no tags" },
  { type: "aws_lb_listener_rule", operation: "tag", action: "elasticloadbalancing:AddTags", call: true, tags: true, source: "internal/service/elbv2/tags_gen.go updateTags: AddTags Tags: svcTags(updatedTags)" },
  { type: "aws_lb_listener_rule", operation: "tag", action: "elasticloadbalancing:RemoveTags", call: true, tags: false, source: "internal/service/elbv2/tags_gen.go updateTags: RemoveTags TagKeys: removedTags.Keys() (keys only)" },
  { type: "aws_lb_target_group", operation: "create", action: "elasticloadbalancing:CreateTargetGroup", call: true, tags: true, source: "internal/service/elbv2/target_group.go resourceTargetGroupCreate: CreateTargetGroupInput{Tags: getTagsIn(ctx)}" },
  { type: "aws_lb_target_group", operation: "create", action: "elasticloadbalancing:AddTags", call: false, tags: true, source: "tag-on-create: AWS authorizes it for the tags sent in CreateTargetGroup (Tags), so it carries them; no separate provider call" },
  { type: "aws_lb_target_group", operation: "create", action: "elasticloadbalancing:ModifyTargetGroupAttributes", call: true, tags: false, source: "internal/service/elbv2/target_group.go resourceTargetGroupCreate: ModifyTargetGroupAttributesInput, no tags" },
  { type: "aws_lb_target_group", operation: "update", action: "elasticloadbalancing:ModifyTargetGroup", call: true, tags: false, source: "internal/service/elbv2/target_group.go resourceTargetGroupUpdate: ModifyTargetGroupInput, no tags" },
  { type: "aws_lb_target_group", operation: "update", action: "elasticloadbalancing:ModifyTargetGroupAttributes", call: true, tags: false, source: "internal/service/elbv2/target_group.go resourceTargetGroupUpdate: ModifyTargetGroupAttributesInput, no tags" },
  { type: "aws_lb_target_group", operation: "tag", action: "elasticloadbalancing:AddTags", call: true, tags: true, source: "internal/service/elbv2/tags_gen.go updateTags: AddTags Tags: svcTags(updatedTags)" },
  { type: "aws_lb_target_group", operation: "tag", action: "elasticloadbalancing:RemoveTags", call: true, tags: false, source: "internal/service/elbv2/tags_gen.go updateTags: RemoveTags TagKeys: removedTags.Keys() (keys only)" },
  { type: "aws_security_group", operation: "create", action: "ec2:CreateSecurityGroup", call: true, tags: true, source: "internal/service/ec2/vpc_security_group.go resourceSecurityGroupCreate: TagSpecifications: getTagSpecificationsIn(ctx, ResourceTypeSecurityGroup)" },
  { type: "aws_security_group", operation: "create", action: "ec2:CreateTags", call: false, tags: true, source: "tag-on-create: AWS authorizes it for the tags sent in CreateSecurityGroup (TagSpecifications), so it carries them; no separate provider call" },
  { type: "aws_security_group", operation: "create", action: "ec2:RevokeSecurityGroupEgress", call: true, tags: false, source: "internal/service/ec2/vpc_security_group.go resourceSecurityGroupCreate: RevokeSecurityGroupEgressInput (default egress), no tags" },
  { type: "aws_security_group", operation: "tag", action: "ec2:CreateTags", call: true, tags: true, source: "internal/service/ec2/tags_gen.go updateTags: CreateTags Tags: svcTags(updatedTags)" },
  { type: "aws_security_group", operation: "tag", action: "ec2:DeleteTags", call: true, tags: true, source: "internal/service/ec2/tags_gen.go updateTags: DeleteTags Tags: svcTags(removedTags) (Key+old Value of removed tags)" },
  { type: "aws_vpc_security_group_ingress_rule", operation: "create", action: "ec2:AuthorizeSecurityGroupIngress", call: true, tags: true, source: "internal/service/ec2/vpc_security_group_ingress_rule.go create: TagSpecifications: getTagSpecificationsIn(ctx, ResourceTypeSecurityGroupRule) (since 5.61.0)" },
  { type: "aws_vpc_security_group_ingress_rule", operation: "create", action: "ec2:CreateTags", call: false, tags: true, source: "tag-on-create: AWS authorizes it for the tags sent in AuthorizeSecurityGroupIngress (TagSpecifications, 5.61.0+), so it carries them; no separate provider call" },
  { type: "aws_vpc_security_group_ingress_rule", operation: "update", action: "ec2:ModifySecurityGroupRules", call: true, tags: false, source: "internal/service/ec2/vpc_security_group_ingress_rule.go securityGroupRuleResource.Update (shared): ModifySecurityGroupRulesInput, no tags" },
  { type: "aws_vpc_security_group_ingress_rule", operation: "tag", action: "ec2:CreateTags", call: true, tags: true, source: "internal/service/ec2/tags_gen.go updateTags: CreateTags Tags: svcTags(updatedTags)" },
  { type: "aws_vpc_security_group_ingress_rule", operation: "tag", action: "ec2:DeleteTags", call: true, tags: true, source: "internal/service/ec2/tags_gen.go updateTags: DeleteTags Tags: svcTags(removedTags) (Key+old Value of removed tags)" },
  { type: "aws_vpc_security_group_egress_rule", operation: "create", action: "ec2:AuthorizeSecurityGroupEgress", call: true, tags: true, source: "internal/service/ec2/vpc_security_group_egress_rule.go create: TagSpecifications: getTagSpecificationsIn(ctx, ResourceTypeSecurityGroupRule) (since 5.61.0)" },
  { type: "aws_vpc_security_group_egress_rule", operation: "create", action: "ec2:CreateTags", call: false, tags: true, source: "tag-on-create: AWS authorizes it for the tags sent in AuthorizeSecurityGroupEgress (TagSpecifications, 5.61.0+), so it carries them; no separate provider call" },
  { type: "aws_vpc_security_group_egress_rule", operation: "update", action: "ec2:ModifySecurityGroupRules", call: true, tags: false, source: "internal/service/ec2/vpc_security_group_ingress_rule.go securityGroupRuleResource.Update (shared): ModifySecurityGroupRulesInput, no tags" },
  { type: "aws_vpc_security_group_egress_rule", operation: "tag", action: "ec2:CreateTags", call: true, tags: true, source: "internal/service/ec2/tags_gen.go updateTags: CreateTags Tags: svcTags(updatedTags)" },
  { type: "aws_vpc_security_group_egress_rule", operation: "tag", action: "ec2:DeleteTags", call: true, tags: true, source: "internal/service/ec2/tags_gen.go updateTags: DeleteTags Tags: svcTags(removedTags) (Key+old Value of removed tags)" },
  { type: "aws_cloudwatch_log_group", operation: "create", action: "logs:CreateLogGroup", call: true, tags: true, source: "internal/service/logs/group.go resourceGroupCreate: CreateLogGroupInput{Tags: getTagsIn(ctx)}" },
  { type: "aws_cloudwatch_log_group", operation: "create", action: "logs:TagResource", call: false, tags: true, source: "tag-on-create: AWS authorizes it for the tags sent in CreateLogGroup (Tags), so it carries them; no separate provider call" },
  { type: "aws_cloudwatch_log_group", operation: "create", action: "logs:PutRetentionPolicy", call: true, tags: false, source: "internal/service/logs/group.go resourceGroupCreate: PutRetentionPolicyInput{LogGroupName, RetentionInDays}, no tags" },
  { type: "aws_cloudwatch_log_group", operation: "update", action: "logs:PutRetentionPolicy", call: true, tags: false, source: "internal/service/logs/group.go resourceGroupUpdate: PutRetentionPolicyInput, no tags" },
  { type: "aws_cloudwatch_log_group", operation: "tag", action: "logs:TagResource", call: true, tags: true, source: "internal/service/logs/tags_gen.go updateTags: TagResource Tags: svcTags(updatedTags) (v5.46 used TagLogGroup; see header)" },
  { type: "aws_cloudwatch_log_group", operation: "tag", action: "logs:UntagResource", call: true, tags: false, source: "internal/service/logs/tags_gen.go updateTags: UntagResource TagKeys (keys only)" },
  { type: "aws_ecr_repository", operation: "create", action: "ecr:CreateRepository", call: true, tags: true, source: "internal/service/ecr/repository.go resourceRepositoryCreate: CreateRepositoryInput{Tags: getTagsIn(ctx)}" },
  { type: "aws_ecr_repository", operation: "create", action: "ecr:TagResource", call: false, tags: true, source: "tag-on-create: AWS authorizes it for the tags sent in CreateRepository (Tags), so it carries them; no separate provider call" },
  { type: "aws_ecr_repository", operation: "update", action: "ecr:PutImageScanningConfiguration", call: true, tags: false, source: "internal/service/ecr/repository.go resourceRepositoryUpdate: PutImageScanningConfigurationInput, no tags" },
  { type: "aws_ecr_repository", operation: "update", action: "ecr:PutImageTagMutability", call: true, tags: false, source: "internal/service/ecr/repository.go resourceRepositoryUpdate: PutImageTagMutabilityInput, no tags" },
  { type: "aws_ecr_repository", operation: "tag", action: "ecr:TagResource", call: true, tags: true, source: "internal/service/ecr/tags_gen.go updateTags: TagResource Tags: svcTags(updatedTags)" },
  { type: "aws_ecr_repository", operation: "tag", action: "ecr:UntagResource", call: true, tags: false, source: "internal/service/ecr/tags_gen.go updateTags: UntagResource TagKeys (keys only)" },
  { type: "aws_ecr_lifecycle_policy", operation: "create", action: "ecr:PutLifecyclePolicy", call: true, tags: false, source: "internal/service/ecr/lifecycle_policy.go resourceLifecyclePolicyCreate: PutLifecyclePolicyInput{LifecyclePolicyText, RepositoryName}" },
  { type: "aws_ecr_lifecycle_policy", operation: "update", action: "ecr:PutLifecyclePolicy", call: false, tags: false, source: "no Update func in ecr/lifecycle_policy.go: policy/repository are ForceNew, so a change replaces via Create; no tags" },
  { type: "aws_iam_role", operation: "create", action: "iam:CreateRole", call: true, tags: true, source: "internal/service/iam/role.go resourceRoleCreate: CreateRoleInput{Tags: getTagsIn(ctx)}" },
  { type: "aws_iam_role", operation: "create", action: "iam:TagRole", call: false, tags: true, source: "tag-on-create: AWS authorizes it for the tags sent in CreateRole (Tags), so it carries them; no separate provider call" },
  { type: "aws_iam_role", operation: "update", action: "iam:UpdateAssumeRolePolicy", call: true, tags: false, source: "internal/service/iam/role.go resourceRoleUpdate: UpdateAssumeRolePolicyInput, no tags" },
  { type: "aws_iam_role", operation: "update", action: "iam:PutRolePermissionsBoundary", call: true, tags: false, source: "internal/service/iam/role.go resourceRoleUpdate: PutRolePermissionsBoundaryInput, no tags" },
  { type: "aws_iam_role", operation: "tag", action: "iam:TagRole", call: true, tags: true, source: "internal/service/iam/tags.go roleUpdateTags: TagRoleInput{Tags: svcTags(updatedTags)}" },
  { type: "aws_iam_role", operation: "tag", action: "iam:UntagRole", call: true, tags: false, source: "internal/service/iam/tags.go roleUpdateTags: UntagRoleInput{TagKeys} (keys only)" },
  { type: "aws_iam_role_policy_attachment", operation: "create", action: "iam:AttachRolePolicy", call: true, tags: false, source: "internal/service/iam/role_policy_attachment.go attachPolicyToRole: AttachRolePolicyInput, no tags" },
  { type: "aws_iam_role_policy", operation: "create", action: "iam:PutRolePolicy", call: true, tags: false, source: "internal/service/iam/role_policy.go resourceRolePolicyPut: PutRolePolicyInput, no tags" },
  { type: "aws_iam_role_policy", operation: "update", action: "iam:PutRolePolicy", call: true, tags: false, source: "internal/service/iam/role_policy.go resourceRolePolicyPut (also Update): PutRolePolicyInput, no tags" },
  { type: "aws_service_discovery_service", operation: "create", action: "servicediscovery:CreateService", call: true, tags: true, source: "internal/service/servicediscovery/service.go resourceServiceCreate: CreateServiceInput{Tags: getTagsIn(ctx)}" },
  { type: "aws_service_discovery_service", operation: "update", action: "servicediscovery:UpdateService", call: true, tags: false, source: "internal/service/servicediscovery/service.go resourceServiceUpdate: UpdateServiceInput{Id, Service}, no tags" },
  { type: "aws_service_discovery_service", operation: "tag", action: "servicediscovery:TagResource", call: true, tags: true, source: "internal/service/servicediscovery/tags_gen.go updateTags: TagResource Tags: svcTags(updatedTags)" },
  { type: "aws_service_discovery_service", operation: "tag", action: "servicediscovery:UntagResource", call: true, tags: false, source: "internal/service/servicediscovery/tags_gen.go updateTags: UntagResource TagKeys (keys only)" },
  { type: "aws_sns_topic", operation: "create", action: "sns:CreateTopic", call: true, tags: true, source: "internal/service/sns/topic.go resourceTopicCreate: CreateTopicInput{Tags: getTagsIn(ctx)}" },
  { type: "aws_sns_topic", operation: "create", action: "sns:TagResource", call: false, tags: true, source: "tag-on-create: AWS authorizes it for the tags sent in CreateTopic (Tags), so it carries them; no separate provider call" },
  { type: "aws_sns_topic", operation: "update", action: "sns:SetTopicAttributes", call: true, tags: false, source: "internal/service/sns/topic.go resourceTopicUpdate: putTopicAttributes → SetTopicAttributes, no tags" },
  { type: "aws_sns_topic", operation: "tag", action: "sns:TagResource", call: true, tags: true, source: "internal/service/sns/tags_gen.go updateTags: TagResource Tags: svcTags(updatedTags)" },
  { type: "aws_sns_topic", operation: "tag", action: "sns:UntagResource", call: true, tags: false, source: "internal/service/sns/tags_gen.go updateTags: UntagResource TagKeys (keys only)" },
  { type: "aws_cloudwatch_dashboard", operation: "create", action: "cloudwatch:PutDashboard", call: true, tags: false, source: "internal/service/cloudwatch/dashboard.go resourceDashboardPut: PutDashboardInput{DashboardBody, DashboardName}, no tags" },
  { type: "aws_cloudwatch_dashboard", operation: "update", action: "cloudwatch:PutDashboard", call: true, tags: false, source: "internal/service/cloudwatch/dashboard.go resourceDashboardPut (also Update): PutDashboardInput, no tags" },
  { type: "aws_sqs_queue", operation: "create", action: "sqs:CreateQueue", call: true, tags: true, source: "internal/service/sqs/queue.go resourceQueueCreate: CreateQueueInput{Tags: getTagsIn(ctx)}" },
  { type: "aws_sqs_queue", operation: "create", action: "sqs:TagQueue", call: false, tags: true, source: "tag-on-create: AWS authorizes it for the tags sent in CreateQueue (Tags), so it carries them; no separate provider call" },
  { type: "aws_sqs_queue", operation: "create", action: "sqs:GetQueueAttributes", call: true, tags: false, source: "internal/service/sqs/queue.go waitQueueAttributesPropagated → findQueueAttributesByURL: GetQueueAttributes, no tags" },
  { type: "aws_sqs_queue", operation: "update", action: "sqs:SetQueueAttributes", call: true, tags: false, source: "internal/service/sqs/queue.go resourceQueueUpdate: SetQueueAttributesInput{Attributes, QueueUrl}, no tags" },
  { type: "aws_sqs_queue", operation: "tag", action: "sqs:TagQueue", call: true, tags: true, source: "internal/service/sqs/tags_gen.go updateTags: TagQueue Tags: svcTags(updatedTags)" },
  { type: "aws_sqs_queue", operation: "tag", action: "sqs:UntagQueue", call: true, tags: false, source: "internal/service/sqs/tags_gen.go updateTags: UntagQueue TagKeys (keys only)" },
  { type: "aws_lambda_function", operation: "create", action: "lambda:CreateFunction", call: true, tags: true, source: "internal/service/lambda/function.go resourceFunctionCreate: CreateFunctionInput{Tags: getTagsIn(ctx)}" },
  { type: "aws_lambda_function", operation: "create", action: "lambda:TagResource", call: false, tags: true, source: "tag-on-create: AWS authorizes it for the tags sent in CreateFunction (Tags), so it carries them; no separate provider call" },
  { type: "aws_lambda_function", operation: "create", action: "iam:PassRole", call: false, tags: false, source: "not a provider call: authorization of the Role passed in CreateFunction; no tags" },
  { type: "aws_lambda_function", operation: "create", action: "lambda:GetFunction", call: true, tags: false, source: "internal/service/lambda/function.go resourceFunctionCreate: findFunctionByName → GetFunction, no tags" },
  { type: "aws_lambda_function", operation: "update", action: "lambda:UpdateFunctionCode", call: true, tags: false, source: "internal/service/lambda/function.go resourceFunctionUpdate: UpdateFunctionCodeInput, no tags" },
  { type: "aws_lambda_function", operation: "update", action: "lambda:UpdateFunctionConfiguration", call: true, tags: false, source: "internal/service/lambda/function.go resourceFunctionUpdate: UpdateFunctionConfigurationInput, no tags" },
  { type: "aws_lambda_function", operation: "update", action: "iam:PassRole", call: false, tags: false, source: "not a provider call: authorization of Role passed in UpdateFunctionConfiguration; no tags" },
  { type: "aws_lambda_function", operation: "tag", action: "lambda:TagResource", call: true, tags: true, source: "internal/service/lambda/tags_gen.go updateTags: TagResource Tags: svcTags(updatedTags)" },
  { type: "aws_lambda_function", operation: "tag", action: "lambda:UntagResource", call: true, tags: false, source: "internal/service/lambda/tags_gen.go updateTags: UntagResource TagKeys (keys only)" },
  { type: "aws_lambda_permission", operation: "create", action: "lambda:AddPermission", call: true, tags: false, source: "internal/service/lambda/permission.go resourcePermissionCreate: AddPermissionInput, no tags" },
  { type: "aws_cloudwatch_event_rule", operation: "create", action: "events:PutRule", call: true, tags: true, source: "internal/service/events/rule.go resourceRuleCreate: input.Tags = getTagsIn(ctx); retryPutRule" },
  { type: "aws_cloudwatch_event_rule", operation: "create", action: "events:TagResource", call: false, tags: true, source: "tag-on-create: AWS authorizes it for the tags sent in PutRule (Tags), so it carries them; no separate provider call" },
  { type: "aws_cloudwatch_event_rule", operation: "update", action: "events:PutRule", call: true, tags: true, source: "internal/service/events/rule.go resourceRuleUpdate: input.Tags = getTagsIn(ctx) // For ABAC aws:RequestTag (since 5.72.0, #39648)" },
  { type: "aws_cloudwatch_event_rule", operation: "tag", action: "events:TagResource", call: true, tags: true, source: "internal/service/events/tags_gen.go updateTags: TagResource Tags: svcTags(updatedTags)" },
  { type: "aws_cloudwatch_event_rule", operation: "tag", action: "events:UntagResource", call: true, tags: false, source: "internal/service/events/tags_gen.go updateTags: UntagResource TagKeys (keys only)" },
  { type: "aws_cloudwatch_event_target", operation: "create", action: "events:PutTargets", call: true, tags: false, source: "internal/service/events/target.go resourceTargetCreate: expandPutTargetsInput (ecs_target.tags are task tags, not resource tags)" },
  { type: "aws_cloudwatch_event_target", operation: "update", action: "events:PutTargets", call: true, tags: false, source: "internal/service/events/target.go resourceTargetUpdate: expandPutTargetsInput, no resource tags" },
  { type: "aws_ecs_task_definition", operation: "create", action: "ecs:RegisterTaskDefinition", call: true, tags: true, source: "internal/service/ecs/task_definition.go resourceTaskDefinitionCreate: RegisterTaskDefinitionInput{Tags: getTagsIn(ctx)}" },
  { type: "aws_ecs_task_definition", operation: "create", action: "ecs:TagResource", call: false, tags: true, source: "tag-on-create: AWS authorizes it for the tags sent in RegisterTaskDefinition (Tags), so it carries them; no separate provider call" },
  { type: "aws_ecs_task_definition", operation: "create", action: "iam:PassRole", call: false, tags: false, source: "not a provider call: authorization of task_role_arn/execution_role_arn passed in RegisterTaskDefinition; no tags" },
  { type: "aws_ecs_task_definition", operation: "tag", action: "ecs:TagResource", call: true, tags: true, source: "internal/service/ecs/tags_gen.go updateTags: TagResource Tags: svcTags(updatedTags)" },
  { type: "aws_ecs_task_definition", operation: "tag", action: "ecs:UntagResource", call: true, tags: false, source: "internal/service/ecs/tags_gen.go updateTags: UntagResource TagKeys (keys only)" },
  { type: "aws_ecs_service", operation: "create", action: "ecs:CreateService", call: true, tags: true, source: "internal/service/ecs/service.go resourceServiceCreate: CreateServiceInput{Tags: getTagsIn(ctx)}" },
  { type: "aws_ecs_service", operation: "create", action: "ecs:TagResource", call: false, tags: true, source: "tag-on-create: AWS authorizes it for the tags sent in CreateService (Tags), so it carries them; no separate provider call" },
  { type: "aws_ecs_service", operation: "update", action: "ecs:UpdateService", call: true, tags: false, source: "internal/service/ecs/service.go resourceServiceUpdate: UpdateServiceInput (API has no Tags field), no tags" },
  { type: "aws_ecs_service", operation: "tag", action: "ecs:TagResource", call: true, tags: true, source: "internal/service/ecs/tags_gen.go updateTags: TagResource Tags: svcTags(updatedTags)" },
  { type: "aws_ecs_service", operation: "tag", action: "ecs:UntagResource", call: true, tags: false, source: "internal/service/ecs/tags_gen.go updateTags: UntagResource TagKeys (keys only)" },
  { type: "aws_lb_listener_rule", operation: "update", action: "elasticloadbalancing:SetRulePriorities", call: true, tags: false, source: "internal/service/elbv2/listener_rule.go resourceListenerRuleUpdate: SetRulePrioritiesInput, no tags" },
  { type: "aws_appautoscaling_target", operation: "create", action: "application-autoscaling:RegisterScalableTarget", call: true, tags: true, source: "internal/service/appautoscaling/target.go resourceTargetCreate: RegisterScalableTargetInput{Tags: getTagsIn(ctx)}" },
  { type: "aws_appautoscaling_target", operation: "create", action: "application-autoscaling:TagResource", call: false, tags: true, source: "tag-on-create: AWS authorizes it for the tags sent in RegisterScalableTarget (Tags), so it carries them; no separate provider call" },
  { type: "aws_appautoscaling_target", operation: "create", action: "iam:CreateServiceLinkedRole", call: false, tags: false, source: "not a provider call: Application Auto Scaling creates its service-linked role during RegisterScalableTarget; no tags" },
  { type: "aws_appautoscaling_target", operation: "create", action: "ecs:DescribeServices", call: false, tags: false, source: "not a provider call: Application Auto Scaling validates the ECS service with the caller's permissions; no tags" },
  { type: "aws_appautoscaling_target", operation: "create", action: "ecs:UpdateService", call: false, tags: false, source: "not a provider call: Application Auto Scaling checks/uses ecs:UpdateService on the caller's behalf; no tags" },
  { type: "aws_appautoscaling_target", operation: "update", action: "application-autoscaling:RegisterScalableTarget", call: true, tags: false, source: "internal/service/appautoscaling/target.go resourceTargetUpdate: RegisterScalableTargetInput without Tags" },
  { type: "aws_appautoscaling_target", operation: "tag", action: "application-autoscaling:TagResource", call: true, tags: true, source: "internal/service/appautoscaling/tags_gen.go updateTags: TagResource Tags: svcTags(updatedTags)" },
  { type: "aws_appautoscaling_target", operation: "tag", action: "application-autoscaling:UntagResource", call: true, tags: false, source: "internal/service/appautoscaling/tags_gen.go updateTags: UntagResource TagKeys (keys only)" },
  { type: "aws_appautoscaling_policy", operation: "create", action: "application-autoscaling:PutScalingPolicy", call: true, tags: false, source: "internal/service/appautoscaling/policy.go resourcePolicyPut: expandPutScalingPolicyInput, no tags (resource has no tags)" },
  { type: "aws_appautoscaling_policy", operation: "create", action: "cloudwatch:PutMetricAlarm", call: false, tags: false, source: "not a provider call: Application Auto Scaling creates target-tracking alarms on the caller's behalf; no tags" },
  { type: "aws_appautoscaling_policy", operation: "update", action: "application-autoscaling:PutScalingPolicy", call: true, tags: false, source: "internal/service/appautoscaling/policy.go resourcePolicyPut (also Update): PutScalingPolicy, no tags" },
  { type: "aws_cloudwatch_metric_alarm", operation: "create", action: "cloudwatch:PutMetricAlarm", call: true, tags: true, source: "internal/service/cloudwatch/metric_alarm.go resourceMetricAlarmCreate: expandPutMetricAlarmInput{Tags: getTagsIn(ctx)}" },
  { type: "aws_cloudwatch_metric_alarm", operation: "create", action: "cloudwatch:TagResource", call: false, tags: true, source: "tag-on-create: AWS authorizes it for the tags sent in PutMetricAlarm (Tags), so it carries them; no separate provider call" },
  { type: "aws_cloudwatch_metric_alarm", operation: "update", action: "cloudwatch:PutMetricAlarm", call: true, tags: true, source: "internal/service/cloudwatch/metric_alarm.go resourceMetricAlarmUpdate: expandPutMetricAlarmInput sets Tags: getTagsIn(ctx)" },
  { type: "aws_cloudwatch_metric_alarm", operation: "tag", action: "cloudwatch:TagResource", call: true, tags: true, source: "internal/service/cloudwatch/tags_gen.go updateTags: TagResource Tags: svcTags(updatedTags)" },
  { type: "aws_cloudwatch_metric_alarm", operation: "tag", action: "cloudwatch:UntagResource", call: true, tags: false, source: "internal/service/cloudwatch/tags_gen.go updateTags: UntagResource TagKeys (keys only)" },
  { type: "aws_cloudwatch_log_metric_filter", operation: "create", action: "logs:PutMetricFilter", call: true, tags: false, source: "internal/service/logs/metric_filter.go resourceMetricFilterPut: PutMetricFilterInput, no tags" },
  { type: "aws_cloudwatch_log_metric_filter", operation: "update", action: "logs:PutMetricFilter", call: true, tags: false, source: "internal/service/logs/metric_filter.go resourceMetricFilterPut (also Update): PutMetricFilterInput, no tags" },
];
