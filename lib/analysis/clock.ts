/**
 * Time for the analysis programs: the metrics reader's back-off and the ramp's waits. Tests pass a
 * virtual clock that moves only when a program sleeps. The shape matches lib/ops/canary's Clock.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

/** `[mm:ss]` since `startMs` (minutes keep counting past 59), as in the canary's timeline. */
export function stamp(startMs: number, nowMs: number): string {
  const s = Math.max(0, Math.floor((nowMs - startMs) / 1000));
  return `[${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}]`;
}
