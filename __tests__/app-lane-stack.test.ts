import { BootOutputs, InfraOutputs, LaneOutputs } from "../lib/contract";
import { DEFAULT_IMAGE } from "../lib/image";
import { derivedPriority, laneHeaderValues } from "../lib/routing";
import { ParamsRepository, overridesFromEnv } from "../lib/params/load";
import { PARAMS_DIR, TempParams, exampleFile, type Json, type Synthesized } from "./helpers/project";
import { synthBoot, synthInfra, synthLane } from "./helpers/stacks";

const IMAGE = "123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/dev/user-api:sha-abc1234";

function backendKey(s: Synthesized): string {
  return (((s.json.terraform as Json).backend as Record<string, Json>).s3!.key as string);
}

function remoteStates(s: Synthesized): Record<string, { id: string; key: string }> {
  const out: Record<string, { id: string; key: string }> = {};
  for (const [id, c] of s.data("terraform_remote_state")) {
    const key = (c.config as Json).key as string;
    out[key.split("/")[0]!] = { id, key };
  }
  return out;
}

function containerDefinition(s: Synthesized): Json {
  const defs = JSON.parse(s.only("aws_ecs_task_definition").container_definitions as string) as Json[];
  expect(defs).toHaveLength(1);
  return defs[0]!;
}

describe("app-user-api-dev-gray", () => {
  const s = synthLane("gray");
  const remote = remoteStates(s);
  const output = (layer: "infra" | "boot", name: string) => `\${data.terraform_remote_state.${remote[layer]!.id}.outputs.${name}}`;

  test("has its own state key and reads exactly the keys the infra and boot stacks write", () => {
    expect(backendKey(s)).toBe("app/dev/user-api/gray/terraform.tfstate");
    expect(Object.values(remote).map((r) => r.key).sort()).toEqual([backendKey(synthBoot()), backendKey(synthInfra())].sort());
  });

  test("reads only outputs the lower layers declare (the contract)", () => {
    const text = JSON.stringify(s.json);
    const used = [...text.matchAll(/terraform_remote_state\.([A-Za-z0-9_]+)\.outputs\.([a-z_]+)/g)].map((m) => [m[1], m[2]]);
    expect(used.length).toBeGreaterThan(0);
    const declared = {
      [remote.infra!.id]: Object.values(InfraOutputs).map((o) => o.name),
      [remote.boot!.id]: Object.values(BootOutputs).map((o) => o.name),
    };
    for (const [id, name] of used) expect(declared[id!]).toContain(name);
  });

  test("lane target group: ip targets on the container port in the infra VPC", () => {
    expect(s.only("aws_lb_target_group")).toMatchObject({
      name: "user-api-dev-gray-tg",
      target_type: "ip",
      port: 8080,
      vpc_id: output("infra", "vpc_id"),
      health_check: { path: "/healthz" },
    });
  });

  test("listener rule on boot's listener matches the whole tracestate member and forwards to the lane", () => {
    const [tgId] = s.resources("aws_lb_target_group")[0]!;
    expect(s.only("aws_lb_listener_rule")).toEqual(
      expect.objectContaining({
        listener_arn: output("boot", "listener_arn"),
        priority: 100,
        condition: [{ http_header: { http_header_name: "tracestate", values: laneHeaderValues("gray") } }],
        action: [{ type: "forward", target_group_arn: `\${aws_lb_target_group.${tgId}.arn}` }],
        tags: { Name: "user-api-dev-gray-rule" },
      }),
    );
  });

  test("task definition: family, Fargate size, roles from boot", () => {
    expect(s.only("aws_ecs_task_definition")).toMatchObject({
      family: "user-api-gray-dev-task",
      requires_compatibilities: ["FARGATE"],
      network_mode: "awsvpc",
      cpu: "256",
      memory: "512",
      execution_role_arn: output("boot", "task_execution_role_arn"),
      task_role_arn: output("boot", "task_role_arn"),
    });
  });

  test("container: image, port, ENV and LANE in the environment, awslogs to /ecs/dev/user-api under gray/", () => {
    const c = containerDefinition(s);
    expect(c.image).toBe(IMAGE);
    expect(c.portMappings).toEqual([{ containerPort: 8080, protocol: "tcp" }]);
    expect(c.environment).toEqual([
      { name: "ENV", value: "dev" },
      { name: "LANE", value: "gray" },
      { name: "LOG_LEVEL", value: "info" },
    ]);
    expect(c.logConfiguration).toEqual({
      logDriver: "awslogs",
      options: { "awslogs-group": "/ecs/dev/user-api", "awslogs-region": "ap-southeast-2", "awslogs-stream-prefix": "gray" },
    });
  });

  test("ECS service: private subnets, no public IP, circuit breaker with rollback, Cloud Map, lane target group", () => {
    const [tgId] = s.resources("aws_lb_target_group")[0]!;
    const [ruleId] = s.resources("aws_lb_listener_rule")[0]!;
    const svc = s.only("aws_ecs_service");
    expect(svc).toMatchObject({
      name: "user-api-dev-gray",
      cluster: output("infra", "cluster_arn"),
      launch_type: "FARGATE",
      desired_count: 1,
      network_configuration: {
        subnets: output("infra", "private_subnet_ids"),
        security_groups: [output("boot", "task_security_group_id")],
        assign_public_ip: false,
      },
      deployment_controller: { type: "ECS" },
      deployment_circuit_breaker: { enable: true, rollback: true },
      service_registries: { registry_arn: output("boot", "sd_service_arn") },
      load_balancer: [{ target_group_arn: `\${aws_lb_target_group.${tgId}.arn}`, container_name: "user-api", container_port: 8080 }],
    });
    expect(svc.depends_on).toEqual([`aws_lb_listener_rule.${ruleId}`]);
  });

  test("creates nothing the lower layers own", () => {
    const owned = ["aws_lb", "aws_lb_listener", "aws_vpc", "aws_subnet", "aws_ecs_cluster", "aws_cloudwatch_log_group", "aws_security_group", "aws_iam_role", "aws_service_discovery_service"];
    for (const type of owned) expect([type, s.resources(type)]).toEqual([type, []]);
  });

  test("tags carry the lane", () => {
    const provider = ((s.json.provider as Json).aws as Json[])[0]!;
    expect((provider.default_tags as Json[])[0]!.tags).toMatchObject({ env: "dev", service: "user-api", lane: "gray", "managed-by": "lanes" });
  });
});

