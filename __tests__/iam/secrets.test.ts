/**
 * Container secrets (issue 16, point 3): params hold references; the lane's task definition gets
 * them as `secrets`; the service's execution role may read exactly those (and decrypt with their
 * key, through SSM / Secrets Manager only) — judged by the IAM simulator on the synthesized boot
 * stack's policy, with the env's permissions boundary; nothing secret in env, outputs or state.
 */
import { InfraOutputs } from "../../lib/contract";
import { taskRoleBoundaryPolicy } from "../../lib/policies/roles";
import { serviceNames } from "../../lib/naming";
import { ParamsError } from "../../lib/params/errors";
import { ACCOUNT, PARTITION, REGION, SimulatedPrincipal, rolePolicies, type ReferenceResolver } from "./simulate";
import { TempParams, exampleFile, type Json } from "../helpers/project";
import { synthBoot, synthLane } from "../helpers/stacks";

const DB_KEY = "arn:aws:kms:ap-southeast-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const API_SECRET = "arn:aws:secretsmanager:ap-southeast-2:123456789012:secret:dev/user-api/payments-AbCdEf";
const GRAY_SECRET = "/dev/user-api/gray-feature-token";

function withSecrets(edit: (json: Json) => void = () => undefined): TempParams {
  return new TempParams({
    "user-api-dev.json": exampleFile("user-api-dev.json", (j) => {
      const container = j.container as Json;
      container.secrets = {
        DB_PASSWORD: { from: "/dev/user-api/db-password", kmsKeyArn: DB_KEY },
        PAYMENTS_API_KEY: `${API_SECRET}:apiKey::`,
      };
      ((j.lanes as Json).gray as Json).secrets = { FEATURE_TOKEN: GRAY_SECRET };
      edit(j);
    }),
  });
}

/** The boot stack's references: the account infra reports, the partition. */
const bootResolver: ReferenceResolver = (expression) => {
  if (new RegExp(`^data\\.terraform_remote_state\\.[^.]+\\.outputs\\.${InfraOutputs.accountId.name}$`).test(expression)) return ACCOUNT;
  if (/^data\.aws_partition\.[^.]+\.partition$/.test(expression)) return PARTITION;
  return undefined;
};

const ssmArn = (name: string) => `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter${name}`;

describe("the execution role reads exactly the service's secrets", () => {
  let params: TempParams;
  let role: SimulatedPrincipal;
  const boundary = [{ name: "boundary", document: taskRoleBoundaryPolicy({ partition: PARTITION, account: ACCOUNT, region: REGION, env: "dev" }) }];

  beforeAll(() => {
    params = withSecrets();
    const s = synthBoot("user-api", "dev", params.repo());
    const roleName = serviceNames("user-api", "dev").taskExecutionRole.name;
    // The AWS managed AmazonECSTaskExecutionRolePolicy (ECR pull, logs) is attached beside: it grants no ssm/secretsmanager/kms.
    role = new SimulatedPrincipal(`arn:aws:iam::${ACCOUNT}:role/${roleName}`, rolePolicies(s, roleName, bootResolver, { ignoreForeignAttachments: true }), boundary);
  });
  afterAll(() => params.cleanup());

  test.each([
    ["the service's SSM parameter", "ssm:GetParameters", ssmArn("/dev/user-api/db-password")],
    ["the gray lane's SSM parameter", "ssm:GetParameters", ssmArn(GRAY_SECRET)],
    ["the Secrets Manager secret (the JSON key suffix is not part of the resource)", "secretsmanager:GetSecretValue", API_SECRET],
  ])("allowed: %s", async (_what, action, resource) => {
    expect(await role.decision({ action, resource })).toBe("Allowed");
  });

  test.each([
    ["another parameter of the same service", "ssm:GetParameters", ssmArn("/dev/user-api/other")],
    ["another env's parameter", "ssm:GetParameters", ssmArn("/prod/user-api/db-password")],
    ["another secret", "secretsmanager:GetSecretValue", "arn:aws:secretsmanager:ap-southeast-2:123456789012:secret:dev/order-worker/db-XyZ123"],
    ["writing the parameter", "ssm:PutParameter", ssmArn("/dev/user-api/db-password")],
  ])("denied: %s", async (_what, action, resource) => {
    expect(await role.decision({ action, resource })).toBe("ImplicitlyDenied");
  });

  test("decrypts with the given key only through SSM or Secrets Manager, and no other key", async () => {
    // KMS needs the key policy to delegate to IAM: the default key policy (AWS KMS developer guide, "Default key policy").
    const resourcePolicy = { Version: "2012-10-17", Statement: [{ Sid: "Enable IAM User Permissions", Effect: "Allow" as const, Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" }] };
    const decrypt = (key: string, via?: string) => role.decision({ action: "kms:Decrypt", resource: key, resourcePolicy, ...(via ? { context: { "kms:ViaService": via } } : {}) });
    expect(await decrypt(DB_KEY, `ssm.${REGION}.amazonaws.com`)).toBe("Allowed");
    expect(await decrypt(DB_KEY, `secretsmanager.${REGION}.amazonaws.com`)).toBe("Allowed");
    expect(await decrypt(DB_KEY, `s3.${REGION}.amazonaws.com`)).toBe("ImplicitlyDenied");
    expect(await decrypt(DB_KEY)).toBe("ImplicitlyDenied");
    expect(await decrypt("arn:aws:kms:ap-southeast-2:123456789012:key/99999999-12ab-34cd-56ef-1234567890ab", `ssm.${REGION}.amazonaws.com`)).toBe("ImplicitlyDenied");
  });

  test("the env's boundary caps any policy at the env's secrets", async () => {
    const wide = new SimulatedPrincipal(`arn:aws:iam::${ACCOUNT}:role/wide`, [{ name: "wide", document: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["ssm:GetParameters", "secretsmanager:GetSecretValue"], Resource: ["*"] }] } }], boundary);
    expect(await wide.decision({ action: "ssm:GetParameters", resource: ssmArn("/dev/x/y") })).toBe("Allowed");
    expect(await wide.decision({ action: "ssm:GetParameters", resource: ssmArn("/prod/x/y") })).toBe("ImplicitlyDenied");
    expect(await wide.decision({ action: "secretsmanager:GetSecretValue", resource: "arn:aws:secretsmanager:ap-southeast-2:123456789012:secret:prod/x-AbCdEf" })).toBe("ImplicitlyDenied");
  });
});

