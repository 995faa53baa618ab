import { LbListenerRule } from "@cdktf/provider-aws/lib/lb-listener-rule";
import type { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { Construct } from "constructs";
import type { FittedName } from "../lib/naming";
import { LANE_TAG, LANE_TARGET_GROUP_TAG, ON_UNHEALTHY_TAG, TRACESTATE_HEADER, laneHeaderValues, type OnUnhealthy } from "../lib/routing";
import { laneTargetGroup } from "./load-balancer";

export interface LaneRouteProps {
  readonly lane: string;
  readonly targetGroupName: FittedName;
  readonly ruleName: string;
  readonly listenerArn: string;
  readonly priority: number;
  readonly vpcId: string;
  readonly port: number;
  readonly healthCheckPath: string;
  /** What the rules do while the lane has no healthy target (tagged on them for the fallback switch, lib/fallback/switch.ts). */
  readonly onUnhealthy: OnUnhealthy;
  /**
   * Behind the edge: the rule also requires the origin secret header (a second condition, one
   * value without wildcards: with the four tracestate values, 5 condition values and 4 wildcards).
   * @default the lane member alone
   */
  readonly originSecret?: { readonly header: string; readonly value: string };
  /**
   * The service's internal listener for its callers (lib/routing.ts callListener): the same
   * tracestate rule there, at the same priority, without the origin secret (that listener admits
   * only the callers' task security groups). @default none
   */
  readonly internalListener?: { readonly arn: string; readonly ruleName: string };
}

/**
 * A lane's own way in: its target group, and a rule on the boot layer's
 * listener forwarding requests whose `tracestate` carries the member `ctx=lane:{lane}` (and,
 * behind the edge, the origin secret header). Both live and die with the lane stack; the shared
 * listener is only referenced.
 *
 * The rules' action belongs to the fallback switch once they exist (the boot layer's fallback
 * Lambda points them at default's group, or a 503, while the lane has no healthy target): Terraform
 * ignores changes to it, so an apply of a lane that has fallen back does not restore it behind
 * the alarm's back. A replaced target group replaces the rules (`replace_triggered_by` its id), so a
 * rule never points at a deleted group. The tags name the lane's group and the lane, which is how
 * the switch finds the rules.
 */
export class LaneRoute extends Construct {
  readonly targetGroup: LbTargetGroup;
  readonly rule: LbListenerRule;
  readonly internalRule?: LbListenerRule;

  constructor(scope: Construct, id: string, props: LaneRouteProps) {
    super(scope, id);
    this.targetGroup = laneTargetGroup(this, "tg", props.targetGroupName, {
      vpcId: props.vpcId,
      port: props.port,
      healthCheckPath: props.healthCheckPath,
    });
    const switchTags = { [ON_UNHEALTHY_TAG]: props.onUnhealthy, [LANE_TARGET_GROUP_TAG]: this.targetGroup.arnSuffix, [LANE_TAG]: props.lane };
    // The group's id changes only when it is replaced (a reference to the whole resource would
    // replace the rules on any in-place update of the group too). Terraform's JSON syntax takes
    // the reference itself here, not a `${…}` template.
    const groupId = `${this.targetGroup.terraformResourceType}.${this.targetGroup.friendlyUniqueId}.id`;
    const lifecycle = { ignoreChanges: ["action"], replaceTriggeredBy: [groupId] };
    this.rule = new LbListenerRule(this, "rule", {
      listenerArn: props.listenerArn,
      priority: props.priority,
      condition: [
        { httpHeader: { httpHeaderName: TRACESTATE_HEADER, values: laneHeaderValues(props.lane) } },
        ...(props.originSecret ? [{ httpHeader: { httpHeaderName: props.originSecret.header, values: [props.originSecret.value] } }] : []),
      ],
      action: [{ type: "forward", targetGroupArn: this.targetGroup.arn }],
      tags: { Name: props.ruleName, ...switchTags },
      lifecycle,
    });
    if (props.internalListener) {
      this.internalRule = new LbListenerRule(this, "internal-rule", {
        listenerArn: props.internalListener.arn,
        priority: props.priority,
        condition: [{ httpHeader: { httpHeaderName: TRACESTATE_HEADER, values: laneHeaderValues(props.lane) } }],
        action: [{ type: "forward", targetGroupArn: this.targetGroup.arn }],
        tags: { Name: props.internalListener.ruleName, ...switchTags },
        lifecycle,
      });
    }
  }
}
