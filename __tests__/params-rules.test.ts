/**
 * The rules that relate params files to each other (lib/params/load.ts), fed on purpose (issue 14,
 * point 4): what a service may call and discover, what an edge may front, the listeners' ports,
 * the state overrides from the environment, and how a lane's settings are resolved. Every
 * expected value is a literal from the example params (params/) and the rule's own text.
 */
import { join } from "node:path";
import { ParamsError } from "../lib/params/errors";
import { ParamsRepository, overridesFromEnv } from "../lib/params/load";
import { TempParams, exampleFile, type Json } from "./helpers/project";

type Files = Record<string, unknown>;
type Repo = ReturnType<TempParams["repo"]>;

/** Loads with `files` over the example params: the value `read` returns, or the refusal's message without the directory. */
function outcome<T>(files: Files, read: (r: Repo) => T): T | string {
  const params = new TempParams(files);
  try {
    return read(params.repo());
  } catch (err) {
    if (!(err instanceof ParamsError)) throw err;
    return err.message.split(`${params.dir}/`).join("");
  } finally {
    params.cleanup();
  }
}

const edit = (file: string, change: (j: Json) => void): Files => ({ [file]: exampleFile(file, change) });
const obj = (j: Json, key: string) => j[key] as Record<string, unknown>;
const userApi = (r: Repo) => r.service("user-api", "dev");

describe("calls: another http service of the env with an ALB, listed once, without a cycle", () => {
  test.each<[string, Files, string]>([
    [
      "itself",
      edit("user-api-dev.json", (j) => void (j.calls = ["user-api"])),
      `user-api-dev.json: field 'calls[0]' has bad value "user-api": a service cannot call itself through its own ALB. Allowed: another http service of 'dev'; remove "user-api" from calls (call your own code in-process).`,
    ],
    [
      "twice",
      edit("user-api-dev.json", (j) => void (j.calls = ["order-api", "order-api"])),
      `user-api-dev.json: field 'calls[1]' has bad value "order-api": it is listed twice. Allowed: each callee once; remove calls[1].`,
    ],
    [
      "a service without a params file",
      edit("user-api-dev.json", (j) => void (j.calls = ["billing"])),
      `user-api-dev.json: field 'calls[0]' has bad value "billing": there is no billing-dev.json, so no such service in 'dev'. Allowed: one of order-api, order-worker, web-bff; fix the name, or create billing-dev.json first.`,
    ],
    [
      "a worker",
      edit("user-api-dev.json", (j) => void (j.calls = ["order-worker"])),
      `user-api-dev.json: field 'calls[0]' has bad value "order-worker": it is a worker, which has no ALB to call. Allowed: an http service; send it messages on its queue instead (its boot state's queue_url), and remove it from calls.`,
    ],
    [
      "a service without an ALB",
      edit("boot-dev.json", (j) => void (obj(j, "services")["order-api"] = { initAlb: false })),
      `user-api-dev.json: field 'calls[0]' has bad value "order-api": it has no ALB (initAlb: false in boot-dev.json), so its lanes cannot be routed. Allowed: an http service with an ALB; set initAlb for it, or remove it from calls.`,
    ],
    [
      "its URL variable set by hand in the container",
      edit("user-api-dev.json", (j) => void (obj(j, "container").env = { ORDER_API_URL: "http://x" })),
      `user-api-dev.json: field 'container.env.ORDER_API_URL' is set, but the platform sets ORDER_API_URL because calls lists "order-api". Allowed: remove ORDER_API_URL from container.env.`,
    ],
    [
      "its URL variable set by hand in the container and a lane",
      edit("user-api-dev.json", (j) => {
        obj(j, "container").env = { ORDER_API_URL: "http://x" };
        (obj(j, "lanes").gray as Record<string, unknown>).env = { ORDER_API_URL: "http://y" };
      }),
      `user-api-dev.json: field 'container.env.ORDER_API_URL' is set, but the platform sets ORDER_API_URL because calls lists "order-api". Allowed: remove ORDER_API_URL from container.env and lanes.gray.env.`,
    ],
    [
      "its URL variable set by hand in a lane only",
      edit("user-api-dev.json", (j) => void ((obj(j, "lanes").gray as Record<string, unknown>).env = { ORDER_API_URL: "http://y" })),
      `user-api-dev.json: field 'lanes.gray.env.ORDER_API_URL' is set, but the platform sets ORDER_API_URL because calls lists "order-api". Allowed: remove ORDER_API_URL from lanes.gray.env.`,
    ],
    [
      "a cycle",
      edit("order-api-dev.json", (j) => void (j.calls = ["user-api"])),
      `user-api-dev.json: field 'calls' makes a cycle: user-api → order-api → user-api. Allowed: calls without cycles (the boot layer of a caller reads its callee's, so a cycle could never be bootstrapped); remove one of these calls.`,
    ],
    [
      "a longer cycle",
      { ...edit("order-api-dev.json", (j) => void (j.calls = ["web-bff"])) },
      `user-api-dev.json: field 'calls' makes a cycle: user-api → order-api → web-bff → user-api. Allowed: calls without cycles (the boot layer of a caller reads its callee's, so a cycle could never be bootstrapped); remove one of these calls.`,
    ],
  ])("%s is refused", (_, files, message) => {
    expect(outcome(files, userApi)).toBe(message);
  });

  test("the callee's URL variable and port: order-api's routing listener (port 80; it is not behind the edge)", () => {
    expect(outcome({}, (r) => r.boot("user-api", "dev").calls)).toEqual([{ service: "order-api", urlVariable: "ORDER_API_URL", port: 80 }]);
  });

  test("a callee behind the edge is called on its internal listener (boot's internalPort, 8081)", () => {
    expect(outcome({}, (r) => r.boot("web-bff", "dev").calls)).toEqual([{ service: "user-api", urlVariable: "USER_API_URL", port: 8081 }]);
  });

  test("a cycle through the second callee is found; a cycle downstream that does not come back is the callees' to report", () => {
    const calls = (file: string, list: string[]) => edit(file, (j) => void (j.calls = list));
    expect(outcome({ ...calls("user-api-dev.json", ["order-api", "web-bff"]), ...calls("order-api-dev.json", []), ...calls("web-bff-dev.json", ["user-api"]) }, userApi)).toBe(
      "user-api-dev.json: field 'calls' makes a cycle: user-api → web-bff → user-api. Allowed: calls without cycles (the boot layer of a caller reads its callee's, so a cycle could never be bootstrapped); remove one of these calls.",
    );
    const downstream = { ...calls("order-api-dev.json", ["web-bff"]), ...calls("web-bff-dev.json", ["order-api"]) };
    expect(outcome(downstream, (r) => r.service("user-api", "dev").calls.map((c) => c.service))).toEqual(["order-api"]);
    expect(outcome(downstream, (r) => r.service("order-api", "dev"))).toMatch(/^order-api-dev\.json: field 'calls' makes a cycle: order-api → web-bff → order-api\./);
    // A callee's callee with a reserved name (its own file reports it) is not followed to infra-dev.json.
    expect(outcome(calls("order-api-dev.json", ["infra"]), (r) => r.service("user-api", "dev").calls.map((c) => c.service))).toEqual(["order-api"]);
  });

  test("a service calling a callee that calls itself is only refused for its own calls", () => {
    const files = edit("order-api-dev.json", (j) => void (j.calls = ["order-api"]));
    expect(outcome(files, (r) => r.service("order-api", "dev"))).toBe(
      `order-api-dev.json: field 'calls[0]' has bad value "order-api": a service cannot call itself through its own ALB. Allowed: another http service of 'dev'; remove "order-api" from calls (call your own code in-process).`,
    );
  });
});

