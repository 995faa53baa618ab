import { InfraOutputs } from "../lib/contract";
import { TempParams, exampleFile, type Json } from "./helpers/project";
import { synthInfra } from "./helpers/stacks";

describe("infra-dev (create mode)", () => {
  const s = synthInfra();

  test("keeps its state under infra/dev/ with encryption and both lock mechanisms", () => {
    const backend = (s.json.terraform as Json).backend as Record<string, Json>;
    expect(backend.s3).toEqual({
      bucket: "lanes-example-tfstate-dev",
      key: "infra/dev/terraform.tfstate",
      region: "ap-southeast-2",
      encrypt: true,
      dynamodb_table: "lanes-tf-locks-dev",
      use_lockfile: true,
    });
  });

  test("creates a VPC with a public and a private subnet in each of 2 zones", () => {
    expect(s.resources("aws_vpc")).toHaveLength(1);
    const subnets = s.resources("aws_subnet").map(([, c]) => c);
    expect(subnets).toHaveLength(4);
    const byTier = (tier: string) => subnets.filter((c) => (c.tags as Json).tier === tier).map((c) => c.availability_zone);
    expect(byTier("public")).toEqual(["ap-southeast-2a", "ap-southeast-2b"]);
    expect(byTier("private")).toEqual(["ap-southeast-2a", "ap-southeast-2b"]);
    for (const subnet of subnets) expect(subnet.map_public_ip_on_launch).toBe(false);
  });

  test("private subnets route through the single NAT gateway, public ones through the internet gateway", () => {
    expect(s.resources("aws_nat_gateway")).toHaveLength(1);
    const routes = s.resources("aws_route").map(([, c]) => c);
    expect(routes.filter((r) => r.gateway_id)).toHaveLength(1);
    expect(routes.filter((r) => r.nat_gateway_id)).toHaveLength(2);
  });

  test("ECS cluster has Container Insights on", () => {
    expect(s.only("aws_ecs_cluster")).toMatchObject({
      name: "dev-cluster",
      setting: [{ name: "containerInsights", value: "enabled" }],
    });
  });

  test("Cloud Map private DNS namespace dev.local in the VPC", () => {
    const ns = s.only("aws_service_discovery_private_dns_namespace");
    expect(ns.name).toBe("dev.local");
    expect(ns.vpc).toMatch(/^\$\{aws_vpc\..+\.id\}$/);
  });

  test("shared resources are protected against destroy", () => {
    for (const type of ["aws_vpc", "aws_subnet", "aws_ecs_cluster", "aws_service_discovery_private_dns_namespace"]) {
      for (const [id, c] of s.resources(type)) expect([id, c.lifecycle]).toEqual([id, { prevent_destroy: true }]);
    }
  });

  test("declares every contract output at the root", () => {
    expect(Object.keys(s.outputs()).sort()).toEqual(Object.values(InfraOutputs).map((o) => o.name).sort());
  });

  test("every resource carries env/service/lane/managed-by tags through the provider", () => {
    const provider = ((s.json.provider as Json).aws as Json[])[0]!;
    expect(provider.region).toBe("ap-southeast-2");
    expect((provider.default_tags as Json[])[0]!.tags).toEqual({
      env: "dev",
      service: "shared",
      lane: "shared",
      "managed-by": "lanes",
      stack: "infra-dev",
    });
  });
});

describe("infra-dev variants", () => {
  test("wrap mode creates no network and outputs the given ids", () => {
    const params = new TempParams({
      "infra-dev.json": exampleFile("infra-dev.json", (j) => {
        j.network = {
          mode: "wrap",
          vpcId: "vpc-0123456789abcdef0",
          privateSubnetIds: ["subnet-00000000000000001", "subnet-00000000000000002"],
          publicSubnetIds: ["subnet-00000000000000003", "subnet-00000000000000004"],
        };
      }),
    });
    try {
      const s = synthInfra("dev", params.repo());
      for (const type of ["aws_vpc", "aws_subnet", "aws_nat_gateway", "aws_internet_gateway", "aws_route_table"]) {
        expect([type, s.resources(type)]).toEqual([type, []]);
      }
      const out = s.outputs();
      expect(out[InfraOutputs.vpcId.name]!.value).toBe("vpc-0123456789abcdef0");
      expect(out[InfraOutputs.privateSubnetIds.name]!.value).toEqual(["subnet-00000000000000001", "subnet-00000000000000002"]);
      expect(out[InfraOutputs.publicSubnetIds.name]!.value).toEqual(["subnet-00000000000000003", "subnet-00000000000000004"]);
      expect(s.only("aws_service_discovery_private_dns_namespace").vpc).toBe("vpc-0123456789abcdef0");
    } finally {
      params.cleanup();
    }
  });

  test("NAT per zone, three zones, no Cloud Map, lockfile only", () => {
    const params = new TempParams({
      "infra-dev.json": exampleFile("infra-dev.json", (j) => {
        j.network = { mode: "create", cidr: "10.30.0.0/16", azCount: 3, nat: "perAz" };
        j.cloudMap = { initCloudMap: false };
        j.state = { bucket: "b-state-dev", lock: "lockfile" };
      }),
    });
    try {
      const s = synthInfra("dev", params.repo());
      expect(s.resources("aws_nat_gateway")).toHaveLength(3);
      expect(s.resources("aws_subnet")).toHaveLength(6);
      expect(s.resources("aws_service_discovery_private_dns_namespace")).toEqual([]);
      expect(s.outputs()[InfraOutputs.namespaceId.name]!.value).toBe("");
      const backend = ((s.json.terraform as Json).backend as Record<string, Json>).s3!;
      expect(backend.use_lockfile).toBe(true);
      expect(backend.dynamodb_table).toBeUndefined();
    } finally {
      params.cleanup();
    }
  });
});
