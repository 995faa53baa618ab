/** `pipeline-{pipeline}`: the env's deploy pipelines (infra, bootstrap, one per service), created once by an admin. */
import { PipelineOutputs } from "../contract";
import { pipelineNames, type PipelineKind } from "../naming";
import type { LayerKind } from "./kind";
import type { PlanOf } from "./plan";
import type { BootConfig } from "../params/config";

/** An app pipeline's build runs in the VPC when the service's ALB is internal (the verify step must reach it). */
export function buildsInVpc(boot: BootConfig | undefined): boolean {
  if (!boot) return false;
  return boot.kind === "http" && boot.initAlb && boot.internal;
}

function kind(plan: PlanOf<"pipeline">): PipelineKind {
  return plan.pipeline === "app" ? { kind: "app", service: plan.service } : { kind: plan.pipeline };
}

export const pipelineLayer: LayerKind<"pipeline"> = {
  layer: "pipeline",
  outputs: PipelineOutputs,
  stackName: (plan) => pipelineNames(plan.env, kind(plan)).stack,
  stateAddress: (plan) => ({ layer: "pipeline", env: plan.env, pipeline: pipelineNames(plan.env, kind(plan)).pipeline }),
  // An app pipeline whose build runs in the VPC (internal ALB) reads infra (VPC, subnets) and boot (the ALB's security group).
  lowerLayers: (plan, params) =>
    plan.pipeline === "app" && buildsInVpc(params.boot(plan.service, plan.env))
      ? [
          { layer: "infra", env: plan.env },
          { layer: "boot", env: plan.env, service: plan.service },
        ]
      : [],
  howToCreate: (plan) => `npm run cdktf -- deploy ${pipelineNames(plan.env, kind(plan)).stack} (an admin, once)`,
  subject: (plan) => `pipeline ${pipelineNames(plan.env, kind(plan)).pipeline}`,
  selector: (plan) => ({ ENV: plan.env, LAYER: "pipeline", PIPELINE: plan.pipeline, ...(plan.pipeline === "app" ? { SERVICE: plan.service } : {}) }),
  build(app, plan, ctx) {
    const { PipelineStack } = require("../../stacks/pipeline-stack") as typeof import("../../stacks/pipeline-stack");
    const infra = ctx.params.infra(plan.env);
    if (!infra.pipelines) throw new Error(`internal: pipeline stack planned for env '${plan.env}' without pipelines params`);
    const spec = plan.pipeline === "app" ? { kind: "app" as const, service: ctx.params.service(plan.service, plan.env), boot: ctx.params.boot(plan.service, plan.env) } : { kind: plan.pipeline };
    return new PipelineStack(app, infra, infra.pipelines, spec);
  },
};
