/**
 * Which stacks one run builds. With no selector: every stack of every env in params/. The
 * pipelines narrow it with the same variables they pass to CodeBuild, so synthesizing one lane
 * reads only that lane's three params files:
 *
 *   ENV=dev SERVICE=user-api LANE=gray    → app-user-api-dev-gray
 *   ENV=dev SERVICE=user-api LAYER=boot   → boot-user-api-dev
 *   ENV=dev SERVICE=user-api              → boot-user-api-dev and the lanes listed in params
 *   ENV=dev [LAYER=state|infra|boot|app|edge|pipeline]  → that env's stacks (of that layer)
 *
 * Pipeline stacks (`pipeline-infra-{env}`, `pipeline-bootstrap-{env}`, `pipeline-{service}-{env}`)
 * come last and only for envs whose infra params have a `pipelines` section.
 *
 * `SERVICE_NAME` (CodeBuild's name for it) is accepted for `SERVICE`.
 */
import { assertEnv, assertLane, assertService, pipelineNames, stackNames } from "./naming";
import type { ParamsRepository } from "./params/load";

export const LAYERS = ["state", "infra", "boot", "app", "edge", "pipeline"] as const;
export type Layer = (typeof LAYERS)[number];

export interface Selection {
  readonly env?: string;
  readonly service?: string;
  readonly lane?: string;
  readonly layer?: Layer;
  readonly imageUri?: string;
  /** LANES_IMAGE_HISTORY: JSON list of the lane's previous images, newest first. */
  readonly previousImages?: readonly string[];
  /** LANES_CHANGED_BY: pipeline execution id or user@host. */
  readonly changedBy?: string;
}

export type StackPlan =
  | { readonly layer: "state"; readonly env: string }
  | { readonly layer: "infra"; readonly env: string }
  | { readonly layer: "boot"; readonly env: string; readonly service: string }
  | { readonly layer: "app"; readonly env: string; readonly service: string; readonly lane: string }
  | { readonly layer: "edge"; readonly env: string }
  | { readonly layer: "pipeline"; readonly env: string; readonly pipeline: "infra" | "bootstrap" }
  | { readonly layer: "pipeline"; readonly env: string; readonly pipeline: "app"; readonly service: string };

/** The stack name of a planned stack. */
export function stackNameOf(plan: StackPlan): string {
  switch (plan.layer) {
    case "state":
      return stackNames.state(plan.env);
    case "infra":
      return stackNames.infra(plan.env);
    case "boot":
      return stackNames.boot(plan.service, plan.env);
    case "app":
      return stackNames.app(plan.service, plan.env, plan.lane);
    case "edge":
      return stackNames.edge(plan.env);
    case "pipeline":
      return pipelineNames(plan.env, plan.pipeline === "app" ? { kind: "app", service: plan.service } : { kind: plan.pipeline }).stack;
  }
}

export class SelectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SelectionError";
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v ? v : undefined;
}

/** Reads the selector variables; validates their shape (not whether params exist). */
export function selectionFromEnv(vars: Readonly<Record<string, string | undefined>>): Selection {
  const service = nonEmpty(vars.SERVICE);
  const serviceName = nonEmpty(vars.SERVICE_NAME);
  if (service && serviceName && service !== serviceName) {
    throw new SelectionError(`SERVICE='${service}' and SERVICE_NAME='${serviceName}' disagree: set one of them.`);
  }
  const env = nonEmpty(vars.ENV);
  const lane = nonEmpty(vars.LANE);
  const layer = nonEmpty(vars.LAYER);
  const svc = service ?? serviceName;
  if (layer !== undefined && !(LAYERS as readonly string[]).includes(layer)) {
    throw new SelectionError(`LAYER='${layer}' is not a layer. Allowed: ${LAYERS.join(", ")}.`);
  }
  const imageUri = nonEmpty(vars.IMAGE_URI);
  const history = nonEmpty(vars.LANES_IMAGE_HISTORY);
  let previousImages: string[] | undefined;
  if (history) {
    const parsed = JSON.parse(history) as unknown;
    if (!Array.isArray(parsed) || !parsed.every((i): i is string => typeof i === "string")) {
      throw new SelectionError(`LANES_IMAGE_HISTORY must be a JSON list of image URIs, got ${history}.`);
    }
    previousImages = parsed;
  }
  const changedBy = nonEmpty(vars.LANES_CHANGED_BY);
  return {
    ...(env ? { env: assertEnv(env) } : {}),
    ...(svc ? { service: assertService(svc) } : {}),
    ...(lane ? { lane: assertLane(lane) } : {}),
    ...(layer ? { layer: layer as Layer } : {}),
    ...(imageUri ? { imageUri } : {}),
    ...(previousImages ? { previousImages } : {}),
    ...(changedBy ? { changedBy } : {}),
  };
}

