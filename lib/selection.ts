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
 * Pipeline stacks (`pipeline-infra-{env}`, `pipeline-bootstrap-{env}`, `pipeline-gc-{env}`, `pipeline-{service}-{env}`)
 * come last and only for envs whose infra params have a `pipelines` section.
 *
 * `SERVICE_NAME` (CodeBuild's name for it) is accepted for `SERVICE`.
 */
import { LAYERS, isLayer, type Layer, type PipelineKindName, type StackPlan } from "./layers/plan";
import { RELEASE, SELECTOR } from "./layers/selector";
import { assertEnv, assertLane, assertService } from "./naming";
import { TTL_RULE_TEXT, ttlProblem } from "./ttl";
import type { ParamsRepository } from "./params/load";

export interface Selection {
  readonly env?: string;
  readonly service?: string;
  readonly lane?: string;
  readonly layer?: Layer;
  /** With LAYER=pipeline: only that pipeline's stack. */
  readonly pipeline?: PipelineKindName;
  readonly imageUri?: string;
  /** LANES_IMAGE_HISTORY: JSON list of the lane's previous images, newest first. */
  readonly previousImages?: readonly string[];
  /** LANES_CHANGED_BY: pipeline execution id or user@host. */
  readonly changedBy?: string;
  /** LANES_RAMP=1: the lane's weighted catch-all rule (a ramp). */
  readonly ramp?: boolean;
  /** LANES_TTL: the lane's time to live (lib/ttl.ts). */
  readonly ttl?: string;
  /** LANES_EXPIRES_AT: when the lane expires (ISO 8601). */
  readonly expiresAt?: string;
}

const PIPELINES: readonly PipelineKindName[] = ["infra", "bootstrap", "gc", "app"];

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
  const service = nonEmpty(vars[SELECTOR.service]);
  const serviceName = nonEmpty(vars[SELECTOR.serviceAlias]);
  if (service && serviceName && service !== serviceName) {
    throw new SelectionError(`SERVICE='${service}' and SERVICE_NAME='${serviceName}' disagree: set one of them.`);
  }
  const env = nonEmpty(vars[SELECTOR.env]);
  const lane = nonEmpty(vars[SELECTOR.lane]);
  const layer = nonEmpty(vars[SELECTOR.layer]);
  const pipeline = nonEmpty(vars[SELECTOR.pipeline]);
  const svc = service ?? serviceName;
  if (layer !== undefined && !isLayer(layer)) {
    throw new SelectionError(`LAYER='${layer}' is not a layer. Allowed: ${LAYERS.join(", ")}.`);
  }
  if (pipeline !== undefined && (layer !== "pipeline" || !(PIPELINES as readonly string[]).includes(pipeline))) {
    throw new SelectionError(`PIPELINE='${pipeline}' needs LAYER=pipeline and one of ${PIPELINES.join(", ")}.`);
  }
  const imageUri = nonEmpty(vars[RELEASE.image]);
  const history = nonEmpty(vars[RELEASE.imageHistory]);
  let previousImages: string[] | undefined;
  if (history) {
    const parsed = JSON.parse(history) as unknown;
    if (!Array.isArray(parsed) || !parsed.every((i): i is string => typeof i === "string")) {
      throw new SelectionError(`LANES_IMAGE_HISTORY must be a JSON list of image URIs, got ${history}.`);
    }
    previousImages = parsed;
  }
  const changedBy = nonEmpty(vars[RELEASE.changedBy]);
  const ramp = nonEmpty(vars[RELEASE.ramp]);
  if (ramp !== undefined && ramp !== "1") throw new SelectionError(`LANES_RAMP='${ramp}' is not a switch. Allowed: 1 (the lane's weighted ramp rule), or unset.`);
  const ttl = nonEmpty(vars[RELEASE.ttl]);
  if (ttl) {
    const problem = ttlProblem(ttl);
    if (problem) throw new SelectionError(`LANES_TTL='${ttl}' is not a time to live (${problem}). Allowed: ${TTL_RULE_TEXT}.`);
  }
  const expiresAt = nonEmpty(vars[RELEASE.expiresAt]);
  if (expiresAt && Number.isNaN(Date.parse(expiresAt))) throw new SelectionError(`LANES_EXPIRES_AT='${expiresAt}' is not an ISO 8601 time.`);
  return {
    ...(env ? { env: assertEnv(env) } : {}),
    ...(svc ? { service: assertService(svc) } : {}),
    ...(lane ? { lane: assertLane(lane) } : {}),
    ...(layer && isLayer(layer) ? { layer } : {}),
    ...(pipeline ? { pipeline: pipeline as PipelineKindName } : {}),
    ...(imageUri ? { imageUri } : {}),
    ...(previousImages ? { previousImages } : {}),
    ...(changedBy ? { changedBy } : {}),
    ...(ramp ? { ramp: true } : {}),
    ...(ttl ? { ttl } : {}),
    ...(expiresAt ? { expiresAt } : {}),
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
    const services = sel.service ? [sel.service] : calleesFirst(params.services(env), env, params);
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
      const pipelines = (kind: PipelineKindName) => sel.pipeline === undefined || sel.pipeline === kind;
      if (!sel.service) {
        if (pipelines("infra")) plans.push({ layer: "pipeline", env, pipeline: "infra" });
        if (pipelines("bootstrap")) plans.push({ layer: "pipeline", env, pipeline: "bootstrap" });
        if (pipelines("gc")) plans.push({ layer: "pipeline", env, pipeline: "gc" });
      }
      if (pipelines("app")) {
        for (const service of services) {
          params.service(service, env);
          plans.push({ layer: "pipeline", env, pipeline: "app", service });
        }
      }
    }
  }
  return plans;
}

/** IMAGE_URI (and the lane's history, LANES_IMAGE_HISTORY, LANES_RAMP, LANES_TTL, LANES_EXPIRES_AT) describe one release: they may only apply to a single lane stack. */
export function imageUriFor(sel: Selection, plans: readonly StackPlan[]): string | undefined {
  const given = [
    sel.imageUri ? "IMAGE_URI" : "",
    sel.previousImages ? "LANES_IMAGE_HISTORY" : "",
    sel.ramp ? "LANES_RAMP" : "",
    sel.ttl ? "LANES_TTL" : "",
    sel.expiresAt ? "LANES_EXPIRES_AT" : "",
  ].filter(Boolean);
  if (given.length === 0) return undefined;
  const lanes = plans.filter((p) => p.layer === "app");
  if (lanes.length > 1) {
    throw new SelectionError(
      `${given.join(" and ")} ${given.length > 1 ? "are" : "is"} set but this run builds ${lanes.length} lane stacks; set LANE, SERVICE and ENV to pick the one lane it is for.`,
    );
  }
  return sel.imageUri;
}

/**
 * `services` (sorted) with every callee before its callers (params `calls`): a caller's boot layer
 * reads its callees' (it opens their ALBs to its tasks). Params refuse cycles.
 */
function calleesFirst(services: readonly string[], env: string, params: ParamsRepository): string[] {
  const ordered: string[] = [];
  const visit = (service: string): void => {
    if (ordered.includes(service) || !services.includes(service)) return;
    for (const call of params.boot(service, env).calls) visit(call.service);
    ordered.push(service);
  };
  for (const service of services) visit(service);
  return ordered;
}
