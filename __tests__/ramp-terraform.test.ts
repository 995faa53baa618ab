/**
 * The ramp rule, judged by Terraform itself: `LANES_RAMP=1 LANE=gray` synthesizes a stack that
 * passes `terraform validate`, and plans with the real AWS provider against the local state
 * harness (infra's and boot's outputs published from their synthesized stacks): the lane's own
 * resources plus one listener rule at priority 49999 forwarding 0 to gray and 100 to the default
 * target group read from boot's state; blue gets the same priority.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { fakeOutputs, publishState } from "../lib/harness/fake-state";
import { startLocalState, type LocalState } from "../lib/harness/local-state";
import { stateKey } from "../lib/state";
import { runAsync } from "./helpers/harness";
import { TempParams, exampleFile, type Json } from "./helpers/project";
import { stackJson, synthMain, terraformOrFail, validateStack } from "./helpers/terraform";
import "./helpers/slow";

const REGION = "ap-southeast-2";

describe("the ramp rule in Terraform", () => {
  let params: TempParams;
  let harness: LocalState;
  let tfEnv: Record<string, string>;
  let lower: string;
  const outdirs: string[] = [];

  const synthRamp = (lane: string) => {
    const { outdir, stacks } = synthMain({ ...harness.env, ENV: "dev", SERVICE: "user-api", LANE: lane, LANES_RAMP: "1" }, params.dir);
    outdirs.push(outdir);
    expect(stacks).toEqual([`app-user-api-dev-${lane}`]);
    return join(outdir, "stacks", `app-user-api-dev-${lane}`);
  };
  const plan = async (dir: string) => {
    const env = { ...tfEnv, ...harness.env };
    const init = await runAsync("terraform", ["init", "-input=false", "-no-color"], { cwd: dir, env });
    if (init.code !== 0) return init;
    return runAsync("terraform", ["plan", "-input=false", "-no-color", "-lock-timeout=0s"], { cwd: dir, env });
  };

  beforeAll(async () => {
    tfEnv = await terraformOrFail();
    params = new TempParams({ "user-api-dev.json": exampleFile("user-api-dev.json", (j: Json) => void ((j.lanes as Json).blue = {})) });
    harness = await startLocalState(params.repo().infra("dev").state);
    ({ outdir: lower } = synthMain({ ...harness.env, ENV: "dev", LAYER: "boot" }, params.dir));
    const infra = synthMain({ ...harness.env, ENV: "dev", LAYER: "infra" }, params.dir);
    outdirs.push(lower, infra.outdir);
    await publishState(harness.s3, harness.state.bucket, stateKey({ layer: "infra", env: "dev" }), fakeOutputs(stackJson(infra.outdir, "infra-dev"), REGION));
    await publishState(harness.s3, harness.state.bucket, stateKey({ layer: "boot", env: "dev", service: "user-api" }), fakeOutputs(stackJson(lower, "boot-user-api-dev"), REGION));
    // user-api calls order-api (params calls): its lanes read order-api's boot state too.
    await publishState(harness.s3, harness.state.bucket, stateKey({ layer: "boot", env: "dev", service: "order-api" }), fakeOutputs(stackJson(lower, "boot-order-api-dev"), REGION));
  });

  afterAll(async () => {
    await harness?.stop();
    params?.cleanup();
    outdirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
  });

  test("gray with its ramp rule is valid Terraform", async () => {
    const result = await validateStack(synthRamp("gray"), tfEnv);
    expect(result.output).toMatch(/The configuration is valid/);
    expect(result.ok).toBe(true);
  });

  test("it plans against the harness: one more listener rule, at 49999, 0 to gray and 100 to default's target group from boot's state; blue gets the same priority", async () => {
    const defaultTg = fakeOutputs(stackJson(lower, "boot-user-api-dev"), REGION).default_target_group_arn as string;
    const [gray, blue] = await Promise.all([plan(synthRamp("gray")), plan(synthRamp("blue"))]);
    for (const [lane, ran] of [["gray", gray!], ["blue", blue!]] as const) {
      expect([lane, ran.code, ran.stderr]).toEqual([lane, 0, ""]);
      // The lane's rule on the viewer listener and on the internal one for callers (user-api is behind the edge), the ramp rule, and four alarms.
      expect(ran.stdout).toContain("Plan: 12 to add, 0 to change, 0 to destroy");
      const rules = ran.stdout.split(/\n(?= {2}# )/).filter((block) => /\+ resource "aws_lb_listener_rule"/.test(block));
      expect(rules).toHaveLength(3);
      const ramp = rules.find((b) => /\+ priority\s+= 49999/.test(b))!;
      expect(ramp).toMatch(/\+ path_pattern \{\s+\+ values = \[\s+\+ "\*",\s+\]/);
      expect(ramp).toMatch(/\+ target_group \{\s+\+ arn\s+= \(known after apply\)\s+\+ weight = 0\s+\}/);
      expect(ramp).toMatch(new RegExp(`\\+ target_group \\{\\s+\\+ arn\\s+= "${defaultTg}"\\s+\\+ weight = 100\\s+\\}`));
      expect(ramp).toContain(`"Name"       = "user-api-dev-${lane}-ramp"`);
      for (const header of rules.filter((b) => b !== ramp)) expect(header).not.toMatch(/\+ priority\s+= 49999/);
    }
  });
});