describe("discovery: callees of calls that register in Cloud Map", () => {
  test("a discovered callee: its variable, the env's namespace, its Cloud Map service and container port", () => {
    expect(outcome(edit("user-api-dev.json", (j) => void (j.discovery = ["order-api"])), (r) => r.boot("user-api", "dev").calls)).toEqual([
      { service: "order-api", urlVariable: "ORDER_API_URL", port: 80, discovery: { variable: "ORDER_API_DISCOVERY", namespace: "dev.local", cloudMapService: "order-api", containerPort: 8080 } },
    ]);
  });

  test.each<[string, Files, string]>([
    [
      "a service not in calls",
      edit("user-api-dev.json", (j) => void (j.discovery = ["web-bff"])),
      `user-api-dev.json: field 'discovery[0]' has bad value "web-bff": it is not in calls. Allowed: services listed in calls; add "web-bff" to calls, or remove it from discovery.`,
    ],
    [
      "a callee that does not register in Cloud Map",
      {
        ...edit("user-api-dev.json", (j) => void (j.discovery = ["order-api"])),
        ...edit("boot-dev.json", (j) => void (obj(j, "services")["order-api"] = { initCloudMap: false })),
      },
      `user-api-dev.json: field 'discovery[0]' has bad value "order-api": it does not register in Cloud Map (initCloudMap: false in boot-dev.json). Allowed: a callee with initCloudMap; turn it on, or call it through its ALB only (remove it from discovery).`,
    ],
    [
      "its variable set by hand",
      edit("user-api-dev.json", (j) => {
        j.discovery = ["order-api"];
        obj(j, "container").env = { ORDER_API_DISCOVERY: "x" };
      }),
      `user-api-dev.json: field 'container.env.ORDER_API_DISCOVERY' is set, but the platform sets ORDER_API_DISCOVERY because discovery lists "order-api". Allowed: remove it.`,
    ],
  ])("%s is refused", (_, files, message) => {
    expect(outcome(files, userApi)).toBe(message);
  });
});

