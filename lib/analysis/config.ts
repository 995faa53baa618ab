/**
 * Tolerances of the lane-vs-baseline judgement (params `laneDefaults.analysis` maps onto this).
 * Each default is written once, here; `analysisConfig` fills a partial config and checks it.
 */

/** Seconds per datapoint of the metrics the analysis reads (CloudWatch's finest for ALB metrics). */
export const METRIC_PERIOD_SECONDS = 60;

export interface AnalysisConfig {
  /** Minutes of metrics `lanes analyze` reads when no window is given. */
  readonly windowMinutes: number;
  /** Significance level of every one-sided test (lane worse than baseline). */
  readonly alpha: number;
  /** Requests the lane and the baseline each need in the window before their error ratio is judged. */
  readonly minRequests: number;
  /** Minutes with latency data the lane and the baseline each need before latency is judged. */
  readonly minMinutes: number;
  /** The lane's 5xx rate may exceed the baseline's by this many percentage points… */
  readonly maxErrorRateIncreasePoints: number;
  /** …or by this fraction of the baseline's rate, whichever allows more (0.5 = 50 % more). */
  readonly maxErrorRateIncreaseRatio: number;
  /** The median of the lane's per-minute latency percentile may exceed the baseline's by this %… */
  readonly maxLatencyIncreasePercent: number;
  /** …or by this many milliseconds, whichever allows more (so 3 ms → 5 ms is not a regression). */
  readonly maxLatencyIncreaseMs: number;
}

export const DEFAULT_ANALYSIS: AnalysisConfig = Object.freeze({
  windowMinutes: 15,
  alpha: 0.05,
  minRequests: 500,
  minMinutes: 5,
  maxErrorRateIncreasePoints: 0.5,
  maxErrorRateIncreaseRatio: 0.5,
  maxLatencyIncreasePercent: 20,
  maxLatencyIncreaseMs: 25,
});

export class AnalysisConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid analysis settings: ${problems.join("; ")}`);
    this.name = "AnalysisConfigError";
  }
}

/** What is wrong with a config; empty when it is usable. */
export function analysisConfigProblems(config: AnalysisConfig): string[] {
  const problems: string[] = [];
  const positiveInteger = (key: keyof AnalysisConfig) => {
    const v = config[key];
    if (!Number.isInteger(v) || v < 1) problems.push(`${key} must be a whole number ≥ 1 (got ${v})`);
  };
  const nonNegative = (key: keyof AnalysisConfig) => {
    const v = config[key];
    if (!Number.isFinite(v) || v < 0) problems.push(`${key} must be a number ≥ 0 (got ${v})`);
  };
  positiveInteger("windowMinutes");
  if (!(config.alpha > 0 && config.alpha < 0.5)) problems.push(`alpha must be between 0 and 0.5 (got ${config.alpha})`);
  positiveInteger("minRequests");
  if (!Number.isInteger(config.minMinutes) || config.minMinutes < 2) problems.push(`minMinutes must be a whole number ≥ 2 (got ${config.minMinutes})`);
  nonNegative("maxErrorRateIncreasePoints");
  nonNegative("maxErrorRateIncreaseRatio");
  nonNegative("maxLatencyIncreasePercent");
  nonNegative("maxLatencyIncreaseMs");
  if (config.maxErrorRateIncreasePoints > 100) problems.push(`maxErrorRateIncreasePoints is in percentage points and must be ≤ 100 (got ${config.maxErrorRateIncreasePoints})`);
  return problems;
}

/** The defaults overridden by `overrides`; throws AnalysisConfigError when the result is unusable. */
export function analysisConfig(overrides: Partial<AnalysisConfig> = {}): AnalysisConfig {
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) as Partial<AnalysisConfig>;
  const config: AnalysisConfig = { ...DEFAULT_ANALYSIS, ...defined };
  const problems = analysisConfigProblems(config);
  if (problems.length > 0) throw new AnalysisConfigError(problems);
  return config;
}
