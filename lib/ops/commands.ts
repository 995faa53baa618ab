/**
 * Lane operations: status, deploy (keeping the lane's image when no new one
 * is given), promote a lane to `default`, roll a lane back to its previous image, destroy a lane.
 * Everything that touches AWS is injected: state clients, the cluster view and the steps.
 */
import { CANARY_LANE, DEFAULT_LANE, infraNames, laneNames, stackNames } from "../naming";
import type { StateConfig } from "../params/config";
import type { ParamsRepository } from "../params/load";
import { checkLowerLayers, checkNotLocked, readLock, type LockInfo, type StateClients } from "../preflight";
import { stateKey } from "../state";
import { resolveImage } from "../image";
import { expiryOf } from "../ttl";
import { CliError, UsageError, type ExitName } from "../cli/exit-codes";
import type { StackPlan } from "../layers/plan";
import { canaryWorstCaseMinutes } from "../analysis/canary-settings";
import { CanaryRolledBack, canaryPlan, canaryRelease, type AlarmReader, type CanaryCounts, type CanarySignal, type CanarySteps, type Clock, type RelativeJudge } from "./canary";
import { waitHealthy, type ClusterView, type ServiceHealth } from "./cluster";
import { listLanes, readBootOutputs, readLane, type LaneRecord } from "./lane-state";
import { callListener } from "../routing";
import { exceededByNewLane, headroomText, quotaFix, type LoadBalancerQuotas } from "./quota";
import type { Steps } from "./steps";

export interface OpsContext {
  readonly params: ParamsRepository;
  readonly state: StateConfig;
  readonly clients: StateClients;
  readonly cluster: ClusterView;
  readonly steps: Steps;
  /** Progress lines for people (stderr). */
  readonly progress: (line: string) => void;
  /** Recorded as the lane's `changed_by`: pipeline execution id, or user@host. */
  readonly changedBy: string;
  readonly healthTimeoutMs: number;
  readonly healthIntervalMs: number;
  /** The time (ms since the epoch): a lane's expiry counts from its deploy. */
  readonly now: () => number;
  /** Rules and target groups of the load balancers, and their quotas. */
  readonly quotas: LoadBalancerQuotas;
}

/** Refusals and "nothing to do" cases, named by the exit code the CLI returns (lib/cli/exit-codes.ts). */
export class OpsError extends CliError {
  constructor(message: string, exit: ExitName) {
    super(message, exit);
    this.name = "OpsError";
  }
}

const appPlan = (env: string, service: string, lane: string): StackPlan => ({ layer: "app", env, service, lane });

/** A state lock that is held: Terraform's lock info, and how long it has been held. */
export interface HeldLock {
  readonly id: string;
  readonly who: string;
  readonly operation: string;
  readonly created: string;
  /** Seconds since it was taken (from `created`), when that parses. */
  readonly ageSeconds?: number;
}

export interface LaneStatus extends Omit<LaneRecord, "lastModified"> {
  readonly lastModified?: string;
  readonly desired?: number;
  readonly running?: number;
  /** The lane's state lock, when held: a deploy running now, or one that was killed mid-apply (lanes unlock). */
  readonly lock?: HeldLock;
}

export interface ServiceStatus {
  readonly lanes: LaneStatus[];
  /** Things an operator must act on: a canary left behind, a held lock. */
  readonly notices: string[];
}

export function heldLock(lock: LockInfo, now: number): HeldLock {
  const created = Date.parse(lock.Created);
  return {
    id: lock.ID,
    who: lock.Who,
    operation: lock.Operation,
    created: lock.Created,
    ...(Number.isFinite(created) ? { ageSeconds: Math.max(0, Math.round((now - created) / 1000)) } : {}),
  };
}

/** `1h 05m`, `12m 30s`, `45s`. */
export function ageText(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h > 0 ? `${h}h ${String(m).padStart(2, "0")}m` : m > 0 ? `${m}m ${String(s).padStart(2, "0")}s` : `${s}s`;
}

