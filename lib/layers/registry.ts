/**
 * The layer registry: every layer kind, and the functions that answer for any plan. Adding a
 * layer means adding its module and one entry here; the compiler then asks for it everywhere a
 * layer is handled exhaustively.
 */
import type { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { ParamsRepository } from "../params/load";
import type { StateAddress } from "../state";
import { appLayer } from "./app";
import { bootLayer } from "./boot";
import { edgeLayer } from "./edge";
import { infraLayer } from "./infra";
import type { BuildContext, LayerKind } from "./kind";
import { pipelineLayer } from "./pipeline";
import type { Layer, StackPlan } from "./plan";
import { stateLayer } from "./state";

export const LAYER_KINDS: { readonly [L in Layer]: LayerKind<L> } = {
  state: stateLayer,
  infra: infraLayer,
  boot: bootLayer,
  app: appLayer,
  edge: edgeLayer,
  pipeline: pipelineLayer,
};

/**
 * The kind of any plan. The registry maps each layer to its own kind, so the plan always matches
 * the kind's plan type; TypeScript cannot correlate the two through the union, hence the one cast.
 */
export function kindOf(plan: StackPlan): LayerKind<Layer> {
  return LAYER_KINDS[plan.layer] as unknown as LayerKind<Layer>;
}

export const stackNameOf = (plan: StackPlan): string => kindOf(plan).stackName(plan);
export const stateAddressOf = (plan: StackPlan): StateAddress | undefined => kindOf(plan).stateAddress(plan);
export const lowerLayersOf = (plan: StackPlan, params: ParamsRepository): StackPlan[] => kindOf(plan).lowerLayers(plan, params);
export const howToCreate = (plan: StackPlan): string => kindOf(plan).howToCreate(plan);
export const subjectOf = (plan: StackPlan): string => kindOf(plan).subject(plan);
export const selectorOf = (plan: StackPlan): Readonly<Record<string, string>> => kindOf(plan).selector(plan);
export const buildStack = (app: Construct, plan: StackPlan, ctx: BuildContext): TerraformStack => kindOf(plan).build(app, plan, ctx);