describe("kind", () => {
  test("worker settings in an http service's file are refused", () => {
    expect(outcome(edit("user-api-dev.json", (j) => void (j.worker = {})), userApi)).toBe(
      `user-api-dev.json: field 'worker' is set but 'kind' is "http". Allowed: kind "worker" with worker settings, or no worker settings.`,
    );
  });

  test("a worker has no ALB whatever boot's defaults say; an http service has boot's initAlb", () => {
    expect(outcome({}, (r) => [r.boot("order-worker", "dev").initAlb, r.boot("order-api", "dev").initAlb])).toEqual([false, true]);
    expect(outcome({}, (r) => [r.boot("order-worker", "dev").kind, r.boot("user-api", "dev").kind, r.boot("billing", "dev").kind])).toEqual(["worker", "http", "http"]);
  });

  test("a worker's config carries its worker settings; an http service's none", () => {
    const [worker, http] = outcome({}, (r) => [r.service("order-worker", "dev"), r.service("user-api", "dev")]) as [{ worker?: { canary: { desiredCount: number; bakeMinutes: number; pollSeconds: number } } }, { worker?: unknown }];
    expect(worker.worker?.canary).toMatchObject({ desiredCount: 1, bakeMinutes: 10, pollSeconds: 30 });
    expect("worker" in http).toBe(false);
  });
});

describe("the access layer's ports", () => {
  const https = { port: 443, certificateArn: "arn:aws:acm:ap-southeast-2:123456789012:certificate/0b8e7a2c-1111-2222-3333-444455556666" };

  test("HTTPS on the HTTP listener's port is refused", () => {
    const files = edit("boot-dev.json", (j) => void (obj(j, "defaults").listeners = { http: { port: 80 }, https: { ...https, port: 80 } }));
    expect(outcome(files, (r) => r.boot("order-api", "dev"))).toBe("boot-dev.json: field 'listeners.https.port' has bad value 80. Allowed: a port different from listeners.http.port.");
  });

  test.each<[string, Files, string]>([
    [
      "a service's own internalPort on the HTTP listener's port",
      edit("boot-dev.json", (j) => void (obj(j, "services")["user-api"] = { internalPort: 80 })),
      "boot-dev.json: field 'services.user-api.internalPort' has bad value 80 for 'user-api'. Allowed: a port different from the listener ports (80): the internal listener for its callers is a listener of its own.",
    ],
    [
      "the default internalPort on the HTTPS listener's port (user-api without an entry in services)",
      edit("boot-dev.json", (j) => {
        delete obj(j, "services")["user-api"];
        obj(j, "defaults").internalPort = 443;
        obj(j, "defaults").listeners = { http: { port: 80 }, https };
      }),
      "boot-dev.json: field 'defaults.internalPort' has bad value 443 for 'user-api'. Allowed: a port different from the listener ports (80, 443): the internal listener for its callers is a listener of its own.",
    ],
  ])("%s is refused for a service with an internal listener (behind the edge)", (_, files, message) => {
    expect(outcome(files, (r) => r.boot("user-api", "dev"))).toBe(message);
  });

  test("a service without an internal listener may have any internalPort (it is not used)", () => {
    const files = edit("boot-dev.json", (j) => void (obj(j, "services")["order-api"] = { internalPort: 80 }));
    expect(outcome(files, (r) => r.boot("order-api", "dev").internalPort)).toBe(80);
  });

  test("initCloudMap from the defaults, for a service boot-dev.json does not list, names defaults.initCloudMap", () => {
    const files = { ...edit("infra-dev.json", (j) => void (j.cloudMap = { initCloudMap: false })), ...edit("boot-dev.json", (j) => void (obj(j, "defaults").initCloudMap = true)) };
    expect(outcome(files, (r) => r.boot("billing", "dev"))).toBe(
      "boot-dev.json: field 'defaults.initCloudMap' is true for 'billing', but infra-dev.json has cloudMap.initCloudMap=false, so there is no namespace to register in. Allowed: set initCloudMap to false here, or turn the namespace on in infra-dev.json.",
    );
  });

  test("deletion protection of the ALB: off in dev, on in any other env, unless boot says", () => {
    const prod = { "infra-prod.json": exampleFile("infra-dev.json"), "boot-prod.json": exampleFile("boot-dev.json"), "order-worker-prod.json": exampleFile("order-worker-dev.json") };
    expect(outcome(prod, (r) => [r.boot("order-worker", "prod").deletionProtection, r.boot("order-worker", "dev").deletionProtection])).toEqual([true, false]);
    const off = { ...prod, "boot-prod.json": exampleFile("boot-dev.json", (j) => void (obj(j, "defaults").deletionProtection = false)) };
    expect(outcome(off, (r) => r.boot("order-worker", "prod").deletionProtection)).toBe(false);
  });

  test("initCloudMap without the env's namespace names the field that turned it on", () => {
    const files = {
      ...edit("infra-dev.json", (j) => void (j.cloudMap = { initCloudMap: false })),
      ...edit("boot-dev.json", (j) => {
        obj(j, "defaults").initCloudMap = false;
        obj(j, "services")["order-api"] = { initCloudMap: true };
      }),
    };
    expect(outcome(files, (r) => r.boot("order-api", "dev"))).toBe(
      "boot-dev.json: field 'services.order-api.initCloudMap' is true for 'order-api', but infra-dev.json has cloudMap.initCloudMap=false, so there is no namespace to register in. Allowed: set initCloudMap to false here, or turn the namespace on in infra-dev.json.",
    );
  });
});