describe("app-user-api-dev-default", () => {
  const s = synthLane("default");

  test("serves boot's default target group and adds no target group or rule", () => {
    expect(s.resources("aws_lb_target_group")).toEqual([]);
    expect(s.resources("aws_lb_listener_rule")).toEqual([]);
    const svc = s.only("aws_ecs_service");
    expect((svc.load_balancer as Json[])[0]!.target_group_arn).toMatch(/outputs\.default_target_group_arn\}$/);
    expect(svc.desired_count).toBe(2);
    expect(svc.depends_on).toBeUndefined();
  });
});

describe("ad-hoc and variant lanes", () => {
  test("an unlisted lane gets the lane defaults and its derived priority", () => {
    const s = synthLane("blue");
    expect(s.only("aws_lb_listener_rule").priority).toBe(derivedPriority("blue"));
    expect(s.only("aws_ecs_service").desired_count).toBe(1);
    expect(((s.json.terraform as Json).backend as Record<string, Json>).s3!.key).toBe("app/dev/user-api/blue/terraform.tfstate");
  });

  test("the image falls back to the public default when neither IMAGE_URI nor params set one", () => {
    const s = synthLane("blue", { image: DEFAULT_IMAGE });
    expect(containerDefinition(s).image).toBe(DEFAULT_IMAGE);
  });

  test("without an ALB the lane has no target group, rule or load balancer block", () => {
    const params = new TempParams({
      "boot-dev.json": exampleFile("boot-dev.json", (j) => {
        (j.services as Record<string, Json>)["user-api"] = { initAlb: false, initCloudMap: false };
      }),
    });
    try {
      const s = synthLane("gray", { params: params.repo() });
      expect(s.resources("aws_lb_target_group")).toEqual([]);
      expect(s.resources("aws_lb_listener_rule")).toEqual([]);
      const svc = s.only("aws_ecs_service");
      expect(svc.load_balancer).toBeUndefined();
      expect(svc.service_registries).toBeUndefined();
    } finally {
      params.cleanup();
    }
  });

  test("a long lane name keeps every AWS name within its limit", () => {
    const lane = "experiment-checkout-redesign-2026";
    const s = synthLane(lane);
    const tg = s.only("aws_lb_target_group");
    expect((tg.name as string).length).toBeLessThanOrEqual(32);
    expect(tg.tags).toEqual({ Name: `user-api-dev-${lane}-tg` });
    expect(s.only("aws_ecs_service").name).toBe(`user-api-dev-${lane}`);
  });
});

