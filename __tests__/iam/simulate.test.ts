/** The simulator adapter itself: policy extraction from the synthesized JSON, and the simulator's validation. */
import { synthState } from "../helpers/stacks";
import { stackResolver } from "./resource-policy";
import { ACCOUNT, SimulatedPrincipal, SimulationInputError, directRolePolicies, pipelineRole, renderPolicyDocumentData, rolePolicies, synthesizedPipeline, type NamedPolicy } from "./simulate";

const elb = (resource: string) => `arn:aws:elasticloadbalancing:ap-southeast-2:${ACCOUNT}:${resource}`;
const LISTENER = elb("listener/app/user-api-dev-alb/50dc6c495c0c9188/f2f7dc8efc522ab2");
const ALB = elb("loadbalancer/app/user-api-dev-alb/50dc6c495c0c9188");

describe("policy extraction from the synthesized pipeline stack", () => {
  test("finds the CodeBuild role's managed policies through their attachments and resolves their references", () => {
    const s = synthesizedPipeline("app");
    const policies = rolePolicies(s, "user-api-dev-codebuild");
    expect(policies.map((p) => p.name)).toEqual(["user-api-dev-codebuild-deploy-1", "user-api-dev-codebuild-deploy-2"]);
    const text = JSON.stringify(policies.map((p) => p.document));
    expect(text).not.toContain("${");
    expect(text).toContain(`arn:aws:s3:::lanes-example-tfstate-dev/app/dev/user-api/*`);
  });

  test("an attachment of a policy the stack does not define (e.g. an AWS managed one) stops the test", () => {
    const s = synthesizedPipeline("app");
    const [id, attachment] = s.resources("aws_iam_role_policy_attachment")[0]!;
    const patched = Object.create(s) as typeof s;
    patched.resources = (type: string) =>
      type === "aws_iam_role_policy_attachment" ? [[id, { ...attachment, policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" }]] : s.resources(type);
    expect(() => rolePolicies(patched, "user-api-dev-codebuild")).toThrow(`role user-api-dev-codebuild: attachment ${id} attaches arn:aws:iam::aws:policy/AdministratorAccess, which this adapter does not model`);
  });

  test("a role without inline policies, or an unknown role, is an error (never an empty allow-nothing principal)", () => {
    const s = synthesizedPipeline("app");
    expect(() => rolePolicies(s, "no-such-role")).toThrow(/expected one aws_iam_role named no-such-role/);
  });

  test("renders aws_iam_policy_document data sources (the state bucket's TLS-only policy)", () => {
    const s = synthState();
    const [, block] = s.data("aws_iam_policy_document")[0]!;
    expect(renderPolicyDocumentData(block, stackResolver(s), "tls-only")).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "DenyInsecureTransport",
          Effect: "Deny",
          Action: ["s3:*"],
          Resource: ["arn:aws:s3:::lanes-example-tfstate-dev", "arn:aws:s3:::lanes-example-tfstate-dev/*"],
          Principal: "*",
          Condition: { Bool: { "aws:SecureTransport": ["false"] } },
        },
      ],
    });
  });
});

describe("the simulator checks requests against the Service Authorization Reference", () => {
  const p = new SimulatedPrincipal(`arn:aws:iam::${ACCOUNT}:role/test`, [
    {
      name: "test",
      document: {
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Action: ["elasticloadbalancing:CreateListener"], Resource: ["*"] },
          {
            Effect: "Allow",
            Action: ["application-autoscaling:TagResource"],
            Resource: ["*"],
            Condition: { StringEquals: { "application-autoscaling:service-namespace": "ecs" } },
          },
        ],
      },
    },
  ]);

  test("CreateListener is authorized on the load balancer; a listener ARN is none of its resource types", async () => {
    expect(await p.decision({ action: "elasticloadbalancing:CreateListener", resource: ALB })).toBe("Allowed");
    await expect(p.check({ action: "elasticloadbalancing:CreateListener", resource: LISTENER })).rejects.toThrow(SimulationInputError);
  });

  test("a condition key the action never carries is dropped, so the condition never matches", async () => {
    const target = `arn:aws:application-autoscaling:ap-southeast-2:${ACCOUNT}:scalable-target/0123456789abcdef0123456789abcdef`;
    const result = await p.check({ action: "application-autoscaling:TagResource", resource: target, context: { "application-autoscaling:service-namespace": "ecs" } });
    expect(result).toEqual(expect.objectContaining({ decision: "ImplicitlyDenied", ignoredContextKeys: ["application-autoscaling:service-namespace"] }));
  });

  test("unknown actions are errors", async () => {
    await expect(p.check({ action: "ecs:NoSuchAction", resource: "*" })).rejects.toThrow(/invalid.action/);
  });
});