describe("the edge: origins are http services with an ALB, the default one of them, a certificate in us-east-1 for aliases", () => {
  const edgeEdit = (change: (j: Json) => void) => edit("edge-dev.json", change);
  test.each<[string, Files, string]>([
    [
      "a worker origin",
      edgeEdit((j) => void (j.origins as unknown[]).push({ service: "order-worker" })),
      `edge-dev.json: field 'origins[2].service' has bad value "order-worker". Allowed: an http service with an ALB (it is a worker).`,
    ],
    [
      "an origin without an ALB",
      edit("boot-dev.json", (j) => void (obj(j, "services")["web-bff"] = { initAlb: false })),
      `edge-dev.json: field 'origins[1].service' has bad value "web-bff". Allowed: an http service with an ALB (it is without an ALB (initAlb: false)).`,
    ],
    [
      "a default service that is not an origin",
      edgeEdit((j) => void (j.defaultService = "order-api")),
      `edge-dev.json: field 'defaultService' has bad value "order-api". Allowed: one of the origins (user-api, web-bff).`,
    ],
    [
      "aliases without a certificate",
      edgeEdit((j) => void (j.aliases = ["app.example.com"])),
      "edge-dev.json: field 'certificateArn' is missing. Allowed: an ACM certificate ARN in us-east-1, required when aliases are set.",
    ],
    [
      "a certificate outside us-east-1",
      edgeEdit((j) => void (j.certificateArn = "arn:aws:acm:ap-southeast-2:123456789012:certificate/0b8e7a2c-1111-2222-3333-444455556666")),
      `edge-dev.json: field 'certificateArn' has bad value "arn:aws:acm:ap-southeast-2:123456789012:certificate/0b8e7a2c-1111-2222-3333-444455556666". Allowed: a certificate in us-east-1 (CloudFront only uses those).`,
    ],
    ["no edge file", { "edge-dev.json": undefined }, "edge-dev.json: file not found. Create it to put CloudFront in front of env 'dev' (see params/edge-dev.json)."],
  ])("%s is refused", (_, files, message) => {
    expect(outcome(files, (r) => r.edge("dev"))).toBe(message);
  });

  test("the example's edge, with its defaults", () => {
    const edge = outcome({}, (r) => r.edge("dev")) as Exclude<ReturnType<Repo["edge"]>, string>;
    expect({ ...edge, origins: edge.origins.map(({ boot: _, ...o }) => o) }).toEqual({
      env: "dev",
      origins: [
        { service: "user-api", pathPatterns: ["/api/users/*"] },
        { service: "web-bff", pathPatterns: ["/bff/*"] },
      ],
      defaultService: "user-api",
      priceClass: "PriceClass_100",
      aliases: [],
      syncMinutes: 5,
      requireSigned: false,
      keyRotationDays: 7,
      originSecret: { sent: [1], required: 1 },
    });
  });

  test("aliases with a us-east-1 certificate, a probe path, and signed headers required when asked", () => {
    const cert = "arn:aws:acm:us-east-1:123456789012:certificate/0b8e7a2c-1111-2222-3333-444455556666";
    const files = edgeEdit((j) => {
      Object.assign(j, { aliases: ["app.example.com"], certificateArn: cert, requireSigned: true });
      (j.origins as Record<string, unknown>[])[0]!.probePath = "/api/users/healthz";
    });
    const edge = outcome(files, (r) => r.edge("dev")) as Exclude<ReturnType<Repo["edge"]>, string>;
    expect([edge.aliases, edge.certificateArn, edge.requireSigned, edge.origins[0]!.probePath, "probePath" in edge.origins[1]!]).toEqual([["app.example.com"], cert, true, "/api/users/healthz", false]);
  });

  test("infra keeps the generations CloudFront sends, each once, in order; the origins' boot layer requires `required`", () => {
    const files = edgeEdit((j) => void (j.originSecret = { sent: [3, 2], required: 3 }));
    expect(outcome(files, (r) => [r.infra("dev").edge, r.boot("user-api", "dev").originGuard, r.boot("order-api", "dev").originGuard])).toEqual([
      { originSecretGenerations: [2, 3] },
      { generation: 3 },
      undefined,
    ]);
    expect(outcome({ "edge-dev.json": undefined }, (r) => ["edge" in r.infra("dev"), "originGuard" in r.boot("user-api", "dev")])).toEqual([false, false]);
  });

  test("another env requires signed tester headers unless its edge file says otherwise (dev does not)", () => {
    const stg = {
      "infra-stg.json": exampleFile("infra-dev.json", (j) => void (obj(j, "state").bucket = "lanes-example-tfstate-stg")),
      "boot-stg.json": exampleFile("boot-dev.json", () => undefined),
      "edge-stg.json": exampleFile("edge-dev.json", () => undefined),
    };
    expect(outcome(stg, (r) => [r.edge("stg").requireSigned, r.edge("dev").requireSigned])).toEqual([true, false]);
  });
});

