/**
 * Lane-aware Cloud Map discovery for direct calls (params `discovery`, @lanes/lane-context
 * LaneDiscovery): DiscoverInstances answers recorded at the SDK edge (aws-sdk-client-mock), and
 * what the platform synthesizes for a declared direct call.
 */
import { DiscoverInstancesCommand, ServiceDiscoveryClient } from "@aws-sdk/client-servicediscovery";
import { mockClient } from "aws-sdk-client-mock";
import { LaneDiscovery, NoHealthyInstanceError } from "@lanes/lane-context";
import { TempParams, exampleFile, type Json } from "./helpers/project";
import { synthBoot, synthLane } from "./helpers/stacks";

const instance = (id: string, ip: string, ecsService: string) => ({
  InstanceId: id,
  NamespaceName: "dev.local",
  ServiceName: "order-api",
  HealthStatus: "HEALTHY" as const,
  Attributes: { AWS_INSTANCE_IPV4: ip, ECS_SERVICE_NAME: ecsService, ECS_CLUSTER_NAME: "lanes-dev", AVAILABILITY_ZONE: "ap-southeast-2a" },
});

describe("LaneDiscovery against Cloud Map's DiscoverInstances", () => {
  const sd = mockClient(ServiceDiscoveryClient);
  const client = new ServiceDiscoveryClient({ region: "ap-southeast-2" });
  let now = 1_000_000;
  const discovery = () => new LaneDiscovery({ env: "dev", discover: (input) => client.send(new DiscoverInstancesCommand(input)), ttlMs: 10_000, now: () => now });
  const query = (ecsService: string) => ({ NamespaceName: "dev.local", ServiceName: "order-api", HealthStatus: "HEALTHY" as const, QueryParameters: { ECS_SERVICE_NAME: ecsService } });

  beforeEach(() => {
    sd.reset();
    now = 1_000_000;
  });

  test("the lane is there: its healthy instances, asked by ECS_SERVICE_NAME {service}-{env}-{lane}", async () => {
    sd.on(DiscoverInstancesCommand, query("order-api-dev-gray")).resolves({ Instances: [instance("t-1", "10.20.1.17", "order-api-dev-gray")] });
    const found = await discovery().resolve("dev.local", "order-api", "gray");
    expect(found).toEqual({ lane: "gray", instances: [{ id: "t-1", ip: "10.20.1.17" }], stale: false });
    expect(sd.commandCalls(DiscoverInstancesCommand).map((c) => c.args[0].input)).toEqual([query("order-api-dev-gray")]);
  });

  test("the lane is absent: default's instances (the per-hop fallback)", async () => {
    sd.on(DiscoverInstancesCommand, query("order-api-dev-gray")).resolves({ Instances: [] });
    sd.on(DiscoverInstancesCommand, query("order-api-dev-default")).resolves({ Instances: [instance("t-9", "10.20.2.5", "order-api-dev-default")] });
    const found = await discovery().resolve("dev.local", "order-api", "gray");
    expect(found.lane).toBe("default");
    expect(found.instances.map((i) => i.ip)).toEqual(["10.20.2.5"]);
  });

  test("no healthy instance in the lane nor in default: a clear error", async () => {
    sd.on(DiscoverInstancesCommand).resolves({ Instances: [] });
    await expect(discovery().resolve("dev.local", "order-api", "gray")).rejects.toThrow(
      new NoHealthyInstanceError("order-api", "gray"),
    );
    await expect(discovery().resolve("dev.local", "order-api", "gray")).rejects.toThrow("no healthy instance of order-api in lane gray, nor in lane default to fall back to (Cloud Map)");
  });

  test("answers are cached for the TTL; when Cloud Map throttles after it, the stale answer is served; without one, the throttling error", async () => {
    const d = discovery();
    sd.on(DiscoverInstancesCommand, query("order-api-dev-gray")).resolves({ Instances: [instance("t-1", "10.20.1.17", "order-api-dev-gray")] });
    await d.resolve("dev.local", "order-api", "gray");
    now += 9_000;
    await d.resolve("dev.local", "order-api", "gray");
    expect(sd.commandCalls(DiscoverInstancesCommand)).toHaveLength(1);
    now += 2_000;
    const throttled = Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException", $metadata: { httpStatusCode: 400 } });
    sd.on(DiscoverInstancesCommand).rejects(throttled);
    expect(await d.resolve("dev.local", "order-api", "gray")).toEqual({ lane: "gray", instances: [{ id: "t-1", ip: "10.20.1.17" }], stale: true });
    await expect(discovery().resolve("dev.local", "order-api", "gray")).rejects.toThrow("Rate exceeded");
  });
});

