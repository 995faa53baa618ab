/**
 * Params at and across each bound that decides something (issue 14, point 4): a lane's
 * desiredCount against its scaling range, the range itself, explicit rule priorities (1..9999,
 * the ALB's lane range; 10000..50000 are derived and the platform's), desiredCount 0..1000.
 * Each value just inside is accepted, each just outside refused naming the file, field and fix.
 */
import { DEFAULT_ANALYSIS, analysisConfigProblems } from "../lib/analysis/config";
import { ParamsError } from "../lib/params/errors";
import { TempParams, exampleFile, type Json } from "./helpers/project";

type Lane = Record<string, unknown>;

/** user-api-dev.json with gray's settings replaced (scaling from laneDefaults unless given). */
function withGray(gray: Lane): Json {
  return exampleFile("user-api-dev.json", (j) => void ((j.lanes as Record<string, Lane>).gray = gray));
}

/** Loads user-api in dev with these files: the lane's settings, or the refusal's message. */
function load(file: Json): { desiredCount: number; priority: number } | string {
  const params = new TempParams({ "user-api-dev.json": file });
  try {
    const gray = params.repo().service("user-api", "dev").lanes.find((l) => l.lane === "gray")!;
    return { desiredCount: gray.desiredCount, priority: gray.priority };
  } catch (err) {
    if (!(err instanceof ParamsError)) throw err;
    return err.message;
  } finally {
    params.cleanup();
  }
}

describe("desiredCount inside the lane's scaling range (laneDefaults: 1-4)", () => {
  test.each([1, 2, 4])("desiredCount %p is accepted", (desiredCount) => {
    expect(load(withGray({ desiredCount, rulePriority: 100 }))).toEqual({ desiredCount, priority: 100 });
  });

  test.each([0, 5])("desiredCount %p is refused with the range and the fields to set", (desiredCount) => {
    const msg = load(withGray({ desiredCount, rulePriority: 100 }));
    expect(msg).toContain("user-api-dev.json");
    expect(msg).toContain(`lane 'gray' has desiredCount ${desiredCount} and scaling 1-4. Allowed: minCount <= desiredCount <= maxCount (set lanes.gray.desiredCount or .scaling).`);
  });

  test("a lane's own scaling is the range: min = max = desired is accepted, min above max refused", () => {
    expect(load(withGray({ desiredCount: 3, rulePriority: 100, scaling: { minCount: 3, maxCount: 3 } }))).toEqual({ desiredCount: 3, priority: 100 });
    expect(load(withGray({ desiredCount: 3, rulePriority: 100, scaling: { minCount: 2, maxCount: 3 } }))).toEqual({ desiredCount: 3, priority: 100 });
    expect(load(withGray({ desiredCount: 3, rulePriority: 100, scaling: { minCount: 4, maxCount: 3 } }))).toContain("lane 'gray' has desiredCount 3 and scaling 4-3.");
    expect(load(withGray({ desiredCount: 2, rulePriority: 100, scaling: { minCount: 3, maxCount: 3 } }))).toContain("lane 'gray' has desiredCount 2 and scaling 3-3.");
    expect(load(withGray({ desiredCount: 4, rulePriority: 100, scaling: { minCount: 3, maxCount: 3 } }))).toContain("lane 'gray' has desiredCount 4 and scaling 3-3.");
  });

  test("without scaling any desiredCount 0-1000 is accepted; -1 and 1001 are not", () => {
    const noScaling = (desiredCount: number) =>
      exampleFile("user-api-dev.json", (j) => {
        delete (j.laneDefaults as Record<string, unknown>).scaling;
        (j.lanes as Record<string, Lane>).gray = { desiredCount, rulePriority: 100 };
      });
    expect(load(noScaling(0))).toEqual({ desiredCount: 0, priority: 100 });
    expect(load(noScaling(1000))).toEqual({ desiredCount: 1000, priority: 100 });
    expect(load(noScaling(-1))).toContain("field 'lanes.gray.desiredCount' has bad value -1.");
    expect(load(noScaling(1001))).toContain("field 'lanes.gray.desiredCount' has bad value 1001.");
  });
});

