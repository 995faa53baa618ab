import {
  Limits,
  MAX_LANE_LENGTH,
  NamingError,
  assertEnv,
  assertLane,
  assertService,
  edgeNames,
  infraNames,
  laneNameProblem,
  serviceNameProblem,
  taskRoleBoundaryName,
  fitName,
  laneNames,
  serviceNames,
  shortHash,
  stackNames,
} from "../lib/naming";

const ALB_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;

describe("stack names", () => {
  test("follow the layer names: state, infra, boot, app, pipeline, edge", () => {
    expect(stackNames.state("dev")).toBe("state-dev");
    expect(stackNames.infra("dev")).toBe("infra-dev");
    expect(stackNames.boot("user-api", "dev")).toBe("boot-user-api-dev");
    expect(stackNames.app("user-api", "dev", "gray")).toBe("app-user-api-dev-gray");
  });
});

describe("resource names", () => {
  test("service-level names", () => {
    const n = serviceNames("user-api", "dev");
    expect(n.alb.name).toBe("user-api-dev-alb");
    expect(n.defaultTargetGroup.name).toBe("user-api-dev-default-tg");
    expect(n.logGroup).toBe("/ecs/dev/user-api");
    expect(n.cloudMapService).toBe("user-api");
  });

  test("lane-level names", () => {
    const n = laneNames("user-api", "dev", "gray");
    expect(n.targetGroup.name).toBe("user-api-dev-gray-tg");
    expect(n.listenerRule).toBe("user-api-dev-gray-rule");
    expect(n.taskFamily).toBe("user-api-dev-gray-task");
    expect(n.ecsService).toBe("user-api-dev-gray");
    expect(n.logStreamPrefix).toBe("gray");
  });
});

describe("fitName: the 32-character ALB/target group limit", () => {
  test("a name of exactly 32 characters is kept as is", () => {
    const name = "a".repeat(29) + "-tg";
    expect(name).toHaveLength(32);
    expect(fitName(name, Limits.targetGroupName)).toBe(name);
  });

  test("a name of 33 characters is shortened to 32 with the hash of the full name", () => {
    const name = "a".repeat(30) + "-tg";
    const fitted = fitName(name, Limits.targetGroupName);
    expect(fitted).toHaveLength(32);
    // sha256("aaa…a-tg") starts e426bf (computed outside this code base: `printf %s "$name" | sha256sum`)
    expect(fitted).toBe(`${"a".repeat(25)}-e426bf`);
    expect(shortHash(name)).toBe("e426bf");
    expect(fitted).toMatch(ALB_NAME);
  });

  test("shortening is deterministic and keeps distinct names distinct", () => {
    const a = laneNames("order-fulfilment-api", "prod", "experiment-a").targetGroup;
    const b = laneNames("order-fulfilment-api", "prod", "experiment-b").targetGroup;
    expect(a.shortened).toBe(true);
    // 32 characters: the first 25 of the full name (no trailing hyphen), "-", the first 6 hex of its SHA-256
    expect(a.name).toBe("order-fulfilment-api-prod-5ca3cf");
    expect(b.name).toBe("order-fulfilment-api-prod-829a2a");
    expect(a.fullName).toBe("order-fulfilment-api-prod-experiment-a-tg");
  });

  test("no trailing hyphen before the hash, result stays a valid ALB name", () => {
    // the cut lands right after a hyphen: 24 chars + "-" + more
    const name = `${"b".repeat(24)}-${"c".repeat(20)}`;
    const fitted = fitName(name, 32);
    expect(fitted).toBe(`${"b".repeat(24)}-376d02`);
    expect(fitted).not.toMatch(/--/);
    expect(fitted).toMatch(ALB_NAME);
    expect(fitted.length).toBeLessThanOrEqual(32);
  });

  test("every lane target group name fits and is valid for long inputs", () => {
    for (const lane of ["gray", "a", "x".repeat(MAX_LANE_LENGTH)]) {
      const tg = laneNames("s".repeat(40), "staging", lane).targetGroup.name;
      expect(tg.length).toBeLessThanOrEqual(Limits.targetGroupName);
      expect(tg).toMatch(ALB_NAME);
    }
    const alb = serviceNames("s".repeat(40), "staging").alb.name;
    expect(alb.length).toBeLessThanOrEqual(Limits.albName);
    expect(alb).toMatch(ALB_NAME);
  });

  test("IAM role names of the longest service and env fit 64 unshortened", () => {
    const role = serviceNames("s".repeat(40), "e".repeat(10)).taskExecutionRole;
    expect(role.name.length).toBeLessThanOrEqual(Limits.iamRoleName);
    expect(role.shortened).toBe(false);
  });
});

