/**
 * The pipeline roles' explicit Deny statements hold whatever else a role is granted: each role's
 * policies plus an Allow of everything (a later edit that grants too much), judged request by
 * request by the simulator. What each Deny keeps out is written here from the design (README,
 * "What each role may do"), with a request beside it that no Deny covers and that the Allow of
 * everything therefore gets, so that a Deny grown too wide fails as well as one gone.
 */
import type { PolicyDocument } from "../../lib/policies/document";
import { appRolePolicy, buildVpcPolicy } from "../../lib/policies/roles";
import { ACCOUNT, BUILD_VPC, SimulatedPrincipal, pipelineRole, roleContext, type ContextValues, type PipelineRoleKind } from "./simulate";

const ALLOW_ALL: PolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };
const REGION = "ap-southeast-2";
const arn = (service: string, resource: string) => `arn:aws:${service}:${REGION}:${ACCOUNT}:${resource}`;
const elb = (resource: string) => arn("elasticloadbalancing", resource);
const ec2 = (resource: string) => arn("ec2", resource);
const iamRole = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
const BOUNDARY = `arn:aws:iam::${ACCOUNT}:policy/lanes-task-boundary-dev`;

type Row = readonly [action: string, resource: string, context?: ContextValues];

/** A role's policies with everything allowed besides. */
function overGranted(kind: PipelineRoleKind, service = "user-api"): SimulatedPrincipal {
  const role = pipelineRole(kind, { service });
  return new SimulatedPrincipal(role.principalArn, [...role.policies, { name: "allow-all", document: ALLOW_ALL }]);
}

async function decisions(p: SimulatedPrincipal, rows: readonly Row[]): Promise<string[]> {
  const out: string[] = [];
  for (const [action, resource, context] of rows) out.push(`${action} ${resource}: ${await p.decision({ action, resource, ...(context ? { context } : {}) })}`);
  return out;
}
const expectAll = async (p: SimulatedPrincipal, rows: readonly Row[], decision: "ExplicitlyDenied" | "Allowed") =>
  expect(await decisions(p, rows)).toEqual(rows.map(([action, resource]) => `${action} ${resource}: ${decision}`));

const ALB = elb("loadbalancer/app/user-api-dev-alb/50dc6c495c0c9188");
const LISTENER = elb("listener/app/user-api-dev-alb/50dc6c495c0c9188/f2f7dc8efc522ab2");
const DEFAULT_TG = elb("targetgroup/user-api-dev-default-tg/73e2d6bc24d8a067");
const GRAY_TG = elb("targetgroup/user-api-dev-gray-tg/73e2d6bc24d8a067");

