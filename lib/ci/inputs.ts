/**
 * The inputs of one pipeline run (ci/build.sh → `lanes ci inputs`): every rule comes from the
 * project itself: names from lib/naming, the stack from the same selection main.ts uses, the
 * actions from lib/ci/actions.ts, the region and defaults from params/. Bash only moves values
 * around.
 */
import { isAbsolute, posix } from "node:path";
import { stackNameOf } from "../layers/registry";
import { SELECTOR } from "../layers/selector";
import { DEFAULT_LANE, imageTag, serviceNames } from "../naming";
import type { ParamsRepository } from "../params/load";
import { planStacks, selectionFromEnv } from "../selection";
import { NO_TTL, TTL_RULE_TEXT, ttlProblem } from "../ttl";
import { DEFAULT_ACTION, PIPELINE_ACTIONS, PIPELINE_ACTION_NAMES, isPipelineAction, type PipelineActionName } from "./actions";

/** Layers a pipeline deploys: `infra` (infra pipeline), `boot` (bootstrap pipeline), `app` (app pipelines); `gc` (the gc pipeline) removes expired lanes. */
export const CI_LAYERS = ["app", "boot", "infra", "gc"] as const;
export type CiLayer = (typeof CI_LAYERS)[number];

export type Vars = Readonly<Record<string, string | undefined>>;

export class CiInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CiInputError";
  }
}

/** What a run does: an app pipeline ACTION, or `gc` (the gc pipeline). */
export type CiAction = PipelineActionName | "gc";

/** The app pipeline's TTL variable: its default keeps the lane's time to live (a new lane: params). */
export const TTL_KEEP = "keep";
export const TTL_VARIABLE_DESCRIPTION = `Time to live of the lane after this deploy (ACTION=deploy): e.g. 72h or 7d, or ${NO_TTL} (never expires); ${TTL_KEEP} keeps the lane's (a new lane: params)`;

/** The checked inputs of one pipeline run. */
export interface CiInputs {
  readonly layer: CiLayer;
  readonly env: string;
  /** The env's region (params/infra-{env}.json): ECR, ELB and STS calls go there. */
  readonly region: string;
  /** The one stack this run deploys. */
  readonly stack: string;
  readonly service?: string;
  readonly lane?: string;
  /** `{env}/{service}` (app, boot). */
  readonly ecrRepository?: string;
  /** Docker build context inside the app repository, normalized (app). */
  readonly modulePath?: string;
  /** BRANCH, else the service's `branch` in params (app). */
  readonly branch?: string;
  /** The ACTION (lib/ci/actions.ts); infra and boot runs only deploy. */
  readonly action: CiAction;
  /** Whether this run builds and pushes an image. */
  readonly buildsImage: boolean;
  /** TTL (app, ACTION=deploy), checked; undefined keeps the lane's. */
  readonly ttl?: string;
}

function value(vars: Vars, name: string): string | undefined {
  const v = vars[name]?.trim();
  return v ? v : undefined;
}

const PIPELINE_OF: Record<CiLayer, string> = {
  app: "the app pipeline ({service}-{env})",
  boot: "the bootstrap pipeline (bootstrap-{env})",
  infra: "the infra pipeline (infra-{env})",
  gc: "the gc pipeline (gc-{env})",
};

/** MODULE_PATH: a relative path inside the app repository, without `..`. */
export function normalizeModulePath(path: string): string {
  const problem = isAbsolute(path) || path.startsWith("~")
    ? "is absolute"
    : path.split(/[\\/]+/).includes("..")
      ? "leaves the repository ('..')"
      : undefined;
  if (problem) {
    throw new CiInputError(`MODULE_PATH='${path}' ${problem}. Allowed: a directory relative to the app repository's root, e.g. '.' or 'services/user-api'.`);
  }
  const normalized = posix.normalize(path.replace(/\\/g, "/")).replace(/\/+$/, "");
  return normalized === "" ? "." : normalized;
}

/**
 * Checks LAYER, ENV, SERVICE_NAME (or SERVICE) and LANE of a run against the naming rules and
 * params/, and returns the one stack the run deploys.
 */
