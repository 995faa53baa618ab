/**
 * The weighted ramp: raise the lane's share of the traffic step by step (e.g. 5 % → 25 % → 50 %),
 * analyse the lane against default after each interval, and
 * - on `fail`: weight back to 0, keep the lane for debugging, stop with RampAborted (its own
 *   exit code) carrying the reason;
 * - on `inconclusive`: wait another interval (the window grows), up to a limit, then abort;
 * - when the analysis cannot be read (after the metrics reader's own retries): try again shortly;
 *   it never counts as healthy, and too many in a row abort;
 * - after the last step passes: weight 100 %, then promote.
 * A step of 100 is reached but not analysed: default then has no traffic to compare with.
 * Everything with side effects is injected (the ALB rule change, the analysis, the promotion),
 * and time too. It prints a timeline like the worker canary's: `[mm:ss] what happened`.
 */
import { stamp, type Clock } from "./clock";
import type { Verdict } from "./judge";
import { assertRampInput } from "./ramp-input";
import { RAMP_DEFAULTS } from "./ramp-settings";

export { RAMP_DEFAULTS };

export interface AnalysisWindow {
  readonly start: Date;
  readonly end: Date;
}

export interface RampPlan {
  /** Weights in percent, strictly rising, each 1..100 (see validateRampInput). */
  readonly steps: readonly number[];
  readonly intervalMs: number;
  /** Extra intervals a step may wait on `inconclusive` before the ramp aborts. */
  readonly maxInconclusiveWaits?: number;
  /** Analyses in a row that may fail to read before the ramp aborts. */
  readonly maxUnreadable?: number;
  /** Shown in the timeline, e.g. "user-api dev lane gray". */
  readonly label?: string;
}

export interface RampDeps {
  /** Percent of the weighted traffic to the lane (the rest to default). */
  setWeight(percent: number): Promise<void>;
  /** The lane against default over the window; throws when the metrics cannot be read. */
  analyze(window: AnalysisWindow): Promise<Verdict>;
  /** Make the lane's release default's. */
  promote(): Promise<void>;
  readonly clock: Clock;
  readonly progress: (line: string) => void;
}

/** Exit codes of an aborted ramp (after the CLI's 0-8). */
export const RAMP_EXIT = { regression: 9, undecided: 10 } as const;

export type AbortKind = "fail" | "inconclusive" | "unreadable";

export class RampAborted extends Error {
  readonly exitCode: number;
  constructor(
    readonly kind: AbortKind,
    readonly reason: string,
    /** The weight being analysed when the ramp stopped. */
    readonly weight: number,
    /** False when setting the weight back to 0 failed too: traffic still reaches the lane. */
    readonly weightReset: boolean,
    readonly verdict?: Verdict,
  ) {
    super(`ramp aborted at ${weight}%: ${reason}${weightReset ? "; weight back to 0%, lane kept for debugging" : "; THE WEIGHT COULD NOT BE SET BACK TO 0%"}`);
    this.name = "RampAborted";
    this.exitCode = kind === "fail" ? RAMP_EXIT.regression : RAMP_EXIT.undecided;
  }
}

export interface StepDecision {
  readonly weight: number;
  /** Milliseconds since the ramp started. */
  readonly at: number;
  readonly window: AnalysisWindow;
  readonly verdict: Verdict;
}

export interface RampResult {
  readonly decisions: readonly StepDecision[];
}

const MINUTE_MS = 60_000;
const floorMinute = (ms: number) => Math.floor(ms / MINUTE_MS) * MINUTE_MS;
const hhmm = (d: Date) => d.toISOString().slice(11, 16);
const duration = (ms: number) => (ms % MINUTE_MS === 0 ? `${ms / MINUTE_MS} min` : `${Math.round(ms / 1000)} s`);

/** Runs the ramp; throws RampInputError before touching anything when the plan is invalid. */
export async function ramp(plan: RampPlan, deps: RampDeps): Promise<RampResult> {
  assertRampInput({ steps: plan.steps, intervalSeconds: plan.intervalMs / 1000 });
  const { clock } = deps;
  const start = clock.now();
  const say = (line: string) => deps.progress(`${stamp(start, clock.now())} ${line}`);
  const maxWaits = plan.maxInconclusiveWaits ?? RAMP_DEFAULTS.maxInconclusiveWaits;
  const maxUnreadable = plan.maxUnreadable ?? RAMP_DEFAULTS.maxUnreadable;
  const analysed = plan.steps.filter((w) => w < 100);
  const decisions: StepDecision[] = [];

  const abort = async (kind: AbortKind, reason: string, weight: number, verdict?: Verdict): Promise<never> => {
    say(`aborting: ${reason}`);
    let reset = true;
    try {
      await deps.setWeight(0);
      say("weight 0%: the lane is kept for debugging; default untouched");
    } catch (err) {
      reset = false;
      say(`the weight could not be set back to 0% (${(err as Error).message}): set it by hand`);
    }
    throw new RampAborted(kind, reason, weight, reset, verdict);
  };

  say(`ramp${plan.label ? ` ${plan.label}` : ""}: ${[...analysed, 100].map((w) => `${w}%`).join(" → ")}, analysed every ${duration(plan.intervalMs)}; promote at the end`);
  for (const weight of analysed) {
    say(`weight ${weight}%`);
    await deps.setWeight(weight);
    const stepStart = clock.now();
    let waits = 0;
    let unreadable = 0;
    let delay = plan.intervalMs;
    for (;;) {
      await clock.sleep(delay);
      const window = { start: new Date(floorMinute(stepStart)), end: new Date(floorMinute(clock.now())) };
      let verdict: Verdict;
      try {
        verdict = await deps.analyze(window);
      } catch (err) {
        unreadable++;
        const error = (err as Error).message;
        say(`${weight}%: analysis failed (${error}); not counted as healthy (${unreadable}/${maxUnreadable})`);
        if (unreadable >= maxUnreadable) await abort("unreadable", `the metrics could not be read ${unreadable} times in a row (${error})`, weight);
        delay = Math.min(MINUTE_MS * 2 ** (unreadable - 1), plan.intervalMs);
        continue;
      }
      unreadable = 0;
      decisions.push({ weight, at: clock.now() - start, window, verdict });
      say(`${weight}% for ${hhmm(window.start)}–${hhmm(window.end)}: ${verdict.verdict} — ${verdict.reason}`);
      if (verdict.verdict === "fail") await abort("fail", verdict.reason, weight, verdict);
      if (verdict.verdict === "pass") break;
      waits++;
      if (waits > maxWaits) await abort("inconclusive", `still inconclusive after ${waits} intervals at ${weight}% (${verdict.reason})`, weight, verdict);
      say(`${weight}%: waiting another ${duration(plan.intervalMs)} for more data (${waits}/${maxWaits})`);
      delay = plan.intervalMs;
    }
  }
  say("weight 100%");
  await deps.setWeight(100);
  say("promote");
  await deps.promote();
  say("ramp complete");
  return { decisions };
}
