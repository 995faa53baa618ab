import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ParamsError } from "../lib/params/errors";
import { renderSchemas } from "../lib/params/json-schema";
import { derivedPriority } from "../lib/routing";
import { PARAMS_DIR, ROOT, TempParams, exampleFile, exampleParams } from "./helpers/project";

/** Loads `files` over the example params and returns the error message of `load` (or fails). */
function errorOf(files: Record<string, unknown>, load: (repo: ReturnType<TempParams["repo"]>) => unknown): string {
  const params = new TempParams(files);
  try {
    load(params.repo());
  } catch (err) {
    expect(err).toBeInstanceOf(ParamsError);
    return (err as Error).message;
  } finally {
    params.cleanup();
  }
  throw new Error("expected the params to be refused");
}

describe("example params", () => {
  const params = exampleParams();

  test("infra-dev parses with defaults applied", () => {
    const infra = params.infra("dev");
    expect(infra.region).toBe("ap-southeast-2");
    expect(infra.state).toEqual({ bucket: "lanes-example-tfstate-dev", region: "ap-southeast-2", lock: "both", lockTable: "lanes-tf-locks-dev" });
    expect(infra.availabilityZones).toEqual(["ap-southeast-2a", "ap-southeast-2b"]);
    expect(infra.cloudMap).toEqual({ initCloudMap: true, namespace: "dev.local" });
    expect(infra.containerInsights).toBe("enabled");
  });

  test("boot-dev gives user-api its access layer with the documented defaults", () => {
    const boot = params.boot("user-api", "dev");
    expect(boot).toMatchObject({
      initAlb: true,
      initLog: true,
      initCloudMap: true,
      httpPort: 80,
      logRetentionDays: 30,
      healthCheckPath: "/healthz",
      containerPort: 8080,
      deletionProtection: false,
    });
    expect(boot.https).toBeUndefined();
  });

  test("a service not listed in boot-dev gets the boot defaults", () => {
    expect(params.boot("billing", "dev").containerPort).toBe(8080);
  });

  test("user-api-dev lists default and gray with their settings", () => {
    const svc = params.service("user-api", "dev");
    expect(svc.lanes.map((l) => [l.lane, l.desiredCount, l.priority])).toEqual([
      ["default", 2, 30894],
      ["gray", 1, 100],
    ]);
    expect(svc.lanes[1]!.environment).toEqual({ LOG_LEVEL: "info" });
  });

  test("an unlisted lane is deployable with the lane defaults", () => {
    const blue = params.lane("user-api", "dev", "blue");
    expect(blue).toMatchObject({ lane: "blue", declared: false, desiredCount: 1, priority: 40541 });
  });
});