describe("app: the service's access layer, its default target group and the network stay out of reach", () => {
  const denied: Row[] = [
    ["elasticloadbalancing:CreateLoadBalancer", ALB],
    ["elasticloadbalancing:DeleteLoadBalancer", ALB],
    ["elasticloadbalancing:ModifyLoadBalancerAttributes", ALB],
    ["elasticloadbalancing:SetSecurityGroups", ALB],
    ["elasticloadbalancing:SetSubnets", ALB],
    ["elasticloadbalancing:CreateListener", ALB],
    ["elasticloadbalancing:DeleteListener", LISTENER],
    ["elasticloadbalancing:ModifyListener", LISTENER],
    ["elasticloadbalancing:DeleteTargetGroup", DEFAULT_TG],
    ["elasticloadbalancing:ModifyTargetGroup", DEFAULT_TG],
    ["elasticloadbalancing:ModifyTargetGroupAttributes", DEFAULT_TG],
    ["elasticloadbalancing:AddTags", DEFAULT_TG],
    ["elasticloadbalancing:RemoveTags", DEFAULT_TG],
    ["ec2:CreateSecurityGroup", ec2("security-group/*")],
    ["ec2:DeleteSubnet", ec2("subnet/subnet-0a1b2c3d4e5f67890")],
    ["ec2:ModifyVpcAttribute", ec2("vpc/vpc-0a1b2c3d4e5f67890")],
    ["ec2:AuthorizeSecurityGroupIngress", ec2("security-group/sg-0a1b2c3d4e5f67890")],
    ["ec2:RevokeSecurityGroupEgress", ec2("security-group/sg-0a1b2c3d4e5f67890")],
    ["ec2:ReplaceRoute", ec2("route-table/rtb-0a1b2c3d4e5f67890")],
    ["ec2:AssociateRouteTable", ec2("route-table/rtb-0a1b2c3d4e5f67890")],
    ["ec2:DisassociateAddress", ec2("elastic-ip/eipalloc-0a1b2c3d4e5f67890")],
    ["ec2:AttachInternetGateway", ec2("internet-gateway/igw-0a1b2c3d4e5f67890")],
    ["ec2:DetachNetworkInterface", ec2("network-interface/eni-0a1b2c3d4e5f67890")],
  ];
  const notDenied: Row[] = [
    ["elasticloadbalancing:DeleteTargetGroup", GRAY_TG],
    ["elasticloadbalancing:AddTags", GRAY_TG],
    ["elasticloadbalancing:CreateRule", LISTENER],
    ["ec2:DescribeVpcs", "*"],
    ["ec2:RunInstances", ec2("instance/*")],
  ];
  test("denied even with everything else allowed", async () => expectAll(overGranted("app"), denied, "ExplicitlyDenied"));
  test("the lane's own target group, its rule and EC2 reads are not what the Denies cover", async () => expectAll(overGranted("app"), notDenied, "Allowed"));
});

describe("app, the build in the VPC (an internal ALB): the EC2 Deny leaves out only the build's network interfaces, its subnets and its security group", () => {
  const vpc = BUILD_VPC;
  const principal = () => {
    const c = roleContext("app", { service: "order-api" });
    return new SimulatedPrincipal(iamRole("order-api-dev-codebuild"), [
      { name: "app", document: appRolePolicy(c, "order-api", vpc) },
      { name: "vpc", document: buildVpcPolicy(c, vpc) },
      { name: "allow-all", document: ALLOW_ALL },
    ]);
  };
  test("denied: another security group, the VPC, routes", async () =>
    expectAll(
      principal(),
      [
        ["ec2:AuthorizeSecurityGroupIngress", ec2("security-group/sg-0fffffffffffffff0")],
        ["ec2:ModifyVpcAttribute", ec2("vpc/vpc-0a1b2c3d4e5f67890")],
        ["ec2:CreateRoute", ec2("route-table/rtb-0a1b2c3d4e5f67890")],
      ],
      "ExplicitlyDenied",
    ));
  test("not denied: the build's network interfaces, in its subnets, with its security group", async () =>
    expectAll(
      principal(),
      [
        ["ec2:CreateNetworkInterface", ec2("network-interface/*")],
        ["ec2:CreateNetworkInterface", ec2("subnet/subnet-0a1b2c3d4e5f67890")],
        ["ec2:CreateNetworkInterface", ec2("security-group/sg-0b1b2c3d4e5f67890")],
        ["ec2:DeleteNetworkInterface", ec2("network-interface/eni-0a1b2c3d4e5f67890")],
      ],
      "Allowed",
    ));
});