export async function status(ctx: OpsContext, env: string, service: string): Promise<ServiceStatus> {
  const config = ctx.params.service(service, env);
  // A destroyed lane's emptied state object stays behind: not a lane any more.
  const all = await listLanes(ctx.clients.s3, ctx.state, env, service);
  const lanes = all.filter((r) => !r.destroyed);
  const now = ctx.now();
  const statuses: LaneStatus[] = await Promise.all(
    lanes.map(async (record) => {
      const health: ServiceHealth | undefined =
        record.clusterName && record.ecsServiceName ? await ctx.cluster.health(record.clusterName, record.ecsServiceName) : undefined;
      const lock = await readLock(ctx.clients, ctx.state, record.key);
      const { lastModified, ...rest } = record;
      return {
        ...rest,
        ...(lastModified ? { lastModified: lastModified.toISOString() } : {}),
        ...(health ? { desired: health.desired, running: health.running } : {}),
        ...(lock ? { lock: heldLock(lock, now) } : {}),
      };
    }),
  );
  // A lane whose first deploy was killed has a lock but no outputs: look at the params' lanes too.
  const seen = new Set(statuses.map((l) => l.lane));
  for (const lane of config.lanes.map((l) => l.lane).filter((l) => !seen.has(l))) {
    const key = stateKey({ layer: "app", env, service, lane });
    const lock = await readLock(ctx.clients, ctx.state, key);
    if (lock) statuses.push({ service, lane, key, imageHistory: [], destroyed: !all.some((r) => r.lane === lane), lock: heldLock(lock, now) });
  }
  const notices: string[] = [];
  for (const l of statuses.filter((s) => s.lock)) {
    const lock = l.lock!;
    notices.push(
      `lane ${l.lane}: state lock held by ${lock.who} (${lock.operation}${lock.ageSeconds !== undefined ? `, for ${ageText(lock.ageSeconds)}` : ""}, since ${lock.created}, lock ID ${lock.id}): a deploy is running, or one was killed mid-apply; when no build of the lane runs: lanes unlock ${l.lane} --service ${service} --env ${env}`,
    );
  }
  const canaryLeft = statuses.find((l) => l.lane === CANARY_LANE && !l.destroyed);
  if (config.worker && canaryLeft) {
    notices.push(
      `canary: ${canaryLeft.image ?? "an image"} runs in the ${CANARY_LANE} lane (changed ${canaryLeft.lastModified ?? "at an unknown time"} by ${canaryLeft.changedBy ?? "unknown"}): a release is under way, or was interrupted; if no release runs: lanes canary --service ${service} --env ${env} --resume (bake and decide) or --abort (remove it)`,
    );
  }
  return { lanes: statuses, notices };
}

async function laneRecord(ctx: OpsContext, env: string, service: string, lane: string): Promise<LaneRecord> {
  const record = await readLane(ctx.clients.s3, ctx.state, env, service, lane);
  if (!record) {
    throw new OpsError(
      `lane '${lane}' of ${service} in ${env} has no state (${stackNames.app(service, env, lane)} was never deployed, or was destroyed). Lanes with state: see \`lanes status ${service} --env ${env}\`.`,
      "unknownLane",
    );
  }
  return record;
}

/** Lower layers present and the stack's own state not locked, or a PreflightError with the fix. */
export async function preflight(ctx: Pick<OpsContext, "clients" | "state" | "params">, plan: StackPlan): Promise<void> {
  await checkLowerLayers(ctx.clients, ctx.state, plan, ctx.params);
  await checkNotLocked(ctx.clients, ctx.state, plan);
}

export interface DeployedLane {
  readonly image: string;
  /** The lane's time to live, when it has one (lib/ttl.ts). */
  readonly ttl?: string;
  /** When it expires (ISO 8601); undefined: never. */
  readonly expiresAt?: string;
}

/**
 * Deploys a lane. Image: `image` when given (a new build), else the image the lane runs now
 * (a re-deploy keeps it), else params or the public default (a new lane). Time to live, the same
 * way: `ttl` when given, else the lane's recorded one, else params; the expiry counts from now.
 * `ramp`: with the weighted catch-all rule of a ramp (only `lanes ramp` asks for it; any other
 * deploy removes it).
 */
