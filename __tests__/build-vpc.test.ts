/**
 * A service with an internal ALB (boot `internal: true`): the app pipeline's CodeBuild project
 * runs in the env's VPC (private subnets from infra's state, its own security group admitted by
 * the ALB's from boot's state), so the verify step reaches the lane; its role may create the
 * build's network interfaces in that VPC and nothing else of EC2 (IAM simulator). Synth, the
 * layer's lower layers, and `terraform validate`.
 */
import { join } from "node:path";
import { rmSync } from "node:fs";
import { BootOutputs, InfraOutputs } from "../lib/contract";
import { lowerLayersOf } from "../lib/layers/registry";
import { pipelineNames } from "../lib/naming";
import type { PolicyDocument } from "../lib/policies/document";
import { packPolicy } from "../lib/policies/pack";
import { appRolePolicy, buildVpcPolicy } from "../lib/policies/roles";
import { ACCOUNT, SimulatedPrincipal, rolePolicies, testAccountResolver, type ReferenceResolver } from "./iam/simulate";
import { TempParams, exampleFile, type Json } from "./helpers/project";
import { synthPipeline } from "./helpers/stacks";
import { synthMain, terraformOrFail, validateStack } from "./helpers/terraform";
import "./helpers/slow";

const VPC = "vpc-0123456789abcdef0";
const BUILD_SG = "sg-0b0b0b0b0b0b0b0b0";
const REGION = "ap-southeast-2";
const vpcArn = (id: string) => `arn:aws:ec2:${REGION}:${ACCOUNT}:vpc/${id}`;

function internalParams(): TempParams {
  return new TempParams({
    "boot-dev.json": exampleFile("boot-dev.json", (j) => {
      const services = (j.services ?? {}) as Json;
      services["user-api"] = { ...((services["user-api"] as Json | undefined) ?? {}), internal: true };
      j.services = services;
    }),
    // An internal ALB is not a CloudFront origin here.
    "edge-dev.json": undefined,
  });
}