describe("state overrides from the environment", () => {
  test.each<[Record<string, string>, ReturnType<typeof overridesFromEnv>]>([
    [{}, {}],
    [{ LANES_STATE_S3_ENDPOINT: " http://127.0.0.1:4568 " }, { stateEndpoints: { s3: "http://127.0.0.1:4568" } }],
    [{ LANES_STATE_S3_ENDPOINT: "http://127.0.0.1:4568", LANES_STATE_DYNAMODB_ENDPOINT: " http://127.0.0.1:4567 " }, { stateEndpoints: { s3: "http://127.0.0.1:4568", dynamodb: "http://127.0.0.1:4567" } }],
    [{ LANES_STATE_S3_ENDPOINT: "   " }, {}],
    [{ LANES_SKIP_AWS_VALIDATION: "1" }, { skipAwsValidation: true }],
    [{ LANES_SKIP_AWS_VALIDATION: "true" }, {}],
    [{ LANES_SKIP_AWS_VALIDATION: "0" }, {}],
  ])("%j → %j", (vars, expected) => {
    expect(overridesFromEnv(vars)).toEqual(expected);
  });

  test("a DynamoDB endpoint without an S3 one is refused", () => {
    expect(() => overridesFromEnv({ LANES_STATE_DYNAMODB_ENDPOINT: "http://127.0.0.1:4567" })).toThrow(
      new ParamsError("environment", ["LANES_STATE_DYNAMODB_ENDPOINT is set without LANES_STATE_S3_ENDPOINT. Allowed: set both, or only the S3 one."]),
    );
  });

  test("the overrides replace the file's endpoints; without them the file's are used; skipAwsValidation defaults to false", () => {
    const files = edit("infra-dev.json", (j) => void (obj(j, "state").endpoints = { s3: "https://s3.example.com" }));
    const params = new TempParams(files);
    try {
      const fromFile = new ParamsRepository(params.dir).infra("dev");
      const overridden = new ParamsRepository(params.dir, { stateEndpoints: { s3: "http://127.0.0.1:4568" }, skipAwsValidation: true }).infra("dev");
      expect([fromFile.state.endpoints, fromFile.skipAwsValidation]).toEqual([{ s3: "https://s3.example.com" }, false]);
      expect([overridden.state.endpoints, overridden.skipAwsValidation]).toEqual([{ s3: "http://127.0.0.1:4568" }, true]);
      expect("endpoints" in new ParamsRepository(params.dir, {}).infra("dev").state).toBe(true);
    } finally {
      params.cleanup();
    }
    expect(outcome({}, (r) => "endpoints" in r.infra("dev").state)).toBe(false);
  });
});

