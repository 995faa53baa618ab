/**
 * What is running: ECS service counts and target health, and waiting until a lane is healthy.
 * The AWS implementation is the only part that needs an account; tests pass their own view.
 */
import { DescribeServicesCommand, ECSClient } from "@aws-sdk/client-ecs";
import { DescribeTargetHealthCommand, ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { recordCalls } from "./aws-calls";

export interface ServiceHealth {
  readonly desired: number;
  readonly running: number;
  /** COMPLETED, IN_PROGRESS or FAILED for the newest deployment. */
  readonly rolloutState?: string;
  /** Healthy targets in the lane's target group; undefined without one. */
  readonly healthyTargets?: number;
}

export interface ClusterView {
  /** Undefined when the service cannot be read (no credentials, no such service). */
  health(cluster: string, service: string, targetGroupArn?: string): Promise<ServiceHealth | undefined>;
}

export class AwsClusterView implements ClusterView {
  private readonly ecs: ECSClient;
  private readonly elb: ElasticLoadBalancingV2Client;

  constructor(region: string) {
    this.ecs = recordCalls(new ECSClient({ region, maxAttempts: 2 }));
    this.elb = recordCalls(new ElasticLoadBalancingV2Client({ region, maxAttempts: 2 }));
  }

  async health(cluster: string, service: string, targetGroupArn?: string): Promise<ServiceHealth | undefined> {
    try {
      const out = await this.ecs.send(new DescribeServicesCommand({ cluster, services: [service] }));
      const svc = out.services?.[0];
      if (!svc) return undefined;
      let healthyTargets: number | undefined;
      if (targetGroupArn) {
        const th = await this.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }));
        healthyTargets = (th.TargetHealthDescriptions ?? []).filter((d) => d.TargetHealth?.State === "healthy").length;
      }
      const rolloutState = svc.deployments?.find((d) => d.status === "PRIMARY")?.rolloutState;
      return {
        desired: svc.desiredCount ?? 0,
        running: svc.runningCount ?? 0,
        ...(rolloutState ? { rolloutState } : {}),
        ...(healthyTargets !== undefined ? { healthyTargets } : {}),
      };
    } catch {
      return undefined;
    }
  }

  destroy(): void {
    this.ecs.destroy();
    this.elb.destroy();
  }
}

/** Healthy: the newest deployment completed, all desired tasks run, and the target group has a healthy target. */
export function isHealthy(h: ServiceHealth | undefined): boolean {
  if (!h) return false;
  return h.rolloutState !== "FAILED" && h.rolloutState !== "IN_PROGRESS" && h.desired > 0 && h.running >= h.desired && (h.healthyTargets ?? 1) >= 1;
}

export class HealthWaitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HealthWaitError";
  }
}

export interface WaitOptions {
  readonly timeoutMs: number;
  readonly intervalMs: number;
  readonly onProgress?: (line: string) => void;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Give up after this many checks even before the timeout (the pipeline's VERIFY_ATTEMPTS). */
  readonly maxChecks?: number;
  /** The time (ms), for the elapsed time each progress line shows; default Date.now. */
  readonly now?: () => number;
}

/** Elapsed time as `m:ss` (or `h:mm:ss`). */
export function elapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const pad = (n: number) => String(n).padStart(2, "0");
  return s >= 3600 ? `${Math.floor(s / 3600)}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}` : `${Math.floor(s / 60)}:${pad(s % 60)}`;
}

/** Polls until healthy; a FAILED rollout or the timeout raises HealthWaitError. */
export async function waitHealthy(view: ClusterView, cluster: string, service: string, targetGroupArn: string | undefined, options: WaitOptions): Promise<ServiceHealth> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = options.now ?? Date.now;
  const started = now();
  const deadline = Date.now() + options.timeoutMs;
  let last: ServiceHealth | undefined;
  for (let attempt = 1; ; attempt++) {
    last = await view.health(cluster, service, targetGroupArn);
    const shown = last
      ? `${last.running}/${last.desired} running, rollout ${last.rolloutState ?? "unknown"}${last.healthyTargets !== undefined ? `, ${last.healthyTargets} healthy target(s)` : ""}`
      : "not readable";
    options.onProgress?.(`  ${service}: ${shown} (check ${attempt}, ${elapsed(now() - started)} elapsed)`);
    if (isHealthy(last)) return last!;
    if (last?.rolloutState === "FAILED") throw new HealthWaitError(`${service}: the deployment failed (circuit breaker rolled it back)`);
    if (Date.now() + options.intervalMs > deadline || (options.maxChecks !== undefined && attempt >= options.maxChecks)) {
      throw new HealthWaitError(`${service} did not become healthy within ${Math.round(options.timeoutMs / 1000)} s (last: ${shown}; ${attempt} check(s) in ${elapsed(now() - started)})`);
    }
    await sleep(options.intervalMs);
  }
}
