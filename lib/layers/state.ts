/** `state-{env}`: the state bucket and lock table of an env, deployed once by an admin, with local state. */
import { StateOutputs } from "../contract";
import { stackNames } from "../naming";
import type { LayerKind } from "./kind";

export const stateLayer: LayerKind<"state"> = {
  layer: "state",
  outputs: StateOutputs,
  stackName: (plan) => stackNames.state(plan.env),
  stateAddress: () => undefined,
  lowerLayers: () => [],
  howToCreate: (plan) => `npm run cdktf -- deploy ${stackNames.state(plan.env)} (an admin, once per env; keep its local state in state/)`,
  subject: (plan) => `the state backend of ${plan.env}`,
  selector: (plan) => ({ ENV: plan.env, LAYER: "state" }),
  build(app, plan, ctx) {
    const { StateStack } = require("../../stacks/state-stack") as typeof import("../../stacks/state-stack");
    return new StateStack(app, ctx.params.infra(plan.env));
  },
};
