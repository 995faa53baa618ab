import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsEc2ManagedPrefixList } from "@cdktf/provider-aws/lib/data-aws-ec2-managed-prefix-list";
import type { Construct } from "constructs";
import { Cluster } from "../constructs/cluster";
import { LogBucket } from "../constructs/log-bucket";
import { Network } from "../constructs/network";
import { OriginSecrets } from "../constructs/origin-secrets";
import { InfraOutputs } from "../lib/contract";
import { infraNames } from "../lib/naming";
import type { InfraConfig } from "../lib/params/config";
import { useS3State } from "../lib/state";
import { LanesStack } from "./lanes-stack";

/** AWS: CloudFront's origin-facing managed prefix list (the addresses CloudFront reaches origins from). */
export const CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST = "com.amazonaws.global.cloudfront.origin-facing";

/**
 * `infra-{env}` (environment level): network (create or wrap) with VPC flow logs, ECS cluster,
 * Cloud Map namespace `{env}.local`, the env's log bucket (ALB access logs, flow logs) and, when
 * the env has an edge, the origin secret's generations and CloudFront's origin-facing prefix
 * list. Read by boot, app and edge stacks through its outputs.
 */
export class InfraStack extends LanesStack {
  readonly network: Network;
  readonly cluster: Cluster;
  readonly logs?: LogBucket;
  readonly originSecrets?: OriginSecrets;

  constructor(scope: Construct, infra: InfraConfig) {
    const names = infraNames(infra.env);
    super(scope, names.stack, { infra, tags: { env: infra.env, service: "shared", lane: "shared" } });
    useS3State(this, infra.state, { layer: "infra", env: infra.env });

    const account = new DataAwsCallerIdentity(this, "account");
    const { accessLogs, flowLogs } = infra.audit;
    if (accessLogs.enabled || flowLogs.enabled) {
      this.logs = new LogBucket(this, "logs", {
        bucketPrefix: names.logBucketPrefix,
        region: infra.region,
        accountId: account.accountId,
        ...(accessLogs.enabled ? { accessLogs: { prefix: names.accessLogRoot, days: accessLogs.retentionDays } } : {}),
        ...(flowLogs.enabled ? { flowLogs: { prefix: names.flowLogPrefix, days: flowLogs.retentionDays } } : {}),
        protect: infra.protectSharedResources,
      });
    }
    const logBucket = this.logs?.bucket.bucket;
    // Delivery is checked against the bucket policy when the flow log is created.
    const logPolicy = this.logs?.bucket.policy;

    this.network = new Network(this, "network", {
      names,
      network: infra.network,
      availabilityZones: infra.availabilityZones,
      protect: infra.protectSharedResources,
      ...(flowLogs.enabled && logBucket ? { flowLogs: { destinationArn: `${logBucket.arn}/${names.flowLogPrefix}/`, trafficType: flowLogs.trafficType, ...(logPolicy ? { dependsOn: [logPolicy] } : {}) } } : {}),
    });
    this.cluster = new Cluster(this, "cluster", {
      clusterName: names.cluster,
      containerInsights: infra.containerInsights,
      vpcId: this.network.vpcId,
      ...(infra.cloudMap.initCloudMap ? { namespace: infra.cloudMap.namespace } : {}),
      protect: infra.protectSharedResources,
    });

    let prefixListId = "";
    if (infra.edge) {
      this.originSecrets = new OriginSecrets(this, "origin-secrets", { generations: infra.edge.originSecretGenerations });
      prefixListId = new DataAwsEc2ManagedPrefixList(this, "cloudfront", { name: CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST }).id;
    }

    this.declareOutputs(InfraOutputs, {
      vpcId: this.network.vpcId,
      privateSubnetIds: this.network.privateSubnetIds,
      publicSubnetIds: this.network.publicSubnetIds,
      clusterName: this.cluster.cluster.name,
      clusterArn: this.cluster.cluster.arn,
      namespaceId: this.cluster.namespace?.id ?? "",
      namespaceName: infra.cloudMap.initCloudMap ? infra.cloudMap.namespace : "",
      accountId: account.accountId,
      logBucket: logBucket?.bucket ?? "",
      cloudfrontPrefixListId: prefixListId,
      originSecrets: this.originSecrets?.values ?? {},
    });
  }
}
