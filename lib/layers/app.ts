/**
 * `app-{service}-{env}-{lane}`: one lane of a service. Reads infra, the service's boot layer and
 * the boot layer of every service it calls (their ALB URLs), so preflight refuses the lane while
 * a callee has not been bootstrapped.
 */
import { resolveImage } from "../image";
import { LaneOutputs } from "../contract";
import { pipelineNames, stackNames } from "../naming";
import type { LayerKind } from "./kind";

export const appLayer: LayerKind<"app"> = {
  layer: "app",
  outputs: LaneOutputs,
  stackName: (plan) => stackNames.app(plan.service, plan.env, plan.lane),
  stateAddress: (plan) => ({ layer: "app", env: plan.env, service: plan.service, lane: plan.lane }),
  lowerLayers: (plan, params) => [
    { layer: "infra", env: plan.env },
    { layer: "boot", env: plan.env, service: plan.service },
    ...params.boot(plan.service, plan.env).calls.map((c) => ({ layer: "boot" as const, env: plan.env, service: c.service })),
  ],
  howToCreate: (plan) =>
    `npm run lanes -- deploy ${plan.lane} --service ${plan.service} --env ${plan.env} (or: aws codepipeline start-pipeline-execution --name ${pipelineNames(plan.env, { kind: "app", service: plan.service }).pipeline} --variables name=LANE,value=${plan.lane})`,
  subject: (plan) => `lane '${plan.lane}' of ${plan.service} in ${plan.env}`,
  selector: (plan) => ({ ENV: plan.env, LAYER: "app", SERVICE: plan.service, LANE: plan.lane }),
  build(app, plan, ctx) {
    const { AppLaneStack } = require("../../stacks/app-lane-stack") as typeof import("../../stacks/app-lane-stack");
    const lane = ctx.params.lane(plan.service, plan.env, plan.lane);
    return new AppLaneStack(app, {
      infra: ctx.params.infra(plan.env),
      boot: ctx.params.boot(plan.service, plan.env),
      service: ctx.params.service(plan.service, plan.env),
      lane,
      release: {
        image: resolveImage(ctx.release?.imageUri, lane.image).image,
        previousImages: ctx.release?.previousImages ?? [],
        ...(ctx.release?.changedBy ? { changedBy: ctx.release.changedBy } : {}),
        ...(ctx.release?.ramp ? { ramp: true } : {}),
        // The deploying command's TTL, else the lane's in params (a plain `cdktf deploy`: then
        // the expiry counts from the state's last change, see lib/ops/lane-state.ts).
        ...(ctx.release?.ttl ?? lane.ttl ? { ttl: ctx.release?.ttl ?? lane.ttl } : {}),
        ...(ctx.release?.expiresAt ? { expiresAt: ctx.release.expiresAt } : {}),
      },
    });
  },
};
