/**
 * What a ramp adds to the synthesized stacks and params: the weighted catch-all rule of the lane
 * being ramped (LANES_RAMP=1 only), its reserved priority, the selector variable, the app
 * pipeline's build timeout that fits the longest ramp, the worker lanes' processed-messages
 * metric, and the params sections whose defaults are lib/analysis's.
 */
import { DEFAULT_ANALYSIS, analysisConfigProblems, type AnalysisConfig } from "../lib/analysis/config";
import { METRICS_RETRY } from "../lib/analysis/get-metric-data";
import { RAMP_DEFAULTS, rampWorstCaseMinutes } from "../lib/analysis/ramp-settings";
import { RELEASE, selectorVars } from "../lib/layers/selector";
import { ParamsError } from "../lib/params/errors";
import { PRIORITY_DERIVED_MAX, PRIORITY_EXPLICIT_MAX, RAMP_RULE_PRIORITY, lanePriority } from "../lib/routing";
import { planStacks, selectionFromEnv, imageUriFor } from "../lib/selection";
import { processedLinePattern } from "../constructs/lane-alarms";
import { TempParams, exampleFile, exampleParams, synth, type Json } from "./helpers/project";
import { synthPipeline } from "./helpers/stacks";
import { Testing } from "cdktf";
import { AppLaneStack } from "../stacks/app-lane-stack";

const IMAGE = "123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/dev/user-api:sha-abc1234";

function synthLaneWith(lane: string, ramp: boolean, service = "user-api", params = exampleParams()) {
  return synth(
    new AppLaneStack(Testing.app(), {
      infra: params.infra("dev"),
      boot: params.boot(service, "dev"),
      service: params.service(service, "dev"),
      lane: params.lane(service, "dev", lane),
      release: { image: IMAGE, previousImages: [], ...(ramp ? { ramp: true } : {}) },
    }),
  );
}

const rules = (s: ReturnType<typeof synth>) => s.resources("aws_lb_listener_rule");

describe("the weighted catch-all rule", () => {
  const s = synthLaneWith("gray", true);
  const [tgId] = s.resources("aws_lb_target_group")[0]!;
  const ramp = rules(s).find(([, r]) => r.priority === RAMP_RULE_PRIORITY)![1];

  test("gray ramped: one rule at 49999, every path (with the origin header: user-api is behind the edge), forwarding weight 0 to gray's target group and 100 to default's", () => {
    expect(RAMP_RULE_PRIORITY).toBe(49999);
    expect(ramp.condition).toEqual([
      { path_pattern: { values: ["*"] } },
      { http_header: { http_header_name: "x-lanes-origin-1", values: [expect.stringMatching(/^\$\{data\.terraform_remote_state\.infra[^.]*\.outputs\.origin_secrets\["1"\]\}$/)] } },
    ]);
    expect(ramp.action).toEqual([
      {
        type: "forward",
        forward: {
          target_group: [
            { arn: `\${aws_lb_target_group.${tgId}.arn}`, weight: 0 },
            { arn: expect.stringMatching(/^\$\{data\.terraform_remote_state\.boot[^.]*\.outputs\.default_target_group_arn\}$/), weight: 100 },
          ],
        },
      },
    ]);
    expect(ramp.listener_arn).toMatch(/\.outputs\.listener_arn\}$/);
    expect(ramp.tags).toEqual({ Name: "user-api-dev-gray-ramp" });
  });

  test("Terraform leaves the weights to lanes ramp, and a new lane target group replaces the rule", () => {
    expect(ramp.lifecycle).toEqual({ ignore_changes: ["action"], replace_triggered_by: [`aws_lb_target_group.${tgId}.id`] });
  });

  test("without LANES_RAMP a lane has only its tracestate rules (user-api has callers: the viewer listener's and the internal listener's)", () => {
    expect(rules(synthLaneWith("gray", false)).map(([, r]) => r.priority)).toEqual([100, 100]);
  });

  test("the reserved priority is the same for every lane of a service and no lane rule can have it", () => {
    const params = new TempParams({ "user-api-dev.json": exampleFile("user-api-dev.json", (j: Json) => void ((j.lanes as Json).blue = {})) });
    try {
      for (const lane of ["gray", "blue", "an-ad-hoc-lane-with-a-long-name"]) {
        const priorities = rules(synthLaneWith(lane, true, "user-api", params.repo())).map(([, r]) => r.priority as number);
        expect(priorities.filter((p) => p === 49999)).toHaveLength(1);
        expect(priorities.filter((p) => p !== 49999).every((p) => p >= 1 && p <= 49998)).toBe(true);
      }
    } finally {
      params.cleanup();
    }
    // Lane rules: explicit 1..9999 (params refuse more), derived 10000..49998; the ramp 49999; the default lane behind the edge 50000 (the ALB's last).
    expect(PRIORITY_EXPLICIT_MAX).toBeLessThan(RAMP_RULE_PRIORITY);
    expect(PRIORITY_DERIVED_MAX).toBe(49998);
    for (const lane of ["gray", "blue", "canary", "exp", "x", "release-2026-11"]) expect(lanePriority(lane)).toBeLessThan(RAMP_RULE_PRIORITY);
    const bad = new TempParams({ "user-api-dev.json": exampleFile("user-api-dev.json", (j: Json) => void (((j.lanes as Json).gray as Json).rulePriority = 50000)) });
    try {
      expect(() => bad.repo().service("user-api", "dev")).toThrow("field 'lanes.gray.rulePriority' has bad value 50000. Allowed: an integer from 1 to 9999.");
    } finally {
      bad.cleanup();
    }
  });

  test("the default lane and a worker lane have no rule of their own to ramp: synth says so", () => {
    expect(() => synthLaneWith("default", true)).toThrow("LANES_RAMP=1: lane 'default' of user-api has no rule of its own to ramp");
    expect(() => synthLaneWith("canary", true, "order-worker")).toThrow("LANES_RAMP=1: lane 'canary' of order-worker has no rule of its own to ramp");
  });
});