export async function deployLane(
  ctx: OpsContext,
  env: string,
  service: string,
  lane: string,
  image?: string,
  options: { readonly ttl?: string; readonly ramp?: boolean } = {},
): Promise<DeployedLane> {
  const plan = appPlan(env, service, lane);
  const config = ctx.params.lane(service, env, lane);
  if (options.ttl !== undefined && lane === DEFAULT_LANE) {
    throw new OpsError(`the default lane never expires: deploy it without --ttl (lanes deploy default --service ${service} --env ${env}).`, "usage");
  }
  await preflight(ctx, plan);
  const current = await readLane(ctx.clients.s3, ctx.state, env, service, lane);
  // A new lane adds a rule and a target group to the service's ALB (default uses the ALB's own).
  if (lane !== DEFAULT_LANE && !current?.targetGroupArn && ctx.params.boot(service, env).initAlb) await checkQuotaHeadroom(ctx, env, service, lane);
  const chosen = image ?? current?.image ?? resolveImage(undefined, config.image).image;
  if (!image && current?.image) ctx.progress(`${lane}: no new image given, keeping ${current.image}`);
  const ttl = lane === DEFAULT_LANE ? undefined : (options.ttl ?? current?.ttl ?? config.ttl);
  const expiry = expiryOf(ttl, ctx.now());
  if (expiry) ctx.progress(`${lane}: time to live ${ttl}, expires ${expiry.toISOString()} (then lanes gc removes it)`);
  await ctx.steps.deploy(plan, {
    image: chosen,
    previousImages: current?.imageHistory ?? [],
    changedBy: ctx.changedBy,
    ...(ttl ? { ttl } : {}),
    ...(expiry ? { expiresAt: expiry.toISOString() } : {}),
    ...(options.ramp ? { ramp: true } : {}),
  });
  return { image: chosen, ...(ttl ? { ttl } : {}), ...(expiry ? { expiresAt: expiry.toISOString() } : {}) };
}

/** Stops a new lane whose rule or target group would exceed its load balancer's quota, before Terraform. */
async function checkQuotaHeadroom(ctx: OpsContext, env: string, service: string, lane: string): Promise<void> {
  const boot = await readBootOutputs(ctx.clients.s3, ctx.state, env, service);
  if (!boot?.albArn) return;
  const usage = await ctx.quotas.usage(boot.albArn);
  if (!usage) {
    ctx.progress(`quota check skipped: the load balancer's rules and target groups could not be read (the deploy fails at the ALB if a quota is full)`);
    return;
  }
  const limits = await ctx.quotas.limits();
  // A lane routes on the viewer listener, and on the callers' internal listener when its service has one.
  const rules = callListener(ctx.params.boot(service, env)).separate ? 2 : 1;
  const over = exceededByNewLane(usage, limits, { rules, targetGroups: 1 });
  if (over.length === 0) return;
  const alb = /loadbalancer\/app\/([^/]+)\//.exec(boot.albArn)?.[1] ?? boot.albArn;
  const adding = rules === 1 ? "a listener rule" : `${rules} listener rules (one on the viewer listener, one on the callers' internal listener)`;
  throw new OpsError(
    `lane '${lane}' of ${service} would add ${adding} and a target group to ${alb}, which has ${over.map((h) => `${headroomText(h)}, ${h.adds === 1 ? "one more is" : `${h.adds} more are`} over the quota`).join(" and ")} (quotas from ${limits.source === "service-quotas" ? "Service Quotas" : "the defaults"}). Nothing was deployed. Fix: ${over.map((h) => quotaFix(h.kind)).join("; ")}.`,
    "quota",
  );
}

/** Promotes a lane: default takes its image, becomes healthy, then the lane goes. */
export async function promote(ctx: OpsContext, env: string, service: string, lane: string): Promise<{ image: string }> {
  if (lane === DEFAULT_LANE) throw new OpsError("promote takes the lane to promote into default, not default itself.", "refused");
  ctx.params.lane(service, env, lane);
  const record = await laneRecord(ctx, env, service, lane);
  if (!record.image) throw new OpsError(`lane '${lane}' records no image in its state: nothing to promote.`, "unknownLane");
  await checkNotLocked(ctx.clients, ctx.state, appPlan(env, service, lane));

  ctx.progress(`[1/3] deploy ${stackNames.app(service, env, DEFAULT_LANE)} with ${lane}'s image ${record.image}`);
  await deployLane(ctx, env, service, DEFAULT_LANE, record.image);

  ctx.progress(`[2/3] wait for ${stackNames.app(service, env, DEFAULT_LANE)} to be healthy`);
  if (ctx.steps.dryRun) {
    ctx.progress("  dry run: nothing was deployed, so there is nothing to wait for");
  } else {
    const defaultRecord = await laneRecord(ctx, env, service, DEFAULT_LANE);
    try {
      await waitHealthy(ctx.cluster, defaultRecord.clusterName ?? "", defaultRecord.ecsServiceName ?? "", defaultRecord.targetGroupArn, {
        timeoutMs: ctx.healthTimeoutMs,
        intervalMs: ctx.healthIntervalMs,
        onProgress: ctx.progress,
        now: ctx.now,
      });
    } catch (err) {
      throw new OpsError(
        `${(err as Error).message}. Promotion stopped: lane '${lane}' was kept and nothing else was changed; the default lane's circuit breaker rolls back a failed deployment (or: lanes rollback default --service ${service} --env ${env}).`,
        "unhealthy",
      );
    }
  }

  ctx.progress(`[3/3] destroy ${stackNames.app(service, env, lane)}`);
  await ctx.steps.destroy(appPlan(env, service, lane));
  return { image: record.image };
}