describe("explicit rule priorities: 1-9999", () => {
  test.each([1, 9999])("%p is accepted as given", (rulePriority) => {
    expect(load(withGray({ desiredCount: 1, rulePriority }))).toEqual({ desiredCount: 1, priority: rulePriority });
  });

  test.each([0, 10000, 49999, 50000])("%p is refused: outside the explicit range", (rulePriority) => {
    expect(load(withGray({ desiredCount: 1, rulePriority }))).toContain(`user-api-dev.json: field 'lanes.gray.rulePriority' has bad value ${rulePriority}. Allowed: an integer from 1 to 9999.`);
  });

  test("two lanes with one explicit priority are refused, naming the lane that has it", () => {
    const file = exampleFile("user-api-dev.json", (j) => {
      const lanes = j.lanes as Record<string, Lane>;
      lanes.gray = { desiredCount: 1, rulePriority: 100 };
      lanes.blue = { desiredCount: 1, rulePriority: 100 };
    });
    expect(load(file)).toContain("field 'lanes.blue' has listener rule priority 100, which lane 'gray' already has.");
  });

  test("an unset priority is derived (gray: 30698, from FNV-1a; see routing.test.ts)", () => {
    expect(load(withGray({ desiredCount: 1 }))).toEqual({ desiredCount: 1, priority: 30698 });
  });
});

/**
 * Fargate's task sizes, from the Amazon ECS Developer Guide ("Fargate task definition
 * parameters", CPU and memory table): 256 CPU units take 512 MiB, 1 GB or 2 GB; 512 take 1-4 GB,
 * 1024 take 2-8 GB, 2048 take 4-16 GB and 4096 take 8-30 GB, in 1 GB steps; 8192 take 16-60 GB
 * in 4 GB steps; 16384 take 32-120 GB in 8 GB steps.
 */
describe("container cpu and memory: Fargate's task sizes", () => {
  function sized(cpu: number, memory: number): string | undefined {
    const params = new TempParams({
      "user-api-dev.json": exampleFile("user-api-dev.json", (j) => Object.assign(j.container as Record<string, unknown>, { cpu, memory })),
    });
    try {
      const s = params.repo().service("user-api", "dev");
      expect([s.cpu, s.memory]).toEqual([cpu, memory]);
      return undefined;
    } catch (err) {
      if (!(err instanceof ParamsError)) throw err;
      return err.message;
    } finally {
      params.cleanup();
    }
  }

  test.each([
    [256, 512], [256, 1024], [256, 2048],
    [512, 1024], [512, 2048], [512, 4096],
    [1024, 2048], [1024, 8192],
    [2048, 4096], [2048, 16384],
    [4096, 8192], [4096, 30720],
    [8192, 16384], [8192, 20480], [8192, 61440],
    [16384, 32768], [16384, 40960], [16384, 122880],
  ])("cpu %p with %p MiB is a Fargate size", (cpu, memory) => {
    expect(sized(cpu, memory)).toBeUndefined();
  });

  test.each([
    [256, 1536, "between 512 and 2048 MiB in steps of 512 (512, 1024 or 2048)"],
    [256, 256, "between 512 and 2048 MiB in steps of 512 (512, 1024 or 2048)"],
    [256, 3072, "between 512 and 2048 MiB in steps of 512 (512, 1024 or 2048)"],
    [512, 512, "between 1024 and 4096 MiB in steps of 1024"],
    [512, 5120, "between 1024 and 4096 MiB in steps of 1024"],
    [512, 1536, "between 1024 and 4096 MiB in steps of 1024"],
    [1024, 1024, "between 2048 and 8192 MiB in steps of 1024"],
    [1024, 9216, "between 2048 and 8192 MiB in steps of 1024"],
    [4096, 31744, "between 8192 and 30720 MiB in steps of 1024"],
    [8192, 17408, "between 16384 and 61440 MiB in steps of 4096"],
    [8192, 65536, "between 16384 and 61440 MiB in steps of 4096"],
    [16384, 36864, "between 32768 and 122880 MiB in steps of 8192"],
    [16384, 131072, "between 32768 and 122880 MiB in steps of 8192"],
  ])("cpu %p with %p MiB is refused, naming the range and step", (cpu, memory, rule) => {
    expect(sized(cpu as number, memory as number)).toContain(`user-api-dev.json: field 'container.memory' has bad value ${memory}. Allowed: with cpu ${cpu}, Fargate memory must be ${rule}.`);
  });

  test("cpu that is not a Fargate size is refused with the sizes there are", () => {
    expect(sized(384, 1024)).toContain("field 'container.cpu' has bad value 384. Allowed: Fargate CPU units: one of 256, 512, 1024, 2048, 4096, 8192, 16384.");
  });
});

