/** `edge-{env}`: CloudFront assigning lanes in front of the env's http services. Reads infra (the origin secret) and their boot layers. */
import { EdgeOutputs } from "../contract";
import { stackNames } from "../naming";
import type { LayerKind } from "./kind";

export const edgeLayer: LayerKind<"edge"> = {
  layer: "edge",
  outputs: EdgeOutputs,
  stackName: (plan) => stackNames.edge(plan.env),
  stateAddress: (plan) => ({ layer: "edge", env: plan.env }),
  lowerLayers: (plan, params) => [
    { layer: "infra" as const, env: plan.env },
    ...params.edge(plan.env).origins.map((o) => ({ layer: "boot" as const, env: plan.env, service: o.service })),
  ],
  howToCreate: (plan) => `npm run cdktf -- deploy ${stackNames.edge(plan.env)} (an admin)`,
  subject: (plan) => `the edge of ${plan.env}`,
  selector: (plan) => ({ ENV: plan.env, LAYER: "edge" }),
  build(app, plan, ctx) {
    const { EdgeStack } = require("../../stacks/edge-stack") as typeof import("../../stacks/edge-stack");
    return new EdgeStack(app, ctx.params.infra(plan.env), ctx.params.edge(plan.env), ctx.bundleRoot);
  },
};
