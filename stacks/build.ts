import type { TerraformStack } from "cdktf";
import { join } from "node:path";
import type { Construct } from "constructs";
import { resolveImage } from "../lib/image";
import type { ParamsRepository } from "../lib/params/load";
import { imageUriFor, planStacks, type Selection } from "../lib/selection";
import { AppLaneStack } from "./app-lane-stack";
import { BootStack } from "./boot-stack";
import { EdgeStack } from "./edge-stack";
import { InfraStack } from "./infra-stack";
import { PipelineStack } from "./pipeline-stack";
import { StateStack } from "./state-stack";

/** Builds the selected stacks into `app` from params. */
export const DEFAULT_BUNDLE_ROOT = join(__dirname, "..", ".lanes", "bundles");

/** `bundleRoot`: where synth-time bundles (the edge rules sync) are written before cdktf packs them. */
export function buildStacks(app: Construct, params: ParamsRepository, selection: Selection, bundleRoot = DEFAULT_BUNDLE_ROOT): TerraformStack[] {
  const plans = planStacks(params, selection);
  const imageUri = imageUriFor(selection, plans);
  return plans.map((plan) => {
    const infra = params.infra(plan.env);
    switch (plan.layer) {
      case "state":
        return new StateStack(app, infra);
      case "infra":
        return new InfraStack(app, infra);
      case "boot":
        return new BootStack(app, infra, params.boot(plan.service, plan.env));
      case "app": {
        const lane = params.lane(plan.service, plan.env, plan.lane);
        return new AppLaneStack(app, {
          infra,
          boot: params.boot(plan.service, plan.env),
          service: params.service(plan.service, plan.env),
          lane,
          release: {
            image: resolveImage(imageUri, lane.image).image,
            previousImages: selection.previousImages ?? [],
            ...(selection.changedBy ? { changedBy: selection.changedBy } : {}),
          },
        });
      }
      case "edge":
        return new EdgeStack(app, infra, params.edge(plan.env), bundleRoot);
      case "pipeline": {
        const pipelines = infra.pipelines;
        if (!pipelines) throw new Error(`internal: pipeline stack planned for env '${plan.env}' without pipelines params`);
        const spec = plan.pipeline === "app" ? { kind: "app" as const, service: params.service(plan.service, plan.env) } : { kind: plan.pipeline };
        return new PipelineStack(app, infra, pipelines, spec);
      }
    }
  });
}