test("a service without secrets (order-worker) gives its execution role no secret policy", () => {
  const s = synthBoot("order-worker");
  expect(s.resources("aws_iam_role_policy").filter(([, c]) => c.name === "read-secrets")).toEqual([]);
});

describe("the lane's container gets the references, never values", () => {
  let params: TempParams;
  beforeAll(() => (params = withSecrets()));
  afterAll(() => params.cleanup());

  test("gray: the service's secrets and its own, as valueFrom references; default: the service's", () => {
    const containerOf = (lane: string) => JSON.parse(String(synthLane(lane, { params: params.repo() }).only("aws_ecs_task_definition").container_definitions))[0] as Json;
    expect(containerOf("gray").secrets).toEqual([
      { name: "DB_PASSWORD", valueFrom: "/dev/user-api/db-password" },
      { name: "FEATURE_TOKEN", valueFrom: "/dev/user-api/gray-feature-token" },
      { name: "PAYMENTS_API_KEY", valueFrom: `${API_SECRET}:apiKey::` },
    ]);
    expect(containerOf("default").secrets).toEqual([
      { name: "DB_PASSWORD", valueFrom: "/dev/user-api/db-password" },
      { name: "PAYMENTS_API_KEY", valueFrom: `${API_SECRET}:apiKey::` },
    ]);
    const env = (containerOf("gray").environment as { name: string }[]).map((e) => e.name);
    expect(env).not.toContain("DB_PASSWORD");
  });

  test("no output of the lane names a secret", () => {
    const outputs = JSON.stringify(synthLane("gray", { params: params.repo() }).outputs());
    for (const text of ["db-password", "gray-feature-token", "payments", "DB_PASSWORD"]) expect(outputs).not.toContain(text);
  });
});

describe("refused in params, with the field and the fix", () => {
  const refused = (edit: (json: Json) => void): string => {
    const params = new TempParams({ "user-api-dev.json": exampleFile("user-api-dev.json", edit) });
    try {
      params.repo().service("user-api", "dev");
    } catch (err) {
      expect(err).toBeInstanceOf(ParamsError);
      return (err as Error).message;
    } finally {
      params.cleanup();
    }
    throw new Error("not refused");
  };

  test.each(["DB_PASSWORD", "CLIENT_SECRET", "github_token", "STRIPE_API_KEY"])("%s in container.env", (name) => {
    const message = refused((j) => ((j.container as Json).env = { [name]: "hunter2" }));
    expect(message).toContain("user-api-dev.json");
    expect(message).toContain(`container.env.${name}`);
    expect(message).toContain("container.secrets");
    expect(message).not.toContain("hunter2");
  });

  test("a secret-looking name in a lane's env", () => {
    const message = refused((j) => (((j.lanes as Json).gray as Json).env = { SESSION_SECRET: "x" }));
    expect(message).toContain("lanes.gray.env.SESSION_SECRET");
    expect(message).toContain("lanes.<lane>.secrets");
  });

  test("harmless names pass: KEYBOARD_LAYOUT, TOKENIZER is refused (contains TOKEN)", () => {
    const params = new TempParams({ "user-api-dev.json": exampleFile("user-api-dev.json", (j) => ((j.container as Json).env = { KEYBOARD_LAYOUT: "us", KEY_ID_HINT: "x" })) });
    try {
      expect(params.repo().service("user-api", "dev").lanes[0]!.environment.KEYBOARD_LAYOUT).toBe("us");
    } finally {
      params.cleanup();
    }
    expect(refused((j) => ((j.container as Json).env = { TOKENIZER: "x" }))).toContain("container.env.TOKENIZER");
  });

  test("a value instead of a reference, and a reference outside the env", () => {
    {
      const message = refused((j) => ((j.container as Json).secrets = { DB_PASSWORD: "hunter2" }));
      expect(message).toMatch(/container\.secrets\.DB_PASSWORD.*not shown.*SSM parameter name/);
      expect(message).not.toContain("hunter2");
    }
    expect(refused((j) => ((j.container as Json).secrets = { DB_PASSWORD: "/prod/user-api/db-password" }))).toContain(
      "field 'container.secrets.DB_PASSWORD' has bad value \"/prod/user-api/db-password\". Allowed: an SSM parameter under '/dev/'",
    );
    expect(refused((j) => ((j.container as Json).secrets = { X: "arn:aws:secretsmanager:ap-southeast-2:123456789012:secret:prod/db-AbCdEf" }))).toContain("starts with 'dev/'");
  });

  test("the same name in env and secrets", () => {
    expect(refused((j) => Object.assign(j.container as Json, { env: { DB_HOST: "h" }, secrets: { DB_HOST: "/dev/user-api/db-host" } }))).toContain("container.secrets.DB_HOST");
  });
});