describe("what a container may not hold (each refused naming the field and the fix)", () => {
  function refusal(container: Record<string, unknown>): string {
    const params = new TempParams({ "user-api-dev.json": exampleFile("user-api-dev.json", (j) => Object.assign(j.container as Record<string, unknown>, container)) });
    try {
      params.repo().service("user-api", "dev");
    } catch (err) {
      if (!(err instanceof ParamsError)) throw err;
      return err.message;
    } finally {
      params.cleanup();
    }
    throw new Error("expected a refusal");
  }

  test.each([
    [{ env: { ENV: "prod" } }, `field 'container.env.ENV' has bad value "prod". Allowed: ENV is set by the platform for every lane; remove it from container.env.`],
    [{ env: { LANE: "gray" } }, `field 'container.env.LANE' has bad value "gray". Allowed: LANE is set by the platform for every lane; remove it from container.env.`],
    [{ user: "root" }, `field 'container.user' has bad value "root". Allowed: a non-root user`],
    [{ user: "0" }, `field 'container.user' has bad value "0". Allowed: a non-root user`],
    [{ user: "0:1000" }, `field 'container.user' has bad value "0:1000". Allowed: a non-root user`],
    [{ user: "root:root" }, `field 'container.user' has bad value "root:root". Allowed: a non-root user`],
    [{ scratchPaths: ["/tmp", "/var/cache", "/tmp"] }, `field 'container.scratchPaths' has bad value ["/tmp","/var/cache","/tmp"]. Allowed: each path once.`],
    [
      { env: { DB_HOST: "db" }, secrets: { DB_HOST: "/dev/user-api/db-host" } },
      `field 'container.secrets.DB_HOST' has bad value "/dev/user-api/db-host". Allowed: DB_HOST is in both env and secrets; keep it in secrets only.`,
    ],
  ])("%j", (container, message) => {
    expect(refusal(container)).toContain(`user-api-dev.json: ${message}`);
  });

  test.each([["1000:1000"], ["app"], ["10"], ["rooter"], ["app:0"]])("user %p is accepted (not root, not uid 0)", (user) => {
    const params = new TempParams({ "user-api-dev.json": exampleFile("user-api-dev.json", (j) => Object.assign(j.container as Record<string, unknown>, { user })) });
    try {
      expect(params.repo().service("user-api", "dev").task.user).toBe(user);
    } finally {
      params.cleanup();
    }
  });
});

describe("secret-looking environment variables (lib/secrets.ts: *PASSWORD*, *SECRET*, *TOKEN*, *_KEY) belong in secrets", () => {
  test.each([
    ["container", (j: Json) => void ((j.container as Record<string, unknown>).env = { SESSION_SECRET: "s3cr3t-value" }), "container.env.SESSION_SECRET", "SESSION_SECRET", "container.secrets", "session-secret"],
    ["lane", (j: Json) => void ((j.lanes as Record<string, Lane>).gray!.env = { API_TOKEN: "s3cr3t-value" }), "lanes.gray.env.API_TOKEN", "API_TOKEN", "lanes.<lane>.secrets", "api-token"],
  ])("in a %s's env: refused without showing the value, with where to put it", (_, edit, field, name, secretsField, path) => {
    const msg = load(exampleFile("user-api-dev.json", edit));
    expect(msg).toContain(
      `user-api-dev.json: field '${field}' has a bad value (not shown: it may be a secret). Allowed: ${name} looks like a secret (*PASSWORD*, *SECRET*, *TOKEN*, *_KEY): params and Terraform state must not hold it. Store it in SSM Parameter Store (SecureString) or Secrets Manager and reference it in ${secretsField}, e.g. "${name}": "/{env}/<service>/${path}".`,
    );
    expect(msg).not.toContain("s3cr3t-value");
  });
});

