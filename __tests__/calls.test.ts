/**
 * Service calls (params `calls`): each lane of a caller gets its callees' base URLs from their
 * boot states, the caller's boot layer opens the path into each callee's ALB, and a callee behind
 * the edge (or HTTPS only) has an internal listener for its callers carrying a copy of each lane
 * rule. Bad input stops with the file, the field and the fix.
 */
import { BootOutputs } from "../lib/contract";
import { lowerLayersOf, stackNameOf } from "../lib/layers/registry";
import { laneHeaderValues } from "../lib/routing";
import { TempParams, exampleFile, exampleParams, type Json, type Synthesized } from "./helpers/project";
import { synthBoot, synthLane } from "./helpers/stacks";

function remoteIdOf(s: Synthesized, key: string): string {
  const found = s.data("terraform_remote_state").find(([, c]) => (c.config as Json).key === key);
  if (!found) throw new Error(`no remote state ${key}`);
  return found[0];
}

function environmentOf(s: Synthesized): Record<string, string> {
  const defs = JSON.parse(s.only("aws_ecs_task_definition").container_definitions as string) as { environment: { name: string; value: string }[] }[];
  return Object.fromEntries(defs[0]!.environment.map((e) => [e.name, e.value]));
}

describe("params: calls", () => {
  let temp: TempParams | undefined;
  afterEach(() => {
    temp?.cleanup();
    temp = undefined;
  });
  const serviceWith = (calls: unknown, edit: (j: Json) => void = () => undefined) => {
    temp = new TempParams({
      "web-bff-dev.json": exampleFile("web-bff-dev.json", (j) => {
        j.calls = calls;
        edit(j);
      }),
    });
    return () => temp!.repo().service("web-bff", "dev");
  };

  test("the example: web-bff calls user-api, user-api calls order-api, order-api calls nothing", () => {
    const params = exampleParams();
    expect(params.service("web-bff", "dev").calls).toEqual([{ service: "user-api", urlVariable: "USER_API_URL", port: 8081 }]);
    expect(params.service("user-api", "dev").calls).toEqual([{ service: "order-api", urlVariable: "ORDER_API_URL", port: 80 }]);
    expect(params.service("order-api", "dev").calls).toEqual([]);
  });

  test("an unknown callee: file, field, the services there are, and the fix", () => {
    expect(serviceWith(["billing"])).toThrow(
      /web-bff-dev\.json: field 'calls\[0\]' has bad value "billing": there is no billing-dev\.json, so no such service in 'dev'\. Allowed: one of order-api, order-worker, user-api; fix the name, or create billing-dev\.json first\./,
    );
  });

  test("a worker as callee: it has no ALB; send it messages instead", () => {
    expect(serviceWith(["order-worker"])).toThrow(
      /web-bff-dev\.json: field 'calls\[0\]' has bad value "order-worker": it is a worker, which has no ALB to call\. Allowed: an http service; send it messages on its queue instead/,
    );
  });

  test("calling itself, twice the same callee", () => {
    expect(serviceWith(["web-bff"])).toThrow(/field 'calls\[0\]' has bad value "web-bff": a service cannot call itself through its own ALB\. Allowed: another http service of 'dev'; remove "web-bff" from calls/);
    expect(serviceWith(["user-api", "user-api"])).toThrow(/field 'calls\[1\]' has bad value "user-api": it is listed twice\. Allowed: each callee once; remove calls\[1\]\./);
  });

  test("a cycle of calls is refused (the caller's boot layer reads its callee's)", () => {
    temp = new TempParams({
      "order-api-dev.json": exampleFile("order-api-dev.json", (j) => void (j.calls = ["web-bff"])),
    });
    expect(() => temp!.repo().service("web-bff", "dev")).toThrow(
      /web-bff-dev\.json: field 'calls' makes a cycle: web-bff → user-api → order-api → web-bff\. Allowed: calls without cycles .*; remove one of these calls\./,
    );
  });

  test("a callee without an ALB; the URL variable set by hand", () => {
    temp = new TempParams({
      "boot-dev.json": exampleFile("boot-dev.json", (j) => void ((j.services as Record<string, Json>)["order-api"] = { initAlb: false })),
    });
    expect(() => temp!.repo().service("user-api", "dev")).toThrow(/user-api-dev\.json: field 'calls\[0\]' has bad value "order-api": it has no ALB \(initAlb: false in boot-dev\.json\)/);
    temp.cleanup();
    expect(serviceWith(["user-api"], (j) => void ((j.container as Json).env = { USER_API_URL: "http://elsewhere" }))).toThrow(
      /field 'container\.env\.USER_API_URL' is set, but the platform sets USER_API_URL because calls lists "user-api"\. Allowed: remove USER_API_URL from container\.env\./,
    );
  });

  test("calls must be service names (schema)", () => {
    expect(serviceWith("user-api")).toThrow(/web-bff-dev\.json: field 'calls' has bad value "user-api"\. Allowed: an array/);
  });

  test("the internal listener's port may not be a listener port", () => {
    temp = new TempParams({
      "boot-dev.json": exampleFile("boot-dev.json", (j) => void ((j.services as Record<string, Json>)["user-api"] = { internalPort: 80 })),
    });
    expect(() => temp!.repo().boot("user-api", "dev")).toThrow(/boot-dev\.json: field 'services\.user-api\.internalPort' has bad value 80 for 'user-api'\. Allowed: a port different from the listener ports \(80\)/);
  });

  test("a lane and a boot layer read their callees' boot layers: preflight checks them like their own lower layers", () => {
    const params = exampleParams();
    expect(lowerLayersOf({ layer: "app", env: "dev", service: "user-api", lane: "gray" }, params).map(stackNameOf)).toEqual(["infra-dev", "boot-user-api-dev", "boot-order-api-dev"]);
    expect(lowerLayersOf({ layer: "boot", env: "dev", service: "web-bff" }, params).map(stackNameOf)).toEqual(["infra-dev", "boot-user-api-dev"]);
    expect(lowerLayersOf({ layer: "boot", env: "dev", service: "order-api" }, params).map(stackNameOf)).toEqual(["infra-dev"]);
  });
});