/** Re-deploys the lane's previous image. */
export async function rollback(ctx: OpsContext, env: string, service: string, lane: string): Promise<{ from: string; to: string }> {
  ctx.params.lane(service, env, lane);
  const record = await laneRecord(ctx, env, service, lane);
  const [current, previous] = record.imageHistory;
  if (!current || !previous) {
    throw new OpsError(`lane '${lane}' has no previous image to roll back to (history: ${record.imageHistory.join(", ") || "empty"}).`, "unknownLane");
  }
  ctx.progress(`rolling ${lane} back from ${current} to ${previous}`);
  await deployLane(ctx, env, service, lane, previous);
  return { from: current, to: previous };
}

/** Destroys one lane stack; `default` only with force. Never a boot or infra stack. */
export async function destroyLane(ctx: OpsContext, env: string, service: string, lane: string, force: boolean): Promise<void> {
  if (lane === DEFAULT_LANE && !force) {
    throw new OpsError(
      `refusing to destroy the default lane of ${service} in ${env}: it serves every request without a lane. Promote another lane first, or pass --force.`,
      "refused",
    );
  }
  ctx.params.lane(service, env, lane);
  await laneRecord(ctx, env, service, lane);
  const plan = appPlan(env, service, lane);
  await checkNotLocked(ctx.clients, ctx.state, plan);
  await ctx.steps.destroy(plan);
}

/** How `lanes canary` runs: a new release, or the continuation / removal of an interrupted one. */
export interface CanaryOptions {
  /** The canary left by an interrupted release runs its image: wait for it, bake, decide. */
  readonly resume?: boolean;
  /** Remove the canary left by an interrupted release; default untouched. */
  readonly abort?: boolean;
  /** The canary's own counts over a window (lib/ops/evidence.ts canaryCounts). */
  readonly counts?: (window: { readonly start: Date; readonly end: Date }) => Promise<CanaryCounts>;
  /** The pipeline build's timeout (LANES_BUILD_TIMEOUT_MINUTES): a release that may outlast it is refused. */
  readonly budgetMinutes?: number;
}

/** The canary's signals: whose each is and what its INSUFFICIENT_DATA means (lib/ops/canary.ts). */
export function canarySignals(service: string, env: string): CanarySignal[] {
  const names = laneNames(service, env, CANARY_LANE).alarms;
  return [
    { alarm: names.errorLines, scope: "lane", noData: "quiet" },
    { alarm: names.runningBelowDesired, scope: "lane", noData: "unknown" },
    { alarm: names.deadLetters, scope: "queue", noData: "quiet" },
    { alarm: names.oldestMessage, scope: "queue", noData: "quiet" },
  ];
}

/**
 * The worker canary release, run by `lanes canary` and the app pipeline's
 * ACTION=canary: see lib/ops/canary.ts for the program and its timeline. `judge`: the canary
 * against default at the end of the bake (lib/ops/evidence.ts workerJudge). A canary left by an
 * interrupted release (its lane has state) is resumed (`resume`) or removed (`abort`); a new
 * release refuses to start over it.
 */
