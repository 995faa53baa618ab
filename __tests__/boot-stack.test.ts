import { BootOutputs } from "../lib/contract";
import { TempParams, exampleFile, type Json } from "./helpers/project";
import { synthBoot } from "./helpers/stacks";

const CERT = "arn:aws:acm:ap-southeast-2:123456789012:certificate/0b8e7a2c-1111-2222-3333-444455556666";

describe("boot-user-api-dev", () => {
  const s = synthBoot();

  test("keeps its state under boot/dev/user-api/ and reads infra from infra/dev/ and its callee order-api from boot/dev/order-api/", () => {
    const backend = ((s.json.terraform as Json).backend as Record<string, Json>).s3!;
    expect(backend.key).toBe("boot/dev/user-api/terraform.tfstate");
    const remote = s.data("terraform_remote_state").map(([, c]) => c);
    expect(remote).toEqual(
      expect.arrayContaining([
        { backend: "s3", config: { bucket: "lanes-example-tfstate-dev", key: "infra/dev/terraform.tfstate", region: "ap-southeast-2" } },
        { backend: "s3", config: { bucket: "lanes-example-tfstate-dev", key: "boot/dev/order-api/terraform.tfstate", region: "ap-southeast-2" } },
      ]),
    );
    expect(remote).toHaveLength(2);
  });

  test("internet-facing ALB in the public subnets, invalid headers dropped, named by the rule", () => {
    const alb = s.only("aws_lb");
    expect(alb).toMatchObject({
      name: "user-api-dev-alb",
      internal: false,
      load_balancer_type: "application",
      drop_invalid_header_fields: true,
      enable_deletion_protection: false,
      lifecycle: { prevent_destroy: true },
    });
    expect(alb.subnets).toMatch(/outputs\.public_subnet_ids/);
  });

  test("behind the edge (an origin of edge-dev.json): the HTTP listener refuses by default; the default lane is a rule requiring the origin secret", () => {
    const [listenerId, listener] = s.resources("aws_lb_listener").find(([, c]) => c.port === 80)!;
    const [tgId] = s.resources("aws_lb_target_group")[0]!;
    const [infraId] = s.data("terraform_remote_state").find(([, c]) => (c.config as Json).key === "infra/dev/terraform.tfstate")!;
    expect(listener).toMatchObject({ port: 80, protocol: "HTTP" });
    expect(listener.default_action).toEqual([{ type: "fixed-response", fixed_response: { status_code: "403", content_type: "text/plain", message_body: "Forbidden" } }]);
    expect(s.only("aws_lb_listener_rule")).toEqual(
      expect.objectContaining({
        listener_arn: `\${aws_lb_listener.${listenerId}.arn}`,
        priority: 50000,
        condition: [{ http_header: { http_header_name: "x-lanes-origin-1", values: [`\${data.terraform_remote_state.${infraId}.outputs.origin_secrets["1"]}`] } }],
        action: [{ type: "forward", target_group_arn: `\${aws_lb_target_group.${tgId}.arn}` }],
        tags: { Name: "user-api-dev-default-rule" },
      }),
    );
  });

  test("default target group: ip targets on the container port with the health check path", () => {
    expect(s.only("aws_lb_target_group")).toMatchObject({
      name: "user-api-dev-default-tg",
      target_type: "ip",
      port: 8080,
      protocol: "HTTP",
      health_check: { path: "/healthz", matcher: "200-399" },
    });
  });

  test("security groups: only CloudFront's origin-facing prefix list reaches the listener port, nothing from 0.0.0.0/0; tasks admit only the ALB", () => {
    const ingress = s.resources("aws_vpc_security_group_ingress_rule").map(([, c]) => c);
    expect(ingress.filter((r) => r.cidr_ipv4 !== undefined || r.cidr_ipv6 !== undefined)).toEqual([]);
    const cloudfront = ingress.filter((r) => r.prefix_list_id);
    expect(cloudfront).toEqual([expect.objectContaining({ from_port: 80, to_port: 80, ip_protocol: "tcp", prefix_list_id: expect.stringMatching(/outputs\.cloudfront_prefix_list_id\}$/) })]);
    const taskSg = s.resources("aws_security_group").find(([, c]) => c.name === "user-api-dev-task-sg")![0];
    const fromAlb = ingress.filter((r) => r.security_group_id === `\${aws_security_group.${taskSg}.id}`);
    expect(fromAlb).toHaveLength(1);
    expect(fromAlb[0]).toMatchObject({ from_port: 8080, to_port: 8080, ip_protocol: "tcp" });
    // The third: this service's tasks into its callee's ALB (params calls), see the calls tests.
    expect(ingress).toHaveLength(3);
    const albSg = s.resources("aws_security_group").find(([, c]) => c.name === "user-api-dev-alb-sg")![0];
    expect(fromAlb[0]!.referenced_security_group_id).toBe(`\${aws_security_group.${albSg}.id}`);
  });

  test("access logs to the env's log bucket (from infra's state) under alb/user-api", () => {
    expect(s.only("aws_lb").access_logs).toEqual({ bucket: expect.stringMatching(/outputs\.log_bucket\}$/), prefix: "alb/user-api", enabled: true });
  });

  test("log group /ecs/dev/user-api with 30 days retention (and the fallback switch's Lambda log group, fallback-trigger.test.ts)", () => {
    expect(s.resources("aws_cloudwatch_log_group").map(([, c]) => c.name).sort()).toEqual(["/aws/lambda/user-api-dev-fallback", "/ecs/dev/user-api"]);
    expect(s.resources("aws_cloudwatch_log_group").find(([, c]) => c.name === "/ecs/dev/user-api")![1]).toMatchObject({ name: "/ecs/dev/user-api", retention_in_days: 30 });
  });

  test("Cloud Map service user-api in the infra namespace", () => {
    const svc = s.only("aws_service_discovery_service");
    expect(svc.name).toBe("user-api");
    expect((svc.dns_config as Json).namespace_id).toMatch(/outputs\.namespace_id/);
  });

  test("ECR repository dev/user-api with immutable tags and scanning", () => {
    expect(s.only("aws_ecr_repository")).toMatchObject({
      name: "dev/user-api",
      image_tag_mutability: "IMMUTABLE",
      image_scanning_configuration: { scan_on_push: true },
    });
  });

  test("a task execution role (with AWS's execution policy), a task role and the fallback switch's role; their trust is judged in iam/trust-and-resource-policies.test.ts", () => {
    const roles = s.resources("aws_iam_role").map(([, c]) => c.name);
    expect(roles.sort()).toEqual(["user-api-dev-fallback", "user-api-dev-task", "user-api-dev-task-exec"]);
    const attach = s.only("aws_iam_role_policy_attachment");
    expect(attach.policy_arn).toMatch(/:iam::aws:policy\/service-role\/AmazonECSTaskExecutionRolePolicy$/);
  });

  test("shared resources are protected against destroy", () => {
    for (const type of ["aws_lb", "aws_lb_listener", "aws_cloudwatch_log_group", "aws_ecr_repository", "aws_service_discovery_service"]) {
      for (const [id, c] of s.resources(type)) expect([id, c.lifecycle]).toEqual([id, { prevent_destroy: true }]);
    }
  });

  test("declares every contract output at the root", () => {
    expect(Object.keys(s.outputs()).sort()).toEqual(Object.values(BootOutputs).map((o) => o.name).sort());
    const [listenerId] = s.resources("aws_lb_listener")[0]!;
    expect(s.outputs()[BootOutputs.listenerArn.name]!.value).toBe(`\${aws_lb_listener.${listenerId}.arn}`);
  });
});