export function resolveCiInputs(vars: Vars, params: ParamsRepository): CiInputs {
  const layerText = value(vars, "LAYER");
  if (!layerText) {
    throw new CiInputError(`LAYER is empty: every pipeline's build action sets it. Allowed: ${CI_LAYERS.join(", ")}.`);
  }
  if (!(CI_LAYERS as readonly string[]).includes(layerText)) {
    throw new CiInputError(`LAYER='${layerText}' is not a pipeline layer. Allowed: ${CI_LAYERS.join(", ")} (state-{env} is bootstrapped by hand).`);
  }
  const layer = layerText as CiLayer;
  const where = PIPELINE_OF[layer];
  const env = value(vars, "ENV");
  const service = value(vars, "SERVICE_NAME") ?? value(vars, "SERVICE");
  const lane = value(vars, "LANE");
  if (!env) throw new CiInputError(`ENV is empty: ${where} sets it to an env with params/infra-{env}.json, e.g. ENV=dev.`);
  if (layer === "gc") {
    if (service || lane) throw new CiInputError(`LAYER=gc removes the expired lanes of every service of the env: leave SERVICE_NAME and LANE empty.`);
    const infra = params.infra(env);
    return { layer, env, region: infra.region, stack: `app-*-${env}-* (expired lanes)`, action: "gc", buildsImage: false };
  }
  if (layer === "infra" && service) {
    throw new CiInputError(`SERVICE_NAME='${service}' is set, but LAYER=infra deploys the env-level stack only: leave SERVICE_NAME and LANE empty.`);
  }
  if (layer !== "app" && lane) {
    throw new CiInputError(`LANE='${lane}' is set, but LAYER=${layer} has no lanes: leave LANE empty (lanes are deployed by the app pipeline).`);
  }
  if (layer !== "infra" && !service) {
    throw new CiInputError(`SERVICE_NAME is empty: ${where} sets it to the service, e.g. SERVICE_NAME=user-api.`);
  }
  if (layer === "app" && !lane) {
    throw new CiInputError(
      `LANE is empty: start ${where} with the lane to deploy, e.g. aws codepipeline start-pipeline-execution --name user-api-dev --variables name=LANE,value=gray.`,
    );
  }
  // The same selector main.ts reads: shape checks (lib/naming) and the params files it needs.
  const selection = selectionFromEnv({
    [SELECTOR.env]: env,
    [SELECTOR.serviceAlias]: service,
    [SELECTOR.service]: value(vars, SELECTOR.service),
    [SELECTOR.lane]: lane,
    [SELECTOR.layer]: layer,
  });
  const plans = planStacks(params, selection);
  if (plans.length !== 1 || plans[0]!.layer !== layer) {
    throw new CiInputError(`LAYER=${layer} ENV=${env}${service ? ` SERVICE_NAME=${service}` : ""} selects ${plans.length} stacks (${plans.map(stackNameOf).join(", ") || "none"}), not one ${layer} stack.`);
  }
  const plan = plans[0]!;
  const actionText = value(vars, "ACTION") ?? DEFAULT_ACTION;
  const ttlText = value(vars, "TTL");
  if (!isPipelineAction(actionText)) {
    throw new CiInputError(`ACTION='${actionText}' is not an action. Allowed: ${PIPELINE_ACTION_NAMES.join(", ")}.`);
  }
  const action = actionText;
  const spec = PIPELINE_ACTIONS[action];
  if (layer !== "app" && action !== DEFAULT_ACTION) {
    throw new CiInputError(`ACTION=${action} is for lanes (the app pipeline); LAYER=${layer} only deploys.`);
  }
  if (layer === "app" && "refusesDefault" in spec && lane === DEFAULT_LANE) {
    throw new CiInputError(`ACTION=${action} LANE=${DEFAULT_LANE} is refused in the pipeline: ${spec.refusesDefault}.`);
  }
  if (layer === "app" && "kind" in spec && plan.layer === "app" && params.boot(plan.service, env).kind !== spec.kind) {
    throw new CiInputError(`ACTION=${action} is for ${spec.kind} services (${spec.summary}); ${service} is not one: use ACTION=${DEFAULT_ACTION} on a lane, then promote.`);
  }
  if (layer === "app" && typeof spec.lane === "object" && lane !== spec.lane.fixed) {
    throw new CiInputError(`ACTION=${action} runs the ${spec.lane.fixed} lane: set LANE=${spec.lane.fixed} (got '${lane}').`);
  }
  let ttl: string | undefined;
  if (ttlText && ttlText !== TTL_KEEP) {
    if (layer !== "app" || action !== DEFAULT_ACTION) throw new CiInputError(`TTL='${ttlText}' is set, but only ACTION=${DEFAULT_ACTION} of a lane takes a time to live: leave TTL=${TTL_KEEP}.`);
    if (lane === DEFAULT_LANE) throw new CiInputError(`TTL='${ttlText}' is set for LANE=${DEFAULT_LANE}, which never expires: leave TTL=${TTL_KEEP}.`);
    const problem = ttlProblem(ttlText);
    if (problem) throw new CiInputError(`TTL='${ttlText}' is not a time to live (${problem}). Allowed: ${TTL_RULE_TEXT}, or ${TTL_KEEP}.`);
    ttl = ttlText;
  }
  const region = params.infra(env).region;
  const base = { layer, env, region, stack: stackNameOf(plan), action, buildsImage: layer === "app" && spec.buildsImage, ...(ttl ? { ttl } : {}) };
  if (plan.layer !== "boot" && plan.layer !== "app") return base;
  const ecrRepository = serviceNames(plan.service, env).ecrRepository;
  if (plan.layer === "boot") return { ...base, service: plan.service, ecrRepository };
  const config = params.service(plan.service, env);
  return {
    ...base,
    service: plan.service,
    lane: plan.lane,
    ecrRepository,
    modulePath: normalizeModulePath(value(vars, "MODULE_PATH") ?? config.modulePath),
    branch: value(vars, "BRANCH") ?? config.branch,
  };
}

