/**
 * Worker lanes: the `canary` lane consumes the same SQS queue as `default`, so the
 * relative judgement available is errors per message processed — the canary's ERROR log lines
 * per message against default's — with the same proportion test and tolerances as an http lane's
 * 5xx rate (AnalysisConfig: minRequests is the minimum of messages each side processed).
 * Error lines are read as "messages that failed": a message that logs several lines counts more
 * than once, and a lane with more error lines than messages is capped at one per message.
 * DLQ arrivals are not judged: the dead-letter queue is shared and says nothing of the lane.
 */
import { DEFAULT_ANALYSIS, type AnalysisConfig } from "./config";
import { judgeRate, verdictOf, type Verdict } from "./judge";

export interface WorkerCounts {
  readonly name: string;
  /** ERROR lines the lane logged in the window. */
  readonly errorLines: number;
  /** Messages the lane processed in the window. */
  readonly processed: number;
}

export interface WorkerWindow {
  readonly start: Date;
  readonly end: Date;
  readonly canary: WorkerCounts;
  readonly baseline: WorkerCounts;
}

export const WORKER_METRIC = "error lines per message";

/** The canary against default: pass, fail or inconclusive, with one row. */
export function judgeWorker(w: WorkerWindow, config: AnalysisConfig = DEFAULT_ANALYSIS): Verdict {
  const row = judgeRate({ events: w.canary.errorLines, trials: w.canary.processed }, { events: w.baseline.errorLines, trials: w.baseline.processed }, config, {
    metric: WORKER_METRIC,
    trials: "messages",
  });
  const capped = [w.canary, w.baseline].filter((c) => c.errorLines > c.processed).map((c) => `${c.name} logged ${c.errorLines} error lines for ${c.processed} messages (counted as ${c.processed})`);
  const rows = [capped.length > 0 ? { ...row, reason: `${row.reason}; ${capped.join("; ")}` } : row];
  return verdictOf(rows, { lane: w.canary.name, baseline: w.baseline.name, start: w.start, end: w.end }, config);
}