describe("lane outputs", () => {
  test("declares the contract's lane outputs at the root (read by the pipeline's verify step)", () => {
    const s = synthLane("gray");
    const out = s.outputs();
    expect(Object.keys(out).sort()).toEqual(Object.values(LaneOutputs).map((o) => o.name).sort());
    expect(out.image!.value).toBe(IMAGE);
    const [tgId] = s.resources("aws_lb_target_group")[0]!;
    expect(out.target_group_arn!.value).toBe(`\${aws_lb_target_group.${tgId}.arn}`);
  });
});

describe("state endpoints override (local harness, S3-compatible stores)", () => {
  const endpoints = { s3: "http://127.0.0.1:4569", dynamodb: "http://127.0.0.1:4570" };
  const params = new ParamsRepository(PARAMS_DIR, overridesFromEnv({
    LANES_STATE_S3_ENDPOINT: endpoints.s3,
    LANES_STATE_DYNAMODB_ENDPOINT: endpoints.dynamodb,
    LANES_SKIP_AWS_VALIDATION: "1",
  }));
  const s = synthLane("gray", { params });
  const skips = { skip_credentials_validation: true, skip_requesting_account_id: true, skip_metadata_api_check: true, skip_region_validation: true };

  test("the backend and every remote-state reader use the same endpoints, path-style", () => {
    const backend = ((s.json.terraform as Json).backend as Record<string, Json>).s3!;
    expect(backend).toMatchObject({ endpoints: endpoints, use_path_style: true, dynamodb_table: "lanes-tf-locks-dev", ...skips });
    for (const [, c] of s.data("terraform_remote_state")) {
      expect(c.config).toMatchObject({ endpoints: { s3: endpoints.s3 }, use_path_style: true, ...skips });
    }
  });

  test("the provider skips AWS checks only when asked", () => {
    const provider = ((s.json.provider as Json).aws as Json[])[0]!;
    expect(provider).toMatchObject({ skip_credentials_validation: true, skip_requesting_account_id: true, skip_region_validation: true });
    const plain = ((synthLane("gray").json.provider as Json).aws as Json[])[0]!;
    expect(plain.skip_credentials_validation).toBeUndefined();
    const plainBackend = ((synthLane("gray").json.terraform as Json).backend as Record<string, Json>).s3!;
    expect(plainBackend.endpoints).toBeUndefined();
  });

  test("a DynamoDB endpoint without an S3 one is refused", () => {
    expect(() => overridesFromEnv({ LANES_STATE_DYNAMODB_ENDPOINT: endpoints.dynamodb })).toThrow(/LANES_STATE_DYNAMODB_ENDPOINT is set without LANES_STATE_S3_ENDPOINT/);
  });
});