describe("the env's network and zones", () => {
  test("zones: the region's a, b, c… up to azCount, or the ones listed, which must be the region's", () => {
    expect(outcome(edit("infra-dev.json", (j) => void (obj(j, "network").azCount = 3)), (r) => r.infra("dev").availabilityZones)).toEqual(["ap-southeast-2a", "ap-southeast-2b", "ap-southeast-2c"]);
    expect(outcome(edit("infra-dev.json", (j) => void (obj(j, "network").availabilityZones = ["ap-southeast-2c", "ap-southeast-2a"])), (r) => r.infra("dev").availabilityZones)).toEqual([
      "ap-southeast-2c",
      "ap-southeast-2a",
    ]);
    expect(outcome(edit("infra-dev.json", (j) => void (obj(j, "network").availabilityZones = ["ap-southeast-2a", "us-east-1a"])), (r) => r.infra("dev"))).toBe(
      `infra-dev.json: field 'network.availabilityZones' has bad value ["ap-southeast-2a","us-east-1a"]. Allowed: zones of region 'ap-southeast-2'.`,
    );
  });

  test("a wrapped VPC brings its own subnets: no zones are derived", () => {
    const wrap = { mode: "wrap", vpcId: "vpc-0123456789abcdef0", privateSubnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"], publicSubnetIds: ["subnet-0123456789abcdef2", "subnet-0123456789abcdef3"] };
    expect(outcome(edit("infra-dev.json", (j) => void (j.network = wrap)), (r) => [r.infra("dev").network, r.infra("dev").availabilityZones])).toEqual([wrap, []]);
  });

  test("pricing is passed on when set, absent otherwise", () => {
    expect(outcome(edit("infra-dev.json", (j) => void (j.pricing = { fargateVcpuHour: 0.05, fargateGbHour: 0.005 })), (r) => r.infra("dev").pricing)).toEqual({ fargateVcpuHour: 0.05, fargateGbHour: 0.005 });
    expect(outcome({}, (r) => "pricing" in r.infra("dev"))).toBe(false);
  });
});

describe("a lane's settings", () => {
  const lane = (files: Files, service: string, name: string) => outcome(files, (r) => r.lane(service, "dev", name));

  test("a worker's canary lane runs the canary's capacity without scaling; its default lane has laneDefaults' scaling", () => {
    const canary = lane({}, "order-worker", "canary") as ReturnType<Repo["lane"]>;
    expect([canary.desiredCount, "scaling" in canary]).toEqual([1, false]);
    const main = lane({}, "order-worker", "default") as ReturnType<Repo["lane"]>;
    expect([main.desiredCount, main.scaling]).toEqual([2, { minCount: 2, maxCount: 20, cpuTargetPercent: 60 }]);
    const files = edit("order-worker-dev.json", (j) => void (obj(j, "lanes").canary = { scaling: { minCount: 1, maxCount: 2 } }));
    expect((lane(files, "order-worker", "canary") as ReturnType<Repo["lane"]>).scaling).toEqual({ minCount: 1, maxCount: 2, cpuTargetPercent: 60 });
  });

  test("an http service's lane named canary is an ordinary lane (laneDefaults' capacity and scaling)", () => {
    const canary = lane({}, "user-api", "canary") as ReturnType<Repo["lane"]>;
    expect([canary.desiredCount, canary.scaling, canary.declared]).toEqual([1, { minCount: 1, maxCount: 4, cpuTargetPercent: 60 }, false]);
  });

  test("ttl: the lane's, else laneDefaults'; never for default", () => {
    const files = edit("user-api-dev.json", (j) => {
      obj(j, "laneDefaults").ttl = "3d";
      (obj(j, "lanes").gray as Record<string, unknown>).ttl = "12h";
    });
    expect(outcome(files, (r) => ["gray", "blue", "default"].map((l) => r.lane("user-api", "dev", l).ttl))).toEqual(["12h", "3d", undefined]);
    expect(outcome({}, (r) => "ttl" in r.lane("user-api", "dev", "blue"))).toBe(false);
  });

  test("image: the lane's over the service's; none when neither sets one", () => {
    const files = edit("user-api-dev.json", (j) => {
      j.image = "123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/dev/user-api:1.0.0";
      (obj(j, "lanes").gray as Record<string, unknown>).image = "123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/dev/user-api:1.1.0";
    });
    expect(outcome(files, (r) => ["gray", "blue"].map((l) => r.lane("user-api", "dev", l).image))).toEqual([
      "123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/dev/user-api:1.1.0",
      "123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/dev/user-api:1.0.0",
    ]);
    expect(outcome({}, (r) => "image" in r.lane("user-api", "dev", "blue"))).toBe(false);
  });

  test("secrets: the lane's added to the container's, sorted by name; the execution role reads every reference once", () => {
    const kms = "arn:aws:kms:ap-southeast-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const files = edit("user-api-dev.json", (j) => {
      (obj(j, "lanes").gray as Record<string, unknown>).secrets = { API_KEY: { from: "/dev/user-api/api-key", kmsKeyArn: kms }, CACHE_PASSWORD: "/dev/user-api/db-password" };
      (obj(j, "lanes").default as Record<string, unknown>).secrets = { API_KEY: "/dev/user-api/api-key" };
    });
    expect(outcome(files, (r) => r.lane("user-api", "dev", "gray").secrets)).toEqual([
      { name: "API_KEY", from: "/dev/user-api/api-key", kmsKeyArn: kms },
      { name: "CACHE_PASSWORD", from: "/dev/user-api/db-password" },
      { name: "DB_PASSWORD", from: "/dev/user-api/db-password" },
    ]);
    expect(outcome(files, (r) => r.boot("user-api", "dev").secrets)).toEqual([
      { from: "/dev/user-api/api-key" },
      { from: "/dev/user-api/api-key", kmsKeyArn: kms },
      { from: "/dev/user-api/db-password" },
    ]);
  });

  test("one reference read with two KMS keys is two grants for the execution role", () => {
    const [a, b] = ["arn:aws:kms:ap-southeast-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab", "arn:aws:kms:ap-southeast-2:123456789012:key/9999abcd-12ab-34cd-56ef-1234567890ab"];
    const files = edit("user-api-dev.json", (j) => {
      obj(j, "container").secrets = { DB_PASSWORD: { from: "/dev/user-api/db-password", kmsKeyArn: a } };
      (obj(j, "lanes").gray as Record<string, unknown>).secrets = { DB_PASSWORD: { from: "/dev/user-api/db-password", kmsKeyArn: b } };
    });
    expect(outcome(files, (r) => r.boot("user-api", "dev").secrets)).toEqual([
      { from: "/dev/user-api/db-password", kmsKeyArn: a },
      { from: "/dev/user-api/db-password", kmsKeyArn: b },
    ]);
  });

  test("the execution role's references: by name, and for one name without a KMS key before with one", () => {
    const kms = "arn:aws:kms:ap-southeast-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const files = edit("user-api-dev.json", (j) => {
      obj(j, "container").secrets = { DB_PASSWORD: "/dev/user-api/db-password" };
      (obj(j, "lanes").gray as Record<string, unknown>).secrets = { DB_PASSWORD: { from: "/dev/user-api/db-password", kmsKeyArn: kms }, API_KEY: "/dev/user-api/api-key" };
    });
    expect(outcome(files, (r) => r.boot("user-api", "dev").secrets)).toEqual([
      { from: "/dev/user-api/api-key" },
      { from: "/dev/user-api/db-password" },
      { from: "/dev/user-api/db-password", kmsKeyArn: kms },
    ]);
    // The other way round in the file (the KMS key first): the same order.
    const swapped = edit("user-api-dev.json", (j) => {
      obj(j, "container").secrets = { DB_PASSWORD: { from: "/dev/user-api/db-password", kmsKeyArn: kms } };
      (obj(j, "lanes").gray as Record<string, unknown>).secrets = { DB_PASSWORD: "/dev/user-api/db-password" };
    });
    expect(outcome(swapped, (r) => r.boot("user-api", "dev").secrets)).toEqual([
      { from: "/dev/user-api/db-password" },
      { from: "/dev/user-api/db-password", kmsKeyArn: kms },
    ]);
  });

  test("the access layer refuses a secret of another env as the lanes do: the execution role would read it", () => {
    const files = edit("user-api-dev.json", (j) => void (obj(j, "container").secrets = { DB_PASSWORD: "/prod/user-api/db-password" }));
    expect(outcome(files, (r) => r.boot("user-api", "dev"))).toMatch(/^user-api-dev\.json: field 'container\.secrets\.DB_PASSWORD' has bad value "\/prod\/user-api\/db-password"\. Allowed: an SSM parameter under '\/dev\/'/);
  });

  test("the container's user is passed on when set, absent otherwise", () => {
    expect(outcome({}, (r) => [r.service("user-api", "dev").task.user, "user" in r.service("order-worker", "dev").task])).toEqual(["1000:1000", false]);
  });

  // FNV-1a 32 (Python, independent of lib/routing.ts): "lane-51415" and "default" both derive priority 30894.
  test("a lane whose derived priority is default's is accepted, declared or ad hoc: default has no lane rule", () => {
    const files = edit("user-api-dev.json", (j) => void (obj(j, "lanes")["lane-51415"] = {}));
    expect(outcome(files, (r) => r.lane("user-api", "dev", "lane-51415").priority)).toBe(30894);
    expect(outcome({}, (r) => r.lane("user-api", "dev", "lane-51415").priority)).toBe(30894);
    expect(outcome({}, (r) => r.lane("user-api", "dev", "default").priority)).toBe(30894);
  });

  test("a secret of another env is refused, in the container and in a lane, naming the field", () => {
    const files = edit("user-api-dev.json", (j) => {
      obj(j, "container").secrets = { DB_PASSWORD: "/prod/user-api/db-password" };
      (obj(j, "lanes").gray as Record<string, unknown>).secrets = { API_KEY: "/dev/user-api/api-key", OTHER: "/prod/user-api/other" };
    });
    const message = outcome(files, userApi) as string;
    expect(message.split("\n").map((l) => l.replace(/ Allowed: .*/, ""))).toEqual([
      `user-api-dev.json: field 'container.secrets.DB_PASSWORD' has bad value "/prod/user-api/db-password".`,
      `user-api-dev.json: field 'lanes.gray.secrets.OTHER' has bad value "/prod/user-api/other".`,
    ]);
  });

  test("environment: the container's, with the lane's own variables over it", () => {
    const files = edit("user-api-dev.json", (j) => {
      obj(j, "container").env = { LOG_LEVEL: "info", FEATURE: "a" };
      (obj(j, "lanes").gray as Record<string, unknown>).env = { FEATURE: "b", EXTRA: "1" };
    });
    expect(outcome(files, (r) => ["gray", "blue"].map((l) => r.lane("user-api", "dev", l).environment))).toEqual([
      { LOG_LEVEL: "info", FEATURE: "b", EXTRA: "1" },
      { LOG_LEVEL: "info", FEATURE: "a" },
    ]);
  });

  test("declared: listed in lanes, or not", () => {
    expect(outcome({}, (r) => [r.lane("user-api", "dev", "gray").declared, r.lane("user-api", "dev", "blue").declared])).toEqual([true, false]);
  });
});

