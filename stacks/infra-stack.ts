import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import type { Construct } from "constructs";
import { Cluster } from "../constructs/cluster";
import { Network } from "../constructs/network";
import { InfraOutputs } from "../lib/contract";
import { infraNames } from "../lib/naming";
import type { InfraConfig } from "../lib/params/config";
import { useS3State } from "../lib/state";
import { LanesStack } from "./lanes-stack";

/**
 * `infra-{env}` (environment level): network (create or wrap), ECS cluster,
 * Cloud Map namespace `{env}.local`. Read by boot and app stacks through its outputs.
 */
export class InfraStack extends LanesStack {
  readonly network: Network;
  readonly cluster: Cluster;

  constructor(scope: Construct, infra: InfraConfig) {
    const names = infraNames(infra.env);
    super(scope, names.stack, { infra, tags: { env: infra.env, service: "shared", lane: "shared" } });
    useS3State(this, infra.state, { layer: "infra", env: infra.env });

    this.network = new Network(this, "network", {
      names,
      network: infra.network,
      availabilityZones: infra.availabilityZones,
      protect: infra.protectSharedResources,
    });
    this.cluster = new Cluster(this, "cluster", {
      clusterName: names.cluster,
      containerInsights: infra.containerInsights,
      vpcId: this.network.vpcId,
      ...(infra.cloudMap.initCloudMap ? { namespace: infra.cloudMap.namespace } : {}),
      protect: infra.protectSharedResources,
    });

    const account = new DataAwsCallerIdentity(this, "account");
    this.declareOutputs(InfraOutputs, {
      vpcId: this.network.vpcId,
      privateSubnetIds: this.network.privateSubnetIds,
      publicSubnetIds: this.network.publicSubnetIds,
      clusterName: this.cluster.cluster.name,
      clusterArn: this.cluster.cluster.arn,
      namespaceId: this.cluster.namespace?.id ?? "",
      namespaceName: infra.cloudMap.initCloudMap ? infra.cloudMap.namespace : "",
      accountId: account.accountId,
    });
  }
}
