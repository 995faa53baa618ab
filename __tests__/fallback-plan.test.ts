/**
 * Terraform must not undo a fallback (constructs/lane-route.ts): a real `terraform plan` of a lane
 * whose rules the fallback switch pointed at default's target group keeps that action
 * (ignore_changes), and a lane whose target group Terraform replaces replaces its rules too
 * (replace_triggered_by), so no rule is left forwarding to a deleted group. The lane's state
 * holds its target group and rules as AWS left them; the plan does not refresh (no AWS), the
 * lower layers' states are published from their synthesized outputs (s3rver, as in
 * lane-isolation.test.ts).
 */
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { fakeOutputs, publishState, type OutputValue } from "../lib/harness/fake-state";
import { startLocalState, type LocalState } from "../lib/harness/local-state";
import { runAsync } from "./helpers/harness";
import { exampleParams, type Json } from "./helpers/project";
import { stackJson, synthMain, terraformOrFail } from "./helpers/terraform";
import "./helpers/slow";

const REGION = "ap-southeast-2";
const ELB = `arn:aws:elasticloadbalancing:${REGION}:123456789012`;
const GRAY_TG = `${ELB}:targetgroup/user-api-dev-gray-tg/6d0ecf831eec9f09`;
const STACK = "app-user-api-dev-gray";

