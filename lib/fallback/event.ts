/**
 * The CloudWatch "Alarm State Change" event (EventBridge, source aws.cloudwatch) as the fallback
 * Lambda reads it, the rule's event pattern that selects it, and the function's environment.
 * Shape from the CloudWatch User Guide ("Alarm events and EventBridge", single metric alarm):
 * `detail.configuration.metrics[].metricStat.metric` holds `namespace`, `name` and `dimensions`
 * (an object, dimension name → value); `detail.state.value` is OK, ALARM or INSUFFICIENT_DATA.
 */
import { targetGroupArnSuffix } from "../routing";

export const ALARM_STATE_CHANGE = "CloudWatch Alarm State Change";
export const ELB_NAMESPACE = "AWS/ApplicationELB";
/** The lane alarm that drives the switch (constructs/lane-alarms.ts, the healthy-hosts alarm). */
export const HEALTH_METRIC = "HealthyHostCount";

export interface AlarmMetric {
  readonly id?: string;
  readonly metricStat?: {
    readonly metric?: { readonly namespace?: string; readonly name?: string; readonly dimensions?: Readonly<Record<string, string>> };
    readonly period?: number;
    readonly stat?: string;
  };
  readonly expression?: string;
  readonly returnData?: boolean;
}

export interface AlarmStateChangeEvent {
  readonly "detail-type": string;
  readonly source: string;
  readonly account: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: {
    readonly alarmName: string;
    readonly configuration?: { readonly metrics?: readonly AlarmMetric[] };
    readonly state: { readonly value: string; readonly reason?: string; readonly timestamp?: string };
    readonly previousState?: { readonly value: string };
  };
}

/** The fallback function's environment (set by constructs/lane-fallback.ts). */
export const FallbackEnv = {
  /** JSON array of the listeners carrying lane rules (the viewer listener, the internal one for callers). */
  listenerArns: "LISTENER_ARNS",
  defaultTargetGroupArn: "DEFAULT_TARGET_GROUP_ARN",
  /** The ALB's ARN suffix (`app/{name}/{id}`), the alarms' LoadBalancer dimension. */
  loadBalancer: "LOAD_BALANCER",
} as const;

export interface FallbackConfig {
  readonly listenerArns: readonly string[];
  readonly defaultTargetGroupArn: string;
  readonly loadBalancer: string;
}

export function fallbackConfig(env: Readonly<Record<string, string | undefined>>): FallbackConfig {
  const get = (name: string) => {
    const value = env[name];
    if (!value) throw new Error(`the fallback function's environment has no ${name}`);
    return value;
  };
  const listeners = JSON.parse(get(FallbackEnv.listenerArns)) as unknown;
  if (!Array.isArray(listeners) || listeners.length === 0 || !listeners.every((l) => typeof l === "string" && l !== "")) {
    throw new Error(`${FallbackEnv.listenerArns} must be a JSON array of listener ARNs`);
  }
  return { listenerArns: listeners as string[], defaultTargetGroupArn: get(FallbackEnv.defaultTargetGroupArn), loadBalancer: get(FallbackEnv.loadBalancer) };
}

/**
 * The rule's pattern: state changes to ALARM or OK of alarms on this ALB's HealthyHostCount.
 * EventBridge matches each field of the pattern against the event's values wherever they sit in
 * an array (arrays of objects are not matched object by object), so with a metric-math alarm
 * the name and the dimension could come from different metrics: the handler checks the alarm
 * is a single metric with both (laneHealthFromEvent).
 */
export function alarmEventPattern(loadBalancerArnSuffix: string): object {
  return {
    source: ["aws.cloudwatch"],
    "detail-type": [ALARM_STATE_CHANGE],
    detail: {
      state: { value: ["ALARM", "OK"] },
      configuration: {
        metrics: { metricStat: { metric: { namespace: [ELB_NAMESPACE], name: [HEALTH_METRIC], dimensions: { LoadBalancer: [loadBalancerArnSuffix] } } } },
      },
    },
  };
}

export type LaneHealthEvent = { readonly healthy: boolean; readonly laneTargetGroupArn: string } | { readonly ignored: string };

/**
 * What a state change means for the switch: ALARM → the lane has no healthy target, OK → healthy,
 * with the lane's target group ARN built from the alarm's TargetGroup dimension
 * (`arn:{partition}:elasticloadbalancing:{region}:{account}:targetgroup/{name}/{id}`, partition from
 * the alarm's ARN). Anything else (INSUFFICIENT_DATA, another load balancer, another metric, a
 * metric-math alarm, a default target group) is ignored, with the reason.
 */
export function laneHealthFromEvent(event: AlarmStateChangeEvent, config: FallbackConfig): LaneHealthEvent {
  if (event.source !== "aws.cloudwatch" || event["detail-type"] !== ALARM_STATE_CHANGE) return { ignored: `not an alarm state change (${event.source} ${event["detail-type"]})` };
  const state = event.detail?.state?.value;
  if (state !== "ALARM" && state !== "OK") return { ignored: `alarm ${event.detail?.alarmName} is ${state}: nothing to switch` };
  const metrics = event.detail.configuration?.metrics ?? [];
  const metric = metrics.length === 1 ? metrics[0]!.metricStat?.metric : undefined;
  if (!metric || metric.namespace !== ELB_NAMESPACE || metric.name !== HEALTH_METRIC) return { ignored: `alarm ${event.detail.alarmName} is not a single ${ELB_NAMESPACE} ${HEALTH_METRIC} metric` };
  const dimensions = metric.dimensions ?? {};
  if (dimensions.LoadBalancer !== config.loadBalancer) return { ignored: `alarm ${event.detail.alarmName} watches load balancer ${dimensions.LoadBalancer}, not ${config.loadBalancer}` };
  const group = dimensions.TargetGroup;
  if (!group || !/^targetgroup\/[A-Za-z0-9-]{1,32}\/[0-9a-f]+$/.test(group)) return { ignored: `alarm ${event.detail.alarmName} names no target group (${group})` };
  const partition = /^arn:([^:]+):cloudwatch:/.exec(event.resources?.[0] ?? "")?.[1];
  if (!partition) return { ignored: `alarm ARN ${event.resources?.[0]} is not a CloudWatch alarm ARN` };
  const laneTargetGroupArn = `arn:${partition}:elasticloadbalancing:${event.region}:${event.account}:${group}`;
  if (targetGroupArnSuffix(config.defaultTargetGroupArn) === group) return { ignored: `alarm ${event.detail.alarmName} watches the default target group: default never falls back` };
  return { healthy: state === "OK", laneTargetGroupArn };
}
