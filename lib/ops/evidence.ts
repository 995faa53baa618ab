/**
 * Promotion by evidence: a lane judged against `default` (lib/analysis), with what the state
 * and the ALB say about them.
 * - `analyzeNow`: one window of the lane's and default's ALB metrics, judged (`lanes analyze`,
 *   `lanes promote --analyze`);
 * - `rampLane`: the lane's share of the requests without a lane raised step by step, each step
 *   judged, then promoted — or aborted: weight back to 0, the weighted rule removed, the lane
 *   kept (`lanes ramp`, the app pipeline's ACTION=ramp);
 * - `workerJudge`: the worker canary against default (error lines per message processed).
 * Everything that reaches AWS is injected: the metrics reader, the ALB's rule (TrafficControl),
 * the Terraform steps (OpsContext), and time.
 */
import type { Analysis, LaneTarget } from "../analysis/analyze";
import { analyzeLane } from "../analysis/analyze";
import type { Clock } from "../analysis/clock";
import type { AnalysisConfig } from "../analysis/config";
import { MetricsReadError } from "../analysis/get-metric-data";
import type { Verdict } from "../analysis/judge";
import { TABLE_HEADER, alignTable, headline, rowCells } from "../analysis/report";
import { analysisWindow, type LaneMetricsReader } from "../analysis/metrics";
import { RampAborted, ramp, type RampResult } from "../analysis/ramp";
import { assertRampInput } from "../analysis/ramp-input";
import { MAX_STICKINESS_SECONDS, rampWorstCaseMinutes, type RampSettings } from "../analysis/ramp-settings";
import { judgeWorker } from "../analysis/worker-judge";
import type { WorkerQuery } from "../analysis/worker-metrics";
import { errorLinesMetric, processedMetric } from "../analysis/worker-metrics";
import type { WorkerWindow } from "../analysis/worker-judge";
import { UsageError, type ExitName } from "../cli/exit-codes";
import { BootOutputs } from "../contract";
import type { StackPlan } from "../layers/plan";
import { CANARY_LANE, DEFAULT_LANE, stackNames } from "../naming";
import { RAMP_RULE_PRIORITY } from "../routing";
import { stateKey } from "../state";
import type { CanaryCounts, RelativeJudge } from "./canary";
import { OpsError, deployLane, preflight, promote, type OpsContext } from "./commands";
import { readLane, readStateOutputs, type LaneRecord } from "./lane-state";
import { lanePercent, type RampRule, type TrafficControl } from "./traffic";

export interface EvidenceDeps {
  readonly metrics: LaneMetricsReader;
  readonly traffic: TrafficControl;
  readonly clock: Clock;
}

/** The service's ALB as its boot layer's state records it. */
export interface ServiceAccess {
  /** `app/NAME/ID`: the CloudWatch LoadBalancer dimension. */
  readonly albArnSuffix: string;
  /** The listener that carries the lane rules (and the ramp rule). */
  readonly listenerArn: string;
  /** The `default` lane's target group. */
  readonly defaultTargetGroupArn: string;
}

/** The exit code of a verdict that is not a pass. */
export function verdictExit(v: Verdict): ExitName | undefined {
  return v.verdict === "fail" ? "regression" : v.verdict === "inconclusive" ? "undecided" : undefined;
}

const appPlan = (env: string, service: string, lane: string): StackPlan => ({ layer: "app", env, service, lane });

/** The lane must be an http lane other than default: the comparison needs default's target group as baseline. */
function checkHttpLane(ctx: OpsContext, command: string, env: string, service: string, lane: string): void {
  ctx.params.lane(service, env, lane);
  if (lane === DEFAULT_LANE) {
    throw new UsageError(`${command} compares a lane with default, and default is the baseline: give another lane (lanes ${command} gray --service ${service} --env ${env}).`);
  }
  const boot = ctx.params.boot(service, env);
  if (boot.kind !== "http" || !boot.initAlb) {
    throw new UsageError(
      `${command} is for http services behind their ALB; ${service} is ${boot.kind === "worker" ? `a worker (its ${CANARY_LANE} is judged against default by lanes canary)` : "without an ALB (initAlb: false)"}.`,
    );
  }
}

