/**
 * The whole env at a glance (`lanes ls`) and the collection of expired lanes (`lanes gc`). Both
 * start from the state keys `app/{env}/{service}/{lane}/terraform.tfstate`, so they see every
 * lane that was deployed, whatever params list.
 */
import { DEFAULT_LANE, stackNames } from "../naming";
import { readLock } from "../preflight";
import { stateKey } from "../state";
import type { StackPlan } from "../layers/plan";
import type { OpsContext } from "./commands";
import { listEnvLanes, readBootOutputs, type LaneRecord } from "./lane-state";
import { monthlyCost, pricesFor } from "./pricing";
import { headroom, type Headroom } from "./quota";

export interface FleetLane {
  readonly service: string;
  readonly lane: string;
  readonly image?: string;
  /** Last change (ISO 8601): the state object's last write. */
  readonly lastModified?: string;
  readonly changedBy?: string;
  readonly ttl?: string;
  /** ISO 8601; undefined: never expires. */
  readonly expiresAt?: string;
  readonly expired: boolean;
  /** From ECS when it answers. */
  readonly running?: number;
  readonly desired?: number;
  /** Task size from the service's params. */
  readonly cpu?: number;
  readonly memory?: number;
  /** Estimated USD per month (desired from ECS, else params). */
  readonly monthlyCost?: number;
}

export interface LoadBalancerHeadroom {
  readonly service: string;
  readonly loadBalancer: string;
  readonly quotas: readonly (Headroom & { readonly warn: boolean })[];
}

export interface Fleet {
  readonly env: string;
  readonly lanes: readonly FleetLane[];
  readonly monthlyCost: number;
  readonly pricing: string;
  readonly loadBalancers: readonly LoadBalancerHeadroom[];
  /** ALBs whose usage could not be read. */
  readonly unreadable: readonly string[];
  readonly quotaSource: string;
}

function isExpired(record: LaneRecord, now: number): boolean {
  return record.lane !== DEFAULT_LANE && record.expiresAt !== undefined && record.expiresAt.getTime() <= now;
}

/** The ALB name in an ARN `…:loadbalancer/app/{name}/{id}`. */
function albName(arn: string): string {
  return /loadbalancer\/app\/([^/]+)\//.exec(arn)?.[1] ?? arn;
}

/** Every lane of the env with its image, age, expiry, counts and cost; the headroom of each ALB. */
export async function listFleet(ctx: OpsContext, env: string): Promise<Fleet> {
  const infra = ctx.params.infra(env);
  const prices = pricesFor(infra.region, infra.pricing);
  const now = ctx.now();
  const records = (await listEnvLanes(ctx.clients.s3, ctx.state, env)).filter((r) => !r.destroyed);
  const lanes = await Promise.all(
    records.map(async (r): Promise<FleetLane> => {
      const health = r.clusterName && r.ecsServiceName ? await ctx.cluster.health(r.clusterName, r.ecsServiceName) : undefined;
      let size: { cpu: number; memory: number; desired: number } | undefined;
      try {
        const service = ctx.params.service(r.service, env);
        size = { cpu: service.cpu, memory: service.memory, desired: ctx.params.lane(r.service, env, r.lane).desiredCount };
      } catch {
        size = undefined; // a lane whose service has no (valid) params any more: no estimate
      }
      const desired = health?.desired ?? size?.desired;
      return {
        service: r.service,
        lane: r.lane,
        ...(r.image ? { image: r.image } : {}),
        ...(r.lastModified ? { lastModified: r.lastModified.toISOString() } : {}),
        ...(r.changedBy ? { changedBy: r.changedBy } : {}),
        ...(r.ttl ? { ttl: r.ttl } : {}),
        ...(r.expiresAt && r.lane !== DEFAULT_LANE ? { expiresAt: r.expiresAt.toISOString() } : {}),
        expired: isExpired(r, now),
        ...(health ? { running: health.running, desired: health.desired } : {}),
        ...(size ? { cpu: size.cpu, memory: size.memory } : {}),
        ...(size && desired !== undefined ? { monthlyCost: monthlyCost(prices, size.cpu, size.memory, desired) } : {}),
      };
    }),
  );

  const services = [...new Set(records.map((r) => r.service))];
  const loadBalancers: LoadBalancerHeadroom[] = [];
  const unreadable: string[] = [];
  let quotaSource = "";
  for (const service of services) {
    const boot = await readBootOutputs(ctx.clients.s3, ctx.state, env, service);
    if (!boot?.albArn) continue;
    const usage = await ctx.quotas.usage(boot.albArn);
    if (!usage) {
      unreadable.push(albName(boot.albArn));
      continue;
    }
    const limits = await ctx.quotas.limits();
    quotaSource = limits.source;
    loadBalancers.push({ service, loadBalancer: albName(boot.albArn), quotas: headroom(usage, limits) });
  }
  const total = Math.round(lanes.reduce((sum, l) => sum + (l.monthlyCost ?? 0), 0) * 100) / 100;
  return { env, lanes, monthlyCost: total, pricing: prices.source, loadBalancers, unreadable, quotaSource };
}