describe("settings that must agree with each other", () => {
  function refusal(file: string, edit: (j: Json) => void, read: (r: ReturnType<TempParams["repo"]>) => unknown): string | undefined {
    const params = new TempParams({ [file]: exampleFile(file, edit) });
    try {
      read(params.repo());
      return undefined;
    } catch (err) {
      if (!(err instanceof ParamsError)) throw err;
      return err.message;
    } finally {
      params.cleanup();
    }
  }
  const edge = (originSecret: unknown) => refusal("edge-dev.json", (j) => void (j.originSecret = originSecret), (r) => r.edge("dev"));

  test("the origin secret: the ALBs require a generation CloudFront sends; during a rotation it sends two consecutive ones", () => {
    expect(edge({ sent: [1, 2], required: 3 })).toContain("edge-dev.json: field 'originSecret.required' has bad value 3. Allowed: one of sent (1, 2): the ALBs may only require what CloudFront sends.");
    expect(edge({ sent: [4], required: 3 })).toContain("edge-dev.json: field 'originSecret.required' has bad value 3. Allowed: one of sent (4): the ALBs may only require what CloudFront sends.");
    expect(edge({ sent: [1, 3], required: 1 })).toContain("edge-dev.json: field 'originSecret.sent' has bad value [1,3]. Allowed: two consecutive generations (the old one and the new one) during a rotation.");
    expect(edge({ sent: [3, 3], required: 3 })).toContain("field 'originSecret.sent' has bad value [3,3]. Allowed: two consecutive generations");
    expect(edge({ sent: [1, 2], required: 2 })).toBeUndefined();
    expect(edge({ sent: [2, 1], required: 1 })).toBeUndefined();
    expect(edge({ sent: [5], required: 5 })).toBeUndefined();
  });

  test("the default lane never expires: lanes.default.ttl is refused; another lane's ttl is not", () => {
    expect(refusal("user-api-dev.json", (j) => void ((j.lanes as Record<string, Lane>).default = { ttl: "7d" }), (r) => r.service("user-api", "dev"))).toContain(
      `user-api-dev.json: field 'lanes.default.ttl' has bad value "7d". Allowed: the default lane never expires; remove lanes.default.ttl.`,
    );
    expect(refusal("user-api-dev.json", (j) => void ((j.lanes as Record<string, Lane>).gray!.ttl = "7d"), (r) => r.service("user-api", "dev"))).toBeUndefined();
  });

  test("a canary field out of its bounds is reported once, by its bound, not also as a worst case", () => {
    expect(refusal("order-worker-dev.json", (j) => void ((j.worker as Record<string, unknown>).canary = { bakeMinutes: 721, maxExtensions: 5 }), (r) => r.service("order-worker", "dev"))).toMatch(
      "/order-worker-dev.json: field 'worker.canary.bakeMinutes' has bad value 721. Allowed: a number <= 720.",
    );
  });

  // 45 min of deploys and promotion + steadyMinutes + bakeMinutes × (1 + maxExtensions) + 5 min of reads ≤ 480, CodePipeline's longest build action.
  test.each([
    [{ bakeMinutes: 70, maxExtensions: 5, steadyMinutes: 10 }, undefined],
    [{ bakeMinutes: 70, maxExtensions: 5, steadyMinutes: 11 }, 481],
    [{ bakeMinutes: 71, maxExtensions: 5, steadyMinutes: 10 }, 486],
  ])("a worker canary %j: the worst case %p minutes is refused above 480", (canary, worst) => {
    const msg = refusal("order-worker-dev.json", (j) => void ((j.worker as Record<string, unknown>).canary = canary), (r) => r.service("order-worker", "dev"));
    if (worst === undefined) expect(msg).toBeUndefined();
    else
      expect(msg).toContain(
        `order-worker-dev.json: field 'worker.canary.bakeMinutes' has bad value ${canary.bakeMinutes}. Allowed: a canary release with these settings can run ${worst} minutes (45 deploys and promotion + steadyMinutes ${canary.steadyMinutes} + bakeMinutes ${canary.bakeMinutes} × (1 + maxExtensions 5) + 5 reads), more than the 480 a pipeline build may run: a shorter bakeMinutes, fewer maxExtensions or a shorter steadyMinutes.`,
      );
  });
});

