/**
 * The per-hop fallback at the control plane: while a lane has no healthy target, its rules (on
 * every listener that carries them) forward to the default lane's target group, or, for a strict
 * lane, answer 503; when it is healthy again they forward to the lane's own group. The ALB would
 * not do this by itself: it keeps sending a lane's traffic to its targets when all are unhealthy
 * (fail open) and answers 503 when the group is empty (a lane scaled to zero, tasks crashing).
 *
 * The trigger is the lane's healthy-hosts alarm (constructs/lane-alarms.ts, `{lane prefix}-healthy-hosts`)
 * changing state: ALARM → fall back, OK → restore. This module is the switch (ELBv2 DescribeRules,
 * DescribeTags, ModifyRule); the request keeps its lane context either way, so the next hop
 * re-enters its lane. The decision itself is lib/routing.ts laneRuleAction, which the local ALB
 * of the end-to-end test applies too.
 */
import { DescribeRulesCommand, DescribeTagsCommand, ModifyRuleCommand, type Action, type ElasticLoadBalancingV2Client, type Rule } from "@aws-sdk/client-elastic-load-balancing-v2";
import type { S3Client } from "@aws-sdk/client-s3";
import { BootOutputs, LaneOutputs } from "../contract";
import { laneNames } from "../naming";
import type { StateConfig } from "../params/config";
import { stateKey } from "../state";
import { OpsError } from "./commands";
import { readStateOutputs } from "./lane-state";
import { ON_UNHEALTHY_TAG, laneRuleAction, type OnUnhealthy } from "../routing";

export interface LaneHealthChange {
  readonly service: string;
  readonly env: string;
  readonly lane: string;
  /** The healthy-hosts alarm's new state: ALARM (no healthy target) or OK. */
  readonly healthy: boolean;
  /** The listeners that carry the lane's rules (boot's listener_arn and call_listener_arn). */
  readonly listenerArns: readonly string[];
  readonly laneTargetGroupArn: string;
  readonly defaultTargetGroupArn: string;
}

export interface SwitchedRule {
  readonly ruleArn: string;
  readonly name: string;
  readonly onUnhealthy: OnUnhealthy;
  readonly action: Action;
}

/** The lane's alarm name whose state drives the switch. */
export function healthAlarmName(service: string, env: string, lane: string): string {
  return laneNames(service, env, lane).alarms.healthyHosts;
}

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

/** Sets the action of every rule of the lane (found by their Name tags) for its health; returns what it set. */
export async function switchLaneRules(elb: ElasticLoadBalancingV2Client, change: LaneHealthChange): Promise<SwitchedRule[]> {
  const names = laneNames(change.service, change.env, change.lane);
  const wanted = new Set([names.listenerRule, names.internalListenerRule]);
  const switched: SwitchedRule[] = [];
  for (const listenerArn of [...new Set(change.listenerArns)]) {
    const arns = (await allRules(elb, listenerArn)).filter((r) => !r.IsDefault && r.RuleArn).map((r) => r.RuleArn!);
    if (arns.length === 0) continue;
    const tagged = await elb.send(new DescribeTagsCommand({ ResourceArns: arns }));
    for (const d of tagged.TagDescriptions ?? []) {
      const tag = (key: string) => d.Tags?.find((t) => t.Key === key)?.Value;
      const name = tag("Name");
      if (!d.ResourceArn || !name || !wanted.has(name)) continue;
      const onUnhealthy: OnUnhealthy = tag(ON_UNHEALTHY_TAG) === "refuse" ? "refuse" : "default";
      const decided = laneRuleAction({ lane: change.lane, healthy: change.healthy, onUnhealthy, laneTargetGroupArn: change.laneTargetGroupArn, defaultTargetGroupArn: change.defaultTargetGroupArn });
      const action: Action =
        decided.type === "forward"
          ? { Type: "forward", TargetGroupArn: decided.targetGroupArn }
          : { Type: "fixed-response", FixedResponseConfig: { StatusCode: decided.statusCode, ContentType: decided.contentType, MessageBody: decided.messageBody } };
      await elb.send(new ModifyRuleCommand({ RuleArn: d.ResourceArn, Actions: [action] }));
      switched.push({ ruleArn: d.ResourceArn, name, onUnhealthy, action });
    }
  }
  return switched;
}

/** The listeners and target groups of a lane's switch, from the boot and lane states. */
export async function laneHealthTargets(
  s3: S3Client,
  state: StateConfig,
  plan: { readonly service: string; readonly env: string; readonly lane: string },
): Promise<Pick<LaneHealthChange, "listenerArns" | "laneTargetGroupArn" | "defaultTargetGroupArn">> {
  const { service, env, lane } = plan;
  const boot = await readStateOutputs(s3, state, stateKey({ layer: "boot", env, service }));
  if (!boot) throw new OpsError(`boot-${service}-${env} has no state: deploy it first.`, "lowerLayerMissing");
  const own = await readStateOutputs(s3, state, stateKey({ layer: "app", env, service, lane }));
  const laneTg = own?.[LaneOutputs.targetGroupArn.name];
  const defaultTg = boot[BootOutputs.defaultTargetGroupArn.name];
  if (typeof laneTg !== "string" || laneTg === "" || laneTg === defaultTg) {
    throw new OpsError(`lane '${lane}' of ${service} in ${env} has no target group of its own (not deployed, the default lane, or a worker): nothing to switch.`, "unknownLane");
  }
  const listeners = [boot[BootOutputs.listenerArn.name], boot[BootOutputs.callListenerArn.name]].filter((a): a is string => typeof a === "string" && a !== "");
  return { listenerArns: listeners, laneTargetGroupArn: laneTg, defaultTargetGroupArn: String(defaultTg) };
}
