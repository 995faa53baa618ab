/**
 * `boot-{service}-{env}`: the access layer every lane of a service shares. Reads infra, and the
 * boot layer of every service it calls (it opens their ALBs to its task security group).
 */
import { BootOutputs } from "../contract";
import { pipelineNames, stackNames } from "../naming";
import type { LayerKind } from "./kind";

export const bootLayer: LayerKind<"boot"> = {
  layer: "boot",
  outputs: BootOutputs,
  stackName: (plan) => stackNames.boot(plan.service, plan.env),
  stateAddress: (plan) => ({ layer: "boot", env: plan.env, service: plan.service }),
  lowerLayers: (plan, params) => [
    { layer: "infra", env: plan.env },
    ...params.boot(plan.service, plan.env).calls.map((c) => ({ layer: "boot" as const, env: plan.env, service: c.service })),
  ],
  howToCreate: (plan) =>
    `npm run cdktf -- deploy ${stackNames.boot(plan.service, plan.env)} (or: aws codepipeline start-pipeline-execution --name ${pipelineNames(plan.env, { kind: "bootstrap" }).pipeline} --variables name=SERVICE,value=${plan.service})`,
  subject: (plan) => `the access layer of ${plan.service} in ${plan.env}`,
  selector: (plan) => ({ ENV: plan.env, LAYER: "boot", SERVICE: plan.service }),
  build(app, plan, ctx) {
    const { BootStack } = require("../../stacks/boot-stack") as typeof import("../../stacks/boot-stack");
    return new BootStack(app, ctx.params.infra(plan.env), ctx.params.boot(plan.service, plan.env), ctx.bundleRoot);
  },
};
