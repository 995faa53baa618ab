/**
 * The per-hop fallback switch (lib/fallback/switch.ts, shared by the boot layer's fallback Lambda
 * and `lanes fallback`): the lane's rules on every listener follow its health; ELBv2 recorded at
 * the SDK edge (aws-sdk-client-mock).
 */
import { DescribeRulesCommand, DescribeTagsCommand, ElasticLoadBalancingV2Client, ModifyRuleCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { mockClient } from "aws-sdk-client-mock";
import { run } from "../lib/cli/lanes";
import { BootOutputs, LaneOutputs } from "../lib/contract";
import { publishState } from "../lib/harness/fake-state";
import { startLocalState, type LocalState } from "../lib/harness/local-state";
import { switchLaneRules } from "../lib/fallback/switch";
import { healthAlarmName } from "../lib/ops/fallback";
import { stateKey } from "../lib/state";
import { exampleParams } from "./helpers/project";
import { synthLane } from "./helpers/stacks";

const ARN = "arn:aws:elasticloadbalancing:ap-southeast-2:123456789012";
const VIEWER = `${ARN}:listener/app/user-api-dev-alb/50dc6c495c0c9188/f2f7dc8efc522ab2`;
const INTERNAL = `${ARN}:listener/app/user-api-dev-alb/50dc6c495c0c9188/0467ef3c8400ae65`;
const GRAY_TG = `${ARN}:targetgroup/user-api-dev-gray-tg/6d0ecf831eec9f09`;
const DEFAULT_TG = `${ARN}:targetgroup/user-api-dev-default-tg/943f017f100becff`;
const rule = (id: string) => `${ARN}:listener-rule/app/user-api-dev-alb/50dc6c495c0c9188/f2f7dc8efc522ab2/${id}`;

describe("the fallback switch", () => {
  const elb = mockClient(ElasticLoadBalancingV2Client);
  const client = new ElasticLoadBalancingV2Client({ region: "ap-southeast-2" });
  const change = { listenerArns: [VIEWER, INTERNAL], laneTargetGroupArn: GRAY_TG, defaultTargetGroupArn: DEFAULT_TG };

  const GRAY = "targetgroup/user-api-dev-gray-tg/6d0ecf831eec9f09";
  const laneTags = (name: string, onUnhealthy: string) => [
    { Key: "Name", Value: name },
    { Key: "lanes:on-unhealthy", Value: onUnhealthy },
    { Key: "lanes:target-group", Value: GRAY },
    { Key: "lanes:lane", Value: "gray" },
  ];
  const world = (onUnhealthy: "default" | "refuse", current: string = GRAY_TG) => {
    elb.reset();
    const forward = [{ Type: "forward" as const, TargetGroupArn: current }];
    elb.on(DescribeRulesCommand, { ListenerArn: VIEWER }).resolves({
      Rules: [
        { RuleArn: rule("1"), Priority: "100", IsDefault: false, Actions: forward },
        { RuleArn: rule("2"), Priority: "120", IsDefault: false, Actions: [{ Type: "forward", TargetGroupArn: `${ARN}:targetgroup/user-api-dev-blue-tg/0a0b0c0d0e0f0a0b` }] },
        { RuleArn: rule("d"), Priority: "default", IsDefault: true },
      ],
    });
    elb.on(DescribeRulesCommand, { ListenerArn: INTERNAL }).resolves({ Rules: [{ RuleArn: rule("3"), Priority: "100", IsDefault: false, Actions: forward }] });
    elb.on(DescribeTagsCommand).callsFake((input: { ResourceArns: string[] }) => ({
      TagDescriptions: input.ResourceArns.map((arn) => ({
        ResourceArn: arn,
        Tags:
          arn === rule("1")
            ? laneTags("user-api-dev-gray-rule", onUnhealthy)
            : arn === rule("3")
              ? laneTags("user-api-dev-gray-internal-rule", onUnhealthy)
              : [{ Key: "Name", Value: "user-api-dev-blue-rule" }, { Key: "lanes:target-group", Value: "targetgroup/user-api-dev-blue-tg/0a0b0c0d0e0f0a0b" }, { Key: "lanes:lane", Value: "blue" }],
      })),
    }));
    elb.on(ModifyRuleCommand).resolves({});
  };
  const modified = () => elb.commandCalls(ModifyRuleCommand).map((c) => [c.args[0].input.RuleArn, c.args[0].input.Actions]);

  test("no healthy target: the lane's rules on both listeners forward to default's target group; another lane's rule is untouched", async () => {
    world("default");
    await switchLaneRules(client, { ...change, healthy: false });
    expect(modified()).toEqual([
      [rule("1"), [{ Type: "forward", TargetGroupArn: DEFAULT_TG }]],
      [rule("3"), [{ Type: "forward", TargetGroupArn: DEFAULT_TG }]],
    ]);
  });

  test("healthy again: back to the lane's own target group", async () => {
    world("default", DEFAULT_TG);
    await switchLaneRules(client, { ...change, healthy: true });
    expect(modified()).toEqual([
      [rule("1"), [{ Type: "forward", TargetGroupArn: GRAY_TG }]],
      [rule("3"), [{ Type: "forward", TargetGroupArn: GRAY_TG }]],
    ]);
  });

  test("a strict lane (onUnhealthy: refuse) answers 503 saying why, instead of falling back", async () => {
    world("refuse");
    await switchLaneRules(client, { ...change, healthy: false });
    const body = "lane gray has no healthy target and is strict: refused instead of falling back to default";
    expect(modified()).toEqual([
      [rule("1"), [{ Type: "fixed-response", FixedResponseConfig: { StatusCode: "503", ContentType: "text/plain", MessageBody: body } }]],
      [rule("3"), [{ Type: "fixed-response", FixedResponseConfig: { StatusCode: "503", ContentType: "text/plain", MessageBody: body } }]],
    ]);
  });

  test("a rule that already does what the health calls for is left alone (no ModifyRule)", async () => {
    world("default", GRAY_TG);
    const switched = await switchLaneRules(client, { ...change, healthy: true });
    expect(switched.map((r) => [r.name, r.modified])).toEqual([
      ["user-api-dev-gray-rule", false],
      ["user-api-dev-gray-internal-rule", false],
    ]);
    expect(modified()).toEqual([]);
  });

  test("the rules are found by their lane target group tag, not their names: renamed rules still switch, a look-alike name does not", async () => {
    elb.reset();
    elb.on(DescribeRulesCommand).resolves({ Rules: [{ RuleArn: rule("x"), IsDefault: false }, { RuleArn: rule("y"), IsDefault: false }] });
    elb.on(DescribeTagsCommand).resolves({
      TagDescriptions: [
        { ResourceArn: rule("x"), Tags: [{ Key: "Name", Value: "shortened-abc123" }, { Key: "lanes:target-group", Value: GRAY }] },
        { ResourceArn: rule("y"), Tags: [{ Key: "Name", Value: "user-api-dev-gray-rule" }] },
      ],
    });
    elb.on(ModifyRuleCommand).resolves({});
    await switchLaneRules(client, { ...change, listenerArns: [VIEWER], healthy: false });
    expect(modified()).toEqual([[rule("x"), [{ Type: "forward", TargetGroupArn: DEFAULT_TG }]]]);
  });

  test("DescribeTags is asked at most 20 rules at a time (its limit), across pages of DescribeRules", async () => {
    elb.reset();
    const ids = Array.from({ length: 45 }, (_, i) => `r${i}`);
    elb.on(DescribeRulesCommand, { ListenerArn: VIEWER }).resolves({ Rules: ids.slice(0, 30).map((id) => ({ RuleArn: rule(id), IsDefault: false })), NextMarker: "page-2" });
    elb.on(DescribeRulesCommand, { ListenerArn: VIEWER, Marker: "page-2" }).resolves({ Rules: ids.slice(30).map((id) => ({ RuleArn: rule(id), IsDefault: false })) });
    elb.on(DescribeTagsCommand).callsFake((input: { ResourceArns: string[] }) => ({
      TagDescriptions: input.ResourceArns.map((arn) => ({ ResourceArn: arn, Tags: arn === rule("r44") ? [{ Key: "lanes:target-group", Value: GRAY }] : [] })),
    }));
    elb.on(ModifyRuleCommand).resolves({});
    await switchLaneRules(client, { ...change, listenerArns: [VIEWER], healthy: false });
    expect(elb.commandCalls(DescribeTagsCommand).map((c) => c.args[0].input.ResourceArns!.length)).toEqual([20, 20, 5]);
    expect(modified()).toEqual([[rule("r44"), [{ Type: "forward", TargetGroupArn: DEFAULT_TG }]]]);
  });

  test("the trigger is the lane's healthy-hosts alarm, which every lane stack creates", () => {
    expect(healthAlarmName("user-api", "dev", "gray")).toBe("user-api-dev-gray-healthy-hosts");
    const alarms = synthLane("gray").resources("aws_cloudwatch_metric_alarm").map(([, c]) => c.alarm_name);
    expect(alarms).toContain("user-api-dev-gray-healthy-hosts");
  });

  test("params: onUnhealthy per lane, laneDefaults' else (default); the rules carry it as a tag", () => {
    expect(exampleParams().lane("user-api", "dev", "gray").onUnhealthy).toBe("default");
    const tags = synthLane("gray").resources("aws_lb_listener_rule").map(([, c]) => (c.tags as Record<string, string>)["lanes:on-unhealthy"]);
    expect(tags).toEqual(["default", "default"]);
  });

  test("Terraform leaves the switch's action alone and replaces the rules with their target group; the rules carry the switch's tags", () => {
    const s = synthLane("gray");
    const [[tgId]] = s.resources("aws_lb_target_group");
    const rules = s.resources("aws_lb_listener_rule");
    expect(rules).toHaveLength(2);
    for (const [, rule] of rules) {
      expect(rule.lifecycle).toEqual({ ignore_changes: ["action"], replace_triggered_by: [`aws_lb_target_group.${tgId}.id`] });
      expect(rule.tags).toEqual(
        expect.objectContaining({ "lanes:target-group": `\${aws_lb_target_group.${tgId}.arn_suffix}`, "lanes:lane": "gray", "lanes:on-unhealthy": "default" }),
      );
    }
  });

  describe("lanes fallback (the switch by hand, reading the listeners and groups from state)", () => {
    let harness: LocalState;
    beforeAll(async () => {
      harness = await startLocalState(exampleParams().infra("dev").state);
      await publishState(harness.s3, harness.state.bucket, stateKey({ layer: "boot", env: "dev", service: "user-api" }), {
        [BootOutputs.listenerArn.name]: VIEWER,
        [BootOutputs.callListenerArn.name]: INTERNAL,
        [BootOutputs.defaultTargetGroupArn.name]: DEFAULT_TG,
      });
      await publishState(harness.s3, harness.state.bucket, stateKey({ layer: "app", env: "dev", service: "user-api", lane: "gray" }), { [LaneOutputs.targetGroupArn.name]: GRAY_TG });
    });
    afterAll(async () => harness?.stop());
    const lanes = (argv: string[]) => run(argv, { ...process.env, ...harness.env }, { progress: () => undefined, clients: { s3: harness.s3 }, elb: client });

    test("--unhealthy switches both rules to default; --healthy back", async () => {
      world("default");
      const out = await lanes(["fallback", "gray", "--service", "user-api", "--env", "dev", "--unhealthy"]);
      expect([out.code, out.text]).toEqual([0, "user-api-dev-gray-rule: forward to default\nuser-api-dev-gray-internal-rule: forward to default"]);
      world("default", DEFAULT_TG);
      const back = await lanes(["fallback", "gray", "--service", "user-api", "--env", "dev", "--healthy"]);
      expect(back.text).toBe("user-api-dev-gray-rule: forward to the lane\nuser-api-dev-gray-internal-rule: forward to the lane");
      expect(modified().map(([arn]) => arn)).toEqual([rule("1"), rule("3")]);
    });

    test("a lane without a target group of its own, and bad flags, are refused", async () => {
      world("default");
      expect((await lanes(["fallback", "blue", "--service", "user-api", "--env", "dev", "--unhealthy"])).code).toBe(7);
      expect((await lanes(["fallback", "gray", "--service", "user-api", "--env", "dev"])).text).toBe("give exactly one of --unhealthy and --healthy.");
      expect(modified()).toEqual([]);
    });
  });
});
