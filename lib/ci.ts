/**
 * What ci/build.sh asks of the project before and after it builds (scripts/ci-inputs.ts is the
 * command line around it). Every rule comes from the project itself: names from lib/naming,
 * the stack from the same planStacks main.ts uses, the region and defaults from params/. Bash
 * only moves values around.
 */
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join, posix } from "node:path";
import { LaneOutputs } from "./contract";
import { CANARY_LANE, serviceNames } from "./naming";
import type { ParamsRepository } from "./params/load";
import { TRACESTATE_HEADER, laneMember } from "./routing";
import { planStacks, selectionFromEnv, stackNameOf } from "./selection";

/** Layers a pipeline deploys: `infra` (infra pipeline), `boot` (bootstrap pipeline), `app` (app pipelines). */
export const CI_LAYERS = ["app", "boot", "infra"] as const;
export type CiLayer = (typeof CI_LAYERS)[number];

export type Vars = Readonly<Record<string, string | undefined>>;

export class CiInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CiInputError";
  }
}

/** What an app pipeline run does with its lane (variable ACTION; seed 000 §五–§六). */
export const CI_ACTIONS = ["deploy", "promote", "rollback", "destroy", "canary"] as const;
export type CiAction = (typeof CI_ACTIONS)[number];

/** Actions that build and push a new image first. */
export function actionBuilds(action: CiAction): boolean {
  return action === "deploy" || action === "canary";
}

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
  /** deploy (build and deploy the lane), promote, rollback or destroy (no build). */
  readonly action: CiAction;
}

function value(vars: Vars, name: string): string | undefined {
  const v = vars[name]?.trim();
  return v ? v : undefined;
}

const PIPELINE_OF: Record<CiLayer, string> = {
  app: "the app pipeline ({service}-{env})",
  boot: "the bootstrap pipeline (bootstrap-{env})",
  infra: "the infra pipeline (infra-{env})",
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
  const selection = selectionFromEnv({ ENV: env, SERVICE_NAME: service, SERVICE: value(vars, "SERVICE"), LANE: lane, LAYER: layer });
  const plans = planStacks(params, selection);
  if (plans.length !== 1 || plans[0]!.layer !== layer) {
    throw new CiInputError(`LAYER=${layer} ENV=${env}${service ? ` SERVICE_NAME=${service}` : ""} selects ${plans.length} stacks (${plans.map(stackNameOf).join(", ") || "none"}), not one ${layer} stack.`);
  }
  const plan = plans[0]!;
  const actionText = value(vars, "ACTION") ?? "deploy";
  if (!(CI_ACTIONS as readonly string[]).includes(actionText)) {
    throw new CiInputError(`ACTION='${actionText}' is not an action. Allowed: ${CI_ACTIONS.join(", ")}.`);
  }
  const action = actionText as CiAction;
  if (layer !== "app" && action !== "deploy") {
    throw new CiInputError(`ACTION=${action} is for lanes (the app pipeline); LAYER=${layer} only deploys.`);
  }
  if ((action === "destroy" || action === "promote") && lane === "default") {
    throw new CiInputError(
      `ACTION=${action} LANE=default is refused in the pipeline: ${action === "destroy" ? "the default lane serves every request without a lane (an operator can force it with lanes destroy default --force)" : "promote takes the lane to promote into default"}.`,
    );
  }
  if (action === "canary") {
    if (plan.layer !== "app" || params.service(plan.service, env).kind !== "worker") {
      throw new CiInputError(`ACTION=canary is the worker release (seed 002); ${service} is an http service: use ACTION=deploy on a lane, then promote.`);
    }
    if (lane !== CANARY_LANE) throw new CiInputError(`ACTION=canary deploys the canary lane: set LANE=${CANARY_LANE} (got '${lane}').`);
  }
  const region = params.infra(env).region;
  const base = { layer, env, region, stack: stackNameOf(plan), action };
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
  });
}

