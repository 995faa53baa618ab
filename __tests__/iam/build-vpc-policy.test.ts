/**
 * The build in the VPC (an internal ALB: the app pipeline's CodeBuild runs in the env's private
 * subnets), its managed policy alone: what the AWS CodeBuild User Guide lists for a VPC build
 * ("Allow CodeBuild access to AWS services to create a VPC network interface"), each call in the
 * env's VPC allowed and the same call elsewhere refused.
 */
import { buildVpcPolicy } from "../../lib/policies/roles";
import { ACCOUNT, BUILD_VPC, REGION, SimulatedPrincipal, expectDecisions, roleContext, type ContextValues, type DecisionRow } from "./simulate";

const ec2 = (resource: string) => `arn:aws:ec2:${REGION}:${ACCOUNT}:${resource}`;
const { vpcId: VPC, securityGroupId: SG } = BUILD_VPC;
const inVpc = (vpc: string): ContextValues => ({ "ec2:Vpc": ec2(`vpc/${vpc}`) });

const build = () =>
  new SimulatedPrincipal(`arn:aws:iam::${ACCOUNT}:role/order-api-dev-codebuild`, [
    { name: "vpc", document: buildVpcPolicy(roleContext("app", { service: "order-api" }), BUILD_VPC) },
  ]);

const rows: DecisionRow[] = [
  ["ec2:CreateNetworkInterface", ec2("network-interface/*"), inVpc(VPC), "Allowed"],
  ["ec2:CreateNetworkInterface", ec2("subnet/subnet-0a1b2c3d4e5f67890"), inVpc(VPC), "Allowed"],
  ["ec2:CreateNetworkInterface", ec2(`security-group/${SG}`), inVpc(VPC), "Allowed"],
  ["ec2:CreateNetworkInterface", ec2("network-interface/*"), inVpc("vpc-0fffffffffffffff0"), "ImplicitlyDenied"],
  ["ec2:CreateNetworkInterface", ec2("security-group/sg-0fffffffffffffff0"), inVpc(VPC), "ExplicitlyDenied"],
  ["ec2:CreateNetworkInterfacePermission", ec2("network-interface/eni-0a1b2c3d4e5f67890"), { ...inVpc(VPC), "ec2:AuthorizedService": "codebuild.amazonaws.com" }, "Allowed"],
  ["ec2:CreateNetworkInterfacePermission", ec2("network-interface/eni-0a1b2c3d4e5f67890"), { ...inVpc(VPC), "ec2:AuthorizedService": "lambda.amazonaws.com" }, "ImplicitlyDenied"],
  ["ec2:CreateNetworkInterfacePermission", ec2("network-interface/eni-0a1b2c3d4e5f67890"), { ...inVpc("vpc-0fffffffffffffff0"), "ec2:AuthorizedService": "codebuild.amazonaws.com" }, "ImplicitlyDenied"],
  ["ec2:DeleteNetworkInterface", ec2("network-interface/eni-0a1b2c3d4e5f67890"), inVpc(VPC), "Allowed"],
  ["ec2:DeleteNetworkInterface", ec2("network-interface/eni-0a1b2c3d4e5f67890"), inVpc("vpc-0fffffffffffffff0"), "ImplicitlyDenied"],
  ["ec2:DescribeDhcpOptions", "*", undefined, "Allowed"],
  ["ec2:DescribeNetworkInterfaces", "*", undefined, "Allowed"],
  ["ec2:DescribeSubnets", "*", undefined, "Allowed"],
  ["ec2:DescribeSecurityGroups", "*", undefined, "Allowed"],
  ["ec2:DescribeVpcs", "*", undefined, "Allowed"],
];

test("network interfaces in the env's VPC with the build's security group, and the reads CodeBuild makes; nothing elsewhere", async () => {
  await expectDecisions(build(), rows);
});