describe("bad params are refused with file, field, value and what is allowed", () => {
  test("missing field", () => {
    const msg = errorOf({ "infra-dev.json": exampleFile("infra-dev.json", (j) => delete j.region) }, (r) => r.infra("dev"));
    expect(msg).toMatch(/infra-dev\.json: field 'region' is missing\. Allowed: .*region code/);
  });

  test("wrong type", () => {
    const file = exampleFile("user-api-dev.json", (j) => {
      (j.lanes as Record<string, Record<string, unknown>>).gray!.desiredCount = "two";
    });
    const msg = errorOf({ "user-api-dev.json": file }, (r) => r.service("user-api", "dev"));
    expect(msg).toContain(`user-api-dev.json: field 'lanes.gray.desiredCount' has bad value "two". Allowed: a number: an integer 0-1000, the tasks in this lane; default laneDefaults.desiredCount.`);
  });

  test("unknown field, with the allowed fields listed", () => {
    const file = exampleFile("boot-dev.json", (j) => {
      (j.defaults as Record<string, unknown>).healthcheckPath = "/health";
    });
    const msg = errorOf({ "boot-dev.json": file }, (r) => r.boot("user-api", "dev"));
    expect(msg).toMatch(/boot-dev\.json: field 'defaults\.healthcheckPath' is not a known field\. Allowed fields here: .*healthCheckPath/);
  });

  test("invalid lane name", () => {
    const file = exampleFile("user-api-dev.json", (j) => {
      (j.lanes as Record<string, unknown>).Gray_2 = {};
    });
    const msg = errorOf({ "user-api-dev.json": file }, (r) => r.service("user-api", "dev"));
    expect(msg).toMatch(/user-api-dev\.json: field 'lanes\.Gray_2' has an invalid name "Gray_2"\. Allowed: lower-case letters, digits and hyphens/);
  });

  test("lane name that cannot fit the ALB header value limit", () => {
    const long = "l".repeat(116);
    const file = exampleFile("user-api-dev.json", (j) => {
      (j.lanes as Record<string, unknown>)[long] = {};
    });
    const msg = errorOf({ "user-api-dev.json": file }, (r) => r.service("user-api", "dev"));
    expect(msg).toContain(`field 'lanes.${long}' has an invalid name`);
    expect(msg).toContain("at most 115 characters");
  });

  test("wrap mode without subnets", () => {
    const file = exampleFile("infra-dev.json", (j) => {
      j.network = { mode: "wrap", vpcId: "vpc-0123456789abcdef0" };
    });
    const msg = errorOf({ "infra-dev.json": file }, (r) => r.infra("dev"));
    expect(msg).toContain("infra-dev.json: field 'network.privateSubnetIds' is missing. Allowed: an array.");
    expect(msg).toContain("field 'network.publicSubnetIds' is missing");
  });

  test("wrap mode with one public subnet (the ALB needs two)", () => {
    const file = exampleFile("infra-dev.json", (j) => {
      j.network = {
        mode: "wrap",
        vpcId: "vpc-0123456789abcdef0",
        privateSubnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
        publicSubnetIds: ["subnet-0123456789abcdef2"],
      };
    });
    const msg = errorOf({ "infra-dev.json": file }, (r) => r.infra("dev"));
    expect(msg).toContain(`field 'network.publicSubnetIds' has bad value ["subnet-0123456789abcdef2"]. Allowed: at least 2 public subnet ids`);
  });

  test("unknown network mode", () => {
    const file = exampleFile("infra-dev.json", (j) => {
      j.network = { mode: "reuse" };
    });
    const msg = errorOf({ "infra-dev.json": file }, (r) => r.infra("dev"));
    expect(msg).toContain(`field 'network.mode' has bad value "reuse". Allowed: network.mode must be 'create' (new VPC) or 'wrap'`);
  });

  test("enum value", () => {
    const file = exampleFile("infra-dev.json", (j) => {
      (j.state as Record<string, unknown>).lock = "redis";
    });
    const msg = errorOf({ "infra-dev.json": file }, (r) => r.infra("dev"));
    expect(msg).toContain(`field 'state.lock' has bad value "redis". Allowed: "lockfile" | "dynamodb" | "both".`);
  });

  test("invalid Fargate size", () => {
    const file = exampleFile("user-api-dev.json", (j) => {
      (j.container as Record<string, unknown>).memory = 4096;
    });
    const msg = errorOf({ "user-api-dev.json": file }, (r) => r.service("user-api", "dev"));
    expect(msg).toContain("field 'container.memory' has bad value 4096. Allowed: with cpu 256, Fargate memory must be between 512 and 2048");
  });

  test("log retention not accepted by CloudWatch", () => {
    const file = exampleFile("boot-dev.json", (j) => {
      (j.defaults as Record<string, unknown>).logRetentionDays = 31;
    });
    const msg = errorOf({ "boot-dev.json": file }, (r) => r.boot("user-api", "dev"));
    expect(msg).toMatch(/field 'defaults\.logRetentionDays' has bad value 31\. Allowed: one of 1, 3, 5, 7, 14, 30/);
  });

  test("platform variables in container.env", () => {
    const file = exampleFile("user-api-dev.json", (j) => {
      (j.container as Record<string, unknown>).env = { LANE: "x" };
    });
    const msg = errorOf({ "user-api-dev.json": file }, (r) => r.service("user-api", "dev"));
    expect(msg).toContain("field 'container.env.LANE' has bad value \"x\". Allowed: LANE is set by the platform");
  });

  test("container port that disagrees with boot's (checked where the files meet: boot reads the service's file)", () => {
    const file = exampleFile("user-api-dev.json", (j) => {
      (j.container as Record<string, unknown>).port = 3000;
    });
    const msg = errorOf({ "user-api-dev.json": file }, (r) => r.boot("user-api", "dev"));
    expect(msg).toContain("field 'container.port' has bad value 3000. Allowed: 8080, the containerPort of 'user-api' in boot-dev.json");
  });

  test("service field that disagrees with the file name", () => {
    const file = exampleFile("user-api-dev.json", (j) => {
      j.service = "users";
    });
    const msg = errorOf({ "user-api-dev.json": file }, (r) => r.service("user-api", "dev"));
    expect(msg).toContain(`field 'service' has bad value "users". Allowed: "user-api" (the file name's service).`);
  });

  test("Cloud Map service without a namespace", () => {
    const infra = exampleFile("infra-dev.json", (j) => {
      j.cloudMap = { initCloudMap: false };
    });
    const msg = errorOf({ "infra-dev.json": infra }, (r) => r.boot("user-api", "dev"));
    expect(msg).toContain("boot-dev.json: field 'defaults.initCloudMap' is true for 'user-api', but infra-dev.json has cloudMap.initCloudMap=false");
  });

  test("missing file names the file and how to create it", () => {
    const msg = errorOf({}, (r) => r.service("billing", "dev"));
    expect(msg).toMatch(/billing-dev\.json: file not found\. Create it to deploy lanes of 'billing' in 'dev'/);
  });

  test("invalid JSON", () => {
    const msg = errorOf({ "boot-dev.json": "{ nope" }, (r) => r.boot("user-api", "dev"));
    expect(msg).toMatch(/boot-dev\.json: is not valid JSON/);
  });
});

