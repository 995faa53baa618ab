/**
 * The per-hop fallback switch (ELBv2 DescribeRules, DescribeTags, ModifyRule): while a lane has no
 * healthy target, its rules (on every listener that carries them) forward to the default lane's
 * target group, or, for a strict lane, answer 503; when it is healthy again they forward to the
 * lane's own group. The ALB would not do this by itself: it keeps sending a lane's traffic to its
 * targets when all are unhealthy (fail open) and answers 503 when the group is empty.
 *
 * One switch for its two callers: the fallback Lambda of a service's boot layer, on the lane's
 * healthy-hosts alarm changing state (lib/fallback/handler.ts), and `lanes fallback` / the
 * post-deploy verify step (lib/ops/fallback.ts, from state). It imports nothing but the ELBv2
 * client and the routing decision, so the Lambda bundle stays small. A lane's rules are found by
 * their `lanes:target-group` tag (the lane's own group, whatever they forward to now), never by
 * a name, so the Lambda needs no lane name.
 */
import { DescribeRulesCommand, DescribeTagsCommand, ModifyRuleCommand, type Action, type ElasticLoadBalancingV2Client, type Rule } from "@aws-sdk/client-elastic-load-balancing-v2";
import { LANE_TAG, LANE_TARGET_GROUP_TAG, ON_UNHEALTHY_TAG, laneRuleAction, targetGroupArnSuffix, type OnUnhealthy } from "../routing";

export interface LaneHealthChange {
  /** ALARM of the lane's healthy-hosts alarm: false; OK: true. */
  readonly healthy: boolean;
  /** The listeners that carry the lane's rules (boot's listener_arn and call_listener_arn). */
  readonly listenerArns: readonly string[];
  readonly laneTargetGroupArn: string;
  readonly defaultTargetGroupArn: string;
}

export interface SwitchedRule {
  readonly ruleArn: string;
  /** The rule's `Name` tag. */
  readonly name: string;
  readonly lane: string;
  readonly onUnhealthy: OnUnhealthy;
  readonly action: Action;
  /** False when the rule already did that (no ModifyRule sent). */
  readonly modified: boolean;
}

/** ELBv2 DescribeTags takes at most 20 resource ARNs per call. */
export const DESCRIBE_TAGS_MAX = 20;

async function allRules(elb: ElasticLoadBalancingV2Client, listenerArn: string): Promise<Rule[]> {
  const rules: Rule[] = [];
  let marker: string | undefined;
  do {
    const page = await elb.send(new DescribeRulesCommand({ ListenerArn: listenerArn, ...(marker ? { Marker: marker } : {}) }));
    rules.push(...(page.Rules ?? []));
    marker = page.NextMarker;
  } while (marker);
  return rules;
}

async function tagsOf(elb: ElasticLoadBalancingV2Client, arns: readonly string[]): Promise<Map<string, Map<string, string>>> {
  const out = new Map<string, Map<string, string>>();
  for (let i = 0; i < arns.length; i += DESCRIBE_TAGS_MAX) {
    const page = await elb.send(new DescribeTagsCommand({ ResourceArns: arns.slice(i, i + DESCRIBE_TAGS_MAX) }));
    for (const d of page.TagDescriptions ?? []) {
      if (d.ResourceArn) out.set(d.ResourceArn, new Map((d.Tags ?? []).flatMap((t) => (t.Key ? [[t.Key, t.Value ?? ""] as const] : []))));
    }
  }
  return out;
}

function sameAction(current: readonly Action[] | undefined, wanted: Action): boolean {
  if (current?.length !== 1) return false;
  const [a] = current;
  if (a!.Type !== wanted.Type) return false;
  if (wanted.Type === "forward") {
    const groups = a!.TargetGroupArn ? [a!.TargetGroupArn] : (a!.ForwardConfig?.TargetGroups ?? []).map((g) => g.TargetGroupArn);
    return groups.length === 1 && groups[0] === wanted.TargetGroupArn;
  }
  const f = a!.FixedResponseConfig;
  const w = wanted.FixedResponseConfig!;
  return f?.StatusCode === w.StatusCode && f?.ContentType === w.ContentType && f?.MessageBody === w.MessageBody;
}

/**
 * Sets the action of every rule tagged with the lane's target group, on each listener, for the
 * lane's health (lib/routing.ts laneRuleAction, strict per the rule's `lanes:on-unhealthy` tag);
 * a rule that already does it is left alone. Returns every rule of the lane with its action.
 */
export async function switchLaneRules(elb: ElasticLoadBalancingV2Client, change: LaneHealthChange): Promise<SwitchedRule[]> {
  const laneGroup = targetGroupArnSuffix(change.laneTargetGroupArn);
  const switched: SwitchedRule[] = [];
  for (const listenerArn of [...new Set(change.listenerArns)]) {
    const rules = (await allRules(elb, listenerArn)).filter((r) => !r.IsDefault && r.RuleArn);
    if (rules.length === 0) continue;
    const tags = await tagsOf(
      elb,
      rules.map((r) => r.RuleArn!),
    );
    for (const rule of rules) {
      const tag = tags.get(rule.RuleArn!);
      if (tag?.get(LANE_TARGET_GROUP_TAG) !== laneGroup) continue;
      const lane = tag.get(LANE_TAG) ?? laneGroup;
      const onUnhealthy: OnUnhealthy = tag.get(ON_UNHEALTHY_TAG) === "refuse" ? "refuse" : "default";
      const decided = laneRuleAction({ lane, healthy: change.healthy, onUnhealthy, laneTargetGroupArn: change.laneTargetGroupArn, defaultTargetGroupArn: change.defaultTargetGroupArn });
      const action: Action =
        decided.type === "forward"
          ? { Type: "forward", TargetGroupArn: decided.targetGroupArn }
          : { Type: "fixed-response", FixedResponseConfig: { StatusCode: decided.statusCode, ContentType: decided.contentType, MessageBody: decided.messageBody } };
      const modified = !sameAction(rule.Actions, action);
      if (modified) await elb.send(new ModifyRuleCommand({ RuleArn: rule.RuleArn!, Actions: [action] }));
      switched.push({ ruleArn: rule.RuleArn!, name: tag.get("Name") ?? rule.RuleArn!, lane, onUnhealthy, action, modified });
    }
  }
  return switched;
}
