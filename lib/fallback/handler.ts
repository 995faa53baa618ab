/**
 * The fallback Lambda of a service's boot layer (constructs/lane-fallback.ts), bundled at synth
 * (lib/fallback/bundle.ts): on a lane's healthy-hosts alarm going to ALARM, the lane's rules
 * forward to default (or answer 503 when strict); on OK, back to the lane. The lane is found by
 * the alarm's TargetGroup dimension and the rules' `lanes:target-group` tag, never by name.
 */
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { fallbackConfig, laneHealthFromEvent, type AlarmStateChangeEvent } from "./event";
import { switchLaneRules, type SwitchedRule } from "./switch";

export interface FallbackResult {
  readonly ignored?: string;
  readonly healthy?: boolean;
  readonly laneTargetGroupArn?: string;
  readonly rules?: readonly Pick<SwitchedRule, "ruleArn" | "name" | "lane" | "onUnhealthy" | "modified">[];
}

/** The handler over a given client and environment (tests inject both; the runtime uses `handler`). */
export function createHandler(elb: ElasticLoadBalancingV2Client, env: Readonly<Record<string, string | undefined>> = process.env) {
  const config = fallbackConfig(env);
  return async (event: AlarmStateChangeEvent): Promise<FallbackResult> => {
    const change = laneHealthFromEvent(event, config);
    if ("ignored" in change) {
      console.log(JSON.stringify({ level: "INFO", event: "ignored", alarm: event.detail?.alarmName, reason: change.ignored }));
      return { ignored: change.ignored };
    }
    const switched = await switchLaneRules(elb, { ...change, listenerArns: config.listenerArns, defaultTargetGroupArn: config.defaultTargetGroupArn });
    const rules = switched.map(({ ruleArn, name, lane, onUnhealthy, modified }) => ({ ruleArn, name, lane, onUnhealthy, modified }));
    console.log(JSON.stringify({ level: rules.length === 0 ? "WARN" : "INFO", event: "switched", alarm: event.detail.alarmName, healthy: change.healthy, targetGroup: change.laneTargetGroupArn, rules }));
    return { healthy: change.healthy, laneTargetGroupArn: change.laneTargetGroupArn, rules };
  };
}

let runtime: ReturnType<typeof createHandler> | undefined;

/** The Lambda entry point: one client per container (region from the runtime's AWS_REGION). */
export const handler = (event: AlarmStateChangeEvent): Promise<FallbackResult> => {
  runtime ??= createHandler(new ElasticLoadBalancingV2Client({}));
  return runtime(event);
};