describe("LANES_RAMP, the selector variable", () => {
  test("1 turns the rule on for the one lane selected; anything else is refused", () => {
    expect(selectionFromEnv({ ENV: "dev", SERVICE: "user-api", LANE: "gray", LANES_RAMP: "1" }).ramp).toBe(true);
    expect(selectionFromEnv({ ENV: "dev", SERVICE: "user-api", LANE: "gray" }).ramp).toBeUndefined();
    expect(() => selectionFromEnv({ ENV: "dev", LANES_RAMP: "yes" })).toThrow("LANES_RAMP='yes' is not a switch. Allowed: 1 (the lane's weighted ramp rule), or unset.");
    const sel = selectionFromEnv({ ENV: "dev", LANES_RAMP: "1" });
    expect(() => imageUriFor(sel, planStacks(exampleParams(), sel))).toThrow(/^LANES_RAMP is set but this run builds 8 lane stacks/);
  });

  test("a release with ramp sets it; every other release leaves it out", () => {
    const plan = { layer: "app", env: "dev", service: "user-api", lane: "gray" } as const;
    expect(selectorVars(plan, { image: IMAGE, previousImages: [], ramp: true })[RELEASE.ramp]).toBe("1");
    expect(RELEASE.ramp in selectorVars(plan, { image: IMAGE, previousImages: [] })).toBe(false);
  });
});