describe("a service file's shape and its lanes' ttl", () => {
  const userApi = (edit: (j: Json) => void) => {
    const params = new TempParams({ "user-api-dev.json": exampleFile("user-api-dev.json", edit) });
    try {
      params.repo().service("user-api", "dev");
      return undefined;
    } catch (err) {
      if (!(err instanceof ParamsError)) throw err;
      return err.message.split(`${params.dir}/`).join("");
    } finally {
      params.cleanup();
    }
  };
  const laneDefaults = (j: Json) => j.laneDefaults as Record<string, unknown>;

  test("a section that is not an object is named as one; the list of allowed fields is for unknown fields only", () => {
    expect(userApi((j) => void (j.container = "big"))).toBe(`user-api-dev.json: field 'container' has bad value "big". Allowed: an object.`);
  });

  test("a secret reference and an image reference are checked for their form (a secret's value is never shown)", () => {
    expect(userApi((j) => void ((j.container as Record<string, unknown>).secrets = { DB_PASSWORD: "db-password" }))).toBe(
      "user-api-dev.json: field 'container.secrets.DB_PASSWORD' has a bad value (not shown: it may be a secret). Allowed: an SSM parameter name such as '/dev/user-api/db-password', or a Secrets Manager secret ARN such as 'arn:aws:secretsmanager:ap-southeast-2:123456789012:secret:dev/user-api/db-AbCdEf' (optionally with ':json-key::').",
    );
    expect(userApi((j) => void (j.image = "Not An Image"))).toBe(
      `user-api-dev.json: field 'image' has bad value "Not An Image". Allowed: an image reference: registry/repository[:tag][@digest], e.g. 123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/dev/user-api:sha-1a2b3c4.`,
    );
  });

  test("lanes without default: the file declares only its other lanes (default is then ad hoc)", () => {
    expect(userApi((j) => void (j.lanes = { gray: {} }))).toBeUndefined();
  });

  test("a ttl that is not a duration is refused with the ttl rule; 'none' and 366d are accepted, 367d is not", () => {
    const rule = "a duration with a unit, from 1m to 366d: a number followed by m (minutes), h (hours), d (days) or w (weeks), e.g. 30m, 72h, 7d; or 'none' (never expires)";
    expect(userApi((j) => void (laneDefaults(j).ttl = "forever"))).toBe(`user-api-dev.json: field 'laneDefaults.ttl' has bad value "forever". Allowed: ${rule}.`);
    expect(userApi((j) => void (laneDefaults(j).ttl = "367d"))).toBe(`user-api-dev.json: field 'laneDefaults.ttl' has bad value "367d". Allowed: ${rule}.`);
    expect([userApi((j) => void (laneDefaults(j).ttl = "none")), userApi((j) => void (laneDefaults(j).ttl = "366d"))]).toEqual([undefined, undefined]);
  });

  describe("laneDefaults.ramp: the steps rise strictly below 100, and the worst case fits a pipeline build", () => {
    const ramp = (value: Record<string, unknown>) => userApi((j) => void (laneDefaults(j).ramp = value));
    test.each<[Record<string, unknown>, string]>([
      [{ steps: [25, 10] }, "field 'laneDefaults.ramp.steps' has bad value [25,10]. Allowed: steps must rise strictly: 10 comes after 25 (25,10)."],
      [{ steps: [10, 10] }, "field 'laneDefaults.ramp.steps' has bad value [10,10]. Allowed: steps must rise strictly: 10 repeats (10,10)."],
      [{ steps: [100] }, "field 'laneDefaults.ramp.steps' has bad value [100]. Allowed: steps: give at least one weight below 100: at 100% default has no traffic to compare the lane with."],
      [{ steps: [12.5] }, "field 'laneDefaults.ramp.steps' has bad value [12.5]. Allowed: steps: 12.5 is not a whole percent."],
      // validateRampInput's interval rule (at least the 60 s metric period) is the field's bound.
      [{ intervalSeconds: 59 }, "field 'laneDefaults.ramp.intervalSeconds' has bad value 59. Allowed: a number >= 60."],
    ])("%j is refused", (value, message) => {
      expect(ramp(value)).toBe(`user-api-dev.json: ${message}`);
    });

    // 3 steps × (1 + 0 waits) analyses of (interval + 0 retry waits + 1 read): 3 × (144 + 1) + 45 = 480 at 8640 s; 3 × 146 + 45 = 483 at 8700 s.
    test("exactly 480 minutes fits; 483 does not", () => {
      expect(ramp({ intervalSeconds: 8640, maxInconclusiveWaits: 0, maxUnreadable: 1 })).toBeUndefined();
      expect(ramp({ intervalSeconds: 8700, maxInconclusiveWaits: 0, maxUnreadable: 1 })).toMatch(/Allowed: a ramp with these settings can run 483 minutes, more than the 480 /);
    });

    // Worst case (lib/analysis/ramp-settings.ts): 3 analysed steps × (1 + 3 inconclusive waits) analyses, each the
    // interval + retry waits of 1 and 2 min + 3 reads of 1 min, + 45 min of deploys: 12 × (30 + 3 + 3) + 45 = 477 at 1800 s,
    // 12 × (31 + 3 + 3) + 45 = 489 at 1860 s; CodePipeline stops a build action at 480.
    test("at the default steps, an interval of 1800 s fits (477 minutes); 1860 s does not (489)", () => {
      expect(ramp({ intervalSeconds: 1800 })).toBeUndefined();
      expect(ramp({ intervalSeconds: 1860 })).toBe(
        `user-api-dev.json: field 'laneDefaults.ramp' has bad value {"intervalSeconds":1860}. Allowed: a ramp with these settings can run 489 minutes, more than the 480 CodePipeline gives the build running it: use fewer steps, a shorter intervalSeconds or fewer maxInconclusiveWaits.`,
      );
    });
  });

  // lib/analysis/config.ts's rules, from their text: windowMinutes and minRequests whole ≥ 1, minMinutes whole ≥ 2,
  // alpha strictly between 0 and 0.5, the tolerances ≥ 0, maxErrorRateIncreasePoints ≤ 100.
  test.each<[string, number, boolean]>([
    ["windowMinutes", 1, true],
    ["windowMinutes", 0, false],
    ["windowMinutes", 2.5, false],
    ["alpha", 0.001, true],
    ["alpha", 0.499, true],
    ["alpha", 0, false],
    ["alpha", 0.5, false],
    ["minRequests", 1, true],
    ["minRequests", 0, false],
    ["minRequests", 1.5, false],
    ["minMinutes", 2, true],
    ["minMinutes", 1, false],
    ["minMinutes", 2.5, false],
    ["maxErrorRateIncreasePoints", 0, true],
    ["maxErrorRateIncreasePoints", 100, true],
    ["maxErrorRateIncreasePoints", -0.1, false],
    ["maxErrorRateIncreasePoints", 100.1, false],
    ["maxErrorRateIncreaseRatio", 0, true],
    ["maxErrorRateIncreaseRatio", -0.1, false],
    ["maxLatencyIncreasePercent", 0, true],
    ["maxLatencyIncreasePercent", -1, false],
    ["maxLatencyIncreaseMs", 0, true],
    ["maxLatencyIncreaseMs", -1, false],
  ])("laneDefaults.analysis.%s = %p: accepted %p, by the params schema and by the analysis rules alike", (field, value, accepted) => {
    const message = userApi((j) => void (laneDefaults(j).analysis = { [field]: value }));
    expect(message === undefined).toBe(accepted);
    if (message !== undefined) expect(message).toMatch(new RegExp(`^user-api-dev\\.json: field 'laneDefaults\\.analysis\\.${field}' has bad value ${value}\\. Allowed: a (whole )?number[ :]`));
    expect(analysisConfigProblems({ ...DEFAULT_ANALYSIS, [field]: value }).length === 0).toBe(accepted);
  });
});
