import type { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Construct } from "constructs";
import { openEgressSecurityGroup } from "./open-egress-security-group";

export interface TaskSecurityGroupProps {
  readonly name: string;
  readonly vpcId: string;
  readonly containerPort: number;
  /** The ALB's security group: the only source admitted, on the container port. None: no ingress. */
  readonly albSecurityGroupId?: string;
}

/**
 * Security group of the service's tasks, shared by its lanes. Ingress: only the ALB, only on
 * the container port (and the ALB may send only there). Egress: anywhere (image pulls, APIs).
 */
export class TaskSecurityGroup extends Construct {
  readonly securityGroup: SecurityGroup;

  constructor(scope: Construct, id: string, props: TaskSecurityGroupProps) {
    super(scope, id);
    this.securityGroup = openEgressSecurityGroup(this, { name: props.name, description: "ECS tasks: ingress from the service ALB only", vpcId: props.vpcId });
    if (props.albSecurityGroupId) {
      new VpcSecurityGroupIngressRule(this, "from-alb", {
        securityGroupId: this.securityGroup.id,
        description: "from the service ALB",
        ipProtocol: "tcp",
        fromPort: props.containerPort,
        toPort: props.containerPort,
        referencedSecurityGroupId: props.albSecurityGroupId,
      });
      new VpcSecurityGroupEgressRule(this, "alb-to-tasks", {
        securityGroupId: props.albSecurityGroupId,
        description: "to the service tasks",
        ipProtocol: "tcp",
        fromPort: props.containerPort,
        toPort: props.containerPort,
        referencedSecurityGroupId: this.securityGroup.id,
      });
    }
  }
}