describe("what is in a params directory", () => {
  test("envs: the infra files' names; services: the env's service files, without infra, boot and edge; bad names skipped", () => {
    const files = { "infra-Bad_Env.json": {}, "infra-stg.json": exampleFile("infra-dev.json", () => undefined), "notes.txt": "x", "Bad_Svc-dev.json": {}, "billing-stg.json": {} };
    expect(outcome(files, (r) => [r.envs(), r.services("dev"), r.services("stg")])).toEqual([["dev", "stg"], ["order-api", "order-worker", "user-api", "web-bff"], ["billing"]]);
  });

  test("an env is named by a file that starts with infra- and ends with .json: my-infra-qa.json and infra-qa.json.bak name none", () => {
    expect(outcome({ "my-infra-qa.json": exampleFile("infra-dev.json"), "infra-qa.json.bak": exampleFile("infra-dev.json") }, (r) => r.envs())).toEqual(["dev"]);
  });

  test("services are sorted by name, not by file name ('order' before 'order-api', whose file sorts first)", () => {
    expect(outcome({ "order-dev.json": {} }, (r) => r.services("dev"))).toEqual(["order", "order-api", "order-worker", "user-api", "web-bff"]);
  });

  test("a callee that does not exist, in an env with no other service, says there is none", () => {
    const files = { "order-api-dev.json": undefined, "order-worker-dev.json": undefined, "web-bff-dev.json": undefined, ...edit("user-api-dev.json", (j) => void (j.calls = ["billing"])) };
    expect(outcome(files, userApi)).toBe(
      `user-api-dev.json: field 'calls[0]' has bad value "billing": there is no billing-dev.json, so no such service in 'dev'. Allowed: one of (no other service); fix the name, or create billing-dev.json first.`,
    );
  });

  test("a missing params directory is named", () => {
    expect(() => new ParamsRepository("/nonexistent/params").envs()).toThrow(new ParamsError("/nonexistent/params", ["params directory not found"]));
  });

  test("a bad service name is refused before any file is read, naming SERVICE", () => {
    const refusal = "SERVICE='Bad_Svc' is not a valid service in env 'dev': service name has characters outside [a-z0-9-], starts with a digit or hyphen, or ends with a hyphen.";
    expect(() => new ParamsRepository("params").service("Bad_Svc", "dev")).toThrow(refusal);
    expect(() => new ParamsRepository("params").boot("Bad_Svc", "dev")).toThrow(refusal);
  });

  test("edge-{env}.json is read once per repository", () => {
    const params = new TempParams();
    try {
      const repo = params.repo();
      expect(repo.edge("dev").defaultService).toBe("user-api");
      params.write("edge-dev.json", undefined);
      expect(repo.edge("dev").defaultService).toBe("user-api");
      expect(() => params.repo().edge("dev")).toThrow(/edge-dev\.json: file not found/);
    } finally {
      params.cleanup();
    }
  });

  test("messages name a file by its path relative to the working directory, or in full outside it", () => {
    expect(() => new ParamsRepository(join(process.cwd(), "params")).service("billing", "dev")).toThrow(/^params\/billing-dev\.json: file not found\./);
    expect(() => new ParamsRepository("params").service("billing", "dev")).toThrow(/^params\/billing-dev\.json: file not found\. Create it to deploy lanes of 'billing' in 'dev' \(see params\/user-api-dev\.json\)\.$/);
    const params = new TempParams({ "infra-dev.json": undefined, "boot-dev.json": undefined });
    try {
      expect(() => params.repo().infra("dev")).toThrow(new ParamsError(`${params.dir}/infra-dev.json`, ["file not found. Create it to define env 'dev' (see params/infra-dev.json)."]));
      params.write("infra-dev.json", exampleFile("infra-dev.json", () => undefined));
      expect(() => params.repo().boot("user-api", "dev")).toThrow(new ParamsError(`${params.dir}/boot-dev.json`, ["file not found. Create it to bootstrap services in env 'dev' (see params/boot-dev.json)."]));
    } finally {
      params.cleanup();
    }
  });
});
