/**
 * The worker canary's settings (params `worker.canary`) and the longest a canary release can
 * run, which the pipeline build running it must allow: CodeBuild kills a build at its timeout
 * without running anything after, so a bake cut short would leave the canary running and nothing
 * promoted or rolled back. No SDK here: the params schema and the pipeline stack import it at synth.
 */

export interface CanarySettings {
  /** Fixed capacity of the canary lane. */
  readonly desiredCount: number;
  /** How long the canary is watched once its tasks are running and steady. */
  readonly bakeMinutes: number;
  readonly pollSeconds: number;
  /** How long the canary's tasks may take to be running and steady before the release fails. */
  readonly steadyMinutes: number;
  /** Messages the canary must have processed in the bake; fewer is no evidence (extend, then fail; never promote). */
  readonly minMessages: number;
  /** Extra bakes (each bakeMinutes) while the canary has processed too few messages or a signal has no data. */
  readonly maxExtensions: number;
  /** The canary's ERROR lines per message processed (%) above which it is rolled back… */
  readonly maxErrorRatePercent: number;
  /** …once it has logged at least this many ERROR lines (a rate of 1 in 3 messages is noise, not evidence). */
  readonly minErrorLines: number;
}

export const CANARY_DEFAULTS: CanarySettings = Object.freeze({
  desiredCount: 1,
  bakeMinutes: 10,
  pollSeconds: 30,
  steadyMinutes: 10,
  minMessages: 100,
  maxExtensions: 1,
  maxErrorRatePercent: 1,
  minErrorLines: 5,
});

/**
 * Minutes a pipeline canary release spends outside its wait for steady state and its bakes, at
 * most: installing the build's tools and building the image, the canary's deploy, the promotion
 * (default's deploy, its health wait — LANES_HEALTH_TIMEOUT_SECONDS, 900 s by default — and the
 * canary's destroy) or the canary's destroy after a roll back, then the verify step.
 */
export const CANARY_OVERHEAD_MINUTES = 45;

/** What the reads of the bake may add at most: alarm retries (1 + 2 s per poll) and the counts' reads with their retries. */
export const CANARY_READ_MINUTES = 5;

/** The longest a canary release with these settings can run, in whole minutes. */
export function canaryWorstCaseMinutes(s: Pick<CanarySettings, "bakeMinutes" | "steadyMinutes" | "maxExtensions">): number {
  return CANARY_OVERHEAD_MINUTES + s.steadyMinutes + s.bakeMinutes * (1 + s.maxExtensions) + CANARY_READ_MINUTES;
}
