/**
 * The ramp on the service's ALB: who holds the weighted catch-all rule (priority
 * RAMP_RULE_PRIORITY on the listener that carries the lane rules), and its weights. Terraform
 * creates and removes the rule (the lane stack deployed with LANES_RAMP=1, constructs/lane-ramp.ts);
 * the weights are moved here, with ELBv2 ModifyRule: one call that takes effect in seconds, needs
 * no Terraform run or state lock, and so can always set the weight back to 0 — the lane stack
 * ignores changes to the rule's action, as a scaled service ignores its desired count.
 */
import {
  DescribeRulesCommand,
  DescribeTagsCommand,
  ModifyRuleCommand,
  type ElasticLoadBalancingV2Client,
  type Rule,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { RAMP_RULE_PRIORITY } from "../routing";

export interface RampRule {
  readonly ruleArn: string;
  /** The `lane` tag of the rule (every resource of a lane stack carries it). */
  readonly lane?: string;
  /** The `Name` tag, e.g. user-api-dev-gray-ramp. */
  readonly name?: string;
  /** Current weight of each target group the rule forwards to, by ARN. */
  readonly weights: Readonly<Record<string, number>>;
}

/** The weighted forward of a ramp: `percent` to the lane, the rest to default. */
export interface RampWeight {
  readonly ruleArn: string;
  readonly laneTargetGroupArn: string;
  readonly defaultTargetGroupArn: string;
  readonly percent: number;
  /** Group stickiness in seconds; 0: off. */
  readonly stickinessSeconds: number;
}

export interface TrafficControl {
  /** The rule at RAMP_RULE_PRIORITY on the listener, if any. */
  rampRule(listenerArn: string): Promise<RampRule | undefined>;
  setWeight(weight: RampWeight): Promise<void>;
}

function weightsOf(rule: Rule): Record<string, number> {
  const groups = rule.Actions?.find((a) => a.Type === "forward")?.ForwardConfig?.TargetGroups ?? [];
  return Object.fromEntries(groups.map((g) => [g.TargetGroupArn ?? "", g.Weight ?? 0]));
}

/** The lane's share of a rule's weights, in percent of the total. */
export function lanePercent(rule: RampRule, laneTargetGroupArn: string): number {
  const total = Object.values(rule.weights).reduce((s, w) => s + w, 0);
  return total > 0 ? Math.round((100 * (rule.weights[laneTargetGroupArn] ?? 0)) / total) : 0;
}

export class ElbTrafficControl implements TrafficControl {
  constructor(private readonly elb: ElasticLoadBalancingV2Client) {}

  async rampRule(listenerArn: string): Promise<RampRule | undefined> {
    let marker: string | undefined;
    let found: Rule | undefined;
    do {
      const page = await this.elb.send(new DescribeRulesCommand({ ListenerArn: listenerArn, ...(marker ? { Marker: marker } : {}) }));
      found = (page.Rules ?? []).find((r) => r.Priority === String(RAMP_RULE_PRIORITY));
      marker = page.NextMarker;
    } while (!found && marker);
    if (!found?.RuleArn) return undefined;
    const tags = await this.elb.send(new DescribeTagsCommand({ ResourceArns: [found.RuleArn] }));
    const tag = (key: string) => tags.TagDescriptions?.[0]?.Tags?.find((t) => t.Key === key)?.Value;
    const lane = tag("lane");
    const name = tag("Name");
    return { ruleArn: found.RuleArn, ...(lane ? { lane } : {}), ...(name ? { name } : {}), weights: weightsOf(found) };
  }

  async setWeight(w: RampWeight): Promise<void> {
    await this.elb.send(
      new ModifyRuleCommand({
        RuleArn: w.ruleArn,
        Actions: [
          {
            Type: "forward",
            ForwardConfig: {
              TargetGroups: [
                { TargetGroupArn: w.laneTargetGroupArn, Weight: w.percent },
                { TargetGroupArn: w.defaultTargetGroupArn, Weight: 100 - w.percent },
              ],
              TargetGroupStickinessConfig: w.stickinessSeconds > 0 ? { Enabled: true, DurationSeconds: w.stickinessSeconds } : { Enabled: false },
            },
          },
        ],
      }),
    );
  }
}
