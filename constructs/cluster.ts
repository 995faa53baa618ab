import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster";
import { ServiceDiscoveryPrivateDnsNamespace } from "@cdktf/provider-aws/lib/service-discovery-private-dns-namespace";
import { Construct } from "constructs";

export interface ClusterProps {
  readonly clusterName: string;
  readonly containerInsights: "enabled" | "enhanced" | "disabled";
  readonly vpcId: string;
  /** Cloud Map private DNS namespace to create (`{env}.local`); none when undefined. */
  readonly namespace?: string;
  readonly protect: boolean;
}

/** The env's ECS cluster (Container Insights per params) and its Cloud Map namespace. */
export class Cluster extends Construct {
  readonly cluster: EcsCluster;
  readonly namespace?: ServiceDiscoveryPrivateDnsNamespace;

  constructor(scope: Construct, id: string, props: ClusterProps) {
    super(scope, id);
    const lifecycle = props.protect ? { preventDestroy: true } : undefined;
    this.cluster = new EcsCluster(this, "cluster", {
      name: props.clusterName,
      setting: [{ name: "containerInsights", value: props.containerInsights }],
      lifecycle,
    });
    if (props.namespace) {
      this.namespace = new ServiceDiscoveryPrivateDnsNamespace(this, "namespace", {
        name: props.namespace,
        vpc: props.vpcId,
        description: `Service discovery for ${props.clusterName}`,
        lifecycle,
      });
    }
  }
}