/** The lane's state record, or a usage error naming where the lanes with state are listed. */
async function knownLane(ctx: OpsContext, env: string, service: string, lane: string): Promise<LaneRecord & { targetGroupArn: string; image: string }> {
  const record = await readLane(ctx.clients.s3, ctx.state, env, service, lane);
  if (!record) {
    throw new UsageError(
      `lane '${lane}' of ${service} in ${env} has no state (${stackNames.app(service, env, lane)} was never deployed, or was destroyed): deploy it first. Lanes with state: lanes status ${service} --env ${env}.`,
    );
  }
  if (!record.targetGroupArn || !record.image) {
    throw new UsageError(`lane '${lane}' records no ${record.image ? "target group" : "image"} in its state: deploy it again (lanes deploy ${lane} --service ${service} --env ${env}).`);
  }
  return record as LaneRecord & { targetGroupArn: string; image: string };
}

/** The ALB, listener and default target group from the service's boot state. */
export async function readServiceAccess(ctx: OpsContext, env: string, service: string): Promise<ServiceAccess> {
  const outputs = await readStateOutputs(ctx.clients.s3, ctx.state, stateKey({ layer: "boot", env, service }));
  const text = (name: string) => {
    const v = outputs?.[name];
    return typeof v === "string" && v !== "" ? v : undefined;
  };
  const albArnSuffix = text(BootOutputs.albArnSuffix.name);
  const listenerArn = text(BootOutputs.listenerArn.name);
  const defaultTargetGroupArn = text(BootOutputs.defaultTargetGroupArn.name);
  if (!albArnSuffix || !listenerArn || !defaultTargetGroupArn) {
    throw new UsageError(`${stackNames.boot(service, env)} records no ALB in its state (${outputs ? "initAlb is off" : "it has no state"}): there is no target group to compare with.`);
  }
  return { albArnSuffix, listenerArn, defaultTargetGroupArn };
}

function target(access: ServiceAccess, lane: string, laneTargetGroupArn: string): LaneTarget {
  return {
    loadBalancer: access.albArnSuffix,
    lane: { name: lane, targetGroup: laneTargetGroupArn },
    baseline: { name: DEFAULT_LANE, targetGroup: access.defaultTargetGroupArn },
  };
}

/** Reads the lane's and default's metrics over the window; a read that keeps failing is exit 1, never a verdict. */
async function judged(reader: LaneMetricsReader, t: LaneTarget, window: { start: Date; end: Date }, config: AnalysisConfig): Promise<Analysis> {
  try {
    return await analyzeLane(reader, t, window, config);
  } catch (err) {
    if (err instanceof MetricsReadError) throw new OpsError(`the metrics of ${t.lane.name} and default could not be read: ${err.message}`, "failed");
    throw err;
  }
}

/** The lane against default over the last `windowMinutes` (params' analysis.windowMinutes when not given). */
export async function analyzeNow(
  ctx: OpsContext,
  deps: Pick<EvidenceDeps, "metrics" | "clock">,
  env: string,
  service: string,
  lane: string,
  windowMinutes?: number,
  command = "analyze",
): Promise<Analysis> {
  checkHttpLane(ctx, command, env, service, lane);
  const config = ctx.params.service(service, env).analysis;
  const record = await knownLane(ctx, env, service, lane);
  const access = await readServiceAccess(ctx, env, service);
  return judged(deps.metrics, target(access, lane, record.targetGroupArn), analysisWindow(deps.clock.now(), windowMinutes ?? config.windowMinutes), config);
}

export interface RampRequest extends RampSettings {
  /** The pipeline build's timeout (LANES_BUILD_TIMEOUT_MINUTES): a ramp that may outlast it is refused. */
  readonly budgetMinutes?: number;
}

export interface RampOutcome {
  readonly image: string;
  readonly result?: RampResult;
  readonly dryRun: boolean;
}

const percentText = (steps: readonly number[]) => [...steps.filter((w) => w < 100), 100].map((w) => `${w}%`).join(" → ");
const minutesText = (seconds: number) => (seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`);

/** What is wrong with the request before anything is touched (exit 2). */
function checkRampRequest(req: RampRequest): void {
  assertRampInput({ steps: req.steps, intervalSeconds: req.intervalSeconds });
  if (!Number.isInteger(req.stickinessSeconds) || req.stickinessSeconds < 0 || req.stickinessSeconds > MAX_STICKINESS_SECONDS) {
    throw new UsageError(`stickiness: ${req.stickinessSeconds} s is not a duration from 0 (off) to ${MAX_STICKINESS_SECONDS} s (7 days), the ALB's range.`);
  }
  const worst = rampWorstCaseMinutes(req);
  if (req.budgetMinutes !== undefined && worst > req.budgetMinutes) {
    throw new UsageError(
      `this ramp can run ${worst} minutes, longer than this build may (${req.budgetMinutes} min, LANES_BUILD_TIMEOUT_MINUTES): a build stopped mid-ramp would leave the lane's share where it was. Use fewer steps or a shorter interval, or redeploy the pipeline stack after changing laneDefaults.ramp.`,
    );
  }
}

