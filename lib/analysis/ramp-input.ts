/**
 * `lanes ramp` input: the weights, the analysis interval, the metric period. Each problem is a
 * sentence a person can act on; the CLI turns any of them into exit 2.
 */
import { METRIC_PERIOD_SECONDS } from "./config";

export interface RampInput {
  /** Percent of the weighted traffic the lane gets at each step, e.g. [5, 25, 50]. */
  readonly steps: readonly number[];
  readonly intervalSeconds: number;
  /** The metrics' period; an interval shorter than it would analyse no complete datapoint. */
  readonly periodSeconds?: number;
}

export const RAMP_INPUT_EXIT = 2;

export class RampInputError extends Error {
  readonly exitCode = RAMP_INPUT_EXIT;
  constructor(readonly problems: readonly string[]) {
    super(problems.join("\n"));
    this.name = "RampInputError";
  }
}

/** What is wrong with the input; empty when the ramp can run. */
export function validateRampInput(input: RampInput): string[] {
  const problems: string[] = [];
  const { steps, intervalSeconds } = input;
  const period = input.periodSeconds ?? METRIC_PERIOD_SECONDS;
  if (steps.length === 0) problems.push("steps: give at least one weight, e.g. --steps 5,25,50");
  steps.forEach((w, i) => {
    if (!Number.isFinite(w) || w < 1 || w > 100) problems.push(`steps: ${w} is not a weight from 1 to 100 (percent of the traffic)`);
    else if (!Number.isInteger(w)) problems.push(`steps: ${w} is not a whole percent`);
    const before = steps[i - 1];
    if (i > 0 && before !== undefined && Number.isFinite(w) && Number.isFinite(before) && w <= before) {
      problems.push(`steps must rise strictly: ${w} ${w === before ? "repeats" : `comes after ${before}`} (${steps.join(",")})`);
    }
  });
  if (steps.length > 0 && steps.every((w) => w >= 100)) problems.push("steps: give at least one weight below 100: at 100% default has no traffic to compare the lane with");
  if (!(Number.isFinite(period) && period > 0)) problems.push(`the metric period must be a positive number of seconds (got ${period})`);
  if (!Number.isFinite(intervalSeconds) || intervalSeconds <= 0) problems.push(`interval must be a positive duration (got ${intervalSeconds} s)`);
  else if (Number.isFinite(period) && intervalSeconds < period) {
    problems.push(`interval ${intervalSeconds} s is shorter than the metric period (${period} s): an analysis would see no complete datapoint`);
  }
  return problems;
}

/** Throws RampInputError listing every problem. */
export function assertRampInput(input: RampInput): void {
  const problems = validateRampInput(input);
  if (problems.length > 0) throw new RampInputError(problems);
}

/** "5,25,50" → [5, 25, 50]; throws RampInputError on anything but numbers. */
export function parseSteps(text: string): number[] {
  const parts = text.split(",").map((s) => s.trim().replace(/%$/, ""));
  const bad = parts.filter((s) => !/^\d+(\.\d+)?$/.test(s));
  if (text.trim() === "" || bad.length > 0) throw new RampInputError([`steps: "${text}" is not a list of percentages like 5,25,50`]);
  return parts.map(Number);
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600 };

/** "10m", "90s", "1h", "1h30m" or plain seconds ("600") → seconds; throws RampInputError otherwise. */
export function parseDuration(text: string, what = "duration"): number {
  const t = text.trim();
  if (/^\d+$/.test(t)) return Number(t);
  const parts = [...t.matchAll(/(\d+)([smh])/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== t) throw new RampInputError([`${what}: "${text}" is not a duration like 10m, 90s or 1h`]);
  return parts.reduce((s, p) => s + Number(p[1]) * UNIT_SECONDS[p[2]!]!, 0);
}