/** Single-quoted for bash, safe to `eval`. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** `export NAME='value'` lines for `eval` in bash. */
export function exportLines(values: Readonly<Record<string, string | undefined>>): string {
  return Object.entries(values)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, v]) => `export ${name}=${shellQuote(v)}`)
    .join("\n");
}

/** What check_inputs exports into the build's shell. */
export function inputExports(inputs: CiInputs): string {
  return exportLines({
    LAYER: inputs.layer,
    ENV: inputs.env,
    STACK: inputs.stack,
    REGION: inputs.region,
    SERVICE_NAME: inputs.service,
    LANE: inputs.lane,
    ECR_REPOSITORY: inputs.ecrRepository,
    MODULE_PATH: inputs.modulePath,
    BRANCH: inputs.branch,
    ACTION: inputs.action,
    BUILDS_IMAGE: inputs.buildsImage ? "1" : "0",
  });
}

/** The image a run builds: the env's ECR registry of `account`, the service's repository, tag from the commit. */
export function imageExports(inputs: CiInputs, account: string, commit: string): string {
  if (!/^[0-9]{12}$/.test(account)) throw new CiInputError(`the AWS account is '${account}', not a 12-digit account id (aws sts get-caller-identity)`);
  if (!inputs.ecrRepository) throw new CiInputError(`LAYER=${inputs.layer} builds no image`);
  const registry = `${account}.dkr.ecr.${inputs.region}.amazonaws.com`;
  const tag = imageTag(commit);
  return exportLines({ ECR_REGISTRY: registry, ECR_REPOSITORY_URI: `${registry}/${inputs.ecrRepository}`, IMAGE_TAG: tag });
}

/** The deploy parameters file: the build action's artifact, saying what the run deployed. */
export interface DeployParams {
  readonly service: string | null;
  readonly env: string;
  readonly lane: string | null;
  readonly layer: CiLayer;
  readonly branch: string | null;
  readonly commit: string | null;
  readonly imageUri: string | null;
  readonly stack: string;
  readonly action: CiAction;
}

export function deployParams(inputs: CiInputs, vars: Vars): DeployParams {
  const commit = value(vars, "COMMIT");
  const imageUri = value(vars, "IMAGE_URI");
  const builds = inputs.buildsImage;
  if (builds) {
    if (!commit) throw new CiInputError("COMMIT is empty: prebuild checks out BRANCH in the app repository and sets it; did pre_build run?");
    if (!imageUri) throw new CiInputError("IMAGE_URI is empty: build pushes the image and sets it; did the build phase run?");
    if (!imageUri.includes(`/${inputs.ecrRepository}:`) && !imageUri.includes(`/${inputs.ecrRepository}@`)) {
      throw new CiInputError(`IMAGE_URI='${imageUri}' is not an image of ECR repository '${inputs.ecrRepository}' (service '${inputs.service}' in '${inputs.env}').`);
    }
  } else if (imageUri) {
    throw new CiInputError(`IMAGE_URI='${imageUri}' is set, but ${inputs.layer === "app" ? `ACTION=${inputs.action}` : `LAYER=${inputs.layer}`} deploys no new image.`);
  }
  const app = builds;
  return {
    service: inputs.service ?? null,
    env: inputs.env,
    lane: inputs.lane ?? null,
    layer: inputs.layer,
    branch: app ? (inputs.branch ?? null) : null,
    commit: app ? (commit ?? null) : null,
    imageUri: app ? (imageUri ?? null) : null,
    stack: inputs.stack,
    action: inputs.action,
  };
}

/** Images in `aws ecr batch-get-image --output json` (a missing tag is listed under `failures`). */
export function imagesFound(json: string): number {
  const parsed = JSON.parse(json) as { readonly images?: readonly unknown[] };
  return (parsed.images ?? []).length;
}
