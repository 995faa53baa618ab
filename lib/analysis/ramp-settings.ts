/**
 * The ramp's settings with their defaults (params `laneDefaults.ramp` parse into them, `lanes
 * ramp` flags override them) and the longest a ramp can run, which a pipeline build running one
 * must allow: CodeBuild kills a build at its timeout without running anything after, so a ramp
 * cut short would leave the lane's share of the traffic wherever it was. No SDK here: the params
 * schema and the pipeline stack import it at synth.
 */

export interface RampSettings {
  /** Percent of the requests without a lane that the lane gets, step by step, e.g. [5, 25, 50]. */
  readonly steps: readonly number[];
  /** How long each step runs before it is analysed (and between analyses while inconclusive). */
  readonly intervalSeconds: number;
  /** Extra intervals a step may wait on `inconclusive` before the ramp aborts. */
  readonly maxInconclusiveWaits: number;
  /** Analyses in a row that may fail to read their metrics before the ramp aborts. */
  readonly maxUnreadable: number;
  /** Group stickiness of the weighted rule (ALB: 1 to 604800 s) so a client stays on one side; 0: off. */
  readonly stickinessSeconds: number;
}

export const RAMP_DEFAULTS: RampSettings = Object.freeze({
  steps: Object.freeze([5, 25, 50]),
  intervalSeconds: 600,
  maxInconclusiveWaits: 3,
  maxUnreadable: 3,
  stickinessSeconds: 0,
});

/** The longest ALB target group stickiness of a weighted forward action (7 days). */
export const MAX_STICKINESS_SECONDS = 604_800;

/**
 * Minutes a pipeline ramp spends outside its analyses, at most: installing the build's tools,
 * the lane deploy that adds the weighted rule, and the promotion (default's deploy, its health
 * wait — LANES_HEALTH_TIMEOUT_SECONDS, 900 s by default — and the lane's destroy) or, after an
 * abort, the deploy that removes the rule; then the verify step.
 */
export const RAMP_OVERHEAD_MINUTES = 45;

/**
 * What the metrics reads of one analysis attempt may add: the reader's own retries wait
 * 1 + 2 + 4 + 8 s at its defaults (METRICS_RETRY; a test keeps that under a minute).
 */
export const ANALYSIS_READ_MINUTES = 1;

/** CodePipeline stops a CodeBuild action after 8 hours, whatever the project's timeout. */
export const PIPELINE_BUILD_ACTION_MAX_MINUTES = 480;

/**
 * The longest a ramp with these settings can run, in whole minutes: every analysed step waiting
 * its inconclusive intervals to the limit, each analysis failing to read as often as the ramp
 * tolerates (retried after 1, 2, 4… minutes, never more than an interval), plus the overhead.
 */
export function rampWorstCaseMinutes(s: Pick<RampSettings, "steps" | "intervalSeconds" | "maxInconclusiveWaits" | "maxUnreadable">): number {
  const analysedSteps = s.steps.filter((w) => w < 100).length;
  const analyses = analysedSteps * (1 + s.maxInconclusiveWaits);
  const interval = s.intervalSeconds / 60;
  const retryWaits = Array.from({ length: Math.max(0, s.maxUnreadable - 1) }, (_, k) => Math.min(2 ** k, interval)).reduce((a, b) => a + b, 0);
  const perAnalysis = interval + retryWaits + Math.max(1, s.maxUnreadable) * ANALYSIS_READ_MINUTES;
  return Math.ceil(analyses * perAnalysis + RAMP_OVERHEAD_MINUTES);
}