/**
 * Ramps `lane` of an http service: adds the weighted rule (a lane deploy with it, weight 0) unless
 * the lane already holds it, raises the weight step by step and judges each step against default
 * (lib/analysis/ramp.ts), then promotes. Refuses before any change when another lane holds the
 * rule. On an abort the weight goes back to 0 and the rule is removed by deploying the lane
 * without it; the lane itself stays for debugging.
 */
export async function rampLane(ctx: OpsContext, deps: EvidenceDeps, env: string, service: string, lane: string, req: RampRequest): Promise<RampOutcome> {
  checkHttpLane(ctx, "ramp", env, service, lane);
  checkRampRequest(req);
  const config = ctx.params.service(service, env).analysis;
  const record = await knownLane(ctx, env, service, lane);
  const plan = appPlan(env, service, lane);
  await preflight(ctx, plan);
  const access = await readServiceAccess(ctx, env, service);
  const image = record.image;
  const label = `${service} ${env} lane ${lane}`;

  if (ctx.steps.dryRun) {
    await deployLane(ctx, env, service, lane, image, { ramp: true });
    ctx.progress(
      `dry run: would ramp ${label} ${percentText(req.steps)}, analysed against default every ${minutesText(req.intervalSeconds)} (${rampWorstCaseMinutes(req)} min at most), then promote ${image}`,
    );
    return { image, dryRun: true };
  }

  const holder = await deps.traffic.rampRule(access.listenerArn);
  if (holder && holder.lane !== lane) throw refusal(holder, service, lane, record.targetGroupArn);
  let rule: RampRule | undefined = holder;
  if (rule) {
    ctx.progress(`${lane} already holds the ramp rule (${lanePercent(rule, record.targetGroupArn)}% to ${lane}): starting over from ${req.steps[0]}%`);
  } else {
    ctx.progress(`adding the ramp rule (priority ${RAMP_RULE_PRIORITY}, 0% to ${lane}): deploy ${stackNames.app(service, env, lane)} with it`);
    await deployLane(ctx, env, service, lane, image, { ramp: true });
    rule = await deps.traffic.rampRule(access.listenerArn);
    if (!rule || rule.lane !== lane) {
      throw new OpsError(`the deploy of ${stackNames.app(service, env, lane)} left no ramp rule of ${lane} on the listener (found: ${rule ? (rule.lane ?? rule.ruleArn) : "none"}).`, "failed");
    }
  }
  const ruleArn = rule.ruleArn;
  const setWeight = (percent: number) =>
    deps.traffic.setWeight({ ruleArn, laneTargetGroupArn: record.targetGroupArn, defaultTargetGroupArn: access.defaultTargetGroupArn, percent, stickinessSeconds: req.stickinessSeconds });

  let promoting = false;
  try {
    const result = await ramp(
      { steps: req.steps, intervalMs: req.intervalSeconds * 1000, maxInconclusiveWaits: req.maxInconclusiveWaits, maxUnreadable: req.maxUnreadable, label },
      {
        clock: deps.clock,
        progress: ctx.progress,
        setWeight: async (percent) => {
          // The analyses judge the image the ramp started with: a lane re-deployed meanwhile stops it.
          if (percent > 0) {
            const now = await readLane(ctx.clients.s3, ctx.state, env, service, lane);
            if (now?.image !== image) {
              throw new OpsError(`lane ${lane} now runs ${now?.image ?? "nothing"}, not ${image} that the ramp started with: it was changed during the ramp`, "refused");
            }
          }
          await setWeight(percent);
        },
        analyze: async (window) => (await judged(deps.metrics, target(access, lane, record.targetGroupArn), window, config)).verdict,
        promote: async () => {
          promoting = true;
          await promote(ctx, env, service, lane);
        },
      },
    );
    return { image, result, dryRun: false };
  } catch (err) {
    if (promoting) {
      // Default could not take the image: every request without a lane stays on the lane that passed every step.
      throw new OpsError(
        `${(err as Error).message} The ramp rule still sends every request without a lane to ${lane}, which passed every step; once default is healthy, promote again: lanes promote ${lane} --service ${service} --env ${env}.`,
        err instanceof OpsError ? err.exit : "failed",
      );
    }
    if (err instanceof RampAborted && err.verdict) for (const line of verdictTable(err.verdict)) ctx.progress(line);
    const cleanup = await removeRampRule(ctx, env, service, lane, err instanceof RampAborted ? undefined : () => setWeight(0));
    if (err instanceof RampAborted) throw new OpsError(`${err.message}; ${cleanup}`, err.kind === "fail" ? "regression" : "undecided");
    throw new OpsError(`ramp of ${lane} stopped: ${(err as Error).message}; ${cleanup}`, err instanceof OpsError ? err.exit : "failed");
  }
}

