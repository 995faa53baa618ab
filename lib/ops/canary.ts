/**
 * The worker canary release: deploy the `canary` lane with the new image (or, resuming an
 * interrupted release, take the one running), **wait until its tasks are running and steady**
 * (a deadline, then it fails and the canary is removed), bake for the configured time while
 * polling the canary's signals, then either roll back (destroy the canary, fail naming why) or
 * promote (deploy `default` with the image, wait until it is stable, remove the canary).
 *
 * What counts as evidence:
 * - each signal (an alarm) says whose it is and what "no data" means: a lane signal (the
 *   canary's own: its error lines, its tasks) in ALARM rolls back; a queue-wide one (the
 *   dead-letter queue, the oldest message's age — `default`'s failures land there too) is shown
 *   beside and never blamed on the canary. INSUFFICIENT_DATA is `quiet` for a count with nothing
 *   to count, `unknown` for a signal whose silence proves nothing: still unknown at the end of
 *   the bake, the bake is extended, then the release fails — never promoted;
 * - the canary's own counts over the bake (messages processed, ERROR lines): fewer messages than
 *   `minMessages` is no evidence (extend, then fail); ERROR lines per message above
 *   `maxErrorRatePercent` once there are `minErrorLines` of them rolls back;
 * - the relative judge (the canary against default, lib/ops/evidence.ts workerJudge), asked at
 *   the end of the bake: `fail` rolls back; `inconclusive` leaves the decision to the rest.
 * A CloudWatch read that fails is retried and is never taken as "healthy": unreadable polls
 * extend nothing and, three in a row, abort the release; counts or a judgement that cannot be
 * read roll back.
 *
 * Everything with side effects is injected, and time too, so the program is tested on a clock
 * that only moves when it sleeps. It prints a timeline: `[mm:ss] what happened`.
 */