describe("rule priorities from params", () => {
  test("declared lanes never collide: a duplicate explicit priority is refused", () => {
    const file = exampleFile("user-api-dev.json", (j) => {
      (j.lanes as Record<string, unknown>).blue = { rulePriority: 100 };
    });
    const msg = errorOf({ "user-api-dev.json": file }, (r) => r.service("user-api", "dev"));
    expect(msg).toContain("field 'lanes.blue' has listener rule priority 100, which lane 'gray' already has");
  });

  test("an ad-hoc lane whose derived priority a declared lane holds is refused", () => {
    const file = exampleFile("user-api-dev.json", (j) => {
      (j.lanes as Record<string, Record<string, unknown>>).gray!.rulePriority = undefined;
      // Give 'green' the priority 'blue' would derive.
      (j.lanes as Record<string, unknown>).green = { rulePriority: undefined };
    });
    const lanes = file.lanes as Record<string, Record<string, unknown>>;
    const taken = derivedPriority("blue");
    // explicit priorities are 1-9999, so the collision has to come from two derived ones: find a lane name that collides
    let other = "";
    for (let i = 0; i < 200000 && !other; i++) if (derivedPriority(`l${i}`) === taken) other = `l${i}`;
    expect(other).not.toBe("");
    lanes[other] = {};
    const msg = errorOf({ "user-api-dev.json": file }, (r) => r.lane("user-api", "dev", "blue"));
    expect(msg).toContain(`lane 'blue' is not listed, and its derived listener rule priority ${taken} is held by lane '${other}'`);
    expect(msg).toContain("add lanes.blue with a free rulePriority");
  });

  test("derived priorities of the example's lanes are distinct", () => {
    const lanes = exampleParams().service("user-api", "dev").lanes.filter((l) => l.lane !== "default");
    expect(new Set(lanes.map((l) => l.priority)).size).toBe(lanes.length);
  });
});

describe("published JSON Schemas", () => {
  test("params/schema/*.json are generated from the schemas (run `npm run schemas` after a change)", () => {
    for (const [file, text] of Object.entries(renderSchemas())) {
      expect(readFileSync(join(PARAMS_DIR, "schema", file), "utf8")).toBe(text);
    }
  });

  test("every example params file points at its schema", () => {
    expect(exampleFile("infra-dev.json").$schema).toBe("./schema/infra.schema.json");
    expect(exampleFile("boot-dev.json").$schema).toBe("./schema/boot.schema.json");
    expect(exampleFile("user-api-dev.json").$schema).toBe("./schema/service.schema.json");
  });
});

describe("each default once: the schema applies it and editors see it", () => {
  const schemaFile = (name: string) => JSON.parse(readFileSync(join(ROOT, "params", "schema", name), "utf8")) as Record<string, unknown>;
  const at = (json: unknown, path: string[]): Record<string, unknown> =>
    path.reduce((node, key) => (node as Record<string, unknown>)[key], json) as Record<string, unknown>;

  test("boot defaults carry their values in the JSON Schema; a service's entry carries none", () => {
    const boot = schemaFile("boot.schema.json");
    const defaults = at(boot, ["properties", "defaults", "properties"]);
    expect(at(defaults, ["logRetentionDays"]).default).toBe(30);
    expect(at(defaults, ["healthCheckPath"]).default).toBe("/healthz");
    expect(at(defaults, ["containerPort"]).default).toBe(8080);
    const override = at(boot, ["properties", "services", "additionalProperties", "properties"]);
    expect(Object.values(override).filter((f) => "default" in (f as object))).toEqual([]);
  });

  test("lane alarm defaults live in laneDefaults; a lane's alarms override field by field", () => {
    const service = schemaFile("service.schema.json");
    const alarms = at(service, ["properties", "laneDefaults", "properties", "alarms", "properties"]);
    expect(Object.fromEntries(Object.entries(alarms).map(([k, v]) => [k, (v as { default?: unknown }).default]))).toEqual({
      errorRatePercent: 1,
      errorRateMinutes: 5,
      runningBelowDesiredPeriods: 3,
      minHealthyHosts: 1,
    });
    const params = new TempParams({
      "user-api-dev.json": exampleFile("user-api-dev.json", (j) => {
        j.laneDefaults = { alarms: { errorRatePercent: 2 } };
        j.lanes = { default: {}, gray: { alarms: { minHealthyHosts: 3 } } };
      }),
    });
    try {
      expect(params.repo().lane("user-api", "dev", "gray").alarms).toEqual({ errorRatePercent: 2, errorRateMinutes: 5, runningBelowDesiredPeriods: 3, minHealthyHosts: 3 });
    } finally {
      params.cleanup();
    }
  });

  test("no schema description restates a default value in prose", () => {
    for (const name of ["infra", "boot", "service", "edge"]) {
      const text = readFileSync(join(ROOT, "params", "schema", `${name}.schema.json`), "utf8");
      const descriptions = [...text.matchAll(/"description": "([^"]*)"/g)].map((m) => m[1]!);
      expect([name, descriptions.filter((d) => /\bdefault:? +[0-9'"/]/i.test(d))]).toEqual([name, []]);
    }
  });
});