describe("boot variants", () => {
  let params: TempParams;
  afterEach(() => params.cleanup());

  test("not behind the edge: today's behaviour, the HTTP listener forwards to the default target group and the world reaches port 80", () => {
    params = new TempParams({ "edge-dev.json": undefined });
    const s = synthBoot("user-api", "dev", params.repo());
    const [tgId] = s.resources("aws_lb_target_group")[0]!;
    expect(s.only("aws_lb_listener").default_action).toEqual([{ type: "forward", target_group_arn: `\${aws_lb_target_group.${tgId}.arn}` }]);
    expect(s.resources("aws_lb_listener_rule")).toEqual([]);
    const world = s.resources("aws_vpc_security_group_ingress_rule").map(([, c]) => c).filter((r) => r.cidr_ipv4 === "0.0.0.0/0");
    expect(world.map((r) => [r.from_port, r.to_port])).toEqual([[80, 80]]);
  });

  test("a service of an env with an edge that is not one of its origins keeps today's behaviour too", () => {
    params = new TempParams({});
    const s = synthBoot("billing", "dev", params.repo());
    expect((s.only("aws_lb_listener").default_action as Json[])[0]!.type).toBe("forward");
    expect(s.resources("aws_vpc_security_group_ingress_rule").map(([, c]) => c).filter((r) => r.cidr_ipv4 === "0.0.0.0/0")).toHaveLength(1);
  });

  test("HTTPS behind the edge: CloudFront's prefix list reaches 443 only (one reference: its weight counts against the group's rules), HTTPS refuses by default", () => {
    params = new TempParams({
      "boot-dev.json": exampleFile("boot-dev.json", (j) => {
        (j.services as Record<string, Json>)["user-api"] = { listeners: { http: { port: 80 }, https: { port: 443, certificateArn: CERT } } };
      }),
    });
    const s = synthBoot("user-api", "dev", params.repo());
    const ingress = s.resources("aws_vpc_security_group_ingress_rule").map(([, c]) => c).filter((r) => !r.referenced_security_group_id);
    expect(ingress.map((r) => [r.from_port, Boolean(r.prefix_list_id), r.cidr_ipv4])).toEqual([[443, true, undefined]]);
    // 80 and 443, and 8081: the internal listener for the services that call user-api (the HTTPS one does not name the ALB).
    const listeners = Object.fromEntries(s.resources("aws_lb_listener").map(([id, c]) => [c.port === 80 ? "HTTP" : c.port === 443 ? "HTTPS" : String(c.port), { id, c }]));
    expect(listeners["8081"]!.c).toMatchObject({ protocol: "HTTP" });
    expect((listeners.HTTPS!.c.default_action as Json[])[0]!.type).toBe("fixed-response");
    expect(s.only("aws_lb_listener_rule").listener_arn).toBe(`\${aws_lb_listener.${listeners.HTTPS!.id}.arn}`);
  });

  test("access logs off in infra-dev.json: no access logs", () => {
    params = new TempParams({ "infra-dev.json": exampleFile("infra-dev.json", (j) => void (j.audit = { accessLogs: { enabled: false } })) });
    expect(synthBoot("user-api", "dev", params.repo()).only("aws_lb").access_logs).toBeUndefined();
  });

  test("HTTPS: HTTP redirects, HTTPS forwards and carries lane rules; the world reaches 80 and 443 only", () => {
    params = new TempParams({
      "edge-dev.json": undefined,
      "boot-dev.json": exampleFile("boot-dev.json", (j) => {
        (j.services as Record<string, Json>)["user-api"] = { listeners: { http: { port: 80 }, https: { port: 443, certificateArn: CERT } } };
      }),
    });
    const s = synthBoot("user-api", "dev", params.repo());
    // 80 and 443, and 8081: the internal listener for the services that call user-api (the HTTPS one does not name the ALB).
    const listeners = Object.fromEntries(s.resources("aws_lb_listener").map(([id, c]) => [c.port === 80 ? "HTTP" : c.port === 443 ? "HTTPS" : String(c.port), { id, c }]));
    expect(listeners["8081"]!.c).toMatchObject({ protocol: "HTTP" });
    expect(listeners.HTTP!.c.default_action).toEqual([
      { type: "redirect", redirect: { protocol: "HTTPS", port: "443", status_code: "HTTP_301" } },
    ]);
    expect(listeners.HTTPS!.c).toMatchObject({ port: 443, certificate_arn: CERT, ssl_policy: "ELBSecurityPolicy-TLS13-1-2-2021-06" });
    expect(s.outputs()[BootOutputs.listenerArn.name]!.value).toBe(`\${aws_lb_listener.${listeners.HTTPS!.id}.arn}`);
    const world = s
      .resources("aws_vpc_security_group_ingress_rule")
      .map(([, c]) => c)
      .filter((r) => r.cidr_ipv4 === "0.0.0.0/0")
      .map((r) => r.from_port);
    expect(world.sort()).toEqual([443, 80]);
  });

  test("initAlb/initLog/initCloudMap off: none of those resources, empty outputs", () => {
    params = new TempParams({
      "boot-dev.json": exampleFile("boot-dev.json", (j) => {
        (j.services as Record<string, Json>)["user-api"] = { initAlb: false, initLog: false, initCloudMap: false };
      }),
    });
    const s = synthBoot("user-api", "dev", params.repo());
    for (const type of ["aws_lb", "aws_lb_listener", "aws_lb_target_group", "aws_cloudwatch_log_group", "aws_service_discovery_service"]) {
      expect([type, s.resources(type)]).toEqual([type, []]);
    }
    // Only the path to its callee's ALB (params calls): nothing into this service.
    expect(s.resources("aws_vpc_security_group_ingress_rule").map(([id]) => id)).toEqual([expect.stringMatching(/^calls-order-api_ingress_/)]);
    expect(s.outputs()[BootOutputs.listenerArn.name]!.value).toBe("");
    expect(s.outputs()[BootOutputs.logGroupName.name]!.value).toBe("/ecs/dev/user-api");
  });

  test("outside dev the ALB has deletion protection on by default", () => {
    params = new TempParams({
      "infra-prod.json": exampleFile("infra-dev.json", (j) => {
        (j.state as Json).bucket = "lanes-example-tfstate-prod";
      }),
      "boot-prod.json": exampleFile("boot-dev.json"),
    });
    expect(synthBoot("user-api", "prod", params.repo()).only("aws_lb").enable_deletion_protection).toBe(true);
  });

  test("a long service name gets shortened ALB and target group names, full names in tags", () => {
    params = new TempParams({});
    const s = synthBoot("customer-notification-preferences", "dev", params.repo());
    const alb = s.only("aws_lb");
    expect((alb.name as string).length).toBeLessThanOrEqual(32);
    expect(alb.tags).toEqual({ Name: "customer-notification-preferences-dev-alb" });
    const tg = s.only("aws_lb_target_group");
    expect((tg.name as string).length).toBeLessThanOrEqual(32);
    expect(tg.tags).toEqual({ Name: "customer-notification-preferences-dev-default-tg" });
  });
});