export interface GcOutcome {
  readonly destroyed: readonly { readonly service: string; readonly lane: string; readonly expiresAt: string }[];
  readonly skipped: readonly { readonly service: string; readonly lane: string; readonly reason: string }[];
  readonly failed: readonly { readonly service: string; readonly lane: string; readonly error: string }[];
  /** Lanes with state that are not expired (or are default). */
  readonly kept: number;
}

/**
 * Destroys the expired lanes of the env (or of one service), one at a time in service/lane
 * order, each under its own state lock (Terraform takes it): a lane whose state is locked is
 * skipped and reported, a failure is reported and the next lane goes on. `default` never expires.
 */
export async function collectGarbage(ctx: OpsContext, env: string, only?: { readonly service?: string }): Promise<GcOutcome> {
  ctx.params.infra(env);
  const now = ctx.now();
  const records = (await listEnvLanes(ctx.clients.s3, ctx.state, env)).filter((r) => !r.destroyed && (!only?.service || r.service === only.service));
  const expired = records.filter((r) => isExpired(r, now));
  const destroyed: { service: string; lane: string; expiresAt: string }[] = [];
  const skipped: { service: string; lane: string; reason: string }[] = [];
  const failed: { service: string; lane: string; error: string }[] = [];
  ctx.progress(`${expired.length} of ${records.length} lane(s) in ${env} expired${expired.length ? ": " + expired.map((r) => `${r.service}/${r.lane}`).join(", ") : ""}`);
  for (const [i, r] of expired.entries()) {
    const plan: StackPlan = { layer: "app", env, service: r.service, lane: r.lane };
    const stack = stackNames.app(r.service, env, r.lane);
    const expiresAt = r.expiresAt!.toISOString();
    const lock = await readLock(ctx.clients, ctx.state, stateKey(plan));
    if (lock) {
      const reason = `locked by ${lock.Who} (${lock.Operation} since ${lock.Created})`;
      ctx.progress(`[${i + 1}/${expired.length}] skip ${stack}: ${reason}; the next gc tries again`);
      skipped.push({ service: r.service, lane: r.lane, reason });
      continue;
    }
    ctx.progress(`[${i + 1}/${expired.length}] destroy ${stack} (expired ${expiresAt}${r.ttl ? `, ttl ${r.ttl}` : ""}, image ${r.image ?? "?"})`);
    try {
      ctx.params.lane(r.service, env, r.lane);
      await ctx.steps.destroy(plan);
      destroyed.push({ service: r.service, lane: r.lane, expiresAt });
    } catch (err) {
      const error = (err as Error).message.split("\n")[0]!;
      ctx.progress(`  ${stack} failed: ${error}`);
      failed.push({ service: r.service, lane: r.lane, error });
    }
  }
  return { destroyed, skipped, failed, kept: records.length - expired.length };
}
