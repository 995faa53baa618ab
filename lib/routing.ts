/**
 * Lane routing on the ALB: the `tracestate` header match and listener rule priorities.
 *
 * Header match. W3C `tracestate` is a comma-separated list of `key=value` members; the lane
 * travels as the member `ctx=lane:{lane}`. An ALB http-header condition ORs its values and
 * supports `*` (any run) and `?` (one character), so the member is matched as a whole member
 * with four values: alone, first, last, middle. `*ctx=lane:gray*` would also match
 * `ctx=lane:gray2` and `xctx=lane:gray`, so it is never used. The match expects the canonical
 * serialisation without optional spaces after commas (what OpenTelemetry and the lanes edge
 * emit). Four values use four of the rule's five wildcards.
 *
 * Priorities. Only one lane rule can match a request (a key appears once in `tracestate`), so
 * priority order never changes routing; priorities only have to be unique on a listener and
 * stable across deploys. A lane gets `rulePriority` from params when set (1..9999 reserved for
 * that), else `10000 + FNV-1a(lane) mod 40000`, except that a lane landing on 49999 takes
 * `10000 + FNV-1a(lane) mod 39999` instead (so 10000..49998: 49999 and 50000 are the platform's own
 * rules, the ramp and the default lane behind the edge; every other lane keeps the priority it had
 * before those were reserved, so no deployed rule moves). Lanes known to params are checked
 * for collisions when params load; an ad-hoc lane whose derived priority collides with a known
 * lane fails synth; a collision between two ad-hoc lanes is refused by the ALB
 * (`PriorityInUse`) at deploy time and never routes silently.
 *
 * The ramp. A lane being ramped (`lanes ramp`) adds one more rule: a catch-all at
 * RAMP_RULE_PRIORITY, after every lane rule and before the default lane's rule behind the edge, forwarding the requests no lane rule took
 * (those without a lane member) by weight to the lane's and the default target group. Every lane
 * of every service uses the same number and no lane rule can have it, so one lane per listener
 * ramps at a time: the ALB refuses a second such rule (`PriorityInUse`), and the lanes CLI names
 * the lane holding it before trying. Lane rules come first, so header-routed traffic is unaffected.
 *
 * Behind the edge. A service whose ALB only CloudFront reaches has its listener's default action
 * refuse (403), and its default lane served by a rule of the boot layer at DEFAULT_RULE_PRIORITY
 * (after every lane rule) that requires the origin secret header; every lane rule requires it too,
 * as a second condition with one value: 4 + 1 = 5 condition values, 4 wildcards (ALB: 5 and 5).
 */
import { TRACESTATE_HEADER, laneHeaderValues, laneMember } from "../packages/lane-context/src/protocol";

/** The member, its header and its ALB match values are the lane protocol's (packages/lane-context/src/protocol.ts). */
export { TRACESTATE_HEADER, laneHeaderValues, laneMember };

export const PRIORITY_EXPLICIT_MIN = 1;
export const PRIORITY_EXPLICIT_MAX = 9999;
export const PRIORITY_DERIVED_MIN = 10000;
export const PRIORITY_DERIVED_SPAN = 40000;
/** The highest derived priority: below the platform's own rules. */
export const PRIORITY_DERIVED_MAX = 49998;
/** AWS: the highest listener rule priority. */
export const PRIORITY_ALB_MAX = 50000;
/** The default lane's rule behind the edge (it requires the origin header): the last rule of all. */
export const DEFAULT_RULE_PRIORITY = PRIORITY_ALB_MAX;
/** The weighted catch-all rule of the lane being ramped: after every lane rule (1..49998), before the default lane's. */
export const RAMP_RULE_PRIORITY = PRIORITY_ALB_MAX - 1;
/** AWS: per listener rule, at most 5 condition values and 5 wildcards (`*`, `?`). */
export const RULE_MAX_CONDITION_VALUES = 5;
export const RULE_MAX_WILDCARDS = 5;

/** 32-bit FNV-1a; small, stable across Node versions and platforms. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, "utf8")) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** Priority a lane gets when params give none. */
export function derivedPriority(lane: string): number {
  const hash = fnv1a32(lane);
  const priority = PRIORITY_DERIVED_MIN + (hash % PRIORITY_DERIVED_SPAN);
  return priority <= PRIORITY_DERIVED_MAX ? priority : PRIORITY_DERIVED_MIN + (hash % (PRIORITY_DERIVED_MAX - PRIORITY_DERIVED_MIN + 1));
}