describe("synth: the call path web-bff → user-api (behind the edge) → order-api (internal ALB)", () => {
  const userBoot = synthBoot("user-api");
  const orderBoot = synthBoot("order-api");
  const bffBoot = synthBoot("web-bff");

  test("a callee behind the edge: an internal HTTP listener on 8081 forwarding to the default target group; its URL is that port", () => {
    const [, internal] = userBoot.resources("aws_lb_listener").find(([, c]) => c.port === 8081)!;
    const [tgId] = userBoot.resources("aws_lb_target_group")[0]!;
    expect(internal).toMatchObject({ protocol: "HTTP", default_action: [{ type: "forward", target_group_arn: `\${aws_lb_target_group.${tgId}.arn}` }], tags: { Name: "user-api-dev-internal" } });
    const [albId] = userBoot.resources("aws_lb")[0]!;
    const [internalId] = userBoot.resources("aws_lb_listener").find(([, c]) => c.port === 8081)!;
    expect(userBoot.outputs()[BootOutputs.callUrl.name]!.value).toBe(`http://\${aws_lb.${albId}.dns_name}:8081`);
    expect(userBoot.outputs()[BootOutputs.callListenerArn.name]!.value).toBe(`\${aws_lb_listener.${internalId}.arn}`);
  });

  test("an internal callee not behind the edge: callers use its HTTP listener; its ALB admits no address range, only declared callers", () => {
    const [albId] = orderBoot.resources("aws_lb")[0]!;
    const [httpId] = orderBoot.resources("aws_lb_listener").find(([, c]) => c.port === 80)!;
    expect(orderBoot.resources("aws_lb_listener")).toHaveLength(1);
    expect(orderBoot.only("aws_lb").internal).toBe(true);
    expect(orderBoot.outputs()[BootOutputs.callUrl.name]!.value).toBe(`http://\${aws_lb.${albId}.dns_name}:80`);
    expect(orderBoot.outputs()[BootOutputs.callListenerArn.name]!.value).toBe(`\${aws_lb_listener.${httpId}.arn}`);
    const [albSg] = orderBoot.resources("aws_security_group").find(([, c]) => c.name === "order-api-dev-alb-sg")!;
    const intoAlb = orderBoot.resources("aws_vpc_security_group_ingress_rule").filter(([, c]) => c.security_group_id === `\${aws_security_group.${albSg}.id}`);
    expect(intoAlb).toEqual([]);
  });

  test("the caller's boot layer admits its task security group into each callee's ALB, on the callee's port for callers, and nowhere else", () => {
    const callee = remoteIdOf(userBoot, "boot/dev/order-api/terraform.tfstate");
    const [taskSg] = userBoot.resources("aws_security_group").find(([, c]) => c.name === "user-api-dev-task-sg")!;
    const paths = userBoot.resources("aws_vpc_security_group_ingress_rule").filter(([id]) => id.startsWith("calls-"));
    expect(paths.map(([, c]) => c)).toEqual([
      {
        security_group_id: `\${data.terraform_remote_state.${callee}.outputs.alb_security_group_id}`,
        referenced_security_group_id: `\${aws_security_group.${taskSg}.id}`,
        ip_protocol: "tcp",
        from_port: 80,
        to_port: 80,
        description: "user-api tasks calling order-api",
      },
    ]);
    // web-bff declares only user-api: one path, on user-api's internal listener, none to order-api.
    const bffPaths = bffBoot.resources("aws_vpc_security_group_ingress_rule").filter(([id]) => id.startsWith("calls-"));
    expect(bffPaths.map(([, c]) => [c.security_group_id, c.from_port])).toEqual([
      [`\${data.terraform_remote_state.${remoteIdOf(bffBoot, "boot/dev/user-api/terraform.tfstate")}.outputs.alb_security_group_id}`, 8081],
    ]);
    expect(bffBoot.data("terraform_remote_state").map(([, c]) => (c.config as Json).key).sort()).toEqual(["boot/dev/user-api/terraform.tfstate", "infra/dev/terraform.tfstate"]);
    // order-api calls nothing: no path, no other boot state read.
    expect(orderBoot.resources("aws_vpc_security_group_ingress_rule").filter(([id]) => id.startsWith("calls-"))).toEqual([]);
  });

  test("every lane of the caller gets {CALLEE}_URL from the callee's boot state (never a cross-stack reference)", () => {
    for (const lane of ["default", "gray", "blue"]) {
      const s = synthLane(lane, { service: "web-bff" });
      const callee = remoteIdOf(s, "boot/dev/user-api/terraform.tfstate");
      expect([lane, environmentOf(s).USER_API_URL]).toEqual([lane, `\${data.terraform_remote_state.${callee}.outputs.call_url}`]);
      expect(environmentOf(s).ORDER_API_URL).toBeUndefined();
    }
    const order = synthLane("gray", { service: "order-api" });
    expect(Object.keys(environmentOf(order)).filter((k) => k.endsWith("_URL"))).toEqual([]);
  });

  test("a lane of a service behind the edge has its rule on the internal listener too: same priority and tracestate match, no origin secret", () => {
    const s = synthLane("gray");
    const own = remoteIdOf(s, "boot/dev/user-api/terraform.tfstate");
    const [tgId] = s.resources("aws_lb_target_group")[0]!;
    const internal = s.resources("aws_lb_listener_rule").map(([, c]) => c).filter((c) => c.listener_arn === `\${data.terraform_remote_state.${own}.outputs.call_listener_arn}`);
    expect(internal).toEqual([
      expect.objectContaining({
        priority: 100,
        condition: [{ http_header: { http_header_name: "tracestate", values: laneHeaderValues("gray") } }],
        action: [{ type: "forward", target_group_arn: `\${aws_lb_target_group.${tgId}.arn}` }],
        tags: { Name: "user-api-dev-gray-internal-rule", "lanes:on-unhealthy": "default", "lanes:lane": "gray", "lanes:target-group": `\${aws_lb_target_group.${tgId}.arn_suffix}` },
      }),
    ]);
    // order-api (not behind the edge, HTTP): one rule, on the listener callers use anyway.
    expect(synthLane("gray", { service: "order-api" }).resources("aws_lb_listener_rule")).toHaveLength(1);
  });
});