describe("bootstrap: the env's network, boundaries, and roles without the env's boundary stay out of reach", () => {
  test("denied even with everything else allowed", async () =>
    expectAll(
      overGranted("bootstrap"),
      [
        ["ec2:CreateVpc", ec2("vpc/*")],
        ["ec2:DeleteSubnet", ec2("subnet/subnet-0a1b2c3d4e5f67890")],
        ["ec2:CreateRoute", ec2("route-table/rtb-0a1b2c3d4e5f67890")],
        ["ec2:AttachInternetGateway", ec2("internet-gateway/igw-0a1b2c3d4e5f67890")],
        ["ec2:AllocateAddress", ec2("elastic-ip/*")],
        ["iam:DeleteRolePermissionsBoundary", iamRole("user-api-dev-task")],
        ["iam:CreateRole", iamRole("user-api-dev-task"), { "iam:PermissionsBoundary": "arn:aws:iam::aws:policy/AdministratorAccess" }],
        ["iam:PutRolePermissionsBoundary", iamRole("user-api-dev-task"), { "iam:PermissionsBoundary": `arn:aws:iam::${ACCOUNT}:policy/lanes-task-boundary-prod` }],
      ],
      "ExplicitlyDenied",
    ));
  test("not denied: security groups, and roles with the env's boundary", async () =>
    expectAll(
      overGranted("bootstrap"),
      [
        ["ec2:CreateSecurityGroup", ec2("security-group/*")],
        ["iam:CreateRole", iamRole("user-api-dev-task"), { "iam:PermissionsBoundary": BOUNDARY }],
        ["iam:PutRolePermissionsBoundary", iamRole("user-api-dev-task"), { "iam:PermissionsBoundary": BOUNDARY }],
      ],
      "Allowed",
    ));
});

describe("infra: the access layer and the lanes stay out of reach", () => {
  test("denied even with everything else allowed", async () =>
    expectAll(
      overGranted("infra"),
      [
        ["elasticloadbalancing:CreateLoadBalancer", ALB],
        ["elasticloadbalancing:DeleteListener", LISTENER],
        ["elasticloadbalancing:ModifyRule", elb("listener-rule/app/user-api-dev-alb/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee")],
        ["ecs:CreateService", arn("ecs", "service/dev-cluster/user-api-dev-gray")],
        ["ecs:UpdateService", arn("ecs", "service/dev-cluster/user-api-dev-gray")],
        ["ecs:DeleteService", arn("ecs", "service/dev-cluster/user-api-dev-gray")],
      ],
      "ExplicitlyDenied",
    ));
  test("not denied: the cluster and ELB reads", async () =>
    expectAll(
      overGranted("infra"),
      [
        ["ecs:CreateCluster", arn("ecs", "cluster/dev-cluster")],
        ["elasticloadbalancing:DescribeLoadBalancers", "*"],
      ],
      "Allowed",
    ));
});

describe("gc: the default lanes and the shared layer stay out of reach", () => {
  const tagged = (lane: string): ContextValues => ({ "aws:ResourceTag/lane": lane, "aws:ResourceTag/env": "dev", "aws:ResourceTag/managed-by": "lanes" });
  const service = arn("ecs", "service/dev-cluster/user-api-dev-default");
  const alarm = (lane: string) => arn("cloudwatch", `alarm:TargetTracking-service/dev-cluster/user-api-dev-${lane}-AlarmHigh-0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0`);
  test("denied even with everything else allowed", async () =>
    expectAll(
      overGranted("gc"),
      [
        ["ecs:DeleteService", service, tagged("default")],
        ["ecs:UpdateService", service, tagged("shared")],
        ["elasticloadbalancing:DeleteTargetGroup", DEFAULT_TG, tagged("default")],
        ["elasticloadbalancing:DeleteRule", elb("listener-rule/app/user-api-dev-alb/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee"), tagged("shared")],
        ["application-autoscaling:DeregisterScalableTarget", arn("application-autoscaling", "scalable-target/0123456789abcdef0123456789abcdef"), tagged("default")],
        ["cloudwatch:DeleteAlarms", arn("cloudwatch", "alarm:user-api-dev-default-running-below-desired"), tagged("default")],
        ["cloudwatch:DeleteAlarms", alarm("default")],
        ["cloudwatch:PutMetricAlarm", alarm("default")],
      ],
      "ExplicitlyDenied",
    ));
  test("not denied: a lane's resources and its target-tracking alarms", async () =>
    expectAll(
      overGranted("gc"),
      [
        ["ecs:DeleteService", arn("ecs", "service/dev-cluster/user-api-dev-gray"), tagged("gray")],
        ["elasticloadbalancing:DeleteTargetGroup", GRAY_TG, tagged("gray")],
        ["cloudwatch:DeleteAlarms", alarm("gray")],
      ],
      "Allowed",
    ));
});
