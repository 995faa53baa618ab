/** `pipeline-{pipeline}`: the env's deploy pipelines (infra, bootstrap, one per service), created once by an admin. */
import { PipelineOutputs } from "../contract";
import { pipelineNames, type PipelineKind } from "../naming";
import type { LayerKind } from "./kind";
import type { PlanOf } from "./plan";

function kind(plan: PlanOf<"pipeline">): PipelineKind {
  return plan.pipeline === "app" ? { kind: "app", service: plan.service } : { kind: plan.pipeline };
}

export const pipelineLayer: LayerKind<"pipeline"> = {
  layer: "pipeline",
  outputs: PipelineOutputs,
  stackName: (plan) => pipelineNames(plan.env, kind(plan)).stack,
  stateAddress: (plan) => ({ layer: "pipeline", env: plan.env, pipeline: pipelineNames(plan.env, kind(plan)).pipeline }),
  lowerLayers: () => [],
  howToCreate: (plan) => `npm run cdktf -- deploy ${pipelineNames(plan.env, kind(plan)).stack} (an admin, once)`,
  subject: (plan) => `pipeline ${pipelineNames(plan.env, kind(plan)).pipeline}`,
  selector: (plan) => ({ ENV: plan.env, LAYER: "pipeline", PIPELINE: plan.pipeline, ...(plan.pipeline === "app" ? { SERVICE: plan.service } : {}) }),
  build(app, plan, ctx) {
    const { PipelineStack } = require("../../stacks/pipeline-stack") as typeof import("../../stacks/pipeline-stack");
    const infra = ctx.params.infra(plan.env);
    if (!infra.pipelines) throw new Error(`internal: pipeline stack planned for env '${plan.env}' without pipelines params`);
    const spec = plan.pipeline === "app" ? { kind: "app" as const, service: ctx.params.service(plan.service, plan.env) } : { kind: plan.pipeline };
    return new PipelineStack(app, infra, infra.pipelines, spec);
  },
};