/** The lane's priority: the explicit one from params, else the derived one. */
export function lanePriority(lane: string, explicit?: number): number {
  return explicit ?? derivedPriority(lane);
}

/** What decides which listener a service's callers use (a BootConfig has these fields). */
export interface CallListenerInput {
  readonly httpPort: number;
  readonly internalPort: number;
  readonly https?: unknown;
  readonly originGuard?: unknown;
}

/**
 * The listener the services that call this one (params `calls`) connect to. The routing listener
 * when it is plain HTTP open to the VPC; else a separate internal HTTP listener on `internalPort`
 * (`separate: true`): behind the edge the routing listener answers only CloudFront carrying the
 * origin secret, which no task should hold, and with HTTPS its certificate does not name the
 * ALB's DNS name. The internal listener admits only the callers' task security groups and carries
 * a copy of every lane rule (without the origin secret condition), so callers are routed exactly
 * like viewers.
 */
export function callListener(boot: CallListenerInput): { readonly port: number; readonly separate: boolean } {
  const separate = boot.https !== undefined || boot.originGuard !== undefined;
  return { port: separate ? boot.internalPort : boot.httpPort, separate };
}

/**
 * What a lane's rules do while the lane has no healthy target (params `onUnhealthy`):
 * `default` forwards to the default lane's target group (the request keeps its lane context, so
 * the next hop re-enters its lane), `refuse` answers LANE_UNAVAILABLE (strict mode, for isolation
 * tests: a request must never be served outside its lane). The ALB itself would keep sending a
 * lane's traffic to its unhealthy targets (fail open) or answer 503 when the group is empty.
 */
export type OnUnhealthy = "default" | "refuse";
export const ON_UNHEALTHY: readonly OnUnhealthy[] = ["default", "refuse"];
/** The tag on a lane's rules that says what they do while the lane is unhealthy. */
export const ON_UNHEALTHY_TAG = "lanes:on-unhealthy";
/**
 * The tag on a lane's rules naming the lane's own target group by its ARN suffix
 * (`targetgroup/{name}/{id}`, the healthy-hosts alarm's TargetGroup dimension): the fallback
 * switch finds a lane's rules by it, whatever they forward to at the moment and however the
 * lane's names were shortened.
 */
export const LANE_TARGET_GROUP_TAG = "lanes:target-group";
/** The tag on a lane's rules naming the lane (the strict refusal's message names it). */
export const LANE_TAG = "lanes:lane";

/** `targetgroup/{name}/{id}` of a target group ARN (what CloudWatch's TargetGroup dimension holds). */
export function targetGroupArnSuffix(arn: string): string {
  const at = arn.indexOf(":targetgroup/");
  if (!arn.startsWith("arn:") || at < 0) throw new Error(`'${arn}' is not a target group ARN (arn:{partition}:elasticloadbalancing:{region}:{account}:targetgroup/{name}/{id})`);
  return arn.slice(at + 1);
}

/** What a strict lane's rules answer while it has no healthy target. */
export function laneUnavailable(lane: string): { readonly statusCode: "503"; readonly contentType: "text/plain"; readonly messageBody: string } {
  return { statusCode: "503", contentType: "text/plain", messageBody: `lane ${lane} has no healthy target and is strict: refused instead of falling back to default` };
}

/** A lane rule's action as the fallback switch sets it. */
export type LaneRuleAction =
  | { readonly type: "forward"; readonly targetGroupArn: string }
  | { readonly type: "fixed-response"; readonly statusCode: string; readonly contentType: string; readonly messageBody: string };

/** The action of a lane's rule given the lane's health: its own group, else default's or the refusal. */
export function laneRuleAction(input: {
  readonly lane: string;
  readonly healthy: boolean;
  readonly onUnhealthy: OnUnhealthy;
  readonly laneTargetGroupArn: string;
  readonly defaultTargetGroupArn: string;
}): LaneRuleAction {
  if (input.healthy) return { type: "forward", targetGroupArn: input.laneTargetGroupArn };
  return input.onUnhealthy === "refuse" ? { type: "fixed-response", ...laneUnavailable(input.lane) } : { type: "forward", targetGroupArn: input.defaultTargetGroupArn };
}