export async function canary(
  ctx: OpsContext,
  env: string,
  service: string,
  image: string | undefined,
  reader: AlarmReader,
  clock: Clock,
  judge?: RelativeJudge,
  options: CanaryOptions = {},
): Promise<{ polls: number; image: string; aborted?: boolean }> {
  ctx.params.service(service, env);
  const config = ctx.params.boot(service, env);
  if (config.kind !== "worker" || !config.worker) {
    throw new OpsError(`canary releases are for worker services; ${service} is an http service (deploy a lane and promote it instead).`, "refused");
  }
  if (options.resume && options.abort) throw new UsageError("--resume and --abort exclude each other: resume the interrupted release, or remove its canary.");
  const settings = config.worker.canary;
  const left = await readLane(ctx.clients.s3, ctx.state, env, service, CANARY_LANE);
  const leftBehind = left && !left.destroyed ? left : undefined;
  const fix = `lanes canary --service ${service} --env ${env} --resume (bake and decide) or --abort (remove it)`;
  if ((options.resume || options.abort) && !leftBehind) {
    throw new OpsError(`no canary of ${service} in ${env} is left behind (${stackNames.app(service, env, CANARY_LANE)} has no state): nothing to ${options.resume ? "resume" : "abort"}.`, "unknownLane");
  }
  if (options.abort) {
    await checkNotLocked(ctx.clients, ctx.state, appPlan(env, service, CANARY_LANE));
    ctx.progress(`abort: removing the canary (${leftBehind!.image ?? "image unknown"}); default untouched`);
    await ctx.steps.destroy(appPlan(env, service, CANARY_LANE));
    return { polls: 0, image: leftBehind!.image ?? "", aborted: true };
  }
  if (leftBehind && !options.resume) {
    throw new OpsError(
      `a canary of ${service} in ${env} is left behind by an interrupted release (${leftBehind.image ?? "image unknown"}, changed ${leftBehind.lastModified?.toISOString() ?? "at an unknown time"} by ${leftBehind.changedBy ?? "unknown"}): ${fix}.`,
      "refused",
    );
  }
  const release = options.resume ? leftBehind!.image : image;
  if (!release) throw new UsageError(options.resume ? "the canary left behind records no image: --abort it" : "canary needs --image <uri> (the build to release)");
  if (options.resume && image !== undefined && image !== release) {
    throw new UsageError(`--resume continues the release of ${release}, the image the canary runs; --image ${image} differs: --abort it and start a new release.`);
  }
  const worst = canaryWorstCaseMinutes(settings);
  if (options.budgetMinutes !== undefined && worst > options.budgetMinutes) {
    throw new UsageError(
      `this canary release can run ${worst} minutes, longer than this build may (${options.budgetMinutes} min, LANES_BUILD_TIMEOUT_MINUTES): a build stopped mid-bake would leave the canary running. Redeploy the pipeline stack after changing worker.canary (its timeout follows the bake).`,
    );
  }
  const signals = canarySignals(service, env);
  const plan = canaryPlan(release, settings, signals, options.resume === true);
  const counts = options.counts;
  const steps: CanarySteps = {
    deployCanary: async (img) => void (await deployLane(ctx, env, service, CANARY_LANE, img)),
    // By name: the canary's ECS service in the env's cluster (its state may not be written yet).
    canaryTasks: () => ctx.cluster.health(infraNames(env).cluster, laneNames(service, env, CANARY_LANE).ecsService),
    canaryCounts: async (window) => {
      if (!counts) throw new Error("no reader of the canary's counts");
      return counts(window);
    },
    removeCanary: () => ctx.steps.destroy(appPlan(env, service, CANARY_LANE)),
    deployDefault: async (img) => void (await deployLane(ctx, env, service, DEFAULT_LANE, img)),
    waitDefaultStable: async () => {
      const record = await laneRecord(ctx, env, service, DEFAULT_LANE);
      await waitHealthy(ctx.cluster, record.clusterName ?? "", record.ecsServiceName ?? "", undefined, {
        timeoutMs: ctx.healthTimeoutMs,
        intervalMs: ctx.healthIntervalMs,
        onProgress: ctx.progress,
        now: ctx.now,
      });
    },
  };
  if (ctx.steps.dryRun) {
    if (!options.resume) await steps.deployCanary(release);
    ctx.progress(
      `dry run: would wait up to ${settings.steadyMinutes} min for the canary to be steady, bake ${settings.bakeMinutes} min (extended up to ${settings.maxExtensions} times while under ${settings.minMessages} messages), polling every ${settings.pollSeconds} s: ${signals.map((s) => s.alarm).join(", ")}`,
    );
    await steps.deployDefault(release);
    await steps.removeCanary();
    return { polls: 0, image: release };
  }
  try {
    const { polls } = await canaryRelease(plan, steps, reader, clock, ctx.progress, judge);
    return { polls, image: release };
  } catch (err) {
    if (err instanceof CanaryRolledBack) throw new OpsError(err.message, "canaryRolledBack");
    throw err;
  }
}
