/**
 * The needs table's own functions (lib/policies/needs/index.ts, conventions.ts), on literal
 * inputs: which types a synthesized stack holds, which of them lack rows, the rows of a layer,
 * the role that deploys it, and the default tags each layer's stacks carry. iam/coverage.test.ts
 * applies them to the synthesized example system; here each is fed on purpose, without a synth.
 */
import { DEPLOYED_BY, LAYERS, LOCAL_TYPES, MANAGED_BY, NEEDS, missingNeeds, needsFor, stackTags, taskRoleBoundaryArn, typesOf } from "../../lib/policies/needs";

describe("typesOf: a synthesized stack's types in the table's notation", () => {
  test("resources by type, data sources as data.<type>, the backend as backend.<name>, sorted", () => {
    const stack = {
      terraform: { backend: { s3: { bucket: "b", key: "k" } }, required_providers: { aws: {} } },
      resource: { aws_lb_target_group: { tg: {} }, aws_ecs_service: { service: {}, other: {} } },
      data: { terraform_remote_state: { infra: {} }, aws_partition: { p: {} } },
      provider: { aws: [{}] },
      output: { x: {} },
    };
    expect(typesOf(stack)).toEqual(["aws_ecs_service", "aws_lb_target_group", "backend.s3", "data.aws_partition", "data.terraform_remote_state"]);
  });

  test("a stack without resources, data sources or backend has no types", () => {
    expect(typesOf({})).toEqual([]);
    expect(typesOf({ terraform: {} })).toEqual([]);
  });
});

describe("missingNeeds: types without rows for the layer", () => {
  test("a type the layer's rows know is not missing; one they do not know is, in the order given", () => {
    expect(missingNeeds("app", ["aws_ecs_service", "aws_sqs_queue_policy", "aws_lb_listener_rule", "data.aws_vpc"])).toEqual(["aws_sqs_queue_policy", "data.aws_vpc"]);
  });

  test("rows are per layer: the worker boot layer's queue is known to boot, not to app", () => {
    expect(missingNeeds("boot", ["aws_sqs_queue"])).toEqual([]);
    expect(missingNeeds("app", ["aws_sqs_queue"])).toEqual(["aws_sqs_queue"]);
  });

  test("the local-only types need no row in any layer", () => {
    expect(Object.keys(LOCAL_TYPES).sort()).toEqual(["data.aws_caller_identity", "data.aws_iam_policy_document", "data.aws_partition", "terraform_data"]);
    // Each says why it needs no permission: the table is where a reviewer finds the exception justified.
    expect(Object.entries(LOCAL_TYPES).filter(([, why]) => why.trim().length < 10)).toEqual([]);
    for (const layer of LAYERS) expect(missingNeeds(layer, Object.keys(LOCAL_TYPES))).toEqual([]);
  });
});

describe("the rows of a layer and who deploys it", () => {
  test("needsFor gives exactly the layer's rows of the table, in its order", () => {
    for (const layer of LAYERS) {
      const rows = needsFor(layer);
      expect(rows.length).toBeGreaterThan(10);
      expect(rows.every((n) => n.layer === layer)).toBe(true);
      expect(rows).toEqual(NEEDS.filter((n) => n.layer === layer));
    }
    expect(LAYERS).toEqual(["infra", "boot", "app"]);
  });

  test("infra by the infra pipeline's role, boot by the bootstrap pipeline's, app by the service's app pipeline", () => {
    expect(DEPLOYED_BY).toEqual({ infra: "infra", boot: "bootstrap", app: "app" });
  });
});

describe("the stacks' default tags (stacks/lanes-stack.ts) as the roles' conditions read them", () => {
  const c = { env: "dev", service: "user-api", lane: "gray" };
  test("infra: service and lane shared", () => {
    expect(stackTags("infra", c)).toEqual({ env: "dev", service: "shared", lane: "shared", "managed-by": "lanes", stack: "infra-dev" });
  });
  test("boot: the service's, lane shared", () => {
    expect(stackTags("boot", c)).toEqual({ env: "dev", service: "user-api", lane: "shared", "managed-by": "lanes", stack: "boot-user-api-dev" });
  });
  test("app: the lane's", () => {
    expect(stackTags("app", c)).toEqual({ env: "dev", service: "user-api", lane: "gray", "managed-by": "lanes", stack: "app-user-api-dev-gray" });
    expect(MANAGED_BY).toBe("lanes");
  });
  test("the task roles' permissions boundary: the env's customer managed policy (README: lanes-task-boundary-{env})", () => {
    expect(taskRoleBoundaryArn({ partition: "aws-cn", region: "cn-north-1", account: "123456789012" }, "dev")).toBe("arn:aws-cn:iam::123456789012:policy/lanes-task-boundary-dev");
  });
});