describe("a lane's rules after the fallback switch changed them, planned by Terraform", () => {
  let harness: LocalState;
  let outdir: string;
  let tfEnv: Record<string, string>;
  let lane: Json;
  let boot: Record<string, OutputValue>;
  let infra: Record<string, OutputValue>;

  beforeAll(async () => {
    tfEnv = await terraformOrFail();
    harness = await startLocalState(exampleParams().infra("dev").state);
    tfEnv = { ...tfEnv, ...harness.env };
    ({ outdir } = synthMain({ ...harness.env, ENV: "dev" }));
    infra = fakeOutputs(stackJson(outdir, "infra-dev"), REGION);
    boot = fakeOutputs(stackJson(outdir, "boot-user-api-dev"), REGION);
    await publishState(harness.s3, harness.state.bucket, "infra/dev/terraform.tfstate", infra);
    await publishState(harness.s3, harness.state.bucket, "boot/dev/user-api/terraform.tfstate", boot);
    await publishState(harness.s3, harness.state.bucket, "boot/dev/order-api/terraform.tfstate", fakeOutputs(stackJson(outdir, "boot-order-api-dev"), REGION));
    lane = stackJson(outdir, STACK);
    const init = await runAsync("terraform", ["init", "-input=false", "-no-color"], { cwd: join(outdir, "stacks", STACK), env: tfEnv });
    expect(init.stderr).toBe("");
  });

  afterAll(async () => {
    await harness?.stop();
    if (outdir) rmSync(outdir, { recursive: true, force: true });
  });

  const resources = (type: string) => Object.entries((lane.resource as Record<string, Record<string, Json>>)[type] ?? {});

  /** The lane's state: its target group (named `groupName`) and its rules, each forwarding to `forward` (AWS's current action). */
  async function laneState(groupName: string, forward: string): Promise<void> {
    const [tgId, tg] = resources("aws_lb_target_group")[0]!;
    const provider = 'provider["registry.terraform.io/hashicorp/aws"]';
    const rules = resources("aws_lb_listener_rule").map(([id, rule], i) => ({
      mode: "managed",
      type: "aws_lb_listener_rule",
      name: id,
      provider,
      instances: [
        {
          schema_version: 0,
          attributes: {
            id: `${ELB}:listener-rule/app/user-api-dev-alb/50dc6c495c0c9188/f2f7dc8efc522ab2/000000000000000${i}`,
            arn: `${ELB}:listener-rule/app/user-api-dev-alb/50dc6c495c0c9188/f2f7dc8efc522ab2/000000000000000${i}`,
            // The listener the rule sits on, as the boot layer's state gives it.
            listener_arn: boot[String(rule.listener_arn).match(/outputs\.([a-z_]+)\}$/)![1]!],
            priority: rule.priority,
            action: [{ type: "forward", target_group_arn: forward, order: 1, authenticate_cognito: [], authenticate_oidc: [], fixed_response: [], forward: [], redirect: [] }],
            condition: [],
            tags: {},
            tags_all: {},
          },
          dependencies: [`aws_lb_target_group.${tgId}`],
        },
      ],
    }));
    const state = {
      version: 4,
      terraform_version: "1.11.4",
      serial: 3,
      lineage: randomUUID(),
      outputs: {},
      resources: [
        {
          mode: "managed",
          type: "aws_lb_target_group",
          name: tgId,
          provider,
          instances: [
            {
              schema_version: 0,
              attributes: { id: GRAY_TG, arn: GRAY_TG, arn_suffix: GRAY_TG.slice(GRAY_TG.indexOf("targetgroup/")), name: groupName, port: tg.port, protocol: tg.protocol, target_type: tg.target_type, vpc_id: infra.vpc_id, tags: {}, tags_all: {} },
            },
          ],
        },
        ...rules,
      ],
      check_results: null,
    };
    await harness.s3.send(new PutObjectCommand({ Bucket: harness.state.bucket, Key: "app/dev/user-api/gray/terraform.tfstate", Body: JSON.stringify(state), ContentType: "application/json" }));
  }

  /** `terraform plan -refresh=false` of the lane, as JSON (terraform show -json of the saved plan). */
  async function plan(): Promise<{ address: string; type: string; change: { actions: string[]; before: Json | null; after: Json | null }; action_reason?: string }[]> {
    const cwd = join(outdir, "stacks", STACK);
    const planned = await runAsync("terraform", ["plan", "-refresh=false", "-lock=false", "-input=false", "-no-color", "-out=fallback.tfplan"], { cwd, env: tfEnv });
    expect({ code: planned.code, stderr: planned.stderr }).toEqual({ code: 0, stderr: "" });
    const shown = await runAsync("terraform", ["show", "-json", "fallback.tfplan"], { cwd, env: tfEnv });
    return (JSON.parse(shown.stdout) as { resource_changes: never[] }).resource_changes;
  }
  const ruleChanges = async () => (await plan()).filter((r) => r.type === "aws_lb_listener_rule");
  const forwardOf = (values: Json | null) => ((values?.action as Json[] | undefined)?.[0]?.target_group_arn as string | undefined) ?? "(unknown)";

  test("a lane that fell back to default keeps forwarding to default through an apply: both rules keep the switch's action", async () => {
    const defaultTg = String(boot.default_target_group_arn);
    await laneState("user-api-dev-gray-tg", defaultTg);
    const rules = await ruleChanges();
    expect(rules).toHaveLength(2);
    for (const r of rules) {
      expect(r.change.actions).not.toContain("delete");
      expect([forwardOf(r.change.before), forwardOf(r.change.after)]).toEqual([defaultTg, defaultTg]);
    }
  });

  test("a lane whose target group is replaced (its name changes) has its rules replaced too, with the new group", async () => {
    await laneState("user-api-dev-gray-old-tg", GRAY_TG);
    const changes = await plan();
    expect(changes.find((r) => r.type === "aws_lb_target_group")!.change.actions).toEqual(["delete", "create"]);
    const rules = changes.filter((r) => r.type === "aws_lb_listener_rule");
    expect(rules.map((r) => [r.change.actions, r.action_reason])).toEqual([
      [["delete", "create"], "replace_by_triggers"],
      [["delete", "create"], "replace_by_triggers"],
    ]);
    // The new rules forward to the new group (known after apply), not the deleted one.
    for (const r of rules) expect(forwardOf(r.change.after)).not.toBe(GRAY_TG);
  });
});

