/**
 * The fallback Lambda's handler (lib/fallback/handler.ts) fed CloudWatch "Alarm State Change"
 * events shaped as in the CloudWatch User Guide ("Alarm events and EventBridge", single metric
 * alarm), with ELBv2 recorded at the SDK edge (aws-sdk-client-mock): ALARM → the lane's rules
 * forward to default (503 when strict), OK → back to the lane's group, anything else → no call
 * that changes a rule.
 */
import { DescribeRulesCommand, DescribeTagsCommand, ElasticLoadBalancingV2Client, ModifyRuleCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { mockClient } from "aws-sdk-client-mock";
import { createHandler } from "../lib/fallback/handler";
import { alarmEvent } from "./helpers/alarm-event";

const ELB = "arn:aws:elasticloadbalancing:ap-southeast-2:123456789012";
const VIEWER = `${ELB}:listener/app/user-api-dev-alb/50dc6c495c0c9188/f2f7dc8efc522ab2`;
const INTERNAL = `${ELB}:listener/app/user-api-dev-alb/50dc6c495c0c9188/0467ef3c8400ae65`;
const DEFAULT_TG = `${ELB}:targetgroup/user-api-dev-default-tg/943f017f100becff`;
const GRAY_TG = `${ELB}:targetgroup/user-api-dev-gray-tg/6d0ecf831eec9f09`;
const BLUE_TG = `${ELB}:targetgroup/user-api-dev-blue-tg/0a0b0c0d0e0f0a0b`;
const rule = (listener: string, id: string) => `${listener.replace(":listener/", ":listener-rule/")}/${id}`;
const ENV = {
  LISTENER_ARNS: JSON.stringify([VIEWER, INTERNAL]),
  DEFAULT_TARGET_GROUP_ARN: DEFAULT_TG,
  LOAD_BALANCER: "app/user-api-dev-alb/50dc6c495c0c9188",
};


const elb = mockClient(ElasticLoadBalancingV2Client);
const client = new ElasticLoadBalancingV2Client({ region: "ap-southeast-2" });
const handle = createHandler(client, ENV);
beforeEach(() => jest.spyOn(console, "log").mockImplementation(() => undefined));
afterEach(() => jest.restoreAllMocks());

const tags = (lane: string, group: string, onUnhealthy = "default", name = `user-api-dev-${lane}-rule`) => [
  { Key: "Name", Value: name },
  { Key: "lanes:lane", Value: lane },
  { Key: "lanes:target-group", Value: group },
  { Key: "lanes:on-unhealthy", Value: onUnhealthy },
];

/** Gray's rule on both listeners, blue's on the viewer listener; every rule forwarding to `grayNow` / blue's group. */
function world(opts: { onUnhealthy?: "default" | "refuse"; grayNow?: string } = {}) {
  elb.reset();
  const { onUnhealthy = "default", grayNow = GRAY_TG } = opts;
  elb.on(DescribeRulesCommand, { ListenerArn: VIEWER }).resolves({
    Rules: [
      { RuleArn: rule(VIEWER, "gray"), Priority: "13568", IsDefault: false, Actions: [{ Type: "forward", TargetGroupArn: grayNow }] },
      { RuleArn: rule(VIEWER, "blue"), Priority: "21000", IsDefault: false, Actions: [{ Type: "forward", TargetGroupArn: BLUE_TG }] },
      { RuleArn: rule(VIEWER, "default"), Priority: "default", IsDefault: true, Actions: [{ Type: "forward", TargetGroupArn: DEFAULT_TG }] },
    ],
  });
  elb.on(DescribeRulesCommand, { ListenerArn: INTERNAL }).resolves({
    Rules: [{ RuleArn: rule(INTERNAL, "gray"), Priority: "13568", IsDefault: false, Actions: [{ Type: "forward", TargetGroupArn: grayNow }] }],
  });
  const byArn: Record<string, { Key: string; Value: string }[]> = {
    [rule(VIEWER, "gray")]: tags("gray", "targetgroup/user-api-dev-gray-tg/6d0ecf831eec9f09", onUnhealthy),
    [rule(INTERNAL, "gray")]: tags("gray", "targetgroup/user-api-dev-gray-tg/6d0ecf831eec9f09", onUnhealthy, "user-api-dev-gray-internal-rule"),
    [rule(VIEWER, "blue")]: tags("blue", "targetgroup/user-api-dev-blue-tg/0a0b0c0d0e0f0a0b"),
  };
  elb.on(DescribeTagsCommand).callsFake((input: { ResourceArns: string[] }) => ({ TagDescriptions: input.ResourceArns.map((arn) => ({ ResourceArn: arn, Tags: byArn[arn] ?? [] })) }));
  elb.on(ModifyRuleCommand).resolves({});
}
const modified = () => elb.commandCalls(ModifyRuleCommand).map((c) => [c.args[0].input.RuleArn, c.args[0].input.Actions]);

test("ALARM: gray's rules on both listeners forward to default's target group; blue's rule and the default rule are untouched", async () => {
  world();
  const result = await handle(alarmEvent("ALARM"));
  expect(modified()).toEqual([
    [rule(VIEWER, "gray"), [{ Type: "forward", TargetGroupArn: DEFAULT_TG }]],
    [rule(INTERNAL, "gray"), [{ Type: "forward", TargetGroupArn: DEFAULT_TG }]],
  ]);
  expect(result).toEqual({
    healthy: false,
    laneTargetGroupArn: GRAY_TG,
    rules: [
      { ruleArn: rule(VIEWER, "gray"), name: "user-api-dev-gray-rule", lane: "gray", onUnhealthy: "default", modified: true },
      { ruleArn: rule(INTERNAL, "gray"), name: "user-api-dev-gray-internal-rule", lane: "gray", onUnhealthy: "default", modified: true },
    ],
  });
});

test("ALARM on a strict lane: its rules answer 503 naming the lane", async () => {
  world({ onUnhealthy: "refuse" });
  await handle(alarmEvent("ALARM"));
  const refused = { Type: "fixed-response", FixedResponseConfig: { StatusCode: "503", ContentType: "text/plain", MessageBody: "lane gray has no healthy target and is strict: refused instead of falling back to default" } };
  expect(modified()).toEqual([
    [rule(VIEWER, "gray"), [refused]],
    [rule(INTERNAL, "gray"), [refused]],
  ]);
});

test("OK: gray's rules forward to gray's own target group again", async () => {
  world({ grayNow: DEFAULT_TG });
  await handle(alarmEvent("OK"));
  expect(modified()).toEqual([
    [rule(VIEWER, "gray"), [{ Type: "forward", TargetGroupArn: GRAY_TG }]],
    [rule(INTERNAL, "gray"), [{ Type: "forward", TargetGroupArn: GRAY_TG }]],
  ]);
});

test("OK when the rules already forward to the lane (a lane's first OK after verify restored it): no ModifyRule", async () => {
  world({ grayNow: GRAY_TG });
  const result = await handle(alarmEvent("OK", { previous: "ALARM" }));
  expect(modified()).toEqual([]);
  expect(result.rules?.map((r) => r.modified)).toEqual([false, false]);
});

test("INSUFFICIENT_DATA: nothing is asked of ELB", async () => {
  world();
  expect(await handle(alarmEvent("INSUFFICIENT_DATA"))).toEqual({ ignored: "alarm user-api-dev-gray-healthy-hosts is INSUFFICIENT_DATA: nothing to switch" });
  expect(elb.calls()).toHaveLength(0);
});

test.each<[string, unknown[], string]>([
  [
    "another load balancer's alarm",
    [{ id: "m1", metricStat: { metric: { dimensions: { LoadBalancer: "app/order-api-dev-alb/1111111111111111", TargetGroup: "targetgroup/user-api-dev-gray-tg/6d0ecf831eec9f09" }, name: "HealthyHostCount", namespace: "AWS/ApplicationELB" }, period: 60, stat: "Minimum" }, returnData: true }],
    "alarm user-api-dev-gray-healthy-hosts watches load balancer app/order-api-dev-alb/1111111111111111, not app/user-api-dev-alb/50dc6c495c0c9188"
  ],
  [
    "another metric of this load balancer (UnHealthyHostCount)",
    [{ id: "m1", metricStat: { metric: { dimensions: { LoadBalancer: "app/user-api-dev-alb/50dc6c495c0c9188", TargetGroup: "targetgroup/user-api-dev-gray-tg/6d0ecf831eec9f09" }, name: "UnHealthyHostCount", namespace: "AWS/ApplicationELB" }, period: 60, stat: "Maximum" }, returnData: true }],
    "alarm user-api-dev-gray-healthy-hosts is not a single AWS/ApplicationELB HealthyHostCount metric"
  ],
  [
    "a metric-math alarm whose metrics hold the name and the dimension between them (what the event pattern alone would let through)",
    [
      { id: "m1", metricStat: { metric: { dimensions: { LoadBalancer: "app/user-api-dev-alb/50dc6c495c0c9188", TargetGroup: "targetgroup/user-api-dev-gray-tg/6d0ecf831eec9f09" }, name: "RequestCount", namespace: "AWS/ApplicationELB" }, period: 60, stat: "Sum" }, returnData: false },
      { id: "m2", metricStat: { metric: { dimensions: { LoadBalancer: "app/other-alb/2222222222222222", TargetGroup: "targetgroup/x/3333333333333333" }, name: "HealthyHostCount", namespace: "AWS/ApplicationELB" }, period: 60, stat: "Minimum" }, returnData: false },
      { id: "e1", expression: "m1/m2", returnData: true },
    ],
    "alarm user-api-dev-gray-healthy-hosts is not a single AWS/ApplicationELB HealthyHostCount metric"
  ],
  [
    "an alarm on the default target group",
    [{ id: "m1", metricStat: { metric: { dimensions: { LoadBalancer: "app/user-api-dev-alb/50dc6c495c0c9188", TargetGroup: "targetgroup/user-api-dev-default-tg/943f017f100becff" }, name: "HealthyHostCount", namespace: "AWS/ApplicationELB" }, period: 60, stat: "Minimum" }, returnData: true }],
    "alarm user-api-dev-gray-healthy-hosts watches the default target group: default never falls back"
  ],
])("%s: nothing is asked of ELB", async (_what, metrics, reason) => {
  world();
  const result = await handle(alarmEvent("ALARM", { metrics }));
  expect(result).toEqual({ ignored: reason });
  expect(elb.calls()).toHaveLength(0);
});

test("the rules are found across pages of DescribeRules (NextMarker)", async () => {
  elb.reset();
  elb.on(DescribeRulesCommand, { ListenerArn: VIEWER }).resolves({ Rules: [{ RuleArn: rule(VIEWER, "blue"), IsDefault: false }], NextMarker: "m-2" });
  elb.on(DescribeRulesCommand, { ListenerArn: VIEWER, Marker: "m-2" }).resolves({ Rules: [{ RuleArn: rule(VIEWER, "gray"), IsDefault: false }] });
  elb.on(DescribeRulesCommand, { ListenerArn: INTERNAL }).resolves({ Rules: [] });
  elb.on(DescribeTagsCommand).callsFake((input: { ResourceArns: string[] }) => ({
    TagDescriptions: input.ResourceArns.map((arn) => ({ ResourceArn: arn, Tags: arn === rule(VIEWER, "gray") ? tags("gray", "targetgroup/user-api-dev-gray-tg/6d0ecf831eec9f09") : tags("blue", "targetgroup/user-api-dev-blue-tg/0a0b0c0d0e0f0a0b") })),
  }));
  elb.on(ModifyRuleCommand).resolves({});
  await handle(alarmEvent("ALARM"));
  expect(elb.commandCalls(DescribeRulesCommand).map((c) => c.args[0].input)).toEqual([{ ListenerArn: VIEWER }, { ListenerArn: VIEWER, Marker: "m-2" }, { ListenerArn: INTERNAL }]);
  expect(modified()).toEqual([[rule(VIEWER, "gray"), [{ Type: "forward", TargetGroupArn: DEFAULT_TG }]]]);
});

test("the lane's target group ARN takes the alarm's partition (aws-cn), region and account", async () => {
  world();
  const cn = alarmEvent("OK");
  const event = { ...cn, region: "cn-north-1", account: "210987654321", resources: ["arn:aws-cn:cloudwatch:cn-north-1:210987654321:alarm:user-api-dev-gray-healthy-hosts"] };
  const cnHandle = createHandler(client, { ...ENV, DEFAULT_TARGET_GROUP_ARN: "arn:aws-cn:elasticloadbalancing:cn-north-1:210987654321:targetgroup/user-api-dev-default-tg/943f017f100becff" });
  expect((await cnHandle(event)).laneTargetGroupArn).toBe("arn:aws-cn:elasticloadbalancing:cn-north-1:210987654321:targetgroup/user-api-dev-gray-tg/6d0ecf831eec9f09");
});

test("a function without its environment refuses to start, naming the variable", () => {
  expect(() => createHandler(client, { ...ENV, DEFAULT_TARGET_GROUP_ARN: undefined })).toThrow("the fallback function's environment has no DEFAULT_TARGET_GROUP_ARN");
  expect(() => createHandler(client, { ...ENV, LISTENER_ARNS: "[]" })).toThrow("LISTENER_ARNS must be a JSON array of listener ARNs");
});