import { CloudWatchClient, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import type { CanarySettings } from "../analysis/canary-settings";

export type AlarmState = "OK" | "ALARM" | "INSUFFICIENT_DATA";

export interface AlarmReader {
  /** Current state of each named alarm; throws when CloudWatch cannot be read. */
  states(names: readonly string[]): Promise<Record<string, AlarmState>>;
}

export class CloudWatchAlarmReader implements AlarmReader {
  private readonly client: CloudWatchClient;

  constructor(region: string) {
    // Retries are the release program's (visible in its timeline), not the SDK's.
    this.client = new CloudWatchClient({ region, maxAttempts: 1 });
  }

  async states(names: readonly string[]): Promise<Record<string, AlarmState>> {
    const out = await this.client.send(new DescribeAlarmsCommand({ AlarmNames: [...names], AlarmTypes: ["MetricAlarm"] }));
    return Object.fromEntries((out.MetricAlarms ?? []).map((a) => [a.AlarmName ?? "", (a.StateValue ?? "INSUFFICIENT_DATA") as AlarmState]));
  }

  destroy(): void {
    this.client.destroy();
  }
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };

/** What INSUFFICIENT_DATA means for a signal: nothing to count (quiet), or no evidence either way (unknown). */
export type NoData = "quiet" | "unknown";

export interface CanarySignal {
  readonly alarm: string;
  /** `lane`: the canary's own (ALARM rolls back); `queue`: queue-wide (shown, never blamed on the canary). */
  readonly scope: "lane" | "queue";
  readonly noData: NoData;
}

/** The canary's own counts over a window (its log metric filters: lanes/workers). */
export interface CanaryCounts {
  readonly processed: number;
  readonly errorLines: number;
}

export interface CanaryPlan {
  readonly image: string;
  readonly bakeMs: number;
  readonly pollMs: number;
  readonly signals: readonly CanarySignal[];
  /** Deadline for the canary's tasks to be running and steady (from its deploy). */
  readonly steadyTimeoutMs: number;
  /** Messages the canary must have processed in the bake (0: no minimum). */
  readonly minMessages: number;
  /** Extra bakes while there is too little evidence. */
  readonly maxExtensions: number;
  /** ERROR lines per message processed (%) above which the canary is rolled back, once there are minErrorLines. */
  readonly maxErrorRatePercent: number;
  readonly minErrorLines: number;
  /** The canary already runs `image` (an interrupted release): no deploy. */
  readonly resume?: boolean;
  /** Attempts per poll before it counts as unreadable. */
  readonly readAttempts?: number;
  /** Consecutive unreadable polls that abort the release. */
  readonly maxUnreadablePolls?: number;
}

/** The plan of a release of `image` with a worker's canary settings (params worker.canary). */
export function canaryPlan(image: string, settings: CanarySettings, signals: readonly CanarySignal[], resume = false): CanaryPlan {
  return {
    image,
    bakeMs: settings.bakeMinutes * 60_000,
    pollMs: settings.pollSeconds * 1000,
    signals,
    steadyTimeoutMs: settings.steadyMinutes * 60_000,
    minMessages: settings.minMessages,
    maxExtensions: settings.maxExtensions,
    maxErrorRatePercent: settings.maxErrorRatePercent,
    minErrorLines: settings.minErrorLines,
    ...(resume ? { resume: true } : {}),
  };
}

/** The canary's ECS service as ECS reports it. */
export interface CanaryTasks {
  readonly desired: number;
  readonly running: number;
  /** The newest deployment's rollout: COMPLETED, IN_PROGRESS or FAILED. */
  readonly rolloutState?: string;
}

export interface CanarySteps {
  deployCanary(image: string): Promise<void>;
  /** The canary's tasks now; undefined when ECS cannot be read. */
  canaryTasks(): Promise<CanaryTasks | undefined>;
  /** The canary's counts over the window; throws when they cannot be read. */
  canaryCounts(window: { readonly start: Date; readonly end: Date }): Promise<CanaryCounts>;
  removeCanary(): Promise<void>;
  deployDefault(image: string): Promise<void>;
  waitDefaultStable(): Promise<void>;
}

export class CanaryRolledBack extends Error {
  constructor(
    message: string,
    readonly alarms: readonly string[],
  ) {
    super(message);
    this.name = "CanaryRolledBack";
  }
}

/** The canary against default over the bake window; throws when its metrics cannot be read. */
export type RelativeJudge = (window: { readonly start: Date; readonly end: Date }) => Promise<{ readonly verdict: "pass" | "fail" | "inconclusive"; readonly reason: string }>;

type Poll = { readonly ok: true; readonly states: Record<string, AlarmState> } | { readonly ok: false; readonly error: string };

/** Steady: the newest rollout completed and every desired task runs. */
function isSteady(t: CanaryTasks | undefined): boolean {
  return t !== undefined && t.desired > 0 && t.running >= t.desired && t.rolloutState === "COMPLETED";
}

const minutes = (ms: number) => `${Math.round(ms / 60000)} min`;
const percent = (x: number) => `${(100 * x).toFixed(2)}%`;

export async function canaryRelease(
  plan: CanaryPlan,
  steps: CanarySteps,
  reader: AlarmReader,
  clock: Clock,
  log: (line: string) => void,
  judge?: RelativeJudge,
): Promise<{ polls: number; processed: number }> {
  const start = clock.now();
  const stamp = () => {
    const s = Math.floor((clock.now() - start) / 1000);
    return `[${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}]`;
  };
  const say = (line: string) => log(`${stamp()} ${line}`);
  const attempts = plan.readAttempts ?? 3;
  const maxUnreadable = plan.maxUnreadablePolls ?? 3;
  const alarms = plan.signals.map((s) => s.alarm);
  const laneSignals = plan.signals.filter((s) => s.scope === "lane");

  const poll = async (): Promise<Poll> => {
    let error = "";
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        const states = await reader.states(alarms);
        const missing = alarms.filter((a) => !(a in states));
        if (missing.length > 0) throw new Error(`alarms not found: ${missing.join(", ")}`);
        return { ok: true, states };
      } catch (err) {
        error = (err as Error).name === "Error" ? (err as Error).message : `${(err as Error).name}: ${(err as Error).message}`;
        if (attempt < attempts) {
          say(`  alarm read failed (${error}); retry ${attempt}/${attempts - 1}`);
          await clock.sleep(Math.min(1000 * 2 ** (attempt - 1), plan.pollMs));
        }
      }
    }
    return { ok: false, error };
  };

  const rollBack = async (reason: string, firing: readonly string[]): Promise<never> => {
    say(`rolling back: ${reason}; removing the canary lane`);
    await steps.removeCanary();
    say("canary removed; default untouched");
    throw new CanaryRolledBack(`canary rolled back: ${reason}`, firing);
  };

  if (plan.resume) {
    say(`resume: the canary already runs ${plan.image}; no deploy`);
  } else {
    say(`deploy canary with ${plan.image}`);
    await steps.deployCanary(plan.image);
  }

  // The bake watches running tasks only: it starts when the canary is steady.
  say(`wait for the canary's tasks to be running and steady (deadline ${minutes(plan.steadyTimeoutMs)})`);
  const steadyDeadline = clock.now() + plan.steadyTimeoutMs;
  let tasks: CanaryTasks | undefined;
  let shown = "";
  for (;;) {
    tasks = await steps.canaryTasks().catch(() => undefined);
    if (isSteady(tasks)) break;
    const seen = tasks ? `${tasks.running}/${tasks.desired} running, rollout ${tasks.rolloutState ?? "unknown"}` : "ECS could not be read";
    if (seen !== shown) say(`  canary: ${seen}`);
    shown = seen;
    if (tasks?.rolloutState === "FAILED") await rollBack(`the canary's ECS deployment failed (running ${tasks.running}/${tasks.desired})`, []);
    if (clock.now() >= steadyDeadline) {
      const seen = tasks ? `running ${tasks.running}/${tasks.desired}, rollout ${tasks.rolloutState ?? "unknown"}` : "ECS could not be read";
      await rollBack(`the canary was not running and steady within ${minutes(plan.steadyTimeoutMs)} (${seen}); nothing was baked`, []);
    }
    await clock.sleep(plan.pollMs);
  }
  const bakeStart = clock.now();
  say(`canary steady (${tasks!.running}/${tasks!.desired} running); bake ${minutes(plan.bakeMs)}, polling ${alarms.length} alarms every ${Math.round(plan.pollMs / 1000)} s`);

  let bakeEnd = bakeStart + plan.bakeMs;
  let extensions = 0;
  let polls = 0;
  let unreadable = 0;
  const queueShown = new Set<string>();
  for (;;) {
    const result = await poll();
    polls++;
    if (!result.ok) {
      unreadable++;
      say(`alarms unreadable (${result.error}); not counted as healthy (${unreadable}/${maxUnreadable})`);
      if (unreadable >= maxUnreadable) await rollBack(`alarm states could not be read ${unreadable} times in a row (${result.error})`, []);
      await clock.sleep(plan.pollMs);
      continue;
    }
    unreadable = 0;
    const firing = laneSignals.filter((s) => result.states[s.alarm] === "ALARM").map((s) => s.alarm);
    if (firing.length > 0) await rollBack(`alarm ${firing.join(", ")} in ALARM`, firing);
    for (const s of plan.signals.filter((q) => q.scope === "queue")) {
      const state = result.states[s.alarm];
      if (state === "ALARM" && !queueShown.has(s.alarm)) {
        queueShown.add(s.alarm);
        say(`queue-wide alarm ${s.alarm} in ALARM: default's messages land there too, so it is not blamed on the canary (its own errors are judged per message)`);
      } else if (state !== "ALARM") queueShown.delete(s.alarm);
    }
    const baked = clock.now() >= bakeEnd;
    const noData = plan.signals.filter((s) => s.noData === "unknown" && result.states[s.alarm] === "INSUFFICIENT_DATA").map((s) => s.alarm);
    const quiet = laneSignals.length - noData.filter((a) => laneSignals.some((s) => s.alarm === a)).length;
    say(`${quiet} canary alarm${quiet === 1 ? "" : "s"} quiet${noData.length > 0 ? `; no data yet: ${noData.join(", ")}` : ""}${baked ? "; bake complete" : ""}`);
    if (!baked) {
      await clock.sleep(plan.pollMs);
      continue;
    }

    // The bake ends only on a successful read after the full bake time: judge the evidence.
    const window = { start: new Date(bakeStart), end: new Date(clock.now()) };
    const counts = await steps.canaryCounts(window).catch((err: Error) => rollBack(`the canary's counts could not be read (${err.message}); not counted as healthy`, []));
    const rate = counts.processed > 0 ? counts.errorLines / counts.processed : 0;
    say(`canary processed ${counts.processed} messages, ${counts.errorLines} ERROR line${counts.errorLines === 1 ? "" : "s"} (${percent(rate)})`);
    if (counts.errorLines >= plan.minErrorLines && 100 * rate > plan.maxErrorRatePercent) {
      await rollBack(`the canary logged ${counts.errorLines} ERROR lines for ${counts.processed} messages (${percent(rate)}), above the ${plan.maxErrorRatePercent}% allowed`, []);
    }
    const missing: string[] = [];
    if (counts.processed < plan.minMessages) missing.push(`the canary processed ${counts.processed} messages, fewer than the ${plan.minMessages} needed`);
    if (noData.length > 0) missing.push(`no data from ${noData.join(", ")}`);
    if (missing.length > 0) {
      if (extensions < plan.maxExtensions) {
        extensions++;
        bakeEnd = clock.now() + plan.bakeMs;
        say(`not enough evidence (${missing.join("; ")}): bake extended by ${minutes(plan.bakeMs)} (${extensions}/${plan.maxExtensions})`);
        await clock.sleep(plan.pollMs);
        continue;
      }
      await rollBack(`not enough evidence after ${minutes(clock.now() - bakeStart)} of bake (${missing.join("; ")}): not promoted`, []);
    }
    if (judge) {
      const relative = await judge(window).catch((err: Error) => ({ verdict: "unreadable" as const, reason: err.message }));
      if (relative.verdict === "unreadable") await rollBack(`the comparison with default could not be read (${relative.reason}); not counted as healthy`, []);
      if (relative.verdict === "fail") await rollBack(`worse than default: ${relative.reason}`, []);
      say(`against default: ${relative.verdict} — ${relative.reason}`);
    }
    say(`promote: deploy default with ${plan.image}`);
    await steps.deployDefault(plan.image);
    say("wait for default to be stable");
    await steps.waitDefaultStable();
    say("default stable; remove the canary lane");
    await steps.removeCanary();
    say("release complete");
    return { polls, processed: counts.processed };
  }
}