test("pipelineRole wires a synthesized role into the simulator", async () => {
  const role = pipelineRole("infra");
  expect(role.principalArn).toBe(`arn:aws:iam::${ACCOUNT}:role/infra-dev-codebuild`);
  expect(await role.decision({ action: "sts:GetCallerIdentity", resource: "*" })).toBe("Allowed");
});

describe("the role functions called directly (LANES_PIPELINE_ROLES=direct, the mutation run's pipelineRole) give the synthesized role's policies", () => {
  const pipelines = [["infra", "user-api"], ["bootstrap", "user-api"], ["gc", "user-api"], ["app", "user-api"], ["app", "order-worker"], ["app", "web-bff"]] as const;

  /** Every statement of a role's policies, in one order: packing puts them into policies by size, and the synthesized ARNs are longer (they hold references) than the test account's. */
  const statements = (policies: readonly NamedPolicy[]) => policies.flatMap((p) => [p.document.Statement].flat().map((st) => JSON.stringify(st))).sort();

  test.each(pipelines)("%s (%s): the same statements, in managed policies named alike", (kind, service) => {
    const roleName = kind === "app" ? `${service}-dev-codebuild` : `${kind}-dev-codebuild`;
    const synthesized = rolePolicies(synthesizedPipeline(kind, { service }), roleName);
    const direct = directRolePolicies(kind, { service })!;
    expect(statements(synthesized).length).toBeGreaterThan(10);
    expect(statements(direct)).toEqual(statements(synthesized));
    expect(direct.map((p) => p.name)).toEqual(synthesized.slice(0, direct.length).map((p) => p.name));
  });

  test("a build in the VPC (order-api, internal ALB) has none: its policy reads the VPC from remote state", () => {
    expect(directRolePolicies("app", { service: "order-api" })).toBeUndefined();
  });

  test("with LANES_PIPELINE_ROLES=direct, pipelineRole takes them without a synth (but for a build in the VPC)", () => {
    const saved = process.env.LANES_PIPELINE_ROLES;
    process.env.LANES_PIPELINE_ROLES = "direct";
    try {
      jest.isolateModules(() => {
        jest.doMock("../helpers/stacks", () => ({
          synthPipeline: (kind: string) => {
            throw new Error(`synthesized ${kind}`);
          },
        }));
        const isolated = require("./simulate") as typeof import("./simulate");
        expect(isolated.pipelineRole("gc").policies).toEqual(directRolePolicies("gc"));
        expect(isolated.pipelineRole("app", { service: "order-worker" }).principalArn).toBe(`arn:aws:iam::${ACCOUNT}:role/order-worker-dev-codebuild`);
        expect(() => isolated.pipelineRole("app", { service: "order-api" })).toThrow("synthesized app");
      });
    } finally {
      if (saved === undefined) delete process.env.LANES_PIPELINE_ROLES;
      else process.env.LANES_PIPELINE_ROLES = saved;
      jest.dontMock("../helpers/stacks");
    }
  });
});

describe("ELBv2 tagging (iam-data has only the Classic ELB entry for AddTags/RemoveTags)", () => {
  const tg = elb("targetgroup/user-api-dev-gray-tg/73e2d6bc24d8a067");
  const p = new SimulatedPrincipal(`arn:aws:iam::${ACCOUNT}:role/test`, [
    {
      name: "test",
      document: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: ["elasticloadbalancing:AddTags"],
            Resource: [elb("targetgroup/user-api-dev-*")],
            Condition: { StringEquals: { "elasticloadbalancing:CreateAction": "CreateTargetGroup" } },
          },
        ],
      },
    },
  ]);

  test("AddTags on a target group is evaluated, with its condition keys", async () => {
    expect(await p.decision({ action: "elasticloadbalancing:AddTags", resource: tg, context: { "elasticloadbalancing:CreateAction": "CreateTargetGroup" } })).toBe("Allowed");
    expect(await p.decision({ action: "elasticloadbalancing:AddTags", resource: tg })).toBe("ImplicitlyDenied");
    expect(await p.decision({ action: "elasticloadbalancing:AddTags", resource: elb("targetgroup/billing-dev-gray-tg/73e2d6bc24d8a067"), context: { "elasticloadbalancing:CreateAction": "CreateTargetGroup" } })).toBe(
      "ImplicitlyDenied",
    );
  });

  test("keys AddTags never carries are dropped", async () => {
    const r = await p.check({ action: "elasticloadbalancing:AddTags", resource: tg, context: { "elasticloadbalancing:CreateAction": "CreateTargetGroup", "ecs:CreateAction": "x" } });
    expect(r.ignoredContextKeys).toEqual(["ecs:CreateAction"]);
  });
});
