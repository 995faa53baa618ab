/** `infra-{env}`: network, ECS cluster and Cloud Map namespace of an env. */
import { InfraOutputs } from "../contract";
import { pipelineNames, stackNames } from "../naming";
import type { LayerKind } from "./kind";

export const infraLayer: LayerKind<"infra"> = {
  layer: "infra",
  outputs: InfraOutputs,
  stackName: (plan) => stackNames.infra(plan.env),
  stateAddress: (plan) => ({ layer: "infra", env: plan.env }),
  lowerLayers: () => [],
  howToCreate: (plan) =>
    `npm run cdktf -- deploy ${stackNames.infra(plan.env)} (or run the ${pipelineNames(plan.env, { kind: "infra" }).pipeline} pipeline)`,
  subject: (plan) => `env ${plan.env}`,
  selector: (plan) => ({ ENV: plan.env, LAYER: "infra" }),
  build(app, plan, ctx) {
    const { InfraStack } = require("../../stacks/infra-stack") as typeof import("../../stacks/infra-stack");
    return new InfraStack(app, ctx.params.infra(plan.env));
  },
};