describe("the app pipeline runs a whole ramp in one build", () => {
  const timeout = (s: ReturnType<typeof synthPipeline>) => s.only("aws_codebuild_project").build_timeout;

  test("its build timeout covers the longest ramp of the service's defaults; the infra pipeline keeps params' 60", () => {
    // 3 analysed steps, each analysed up to 1 + 3 times; an analysis: 10 min, retries after 1 and
    // 2 min, 3 reads of up to 1 min; plus 45 min of install, deploys and promotion:
    // 12 × (10 + 3 + 3) + 45 = 237.
    expect(timeout(synthPipeline("app"))).toBe(237);
    expect(timeout(synthPipeline("infra"))).toBe(60);
    const env = JSON.parse(
      (synthPipeline("app").only("aws_codepipeline").stage as { name: string; action: { configuration: { EnvironmentVariables?: string } }[] }[]).find((st) => st.name === "Deploy")!.action[0]!
        .configuration.EnvironmentVariables!,
    ) as { name: string; value: string }[];
    expect(env.find((v) => v.name === "LANES_BUILD_TIMEOUT_MINUTES")!.value).toBe("237");
  });

  test("a longer params timeout is kept; a ramp that cannot fit CodePipeline's 8 hours is refused in params", () => {
    const params = new TempParams({
      "infra-dev.json": exampleFile("infra-dev.json", (j: Json) => void ((j.pipelines as Json).buildTimeoutMinutes = 300)),
      "user-api-dev.json": exampleFile("user-api-dev.json", (j: Json) => void ((j.laneDefaults as Json).ramp = { steps: [10], intervalSeconds: 300 })),
    });
    try {
      expect(timeout(synthPipeline("app", { params: params.repo() }))).toBe(300);
      params.write("user-api-dev.json", exampleFile("user-api-dev.json", (j: Json) => void ((j.laneDefaults as Json).ramp = { steps: [5, 10, 20, 30, 40, 50], intervalSeconds: 1800 })));
      expect(() => params.repo().service("user-api", "dev")).toThrow(ParamsError);
      expect(() => params.repo().service("user-api", "dev")).toThrow(
        // 6 steps × 4 analyses × (30 + 1 + 2 + 3) + 45 = 909 minutes.
        "field 'laneDefaults.ramp' has bad value {\"steps\":[5,10,20,30,40,50],\"intervalSeconds\":1800}. Allowed: a ramp with these settings can run 909 minutes, more than the 480 CodePipeline gives the build running it",
      );
    } finally {
      params.cleanup();
    }
  });

  test("the worst case, by hand: one step of 5 minutes is 4 × (5 + 3 + 3) + 45 = 89; the reader's retries stay under the minute counted", () => {
    expect(rampWorstCaseMinutes({ steps: [10, 100], intervalSeconds: 300, maxInconclusiveWaits: 3, maxUnreadable: 3 })).toBe(89);
    expect(rampWorstCaseMinutes({ steps: [50], intervalSeconds: 600, maxInconclusiveWaits: 0, maxUnreadable: 1 })).toBe(10 + 1 + 45);
    const backoffs = Array.from({ length: METRICS_RETRY.attempts - 1 }, (_, i) => Math.min(METRICS_RETRY.baseDelayMs * 2 ** i, METRICS_RETRY.maxDelayMs));
    expect(backoffs.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(60_000);
  });

  test("the ACTION variable offers ramp", () => {
    const vars = synthPipeline("app").only("aws_codepipeline").variable as { name: string; description: string }[];
    expect(vars.find((v) => v.name === "ACTION")!.description).toContain("ramp (http: LANE's share of the requests without a lane raised step by step");
  });
});

describe("params laneDefaults.analysis and laneDefaults.ramp", () => {
  test("their defaults are lib/analysis's, written once there", () => {
    const svc = exampleParams().service("user-api", "dev");
    expect(svc.analysis).toEqual(DEFAULT_ANALYSIS);
    expect(svc.ramp).toEqual(RAMP_DEFAULTS);
  });

  test("the schema's bounds and the analysis config's rules accept and refuse the same values", () => {
    const fields = Object.keys(DEFAULT_ANALYSIS) as (keyof AnalysisConfig)[];
    const values = [-1, 0, 0.01, 0.049, 0.49, 0.5, 1, 1.5, 2, 3, 100, 100.5, 120];
    const disagreements: string[] = [];
    for (const field of fields) {
      for (const value of values) {
        const params = new TempParams({ "user-api-dev.json": exampleFile("user-api-dev.json", (j: Json) => void ((j.laneDefaults as Json).analysis = { [field]: value })) });
        let schema = true;
        try {
          params.repo().service("user-api", "dev");
        } catch {
          schema = false;
        } finally {
          params.cleanup();
        }
        const rules = analysisConfigProblems({ ...DEFAULT_ANALYSIS, [field]: value }).length === 0;
        if (schema !== rules) disagreements.push(`${field}=${value}: schema ${schema ? "accepts" : "refuses"}, rules ${rules ? "accept" : "refuse"}`);
      }
    }
    expect(disagreements).toEqual([]);
  });

  test("a bad value names the file, the field and what is allowed", () => {
    const params = new TempParams({
      "user-api-dev.json": exampleFile("user-api-dev.json", (j: Json) => void ((j.laneDefaults as Json).ramp = { steps: [25, 5], intervalSeconds: 600 })),
    });
    try {
      expect(() => params.repo().service("user-api", "dev")).toThrow(/user-api-dev\.json: field 'laneDefaults\.ramp\.steps' has bad value \[25,5\]\. Allowed: steps must rise strictly: 5 comes after 25 \(25,5\)\.$/);
    } finally {
      params.cleanup();
    }
  });
});

describe("worker lanes count their processed messages", () => {
  test("a log metric filter on the lane's JSON `processed` lines publishes {service}-{env}-{lane}-processed in lanes/workers", () => {
    const s = synthLaneWith("canary", false, "order-worker");
    const filter = s.resources("aws_cloudwatch_log_metric_filter").find(([, f]) => f.name === "order-worker-dev-canary-processed")![1];
    expect(filter).toEqual({
      name: "order-worker-dev-canary-processed",
      log_group_name: "/ecs/dev/order-worker",
      pattern: '{ $.event = "processed" && $.lane = "canary" }',
      metric_transformation: { name: "order-worker-dev-canary-processed", namespace: "lanes/workers", value: "1", default_value: "0" },
    });
    expect(processedLinePattern("canary")).toBe(filter.pattern);
  });
});