describe("the app pipeline of a service with an internal ALB", () => {
  let params: TempParams;
  beforeAll(() => (params = internalParams()));
  afterAll(() => params.cleanup());

  test("its CodeBuild project runs in the VPC: infra's VPC and private subnets, the build's own security group", () => {
    const s = synthPipeline("app", { params: params.repo() });
    const [sgId, sg] = s.resources("aws_security_group")[0]!;
    expect(sg.name).toBe("user-api-dev-codebuild");
    const infra = (name: string) => new RegExp(`^\\$\\{data\\.terraform_remote_state\\.infra_remote_[0-9A-F]+\\.outputs\\.${name}\\}$`);
    expect(String(sg.vpc_id)).toMatch(infra(InfraOutputs.vpcId.name));
    const vpcConfig = s.only("aws_codebuild_project").vpc_config as Json;
    expect(String(vpcConfig.vpc_id)).toMatch(infra(InfraOutputs.vpcId.name));
    expect(String(vpcConfig.subnets)).toMatch(infra(InfraOutputs.privateSubnetIds.name));
    expect(vpcConfig.security_group_ids).toEqual([`\${aws_security_group.${sgId}.id}`]);
  });

  test("the ALB's security group (boot) admits the build's on the listener port", () => {
    const s = synthPipeline("app", { params: params.repo() });
    const [sgId] = s.resources("aws_security_group")[0]!;
    const ingress = s.resources("aws_vpc_security_group_ingress_rule").map(([, c]) => c);
    expect(ingress).toHaveLength(1);
    expect(String(ingress[0]!.security_group_id)).toMatch(new RegExp(`^\\$\\{data\\.terraform_remote_state\\.boot_remote_[0-9A-F]+\\.outputs\\.${BootOutputs.albSecurityGroupId.name}\\}$`));
    expect(ingress[0]).toMatchObject({ ip_protocol: "tcp", from_port: 80, to_port: 80, referenced_security_group_id: `\${aws_security_group.${sgId}.id}` });
  });

  test("the pipeline layer reads infra and boot then, and nothing without an internal ALB", () => {
    const plan = { layer: "pipeline" as const, env: "dev", pipeline: "app" as const, service: "user-api" };
    expect(lowerLayersOf(plan, params.repo())).toEqual([
      { layer: "infra", env: "dev" },
      { layer: "boot", env: "dev", service: "user-api" },
    ]);
    const example = new TempParams();
    try {
      expect(lowerLayersOf(plan, example.repo())).toEqual([]);
      const s = synthPipeline("app", { params: example.repo() });
      expect(s.only("aws_codebuild_project").vpc_config).toBeUndefined();
      expect(s.resources("aws_security_group")).toEqual([]);
      expect(s.data("terraform_remote_state")).toEqual([]);
    } finally {
      example.cleanup();
    }
  });

  describe("its CodeBuild role (IAM simulator)", () => {
    let role: SimulatedPrincipal;
    beforeAll(() => {
      const s = synthPipeline("app", { params: params.repo() });
      const resolve: ReferenceResolver = (expression) => {
        if (new RegExp(`^data\\.terraform_remote_state\\.infra_remote_[0-9A-F]+\\.outputs\\.${InfraOutputs.vpcId.name}$`).test(expression)) return VPC;
        if (/^aws_security_group\.[^.]+\.id$/.test(expression)) return BUILD_SG;
        return testAccountResolver(expression);
      };
      const roleName = pipelineNames("dev", { kind: "app", service: "user-api" }).codebuildRole.name;
      // The app role's deploy policies and the VPC policy: managed policies of the stack, attached to the role.
      const policies = rolePolicies(s, roleName, resolve);
      expect(policies.map((p) => p.name)).toContain("user-api-dev-codebuild-vpc");
      role = new SimulatedPrincipal(`arn:aws:iam::${ACCOUNT}:role/${roleName}`, policies);
    });
    const eni = `arn:aws:ec2:${REGION}:${ACCOUNT}:network-interface/*`;
    const subnet = `arn:aws:ec2:${REGION}:${ACCOUNT}:subnet/subnet-0aaaaaaaaaaaaaaaa`;
    const buildSg = `arn:aws:ec2:${REGION}:${ACCOUNT}:security-group/${BUILD_SG}`;

    test("creates the build's network interfaces in the env's VPC, with its own security group", async () => {
      for (const resource of [eni, subnet, buildSg]) {
        expect([resource, await role.decision({ action: "ec2:CreateNetworkInterface", resource, context: { "ec2:Vpc": vpcArn(VPC) } })]).toEqual([resource, "Allowed"]);
      }
      expect(await role.decision({ action: "ec2:CreateNetworkInterfacePermission", resource: eni, context: { "ec2:Vpc": vpcArn(VPC), "ec2:AuthorizedService": "codebuild.amazonaws.com" } })).toBe("Allowed");
      expect(await role.decision({ action: "ec2:DeleteNetworkInterface", resource: eni, context: { "ec2:Vpc": vpcArn(VPC) } })).toBe("Allowed");
    });

    test("not in another VPC, not with another security group, not for another service", async () => {
      expect(await role.decision({ action: "ec2:CreateNetworkInterface", resource: subnet, context: { "ec2:Vpc": vpcArn("vpc-0fffffffffffffff0") } })).not.toBe("Allowed");
      const otherSg = `arn:aws:ec2:${REGION}:${ACCOUNT}:security-group/sg-0fffffffffffffff0`;
      expect(await role.decision({ action: "ec2:CreateNetworkInterface", resource: otherSg, context: { "ec2:Vpc": vpcArn(VPC) } })).toBe("ExplicitlyDenied");
      expect(await role.decision({ action: "ec2:CreateNetworkInterfacePermission", resource: eni, context: { "ec2:Vpc": vpcArn(VPC), "ec2:AuthorizedService": "lambda.amazonaws.com" } })).not.toBe("Allowed");
    });

    test("every other EC2 write stays denied", async () => {
      const sgOfAnother = `arn:aws:ec2:${REGION}:${ACCOUNT}:security-group/sg-0123456789abcdef0`;
      expect(await role.decision({ action: "ec2:AuthorizeSecurityGroupIngress", resource: sgOfAnother })).toBe("ExplicitlyDenied");
      expect(await role.decision({ action: "ec2:CreateSecurityGroup", resource: `arn:aws:ec2:${REGION}:${ACCOUNT}:vpc/${VPC}` })).toBe("ExplicitlyDenied");
      expect(await role.decision({ action: "ec2:AuthorizeSecurityGroupIngress", resource: buildSg })).not.toBe("Allowed");
    });
  });

  test("with the VPC the app role's policies still fit IAM's quotas in the worst case (40-character service, 10-character env, aws-us-gov): its packed managed policies and the VPC one each within 6,144 characters, at most 10 attached", () => {
    const env = "e".repeat(10);
    const service = "s".repeat(40);
    const doc = appRolePolicy(
      {
        partition: "aws-us-gov",
        region: REGION,
        account: ACCOUNT,
        project: `${service}-${env}-deploy`,
        buildLogGroup: `/aws/codebuild/${service}-${env}-deploy`,
        artifactBucketArn: `arn:aws-us-gov:s3:::${"a".repeat(63)}`,
        connectionArn: "arn:aws-us-gov:codeconnections:ap-southeast-2:123456789012:connection/3f2a9c1e-7b7d-4c1e-9d5a-2b8f0e6c4a11",
        env,
        state: { ...params.repo().infra("dev").state, bucket: "b".repeat(63), lockTable: "t".repeat(255), lock: "both" },
      },
      service,
      { vpcId: "vpc-0123456789abcdef0", securityGroupId: "sg-0123456789abcdef0" },
    );
    // IAM quotas: a managed policy's 6,144 characters (whitespace not counted), 10 managed policies attached to a role.
    const size = (d: PolicyDocument) => JSON.stringify(d).replace(/\s/g, "").length;
    const parts = packPolicy(doc, "the worst-case app role");
    const managed = buildVpcPolicy({ partition: "aws-us-gov", region: REGION, account: ACCOUNT }, { vpcId: "vpc-0123456789abcdef0", securityGroupId: "sg-0123456789abcdef0" });
    expect([...parts, managed].map(size).filter((n) => n > 6_144)).toEqual([]);
    expect(parts.length + 1).toBeLessThanOrEqual(10);
  });

  test("the stack passes terraform validate", async () => {
    const env = await terraformOrFail();
    const { outdir, stacks } = synthMain({ ENV: "dev", LAYER: "pipeline", PIPELINE: "app", SERVICE: "user-api" }, params.dir);
    try {
      expect(stacks).toEqual(["pipeline-user-api-dev"]);
      const result = await validateStack(join(outdir, "stacks", "pipeline-user-api-dev"), env);
      expect([result.ok, result.ok ? "" : result.output]).toEqual([true, ""]);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
