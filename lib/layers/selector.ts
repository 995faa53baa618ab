/**
 * The variables that select what main.ts builds, and the release of a single lane: the one
 * protocol between main.ts and whoever starts it (the lanes CLI, the build, tests, benchmarks).
 * Callers build a synth environment with `synthEnvironment`, which clears every variable of the
 * protocol before setting the plan's, so nothing leaks in from the caller's own environment.
 */
import type { LaneRelease } from "../params/config";
import { selectorOf } from "./registry";
import type { StackPlan } from "./plan";

/** Selector variables (read by lib/selection.ts). `SERVICE_NAME` is CodeBuild's name for SERVICE. */
export const SELECTOR = {
  env: "ENV",
  layer: "LAYER",
  service: "SERVICE",
  serviceAlias: "SERVICE_NAME",
  lane: "LANE",
  pipeline: "PIPELINE",
} as const;

/** Release variables: they apply only when the run builds exactly one lane. */
export const RELEASE = {
  image: "IMAGE_URI",
  imageHistory: "LANES_IMAGE_HISTORY",
  changedBy: "LANES_CHANGED_BY",
  /** "1": the lane stack adds the weighted catch-all rule of a ramp (set by `lanes ramp` only). */
  ramp: "LANES_RAMP",
  ttl: "LANES_TTL",
  expiresAt: "LANES_EXPIRES_AT",
} as const;

/** Every variable of the protocol. */
export const PROTOCOL_VARS: readonly string[] = [...Object.values(SELECTOR), ...Object.values(RELEASE)];

/** The variables that make main.ts build exactly `plan` (and, for a lane, deploy `release`). */
export function selectorVars(plan: StackPlan, release?: LaneRelease): Record<string, string> {
  const vars: Record<string, string> = { ...selectorOf(plan) };
  if (release) {
    vars[RELEASE.image] = release.image;
    vars[RELEASE.imageHistory] = JSON.stringify(release.previousImages);
    if (release.changedBy) vars[RELEASE.changedBy] = release.changedBy;
    if (release.ramp) vars[RELEASE.ramp] = "1";
    if (release.ttl) vars[RELEASE.ttl] = release.ttl;
    if (release.expiresAt) vars[RELEASE.expiresAt] = release.expiresAt;
  }
  return vars;
}

/**
 * The environment of a synth subprocess: `base` without any protocol variable, then `vars`, the
 * output directory and (optionally) another params directory.
 */
export function synthEnvironment(
  base: Readonly<Record<string, string | undefined>>,
  vars: Readonly<Record<string, string>>,
  options: { readonly outdir?: string; readonly paramsDir?: string } = {},
): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...base };
  for (const name of PROTOCOL_VARS) delete env[name];
  Object.assign(env, vars);
  if (options.outdir) env.CDKTF_OUTDIR = options.outdir;
  if (options.paramsDir) env.LANES_PARAMS_DIR = options.paramsDir;
  return env;
}
