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
    const [layer, , service] = key.split("/");
    // user-api's own boot layer is "boot"; its callees' (params calls) are "callee:{service}".
    out[layer === "boot" && service !== "user-api" ? `callee:${service}` : layer!] = { id, key };
  }
  return out;
}

/** The lane's rule on the listener viewers reach (boot's listener_arn). */
function routingRule(s: Synthesized): Json {
  const rules = s.resources("aws_lb_listener_rule").filter(([, c]) => /outputs\.listener_arn\}$/.test(c.listener_arn as string));
  expect(rules).toHaveLength(1);
  return rules[0]![1];
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
    expect(Object.values(remote).map((r) => r.key).sort()).toEqual([backendKey(synthBoot()), backendKey(synthInfra()), backendKey(synthBoot("order-api"))].sort());
  });

  test("reads only outputs the lower layers declare (the contract)", () => {
    const text = JSON.stringify(s.json);
    const used = [...text.matchAll(/terraform_remote_state\.([A-Za-z0-9_]+)\.outputs\.([a-z_]+)/g)].map((m) => [m[1], m[2]]);
    expect(used.length).toBeGreaterThan(0);
    const declared = {
      [remote.infra!.id]: Object.values(InfraOutputs).map((o) => o.name),
      [remote.boot!.id]: Object.values(BootOutputs).map((o) => o.name),
      [remote["callee:order-api"]!.id]: Object.values(BootOutputs).map((o) => o.name),
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

  test("listener rule on boot's listener matches the whole tracestate member (and, behind the edge, the origin secret) and forwards to the lane", () => {
    const [tgId] = s.resources("aws_lb_target_group")[0]!;
    expect(routingRule(s)).toEqual(
      expect.objectContaining({
        listener_arn: output("boot", "listener_arn"),
        priority: 100,
        condition: [
          { http_header: { http_header_name: "tracestate", values: laneHeaderValues("gray") } },
          { http_header: { http_header_name: "x-lanes-origin-1", values: [`\${data.terraform_remote_state.${remote.infra!.id}.outputs.origin_secrets["1"]}`] } },
        ],
        action: [{ type: "forward", target_group_arn: `\${aws_lb_target_group.${tgId}.arn}` }],
        tags: { Name: "user-api-dev-gray-rule", "lanes:on-unhealthy": "default", "lanes:lane": "gray", "lanes:target-group": `\${aws_lb_target_group.${tgId}.arn_suffix}` },
      }),
    );
  });

  test("task definition: family, Fargate size, roles from boot", () => {
    expect(s.only("aws_ecs_task_definition")).toMatchObject({
      family: "user-api-dev-gray-task",
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
      { name: "ORDER_API_URL", value: `\${data.terraform_remote_state.${remote["callee:order-api"]!.id}.outputs.call_url}` },
    ]);
    expect(c.logConfiguration).toEqual({
      logDriver: "awslogs",
      options: { "awslogs-group": "/ecs/dev/user-api", "awslogs-region": "ap-southeast-2", "awslogs-stream-prefix": "gray" },
    });
  });

  test("ECS service: private subnets, no public IP, circuit breaker with rollback, Cloud Map, lane target group", () => {
    const [tgId] = s.resources("aws_lb_target_group")[0]!;
    const [ruleId] = s.resources("aws_lb_listener_rule").find(([, c]) => c === routingRule(s))!;
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
    expect(routingRule(s).priority).toBe(derivedPriority("blue"));
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

describe("lane alarms", () => {
  const s = synthLane("gray");
  const alarms = Object.fromEntries(s.resources("aws_cloudwatch_metric_alarm").map(([, c]) => [c.alarm_name as string, c]));
  const remote = remoteStates(s);
  const bootOutput = (name: string) => `\${data.terraform_remote_state.${remote.boot!.id}.outputs.${name}}`;
  const [tgId] = s.resources("aws_lb_target_group")[0]!;

  test("four alarms, all notifying the service's topic from boot", () => {
    expect(Object.keys(alarms).sort()).toEqual(["user-api-dev-gray-5xx-rate", "user-api-dev-gray-healthy-hosts", "user-api-dev-gray-running-below-desired", "user-api-dev-gray-unhealthy-hosts"]);
    for (const alarm of Object.values(alarms)) {
      expect(alarm.alarm_actions).toEqual([bootOutput("alarm_topic_arn")]);
      expect(alarm.ok_actions).toEqual([bootOutput("alarm_topic_arn")]);
    }
  });

  test("5xx rate: metric math over the lane target group's 5xx and request counts, above 1% over 5 minutes", () => {
    const alarm = alarms["user-api-dev-gray-5xx-rate"]!;
    expect(alarm).toMatchObject({ comparison_operator: "GreaterThanThreshold", threshold: 1, evaluation_periods: 1, treat_missing_data: "notBreaching" });
    const queries = alarm.metric_query as Json[];
    expect(queries.find((q) => q.id === "rate")).toMatchObject({ expression: "IF(m2>0, 100*FILL(m1,0)/m2, 0)", return_data: true });
    const dims = { LoadBalancer: bootOutput("alb_arn_suffix"), TargetGroup: `\${aws_lb_target_group.${tgId}.arn_suffix}` };
    expect(queries.find((q) => q.id === "m1")!.metric).toEqual({ namespace: "AWS/ApplicationELB", metric_name: "HTTPCode_Target_5XX_Count", dimensions: dims, period: 300, stat: "Sum" });
    expect(queries.find((q) => q.id === "m2")!.metric).toEqual({ namespace: "AWS/ApplicationELB", metric_name: "RequestCount", dimensions: dims, period: 300, stat: "Sum" });
  });

  test("running below desired for 3 consecutive minutes, from Container Insights", () => {
    const alarm = alarms["user-api-dev-gray-running-below-desired"]!;
    expect(alarm).toMatchObject({ evaluation_periods: 3, datapoints_to_alarm: 3, threshold: 0, comparison_operator: "GreaterThanThreshold" });
    const queries = alarm.metric_query as Json[];
    const dims = { ClusterName: `\${data.terraform_remote_state.${remote.infra!.id}.outputs.cluster_name}`, ServiceName: "user-api-dev-gray" };
    expect(queries.map((q) => (q.metric as Json | undefined)?.metric_name ?? q.expression)).toEqual(["RunningTaskCount", "DesiredTaskCount", "desired - running"]);
    for (const q of queries.filter((q) => q.metric)) expect((q.metric as Json).dimensions).toEqual(dims);
  });

  test("healthy hosts below 1", () => {
    expect(alarms["user-api-dev-gray-healthy-hosts"]).toMatchObject({ metric_name: "HealthyHostCount", threshold: 1, comparison_operator: "LessThanThreshold" });
  });

  test("any unhealthy target of the lane's own target group for 2 minutes (UnHealthyHostCount)", () => {
    expect(alarms["user-api-dev-gray-unhealthy-hosts"]).toMatchObject({
      namespace: "AWS/ApplicationELB",
      metric_name: "UnHealthyHostCount",
      dimensions: { LoadBalancer: bootOutput("alb_arn_suffix"), TargetGroup: `\${aws_lb_target_group.${tgId}.arn_suffix}` },
      statistic: "Maximum",
      period: 60,
      evaluation_periods: 2,
      datapoints_to_alarm: 2,
      comparison_operator: "GreaterThanThreshold",
      threshold: 0,
    });
  });

  test("the 5xx-rate and unhealthy-target alarms roll back an ECS deployment of the lane (deployment alarms)", () => {
    const ids = Object.fromEntries(s.resources("aws_cloudwatch_metric_alarm").map(([id, c]) => [c.alarm_name as string, id]));
    expect(s.only("aws_ecs_service").alarms).toEqual({
      alarm_names: [`\${aws_cloudwatch_metric_alarm.${ids["user-api-dev-gray-5xx-rate"]}.alarm_name}`, `\${aws_cloudwatch_metric_alarm.${ids["user-api-dev-gray-unhealthy-hosts"]}.alarm_name}`],
      enable: true,
      rollback: true,
    });
  });

  test("a worker lane has no deployment alarms (no target group)", () => {
    expect(synthLane("canary", { service: "order-worker" }).only("aws_ecs_service").alarms).toBeUndefined();
  });

  test("thresholds come from params, lane over laneDefaults", () => {
    const params = new TempParams({
      "user-api-dev.json": exampleFile("user-api-dev.json", (j) => {
        (j.laneDefaults as Json).alarms = { errorRatePercent: 2.5, errorRateMinutes: 10 };
        (j.lanes as Record<string, Json>).gray!.alarms = { runningBelowDesiredPeriods: 5, minHealthyHosts: 2 };
      }),
    });
    try {
      const t = Object.fromEntries(synthLane("gray", { params: params.repo() }).resources("aws_cloudwatch_metric_alarm").map(([, c]) => [c.alarm_name as string, c]));
      expect(t["user-api-dev-gray-5xx-rate"]!.threshold).toBe(2.5);
      expect(((t["user-api-dev-gray-5xx-rate"]!.metric_query as Json[])[0]!.metric as Json).period).toBe(600);
      expect(t["user-api-dev-gray-running-below-desired"]!.evaluation_periods).toBe(5);
      expect(t["user-api-dev-gray-healthy-hosts"]!.threshold).toBe(2);
    } finally {
      params.cleanup();
    }
  });

  test("the default lane watches boot's default target group", () => {
    const d = synthLane("default");
    const rate = d.resources("aws_cloudwatch_metric_alarm").map(([, c]) => c).find((c) => c.alarm_name === "user-api-dev-default-5xx-rate")!;
    const m1 = (rate.metric_query as Json[]).find((q) => q.id === "m1")!.metric as Json;
    expect((m1.dimensions as Json).TargetGroup).toMatch(/outputs\.default_target_group_arn_suffix\}$/);
  });
});

describe("lane autoscaling", () => {
  test("CPU target tracking between min and max from params; desired count left to the scaler", () => {
    const s = synthLane("default");
    expect(s.only("aws_appautoscaling_target")).toMatchObject({
      service_namespace: "ecs",
      scalable_dimension: "ecs:service:DesiredCount",
      min_capacity: 2,
      max_capacity: 10,
    });
    expect(s.only("aws_appautoscaling_target").resource_id).toMatch(/^service\/\$\{data\.terraform_remote_state\.[^}]+\.outputs\.cluster_name\}\/user-api-dev-default$/);
    expect(s.only("aws_appautoscaling_policy")).toMatchObject({
      policy_type: "TargetTrackingScaling",
      target_tracking_scaling_policy_configuration: { target_value: 60, predefined_metric_specification: { predefined_metric_type: "ECSServiceAverageCPUUtilization" } },
    });
    expect(s.only("aws_ecs_service").lifecycle).toEqual({ ignore_changes: ["desired_count"] });
  });

  test("no scaling in params: fixed desired count, no scaler", () => {
    const params = new TempParams({
      "user-api-dev.json": exampleFile("user-api-dev.json", (j) => {
        delete (j.laneDefaults as Json).scaling;
      }),
    });
    try {
      const s = synthLane("gray", { params: params.repo() });
      expect(s.resources("aws_appautoscaling_target")).toEqual([]);
      expect(s.only("aws_ecs_service").lifecycle).toBeUndefined();
    } finally {
      params.cleanup();
    }
  });
});

describe("image memory", () => {
  test("outputs the image history (current first, no duplicates) and who changed the lane", () => {
    const s = synthLane("gray", { image: "repo/user-api:sha-3", previousImages: ["repo/user-api:sha-2", "repo/user-api:sha-3", "repo/user-api:sha-1"], changedBy: "pipeline:exec-42" });
    expect(s.outputs().image_history!.value).toEqual(["repo/user-api:sha-3", "repo/user-api:sha-2", "repo/user-api:sha-1"]);
    expect(s.outputs().changed_by!.value).toBe("pipeline:exec-42");
  });
});
