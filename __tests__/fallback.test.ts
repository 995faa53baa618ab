/**
 * The per-hop fallback switch (lib/ops/fallback.ts): the lane's rules on every listener follow
 * its health; ELBv2 recorded at the SDK edge (aws-sdk-client-mock).
 */
import { DescribeRulesCommand, DescribeTagsCommand, ElasticLoadBalancingV2Client, ModifyRuleCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { mockClient } from "aws-sdk-client-mock";
import { run } from "../lib/cli/lanes";
import { BootOutputs, LaneOutputs } from "../lib/contract";
import { publishState } from "../lib/harness/fake-state";
import { startLocalState, type LocalState } from "../lib/harness/local-state";
import { healthAlarmName, switchLaneRules } from "../lib/ops/fallback";
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
  const change = { service: "user-api", env: "dev", lane: "gray", listenerArns: [VIEWER, INTERNAL], laneTargetGroupArn: GRAY_TG, defaultTargetGroupArn: DEFAULT_TG };

  const world = (onUnhealthy: "default" | "refuse") => {
    elb.reset();
    elb.on(DescribeRulesCommand, { ListenerArn: VIEWER }).resolves({
      Rules: [
        { RuleArn: rule("1"), Priority: "100", IsDefault: false },
        { RuleArn: rule("2"), Priority: "120", IsDefault: false },
        { RuleArn: rule("d"), Priority: "default", IsDefault: true },
      ],
    });
    elb.on(DescribeRulesCommand, { ListenerArn: INTERNAL }).resolves({ Rules: [{ RuleArn: rule("3"), Priority: "100", IsDefault: false }] });
    elb.on(DescribeTagsCommand).callsFake((input: { ResourceArns: string[] }) => ({
      TagDescriptions: input.ResourceArns.map((arn) => ({
        ResourceArn: arn,
        Tags:
          arn === rule("1")
            ? [{ Key: "Name", Value: "user-api-dev-gray-rule" }, { Key: "lanes:on-unhealthy", Value: onUnhealthy }]
            : arn === rule("3")
              ? [{ Key: "Name", Value: "user-api-dev-gray-internal-rule" }, { Key: "lanes:on-unhealthy", Value: onUnhealthy }]
              : [{ Key: "Name", Value: "user-api-dev-blue-rule" }],
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
    world("default");
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
      world("default");
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