/** The stacks a selection builds, in deploy order (state, infra, boot, app). */
export function planStacks(params: ParamsRepository, sel: Selection): StackPlan[] {
  if (sel.lane !== undefined) {
    if (!sel.service || !sel.env) {
      throw new SelectionError(`LANE='${sel.lane}' needs SERVICE and ENV too, e.g. LANE=${sel.lane} SERVICE=user-api ENV=dev.`);
    }
    if (sel.layer && sel.layer !== "app") {
      throw new SelectionError(`LANE is set, so LAYER must be 'app' (or unset), not '${sel.layer}'.`);
    }
    params.lane(sel.service, sel.env, sel.lane);
    return [{ layer: "app", env: sel.env, service: sel.service, lane: sel.lane }];
  }
  if (sel.service !== undefined && !sel.env) {
    throw new SelectionError(`SERVICE='${sel.service}' needs ENV too, e.g. SERVICE=${sel.service} ENV=dev.`);
  }
  const envs = sel.env ? [sel.env] : params.envs();
  if (envs.length === 0) throw new SelectionError(`no infra-{env}.json in ${params.dir}: nothing to build.`);
  const wants = (layer: Layer) => sel.layer === undefined || sel.layer === layer;
  const plans: StackPlan[] = [];
  for (const env of envs) {
    params.infra(env);
    if (!sel.service) {
      if (wants("state")) plans.push({ layer: "state", env });
      if (wants("infra")) plans.push({ layer: "infra", env });
    }
    const services = sel.service ? [sel.service] : params.services(env);
    for (const service of services) {
      if (wants("boot")) {
        params.boot(service, env);
        plans.push({ layer: "boot", env, service });
      }
    }
    if (wants("app")) {
      for (const service of services) {
        for (const lane of params.service(service, env).lanes) {
          plans.push({ layer: "app", env, service, lane: lane.lane });
        }
      }
    }
    if (wants("edge") && !sel.service && params.hasEdge(env)) {
      params.edge(env);
      plans.push({ layer: "edge", env });
    }
    if (wants("pipeline") && params.infra(env).pipelines) {
      if (!sel.service) {
        plans.push({ layer: "pipeline", env, pipeline: "infra" }, { layer: "pipeline", env, pipeline: "bootstrap" });
      }
      for (const service of services) {
        params.service(service, env);
        plans.push({ layer: "pipeline", env, pipeline: "app", service });
      }
    }
  }
  return plans;
}

/** IMAGE_URI (and the lane's history, LANES_IMAGE_HISTORY) describe one release: they may only apply to a single lane stack. */
export function imageUriFor(sel: Selection, plans: readonly StackPlan[]): string | undefined {
  const given = [sel.imageUri ? "IMAGE_URI" : "", sel.previousImages ? "LANES_IMAGE_HISTORY" : ""].filter(Boolean);
  if (given.length === 0) return undefined;
  const lanes = plans.filter((p) => p.layer === "app");
  if (lanes.length > 1) {
    throw new SelectionError(
      `${given.join(" and ")} ${given.length > 1 ? "are" : "is"} set but this run builds ${lanes.length} lane stacks; set LANE, SERVICE and ENV to pick the one lane it is for.`,
    );
  }
  return sel.imageUri;
}

