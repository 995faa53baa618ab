import {
  ANY,
  Limits,
  MAX_LANE_LENGTH,
  NamingError,
  assertEnv,
  assertLane,
  assertService,
  accessLogPrefix,
  calleeDiscoveryVariable,
  calleeUrlVariable,
  edgeNames,
  envNameProblem,
  imageTag,
  laneTargetGroupPrefix,
  originSecretHeader,
  pipelineNames,
  serviceInEnvProblem,
  stateNames,
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

/**
 * Every physical name as deployed, written out: a name that changes replaces the resource it
 * names (a new ALB, a new log group, an IAM pattern that no longer matches), so a rename must
 * show here. Shortened names: the rule in lib/naming.ts's header (first limit - 7 characters,
 * trailing hyphens trimmed, `-`, the first 6 hex digits of SHA-256 of the full name), the
 * hashes computed with Python's hashlib, not with the module.
 */
describe("the names as deployed", () => {
  const kept = (name: string) => ({ name, fullName: name, shortened: false });
  const short = (name: string, fullName: string) => ({ name, fullName, shortened: true });

  test("infra: network, cluster, namespace, logs", () => {
    const n = infraNames("dev");
    expect({ ...n, publicSubnet: undefined, privateSubnet: undefined, privateRouteTable: undefined, natGateway: undefined }).toEqual({
      stack: "infra-dev",
      vpc: "dev-vpc",
      internetGateway: "dev-igw",
      publicRouteTable: "dev-public",
      publicSubnet: undefined,
      privateSubnet: undefined,
      privateRouteTable: undefined,
      natGateway: undefined,
      cluster: "dev-cluster",
      namespace: "dev.local",
      logBucketPrefix: "lanes-dev-logs-",
      flowLogPrefix: "vpc-flow-logs",
      accessLogRoot: "alb",
      flowLog: "dev-flow-logs",
    });
    expect([n.publicSubnet("ap-southeast-2a"), n.privateSubnet("ap-southeast-2a"), n.privateRouteTable("ap-southeast-2c"), n.natGateway(2)]).toEqual([
      "dev-public-ap-southeast-2a",
      "dev-private-ap-southeast-2a",
      "dev-private-ap-southeast-2c",
      "dev-nat-2",
    ]);
    expect([accessLogPrefix("user-api"), stateNames("dev"), stackNames.edge("dev"), stackNames.pipeline("user-api-dev")]).toEqual([
      "alb/user-api",
      { stack: "state-dev", defaultLockTable: "lanes-tf-locks-dev" },
      "edge-dev",
      "pipeline-user-api-dev",
    ]);
  });

  test("a service's boot layer", () => {
    expect(serviceNames("user-api", "dev")).toEqual({
      stack: "boot-user-api-dev",
      alb: kept("user-api-dev-alb"),
      albSecurityGroup: "user-api-dev-alb-sg",
      taskSecurityGroup: "user-api-dev-task-sg",
      internalListener: "user-api-dev-internal",
      defaultTargetGroup: kept("user-api-dev-default-tg"),
      defaultRule: "user-api-dev-default-rule",
      logGroup: "/ecs/dev/user-api",
      cloudMapService: "user-api",
      ecrRepository: "dev/user-api",
      taskExecutionRole: kept("user-api-dev-task-exec"),
      taskRole: kept("user-api-dev-task"),
      container: "user-api",
      alarmTopic: "user-api-dev-alarms",
      dashboard: "user-api-dev",
      queue: "user-api-dev-queue",
      deadLetterQueue: "user-api-dev-dlq",
      fallback: {
        function: kept("user-api-dev-fallback"),
        role: kept("user-api-dev-fallback"),
        rule: kept("user-api-dev-lane-health"),
        logGroup: "/aws/lambda/user-api-dev-fallback",
      },
    });
  });

  test("a long service's ALB and default target group are shortened to 32; its IAM names are not", () => {
    const n = serviceNames("customer-notification-preferences-api", "staging");
    expect([n.alb, n.defaultTargetGroup, n.taskRole]).toEqual([
      short("customer-notification-pre-6d2113", "customer-notification-preferences-api-staging-alb"),
      short("customer-notification-pre-3c9c66", "customer-notification-preferences-api-staging-default-tg"),
      kept("customer-notification-preferences-api-staging-task"),
    ]);
    expect(laneTargetGroupPrefix("customer-notification-preferences-api", "staging")).toBe("customer-notification-pre");
    expect(laneTargetGroupPrefix("user-api", "dev")).toBe("user-api-dev-");
    expect(pipelineNames("staging", { kind: "app", service: "customer-notification-preferences-api" }).artifactBucketPrefix).toBe("lanes-customer-notification-preferenc");
  });

  test("a lane's app layer", () => {
    expect(laneNames("user-api", "dev", "gray")).toEqual({
      prefix: "user-api-dev-gray",
      stack: "app-user-api-dev-gray",
      targetGroup: kept("user-api-dev-gray-tg"),
      listenerRule: "user-api-dev-gray-rule",
      internalListenerRule: "user-api-dev-gray-internal-rule",
      rampRule: "user-api-dev-gray-ramp",
      taskFamily: "user-api-dev-gray-task",
      ecsService: "user-api-dev-gray",
      logStreamPrefix: "gray",
      alarms: {
        errorRate: "user-api-dev-gray-5xx-rate",
        healthyHosts: "user-api-dev-gray-healthy-hosts",
        unhealthyHosts: "user-api-dev-gray-unhealthy-hosts",
        runningBelowDesired: "user-api-dev-gray-running-below-desired",
        deadLetters: "user-api-dev-gray-dead-letters",
        oldestMessage: "user-api-dev-gray-oldest-message-age",
        errorLines: "user-api-dev-gray-error-lines",
      },
      processedMetric: "user-api-dev-gray-processed",
    });
  });

  test("every trailing hyphen of the kept part is trimmed before the hash, not only the last", () => {
    expect(fitName("aaaaaaaaaaaaaaaaaaaaaaa--bbbbbbbbbb", 32)).toBe("aaaaaaaaaaaaaaaaaaaaaaa-327d7f");
  });

  test("a lane's target group at 32 characters is kept, at 33 shortened; a hyphen before the hash is trimmed", () => {
    expect([
      laneNames("user-api", "dev", "feature-login-v2").targetGroup,
      laneNames("user-api", "dev", "feature-login-v22").targetGroup,
      laneNames("order-fulfilment-service", "dev", "gray").targetGroup,
    ]).toEqual([
      kept("user-api-dev-feature-login-v2-tg"),
      short("user-api-dev-feature-logi-d0f58e", "user-api-dev-feature-login-v22-tg"),
      short("order-fulfilment-service-6af1ef", "order-fulfilment-service-dev-gray-tg"),
    ]);
  });

  test("pipelines: a service's, and the env's infra, bootstrap and gc pipelines", () => {
    const app = pipelineNames("dev", { kind: "app", service: "user-api" });
    expect({ ...app, codebuildPolicy: undefined }).toEqual({
      pipeline: "user-api-dev",
      stack: "pipeline-user-api-dev",
      project: "user-api-dev-deploy",
      codebuildRole: kept("user-api-dev-codebuild"),
      codebuildPolicy: undefined,
      codebuildSecurityGroup: "user-api-dev-codebuild",
      codebuildVpcPolicy: "user-api-dev-codebuild-vpc",
      pipelineRole: kept("user-api-dev-pipeline"),
      artifactBucketPrefix: "lanes-user-api-dev-",
      buildLogGroup: "/aws/codebuild/user-api-dev-deploy",
      buildCachePrefix: "build-cache",
      scheduleRule: "user-api-dev-schedule",
      scheduleRole: kept("user-api-dev-schedule"),
    });
    expect(app.codebuildPolicy(2)).toEqual(kept("user-api-dev-codebuild-deploy-2"));
    expect((["infra", "bootstrap", "gc"] as const).map((kind) => pipelineNames("dev", { kind }).project)).toEqual(["infra-dev-deploy", "bootstrap-dev-deploy", "gc-dev-deploy"]);
  });

  test("the edge", () => {
    expect(edgeNames("dev")).toEqual({
      stack: "edge-dev",
      distributionComment: "lanes edge dev",
      keyValueStore: "lanes-edge-dev-rules",
      viewerRequestFunction: "lanes-edge-dev-viewer-request",
      viewerResponseFunction: "lanes-edge-dev-viewer-response",
      rulesTable: "lanes-edge-dev-rules",
      rulesTableKey: "id",
      syncFunction: "lanes-edge-dev-sync",
      syncLogGroup: "/aws/lambda/lanes-edge-dev-sync",
      syncRole: kept("lanes-edge-dev-sync"),
      syncSchedule: "lanes-edge-dev-sync",
      alarmTopic: "lanes-edge-dev-alarms",
      invalidRulesAlarm: "lanes-edge-dev-invalid-rules",
      syncErrorsAlarm: "lanes-edge-dev-sync-errors",
      keysItem: "keys",
      viewerRequestLogGroup: "/aws/cloudfront/function/lanes-edge-dev-viewer-request",
      rejectedMetricFilter: "lanes-edge-dev-rejected",
    });
  });

  test("IAM patterns: a part given as ANY (*) stands for every value of it", () => {
    expect([laneNames("user-api", "dev", ANY).ecsService, laneNames("user-api", "dev", ANY).taskFamily, serviceNames(ANY, "dev").logGroup]).toEqual([
      "user-api-dev-*",
      "user-api-dev-*-task",
      "/ecs/dev/*",
    ]);
  });

  test("the callee variables, the origin secret's header by generation, an image's tag", () => {
    expect([calleeUrlVariable("order-api"), calleeUrlVariable("a-b-c"), calleeDiscoveryVariable("order-api"), calleeDiscoveryVariable("a-b-c")]).toEqual([
      "ORDER_API_URL",
      "A_B_C_URL",
      "ORDER_API_DISCOVERY",
      "A_B_C_DISCOVERY",
    ]);
    expect([1, 2, 3, 4].map(originSecretHeader)).toEqual(["x-lanes-origin-1", "x-lanes-origin-0", "x-lanes-origin-1", "x-lanes-origin-0"]);
    expect([imageTag("abcdef1"), imageTag("0123456789abcdef0123456789abcdef01234567")]).toEqual(["sha-abcdef1", "sha-0123456"]);
    for (const bad of ["abcdef", "ABCDEF1", "0123456789abcdef0123456789abcdef012345678", "xabcdef1", "abcdef1x", ""]) {
      expect(() => imageTag(bad)).toThrow(new NamingError(`COMMIT='${bad}' is not a git commit id (7 to 40 lower-case hex digits).`));
    }
  });
});

describe("the name rules, at each bound, with their messages", () => {
  test("service names: 40 characters, [a-z0-9-], a letter first, no hyphen last; reserved names and prefix", () => {
    expect(serviceNameProblem("a".repeat(40))).toBeUndefined();
    expect(serviceNameProblem("a".repeat(41))).toBe("service name is 41 characters long");
    const pattern = "service name has characters outside [a-z0-9-], starts with a digit or hyphen, or ends with a hyphen";
    expect(["1api", "-api", "api-", "user_api", "User-api", "user.api"].map(serviceNameProblem)).toEqual(Array(6).fill(pattern));
    expect(["a", "a1", "user-api", "x-1-y"].map(serviceNameProblem)).toEqual([undefined, undefined, undefined, undefined]);
    expect(["infra", "bootstrap", "boot", "state", "app", "pipeline", "edge", "gc"].map(serviceNameProblem)).toEqual(
      ["infra", "bootstrap", "boot", "state", "app", "pipeline", "edge", "gc"].map((name) => `'${name}' is reserved for the platform's own stacks and pipelines`),
    );
    expect([serviceNameProblem("lanes-x"), serviceNameProblem("lanesx"), serviceNameProblem("my-lanes-x")]).toEqual([
      "names starting with 'lanes-' are reserved for the platform's own resources",
      undefined,
      undefined,
    ]);
  });

  test("a service containing its env as a word: inside or at the end, not as part of a word", () => {
    const reason = "it contains the env 'dev' as a word, which would make its resource names ({service}-{env}-{lane}) ambiguous with another service's";
    expect(["a-dev", "a-dev-b", "x-y-dev"].map((s) => serviceInEnvProblem(s, "dev"))).toEqual([reason, reason, reason]);
    expect(["dev-a", "a-devb", "adev", "a-xdev", "devtools"].map((s) => serviceInEnvProblem(s, "dev"))).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });

  test("env names: a lower-case letter, then up to 9 letters or digits", () => {
    expect(["a", "prod", "abcdefghij", "qa1"].map(envNameProblem)).toEqual([undefined, undefined, undefined, undefined]);
    expect(["abcdefghijk", "1qa", "Dev", "dev-1", "", "de_v"].map(envNameProblem)).toEqual(Array(6).fill("env name is not a short lower-case word"));
  });

  test("the refusals name where the value came from, the reason and the rule", () => {
    expect(() => assertLane("Gray", "--lane")).toThrow(
      new NamingError(
        "--lane='Gray' is not a valid lane: lane name has characters outside [a-z0-9-] or starts/ends with a hyphen. Allowed: lower-case letters, digits and hyphens, starting and ending with a letter or digit, at most 115 characters (the ALB header condition value '*,ctx=lane:{lane},*' is limited to 128).",
      ),
    );
    expect(() => assertService("lanes-x", "--service", "dev")).toThrow(
      new NamingError(
        "--service='lanes-x' is not a valid service in env 'dev': names starting with 'lanes-' are reserved for the platform's own resources. Allowed: lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen, at most 40 characters, not containing '-dev-' or ending with '-dev'.",
      ),
    );
    expect(() => assertService("Api")).toThrow(
      new NamingError(
        "SERVICE='Api' is not a valid service: service name has characters outside [a-z0-9-], starts with a digit or hyphen, or ends with a hyphen. Allowed: lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen, at most 40 characters.",
      ),
    );
    expect(() => assertEnv("Dev", "--env")).toThrow(
      new NamingError("--env='Dev' is not a valid env: env name is not a short lower-case word. Allowed: a lower-case letter followed by lower-case letters or digits, at most 10 characters, no hyphen."),
    );
    expect([assertLane("gray"), assertService("user-api", "SERVICE", "dev"), assertEnv("dev")]).toEqual(["gray", "user-api", "dev"]);
    expect(() => assertEnv("Dev")).toThrow(expect.objectContaining({ name: "NamingError" }));
  });
});
