import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Construct } from "constructs";

export interface CallPathProps {
  /** The caller, whose boot layer owns the rule. */
  readonly caller: string;
  /** The callee (params `calls`). */
  readonly callee: string;
  /** The callee's ALB security group (read from the callee's boot state). */
  readonly calleeAlbSecurityGroupId: string;
  /** The caller's task security group. */
  readonly callerSecurityGroupId: string;
  /** The callee's listener for callers (lib/routing.ts callListener). */
  readonly port: number;
  /**
   * A direct call too (params `discovery`): the callee's task security group admits the caller's
   * tasks on the callee's container port. @default through the ALB only
   */
  readonly direct?: { readonly calleeTaskSecurityGroupId: string; readonly containerPort: number };
}

/**
 * The network path of one declared call: the callee's ALB admits the caller's tasks on its
 * listener for callers, and nothing else of the caller. Owned by the caller's boot layer (one
 * rule per caller and callee, shared by the caller's lanes; a lane stack could not own it, as
 * every lane would add the same rule), so it exists exactly while the call is declared.
 */
export class CallPath extends Construct {
  readonly ingress: VpcSecurityGroupIngressRule;
  readonly directIngress?: VpcSecurityGroupIngressRule;

  constructor(scope: Construct, id: string, props: CallPathProps) {
    super(scope, id);
    this.ingress = new VpcSecurityGroupIngressRule(this, "ingress", {
      securityGroupId: props.calleeAlbSecurityGroupId,
      description: `${props.caller} tasks calling ${props.callee}`,
      ipProtocol: "tcp",
      fromPort: props.port,
      toPort: props.port,
      referencedSecurityGroupId: props.callerSecurityGroupId,
    });
    if (props.direct) {
      this.directIngress = new VpcSecurityGroupIngressRule(this, "direct", {
        securityGroupId: props.direct.calleeTaskSecurityGroupId,
        description: `${props.caller} tasks calling ${props.callee} tasks directly (Cloud Map)`,
        ipProtocol: "tcp",
        fromPort: props.direct.containerPort,
        toPort: props.direct.containerPort,
        referencedSecurityGroupId: props.callerSecurityGroupId,
      });
    }
  }
}
