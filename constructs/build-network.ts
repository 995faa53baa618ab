import type { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Construct } from "constructs";
import { openEgressSecurityGroup } from "./open-egress-security-group";

export interface BuildNetworkProps {
  /** lib/naming.ts pipelineNames(…).codebuildSecurityGroup. */
  readonly name: string;
  readonly vpcId: string;
  /** The service's internal ALB's security group (boot), which admits the build on its listener ports. */
  readonly albSecurityGroupId: string;
  readonly listenerPorts: readonly number[];
}

/**
 * The app pipeline's build inside the env's VPC, for a service whose ALB is internal: its own
 * security group (egress anywhere: the registry, the state bucket, AWS APIs), admitted by the
 * ALB's security group on the listener ports, so the verify step reaches the lane through the ALB.
 */
export class BuildNetwork extends Construct {
  readonly securityGroup: SecurityGroup;

  constructor(scope: Construct, id: string, props: BuildNetworkProps) {
    super(scope, id);
    this.securityGroup = openEgressSecurityGroup(this, { name: props.name, description: "CodeBuild of the app pipeline: reaches the service's internal ALB", vpcId: props.vpcId });
    for (const port of props.listenerPorts) {
      new VpcSecurityGroupIngressRule(this, `alb-from-build-${port}`, {
        securityGroupId: props.albSecurityGroupId,
        description: `from the app pipeline's build (verify), port ${port}`,
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        referencedSecurityGroupId: this.securityGroup.id,
      });
    }
  }
}