describe("name validation", () => {
  test("lane names at the limit pass, over it fail with the rule", () => {
    expect(assertLane("x".repeat(MAX_LANE_LENGTH))).toHaveLength(MAX_LANE_LENGTH);
    expect(() => assertLane("x".repeat(MAX_LANE_LENGTH + 1))).toThrow(
      new RegExp(`LANE='x+' is not a valid lane: lane name is ${MAX_LANE_LENGTH + 1} characters long.*at most ${MAX_LANE_LENGTH}`),
    );
  });

  test.each(["Gray", "gray_1", "-gray", "gray-", "gr*y", "g?ay", "ctx=lane", "a,b", ""])("lane %p is refused", (lane) => {
    expect(() => assertLane(lane)).toThrow(NamingError);
  });

  test.each(["gray", "blue", "canary-2", "7"])("lane %p is accepted", (lane) => {
    expect(assertLane(lane)).toBe(lane);
  });

  test.each(["infra", "bootstrap", "state", "pipeline"])("service name %p is reserved for the platform's stacks", (name) => {
    expect(() => assertService(name)).toThrow(/is reserved for the platform's own stacks and pipelines/);
  });

  test("service and env names", () => {
    expect(() => assertService("User_Api")).toThrow(/SERVICE='User_Api' is not a valid service/);
    expect(() => assertEnv("dev-1")).toThrow(/ENV='dev-1' is not a valid env.*no hyphen/);
    expect(assertEnv("prod")).toBe("prod");
  });
});

describe("names joined from service and lane are unambiguous", () => {
  /** Every lane-scoped physical name of a (service, lane) pair in env dev. */
  const allNames = (service: string, lane: string): string[] => {
    const n = laneNames(service, "dev", lane);
    return [n.taskFamily, n.ecsService, n.targetGroup.name, n.listenerRule, ...Object.values(n.alarms), `${serviceNames(service, "dev").logGroup}/${n.logStreamPrefix}`];
  };

  test("user + api-gray and user-api + gray share no name (family, ECS service, target group, rule, alarms, log streams)", () => {
    const a = allNames("user", "api-gray");
    const b = allNames("user-api", "gray");
    expect(a.filter((name) => b.includes(name))).toEqual([]);
    expect(laneNames("user", "dev", "api-gray").taskFamily).toBe("user-dev-api-gray-task");
    expect(laneNames("user-api", "dev", "gray").taskFamily).toBe("user-api-dev-gray-task");
  });

  test("a + dev-b and a-dev + b would join alike in env dev: the service a-dev is refused there, with the reason", () => {
    expect(laneNames("a", "dev", "dev-b").ecsService).toBe("a-dev-dev-b");
    expect(() => assertService("a-dev", "SERVICE", "dev")).toThrow(
      "SERVICE='a-dev' is not a valid service in env 'dev': it contains the env 'dev' as a word, which would make its resource names ({service}-{env}-{lane}) ambiguous with another service's.",
    );
    expect(() => assertService("a-dev-x", "SERVICE", "dev")).toThrow(/contains the env 'dev' as a word/);
    // The same names are fine where they are not ambiguous: another env, or the env as part of a word.
    expect(assertService("a-dev", "SERVICE", "prod")).toBe("a-dev");
    expect(assertService("devtools", "SERVICE", "dev")).toBe("devtools");
    expect(assertService("a-devx", "SERVICE", "dev")).toBe("a-devx");
  });

  test("a service's name prefix reaches no other allowed service's lane names", () => {
    // `user-dev-*` (service user) against services allowed in dev that start with "user".
    const pattern = /^user-dev-/;
    for (const other of ["user-api", "userdev", "users"]) {
      expect([other, pattern.test(laneNames(other, "dev", "gray").ecsService)]).toEqual([other, false]);
    }
  });

  test("lane names that tag shared resources and service names of the platform's own are reserved", () => {
    expect(laneNameProblem("shared")).toBe("'shared' is reserved: it tags the resources lanes share");
    expect(laneNameProblem("pipeline")).toBe("'pipeline' is reserved: it tags the resources lanes share");
    expect(serviceNameProblem("lanes-edge")).toBe("names starting with 'lanes-' are reserved for the platform's own resources");
  });

  test("network, edge and boundary names come from the naming module", () => {
    const infra = infraNames("dev");
    expect([infra.vpc, infra.internetGateway, infra.publicRouteTable, infra.publicSubnet("ap-southeast-2a"), infra.privateSubnet("ap-southeast-2b"), infra.natGateway(0)]).toEqual([
      "dev-vpc",
      "dev-igw",
      "dev-public",
      "dev-public-ap-southeast-2a",
      "dev-private-ap-southeast-2b",
      "dev-nat-0",
    ]);
    expect(edgeNames("dev").syncLogGroup).toBe("/aws/lambda/lanes-edge-dev-sync");
    expect(taskRoleBoundaryName("dev")).toBe("lanes-task-boundary-dev");
  });
});
