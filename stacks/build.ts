import type { TerraformStack } from "cdktf";
import { join } from "node:path";
import type { Construct } from "constructs";
import { buildStack } from "../lib/layers/registry";
import type { ParamsRepository } from "../lib/params/load";
import { imageUriFor, planStacks, type Selection } from "../lib/selection";

/** Where synth-time bundles (the edge rules sync, the lanes' fallback switch) are written before cdktf packs them. */
export const DEFAULT_BUNDLE_ROOT = join(__dirname, "..", ".lanes", "bundles");

/** Builds the selected stacks into `app` from params, each through its layer's module (lib/layers). */
export function buildStacks(app: Construct, params: ParamsRepository, selection: Selection, bundleRoot = DEFAULT_BUNDLE_ROOT): TerraformStack[] {
  const plans = planStacks(params, selection);
  const imageUri = imageUriFor(selection, plans);
  const release = {
    ...(imageUri ? { imageUri } : {}),
    previousImages: selection.previousImages ?? [],
    ...(selection.changedBy ? { changedBy: selection.changedBy } : {}),
    ...(selection.ramp ? { ramp: true } : {}),
    ...(selection.ttl ? { ttl: selection.ttl } : {}),
    ...(selection.expiresAt ? { expiresAt: selection.expiresAt } : {}),
  };
  return plans.map((plan) => buildStack(app, plan, { params, release, bundleRoot }));
}
