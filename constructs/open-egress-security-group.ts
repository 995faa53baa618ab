import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import type { Construct } from "constructs";

/**
 * A security group whose members may reach anywhere (image pulls, AWS APIs, the state bucket) and
 * that admits nothing until its owner adds ingress rules. Created as `sg` and `egress-all` in
 * `scope`, so the logical ids are those of the construct that calls it.
 */
export function openEgressSecurityGroup(scope: Construct, props: { readonly name: string; readonly description: string; readonly vpcId: string }): SecurityGroup {
  const securityGroup = new SecurityGroup(scope, "sg", { name: props.name, description: props.description, vpcId: props.vpcId, tags: { Name: props.name } });
  new VpcSecurityGroupEgressRule(scope, "egress-all", { securityGroupId: securityGroup.id, description: "outbound", ipProtocol: "-1", cidrIpv4: "0.0.0.0/0" });
  return securityGroup;
}
