import { Eip } from "@cdktf/provider-aws/lib/eip";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { Fn, type ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { infraNames } from "../lib/naming";
import type { NetworkConfig } from "../lib/params/config";

/** The network's names (lib/naming.ts infraNames). */
export type NetworkNames = Pick<ReturnType<typeof infraNames>, "vpc" | "internetGateway" | "publicRouteTable" | "publicSubnet" | "privateSubnet" | "privateRouteTable" | "natGateway" | "flowLog">;

export interface NetworkProps {
  readonly names: NetworkNames;
  readonly network: NetworkConfig;
  /** Zones for create mode, one public and one private subnet each. */
  readonly availabilityZones: readonly string[];
  /** prevent_destroy on the VPC and subnets. */
  readonly protect: boolean;
  /**
   * VPC flow logs to S3 (AWS FSBP EC2.6), in both modes: on an existing VPC too.
   * @default no flow logs
   */
  readonly flowLogs?: { readonly destinationArn: string; readonly trafficType: string; readonly dependsOn?: ITerraformDependable[] };
}

/**
 * The env's network. `create`: a VPC with a public and a private subnet per zone, an internet
 * gateway, and NAT per params (tasks never get public IPs). `wrap` (an existing VPC, no network created):
 * existing ids are passed through, nothing is created.
 *
 * Subnet CIDRs: public i = cidrsubnet(cidr, 4, i), private i = cidrsubnet(cidr, 4, 8 + i).
 * With `flowLogs`, the VPC (created or wrapped) logs its traffic to S3.
 */
export class Network extends Construct {
  readonly vpcId: string;
  readonly publicSubnetIds: string[];
  readonly privateSubnetIds: string[];
  readonly vpc?: Vpc;
  readonly natGateways: NatGateway[] = [];
  readonly flowLog?: FlowLog;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const { network, names } = props;
    if (network.mode === "wrap") {
      this.vpcId = network.vpcId;
      this.publicSubnetIds = [...network.publicSubnetIds];
      this.privateSubnetIds = [...network.privateSubnetIds];
      this.flowLog = this.logFlows(props);
      return;
    }
    const lifecycle = props.protect ? { preventDestroy: true } : undefined;
    const vpc = new Vpc(this, "vpc", {
      cidrBlock: network.cidr,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: { Name: names.vpc },
      lifecycle,
    });
    this.vpc = vpc;
    const igw = new InternetGateway(this, "igw", { vpcId: vpc.id, tags: { Name: names.internetGateway } });

    const publicRt = new RouteTable(this, "public-rt", { vpcId: vpc.id, tags: { Name: names.publicRouteTable } });
    new Route(this, "public-default", { routeTableId: publicRt.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id });

    const publicSubnets = props.availabilityZones.map(
      (az, i) =>
        new Subnet(this, `public-${i}`, {
          vpcId: vpc.id,
          availabilityZone: az,
          cidrBlock: Fn.cidrsubnet(network.cidr, 4, i),
          mapPublicIpOnLaunch: false,
          tags: { Name: names.publicSubnet(az), tier: "public" },
          lifecycle,
        }),
    );
    publicSubnets.forEach((s, i) => new RouteTableAssociation(this, `public-rta-${i}`, { subnetId: s.id, routeTableId: publicRt.id }));

    const natCount = network.nat === "none" ? 0 : network.nat === "single" ? 1 : publicSubnets.length;
    for (let i = 0; i < natCount; i++) {
      const eip = new Eip(this, `nat-eip-${i}`, { domain: "vpc", tags: { Name: names.natGateway(i) } });
      this.natGateways.push(
        new NatGateway(this, `nat-${i}`, {
          allocationId: eip.id,
          subnetId: publicSubnets[i]!.id,
          tags: { Name: names.natGateway(i) },
          dependsOn: [igw],
        }),
      );
    }

    const privateSubnets = props.availabilityZones.map((az, i) => {
      const subnet = new Subnet(this, `private-${i}`, {
        vpcId: vpc.id,
        availabilityZone: az,
        cidrBlock: Fn.cidrsubnet(network.cidr, 4, 8 + i),
        mapPublicIpOnLaunch: false,
        tags: { Name: names.privateSubnet(az), tier: "private" },
        lifecycle,
      });
      const rt = new RouteTable(this, `private-rt-${i}`, { vpcId: vpc.id, tags: { Name: names.privateRouteTable(az) } });
      const nat = this.natGateways[natCount === 1 ? 0 : i];
      if (nat) new Route(this, `private-default-${i}`, { routeTableId: rt.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: nat.id });
      new RouteTableAssociation(this, `private-rta-${i}`, { subnetId: subnet.id, routeTableId: rt.id });
      return subnet;
    });

    this.vpcId = vpc.id;
    this.publicSubnetIds = publicSubnets.map((s) => s.id);
    this.privateSubnetIds = privateSubnets.map((s) => s.id);
    this.flowLog = this.logFlows(props);
  }

  private logFlows(props: NetworkProps): FlowLog | undefined {
    if (!props.flowLogs) return undefined;
    return new FlowLog(this, "flow-log", {
      vpcId: this.vpcId,
      trafficType: props.flowLogs.trafficType,
      logDestinationType: "s3",
      logDestination: props.flowLogs.destinationArn,
      maxAggregationInterval: 600,
      tags: { Name: props.names.flowLog },
      ...(props.flowLogs.dependsOn ? { dependsOn: props.flowLogs.dependsOn } : {}),
    });
  }
}