/** The verdict's headline and table without the reasons (the timeline has them). */
function verdictTable(v: Verdict): string[] {
  const columns = TABLE_HEADER.length - 1;
  return [headline(v), ...alignTable([TABLE_HEADER.slice(0, columns), ...v.rows.map((r) => rowCells(r).slice(0, columns))]).map((l) => `  ${l}`)];
}

function refusal(holder: RampRule, service: string, lane: string, laneTargetGroupArn: string): OpsError {
  if (!holder.lane) {
    return new OpsError(
      `a rule that no lane stack made (${holder.ruleArn}) holds the ramp priority ${RAMP_RULE_PRIORITY} on ${service}'s listener: remove it before ramping ${lane}.`,
      "refused",
    );
  }
  const shares = Object.entries(holder.weights)
    .map(([arn, w]) => `${arn === laneTargetGroupArn ? lane : /targetgroup\/([^/]+)/.exec(arn)?.[1] ?? arn} ${w}`)
    .join(", ");
  return new OpsError(
    `lane '${holder.lane}' holds the ramp rule of ${service}'s listener (priority ${RAMP_RULE_PRIORITY}, weights ${shares}): one lane ramps at a time. Let ${holder.lane}'s ramp finish, or promote or destroy ${holder.lane}, then ramp ${lane}.`,
    "refused",
  );
}

/**
 * After a ramp that stopped: the weight to 0 first when the ramp program did not do it itself
 * (`resetWeight`), then the rule removed by deploying the lane without it (keeping its current
 * image). Says what happened, for the error message.
 */
async function removeRampRule(ctx: OpsContext, env: string, service: string, lane: string, resetWeight?: () => Promise<void>): Promise<string> {
  const done: string[] = [];
  if (resetWeight) {
    try {
      await resetWeight();
      done.push("weight back to 0%");
    } catch (err) {
      done.push(`the weight could not be set back to 0% (${(err as Error).message})`);
    }
  }
  ctx.progress(`removing the ramp rule: deploy ${stackNames.app(service, env, lane)} without it`);
  try {
    await deployLane(ctx, env, service, lane);
    done.push(`ramp rule removed (${lane} keeps its image and its header route)`);
  } catch (err) {
    done.push(`the ramp rule could not be removed (${(err as Error).message}): lanes deploy ${lane} --service ${service} --env ${env} removes it`);
  }
  return done.join("; ");
}

/** Counts of a worker lane and default over a window (CloudWatchWorkerCounts). */
export interface WorkerCountsReader {
  read(q: WorkerQuery): Promise<WorkerWindow>;
}

/** The worker canary against default: errors per message processed, judged with the service's analysis settings. */
export function workerJudge(service: string, env: string, counts: WorkerCountsReader, config: AnalysisConfig): RelativeJudge {
  const lane = (name: string) => ({ name, errorLines: errorLinesMetric(service, env, name), processed: processedMetric(service, env, name) });
  return async (window) => {
    const verdict = judgeWorker(await counts.read({ canary: lane(CANARY_LANE), baseline: lane(DEFAULT_LANE), start: window.start, end: window.end }), config);
    return { verdict: verdict.verdict, reason: verdict.reason };
  };
}

/** The canary's own counts over a window (messages processed, ERROR lines), from the same reader. */
export function canaryCounts(service: string, env: string, counts: WorkerCountsReader): (window: { readonly start: Date; readonly end: Date }) => Promise<CanaryCounts> {
  const lane = (name: string) => ({ name, errorLines: errorLinesMetric(service, env, name), processed: processedMetric(service, env, name) });
  return async (window) => {
    const read = await counts.read({ canary: lane(CANARY_LANE), baseline: lane(DEFAULT_LANE), start: window.start, end: window.end });
    return { processed: read.canary.processed, errorLines: read.canary.errorLines };
  };
}
