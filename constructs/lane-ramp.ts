import { LbListenerRule } from "@cdktf/provider-aws/lib/lb-listener-rule";
import type { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { Construct } from "constructs";
import { RAMP_RULE_PRIORITY } from "../lib/routing";

export interface LaneRampProps {
  /** `Name` tag, from the naming module. */
  readonly ruleName: string;
  /** The boot layer's listener that carries the lane rules. */
  readonly listenerArn: string;
  /** The lane's own target group (LaneRoute). */
  readonly laneTargetGroup: LbTargetGroup;
  /** The service's default target group (boot layer): the `default` lane. */
  readonly defaultTargetGroupArn: string;
  /** Behind the edge: the rule requires the origin secret header, as every lane rule does. */
  readonly originSecret?: { readonly header: string; readonly value: string };
}

/**
 * The weighted catch-all rule of a lane being ramped: at RAMP_RULE_PRIORITY, after every lane
 * rule, it takes the requests no lane rule matched (every path) and forwards them by weight to
 * the lane's target group and the default one. It is created with weight 0 for the lane, so
 * adding it changes no routing; `lanes ramp` then moves the weights (and the group stickiness)
 * with ELBv2 ModifyRule, which Terraform leaves alone (ignore_changes on the action), as it
 * leaves a scaled service's desired count to the scaler. Replacing the lane's target group
 * replaces the rule too (back to weight 0), so it can never forward to a deleted group. One lane
 * per listener can hold the priority: the ALB refuses a second (`PriorityInUse`).
 */
export class LaneRamp extends Construct {
  readonly rule: LbListenerRule;

  constructor(scope: Construct, id: string, props: LaneRampProps) {
    super(scope, id);
    const tg = props.laneTargetGroup;
    this.rule = new LbListenerRule(this, "rule", {
      listenerArn: props.listenerArn,
      priority: RAMP_RULE_PRIORITY,
      condition: [
        { pathPattern: { values: ["*"] } },
        ...(props.originSecret ? [{ httpHeader: { httpHeaderName: props.originSecret.header, values: [props.originSecret.value] } }] : []),
      ],
      action: [
        {
          type: "forward",
          forward: {
            targetGroup: [
              { arn: tg.arn, weight: 0 },
              { arn: props.defaultTargetGroupArn, weight: 100 },
            ],
          },
        },
      ],
      tags: { Name: props.ruleName },
      // Only a new target group (a new id) replaces the rule; an in-place change of it does not.
      lifecycle: { ignoreChanges: ["action"], replaceTriggeredBy: [`${tg.terraformResourceType}.${tg.friendlyUniqueId}.id`] },
    });
  }
}
