/**
 * Quota headroom of a service's load balancer. Every lane but default adds one listener rule and
 * one target group to its service's ALB, and an Application Load Balancer has at most 100 rules
 * (not counting default rules; adjustable) and 100 target groups (the default one included; not
 * adjustable). The account's values come from Service Quotas (ListServiceQuotas for
 * `elasticloadbalancing`, matched by the quotas' names) when it answers, else the documented
 * defaults. Usage comes from ELBv2: the non-default rules of the ALB's listeners and the target
 * groups attached to it. `lanes ls` warns at 80%; a lane deploy that would go over stops before
 * Terraform (lib/ops/commands.ts).
 */
import {
  DescribeListenersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupsCommand,
  type ElasticLoadBalancingV2Client,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { ListServiceQuotasCommand, type ServiceQuotasClient } from "@aws-sdk/client-service-quotas";

/** The two quotas, by their Service Quotas names, with their documented defaults. */
export const ALB_QUOTAS = {
  rules: { name: "Rules per Application Load Balancer", default: 100, adjustable: true },
  targetGroups: { name: "Target Groups per Application Load Balancer", default: 100, adjustable: false },
} as const;

export const SERVICE_QUOTAS_CODE = "elasticloadbalancing";

/** `lanes ls` warns from this share of a quota on. */
export const WARN_AT = 0.8;

export type QuotaKind = keyof typeof ALB_QUOTAS;

export interface AlbUsage {
  /** Listener rules of the ALB, default rules not counted. */
  readonly rules: number;
  /** Target groups attached to the ALB (the default lane's included). */
  readonly targetGroups: number;
}

export interface AlbLimits {
  readonly rules: number;
  readonly targetGroups: number;
  /** Where the values come from. */
  readonly source: "service-quotas" | "defaults";
}

export interface LoadBalancerQuotas {
  /** Undefined when the ALB cannot be read. */
  usage(albArn: string): Promise<AlbUsage | undefined>;
  limits(): Promise<AlbLimits>;
}

export class AwsLoadBalancerQuotas implements LoadBalancerQuotas {
  private cached?: Promise<AlbLimits>;

  constructor(
    private readonly elb: ElasticLoadBalancingV2Client,
    private readonly quotas: ServiceQuotasClient,
    private readonly onProblem: (line: string) => void = () => undefined,
  ) {}

  async usage(albArn: string): Promise<AlbUsage | undefined> {
    try {
      let rules = 0;
      let marker: string | undefined;
      const listeners: string[] = [];
      do {
        const page = await this.elb.send(new DescribeListenersCommand({ LoadBalancerArn: albArn, Marker: marker }));
        for (const l of page.Listeners ?? []) if (l.ListenerArn) listeners.push(l.ListenerArn);
        marker = page.NextMarker;
      } while (marker);
      for (const listener of listeners) {
        let next: string | undefined;
        do {
          const page = await this.elb.send(new DescribeRulesCommand({ ListenerArn: listener, Marker: next, PageSize: 400 }));
          rules += (page.Rules ?? []).filter((r) => !r.IsDefault).length;
          next = page.NextMarker;
        } while (next);
      }
      let targetGroups = 0;
      let tgMarker: string | undefined;
      do {
        const page = await this.elb.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: albArn, Marker: tgMarker, PageSize: 400 }));
        targetGroups += (page.TargetGroups ?? []).length;
        tgMarker = page.NextMarker;
      } while (tgMarker);
      return { rules, targetGroups };
    } catch (err) {
      this.onProblem(`could not read the rules and target groups of ${albArn}: ${(err as Error).name}: ${(err as Error).message}`);
      return undefined;
    }
  }

  limits(): Promise<AlbLimits> {
    this.cached ??= this.readLimits();
    return this.cached;
  }

  private async readLimits(): Promise<AlbLimits> {
    const found: Partial<Record<QuotaKind, number>> = {};
    try {
      let token: string | undefined;
      do {
        const page = await this.quotas.send(new ListServiceQuotasCommand({ ServiceCode: SERVICE_QUOTAS_CODE, NextToken: token }));
        for (const q of page.Quotas ?? []) {
          for (const kind of Object.keys(ALB_QUOTAS) as QuotaKind[]) {
            // The docs add "(excluding default rules)" to the rules quota's name: match the name's start.
            if (q.QuotaName?.startsWith(ALB_QUOTAS[kind].name) && typeof q.Value === "number") found[kind] = q.Value;
          }
        }
        token = page.NextToken;
      } while (token);
    } catch (err) {
      this.onProblem(`Service Quotas not readable (${(err as Error).name}); using the default quotas (${ALB_QUOTAS.rules.default} rules, ${ALB_QUOTAS.targetGroups.default} target groups per load balancer)`);
      return { rules: ALB_QUOTAS.rules.default, targetGroups: ALB_QUOTAS.targetGroups.default, source: "defaults" };
    }
    return {
      rules: found.rules ?? ALB_QUOTAS.rules.default,
      targetGroups: found.targetGroups ?? ALB_QUOTAS.targetGroups.default,
      source: found.rules !== undefined || found.targetGroups !== undefined ? "service-quotas" : "defaults",
    };
  }
}

export interface Headroom {
  readonly kind: QuotaKind;
  readonly used: number;
  readonly limit: number;
}

/** Each quota's use, and whether it reaches the warning share. */
export function headroom(usage: AlbUsage, limits: AlbLimits): (Headroom & { readonly warn: boolean })[] {
  return (Object.keys(ALB_QUOTAS) as QuotaKind[]).map((kind) => ({ kind, used: usage[kind], limit: limits[kind], warn: usage[kind] >= WARN_AT * limits[kind] }));
}

const LABEL: Record<QuotaKind, string> = { rules: "listener rules", targetGroups: "target groups" };

/** One line per quota: `80/100 listener rules (80%)`. */
export function headroomText(h: Headroom): string {
  return `${h.used}/${h.limit} ${LABEL[h.kind]} (${Math.round((100 * h.used) / Math.max(1, h.limit))}%)`;
}

/**
 * The quotas a new lane would exceed, with the numbers; `adds` is what the lane adds to its load
 * balancer: one target group, and a rule per listener it routes on.
 */
export function exceededByNewLane(usage: AlbUsage, limits: AlbLimits, adds: AlbUsage = { rules: 1, targetGroups: 1 }): (Headroom & { readonly adds: number })[] {
  return (Object.keys(ALB_QUOTAS) as QuotaKind[])
    .filter((kind) => usage[kind] + adds[kind] > limits[kind])
    .map((kind) => ({ kind, used: usage[kind], limit: limits[kind], adds: adds[kind] }));
}

/** What to do about an exceeded quota. */
export function quotaFix(kind: QuotaKind): string {
  return ALB_QUOTAS[kind].adjustable
    ? `remove lanes (lanes gc, lanes destroy) or raise the quota '${ALB_QUOTAS[kind].name}' in Service Quotas`
    : `remove lanes (lanes gc, lanes destroy); '${ALB_QUOTAS[kind].name}' cannot be raised`;
}
