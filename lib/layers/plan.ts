/**
 * A plan: one stack of one layer, named by its coordinates. Every mapping from a plan (its stack
 * name, state address, lower layers, selector variables, how it is built) lives in the layer's
 * module next to this file and is reached through the registry (index.ts).
 */
export const LAYERS = ["state", "infra", "boot", "app", "edge", "pipeline"] as const;
export type Layer = (typeof LAYERS)[number];

/** The pipelines of an env: three that deploy, and gc, which removes expired lanes on a schedule. */
export type PipelineKindName = "infra" | "bootstrap" | "gc" | "app";

export type StackPlan =
  | { readonly layer: "state"; readonly env: string }
  | { readonly layer: "infra"; readonly env: string }
  | { readonly layer: "boot"; readonly env: string; readonly service: string }
  | { readonly layer: "app"; readonly env: string; readonly service: string; readonly lane: string }
  | { readonly layer: "edge"; readonly env: string }
  | { readonly layer: "pipeline"; readonly env: string; readonly pipeline: "infra" | "bootstrap" | "gc" }
  | { readonly layer: "pipeline"; readonly env: string; readonly pipeline: "app"; readonly service: string };

export type PlanOf<L extends Layer> = Extract<StackPlan, { readonly layer: L }>;

export function isLayer(text: string): text is Layer {
  return (LAYERS as readonly string[]).includes(text);
}