describe("a declared direct call (user-api discovery: order-api)", () => {
  let temp: TempParams;
  beforeAll(() => {
    temp = new TempParams({ "user-api-dev.json": exampleFile("user-api-dev.json", (j) => void (j.discovery = ["order-api"])) });
  });
  afterAll(() => temp.cleanup());

  test("the caller's boot admits its tasks into the callee's task security group on its container port, and its task role may DiscoverInstances in the env's namespace only", () => {
    const s = synthBoot("user-api", "dev", temp.repo());
    const [taskSg] = s.resources("aws_security_group").find(([, c]) => c.name === "user-api-dev-task-sg")!;
    const direct = s.resources("aws_vpc_security_group_ingress_rule").map(([, c]) => c).filter((c) => String(c.description).includes("directly"));
    expect(direct).toEqual([
      {
        security_group_id: expect.stringMatching(/^\$\{data\.terraform_remote_state\.callee-order-api_remote_[A-Z0-9]+\.outputs\.task_security_group_id\}$/),
        referenced_security_group_id: `\${aws_security_group.${taskSg}.id}`,
        ip_protocol: "tcp",
        from_port: 8080,
        to_port: 8080,
        description: "user-api tasks calling order-api tasks directly (Cloud Map)",
      },
    ]);
    const policy = s.resources("aws_iam_role_policy").map(([, c]) => c).find((c) => c.name === "discover-instances")!;
    expect(JSON.parse(policy.policy as string)).toEqual({
      Version: "2012-10-17",
      Statement: [
        { Sid: "DiscoverInstancesOfTheEnv", Effect: "Allow", Action: ["servicediscovery:DiscoverInstances"], Resource: "*", Condition: { StringEquals: { "servicediscovery:NamespaceName": "dev.local" } } },
      ],
    });
    // A service without direct calls gets no such policy.
    expect(synthBoot("web-bff", "dev", temp.repo()).resources("aws_iam_role_policy").map(([, c]) => c.name)).not.toContain("discover-instances");
  });

  test("every lane gets ORDER_API_DISCOVERY ({namespace}/{service}) beside ORDER_API_URL", () => {
    const s = synthLane("gray", { params: temp.repo() });
    const defs = JSON.parse(s.only("aws_ecs_task_definition").container_definitions as string) as { environment: { name: string; value: string }[] }[];
    const env = Object.fromEntries(defs[0]!.environment.map((e) => [e.name, e.value]));
    expect(env.ORDER_API_DISCOVERY).toBe("dev.local/order-api");
    expect(env.ORDER_API_URL).toMatch(/outputs\.call_url\}$/);
  });

  test("bad input: a direct callee not in calls; a callee that does not register in Cloud Map", () => {
    const notCalled = new TempParams({ "web-bff-dev.json": exampleFile("web-bff-dev.json", (j) => void (j.discovery = ["order-api"])) });
    try {
      expect(() => notCalled.repo().service("web-bff", "dev")).toThrow(/web-bff-dev\.json: field 'discovery\[0\]' has bad value "order-api": it is not in calls\. Allowed: services listed in calls; add "order-api" to calls, or remove it from discovery\./);
    } finally {
      notCalled.cleanup();
    }
    const noMap = new TempParams({
      "user-api-dev.json": exampleFile("user-api-dev.json", (j) => void (j.discovery = ["order-api"])),
      "boot-dev.json": exampleFile("boot-dev.json", (j) => void ((j.services as Record<string, Json>)["order-api"] = { internal: true, initCloudMap: false })),
    });
    try {
      expect(() => noMap.repo().service("user-api", "dev")).toThrow(/field 'discovery\[0\]' has bad value "order-api": it does not register in Cloud Map \(initCloudMap: false in boot-dev\.json\)/);
    } finally {
      noMap.cleanup();
    }
  });
});