/** The deploy parameters file (artifact of the build action; seed 001 §5.3.2). */
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
  const builds = inputs.layer === "app" && actionBuilds(inputs.action);
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

/** Stack names in `<outdir>/manifest.json` of a synth. */
export function synthesizedStacks(outdir: string): string[] {
  const manifest = join(outdir, "manifest.json");
  if (!existsSync(manifest)) throw new CiInputError(`${manifest} not found: the synth wrote nothing.`);
  const parsed = JSON.parse(readFileSync(manifest, "utf8")) as { stacks?: Record<string, unknown> };
  return Object.keys(parsed.stacks ?? {}).sort();
}

/** Fails unless the synth in `outdir` produced exactly `stack`. */
export function assertOnlyStack(outdir: string, stack: string): void {
  const stacks = synthesizedStacks(outdir);
  if (stacks.length !== 1 || stacks[0] !== stack) {
    throw new CiInputError(
      `the synth in ${outdir} produced ${stacks.length} stack(s) [${stacks.join(", ")}], expected exactly [${stack}]: refusing to deploy. Check the selector variables (ENV, SERVICE, LANE, LAYER) passed to main.ts.`,
    );
  }
}

interface TargetHealthJson {
  readonly TargetHealthDescriptions?: readonly { readonly TargetHealth?: { readonly State?: string } }[];
}

/** Healthy targets in `aws elbv2 describe-target-health --output json`. */
export function healthyTargets(json: string): number {
  const parsed = JSON.parse(json) as TargetHealthJson;
  return (parsed.TargetHealthDescriptions ?? []).filter((d) => d.TargetHealth?.State === "healthy").length;
}

/** Images in `aws ecr batch-get-image --output json` (a missing tag is listed under `failures`). */
export function imagesFound(json: string): number {
  const parsed = JSON.parse(json) as { readonly images?: readonly unknown[] };
  return (parsed.images ?? []).length;
}

type TerraformOutputsJson = Readonly<Record<string, { readonly value?: unknown } | undefined>>;

/**
 * What verify needs from the lane stack's outputs (`terraform output -json`, names from
 * LaneOutputs) and params: the target group, and the health URL with the lane's `tracestate`.
 */
export function laneCheck(inputs: CiInputs, outputsJson: string, params: ParamsRepository): Record<string, string> {
  if (inputs.layer !== "app" || !inputs.service || !inputs.lane) throw new CiInputError(`LAYER=${inputs.layer}: only lanes are verified.`);
  const outputs = JSON.parse(outputsJson) as TerraformOutputsJson;
  const read = (name: string): string => {
    const entry = outputs[name];
    if (!entry || typeof entry.value !== "string") {
      throw new CiInputError(`output '${name}' of ${inputs.stack} is missing: was the stack deployed? (outputs found: ${Object.keys(outputs).join(", ") || "none"})`);
    }
    return entry.value;
  };
  const targetGroupArn = read(LaneOutputs.targetGroupArn.name);
  const albDnsName = read(LaneOutputs.albDnsName.name);
  const boot = params.boot(inputs.service, inputs.env);
  // The lane rules sit on the HTTPS listener when there is one; its certificate names the
  // service's domain, not the ALB's DNS name, so that probe skips the name check.
  const [scheme, port, insecure] = boot.https ? ["https", boot.https.port, "1"] : ["http", boot.httpPort, "0"];
  const defaultPort = scheme === "https" ? 443 : 80;
  const host = port === defaultPort ? albDnsName : `${albDnsName}:${port}`;
  return {
    TARGET_GROUP_ARN: targetGroupArn,
    ALB_DNS_NAME: albDnsName,
    HEALTH_URL: albDnsName ? `${scheme}://${host}${boot.healthCheckPath}` : "",
    HEALTH_INSECURE: insecure,
    TRACESTATE_HEADER: `${TRACESTATE_HEADER}: ${laneMember(inputs.lane)}`,
  };
}
