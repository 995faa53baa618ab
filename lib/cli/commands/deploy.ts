import { PIPELINE_ACTIONS } from "../../ci/actions";
import { stackNameOf } from "../../layers/registry";
import { deployLane, preflight } from "../../ops/commands";
import type { CommandSpec } from "../command";
import { UsageError } from "../exit-codes";
import { checkTtl } from "../../ttl";
import { DRY_RUN, ENV, IMAGE, JSON_OUTPUT, LANE_ARGUMENT, LANE_OPTION, LAYER, OUTPUT, SERVICE, TTL, imageOption, laneOf, opsOf, option, required } from "../options";
import { targetOf } from "../target";

export const command: CommandSpec = {
  name: "deploy",
  summary: "preflight, then deploy one lane (keeping its current image unless --image is given), or a shared layer",
  description:
    "A lane deploy records the image and the lane's image history in its state (rollback uses them). Without --image a lane keeps the image it runs; a new lane gets the params image or the public default. Likewise --ttl: without it a lane keeps its time to live (a new lane: lanes.<lane>.ttl or laneDefaults.ttl in params); each deploy restarts the clock, and lanes gc removes the lane once it expires. A deploy that would exceed the load balancer's rules or target groups quota stops before Terraform (exit 11).",
  arguments: [LANE_ARGUMENT],
  options: [ENV, SERVICE, LANE_OPTION, LAYER, IMAGE, TTL, DRY_RUN, OUTPUT, JSON_OUTPUT],
  examples: [
    "lanes deploy gray --service user-api --env dev --image 123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/dev/user-api:sha-9f8e7d6",
    "lanes deploy blue --service user-api --env dev --ttl 72h",
    "lanes deploy --layer boot --service user-api --env dev",
  ],
  exitCodes: ["usage", "lowerLayerMissing", "locked", "quota"],
  pipelineAction: PIPELINE_ACTIONS.deploy,
  async run(input, ctx) {
    const env = required(input, "env", "--env dev");
    const ops = opsOf(ctx, input);
    const done = () => ops.steps.done.map((s) => ({ ...s }));
    if (option(input, "layer")) {
      if (option(input, "image")) throw new UsageError("--image is for lanes; a shared layer has no image");
      if (option(input, "ttl")) throw new UsageError("--ttl is for lanes; a shared layer never expires");
      const target = targetOf(ctx.params, input, "deploy");
      await preflight(ops, target);
      await ops.steps.deploy(target);
      return { code: 0, result: { stack: stackNameOf(target), steps: done() }, text: `${stackNameOf(target)} deployed` };
    }
    const service = required(input, "service", "--service user-api");
    const lane = laneOf(input);
    if (!lane) throw new UsageError(`deploy needs a lane: lanes deploy gray --service ${service} --env ${env}`);
    const ttl = option(input, "ttl");
    const deployed = await deployLane(ops, env, service, lane, imageOption(input), ttl === undefined ? {} : { ttl: checkTtl(ttl, "--ttl") });
    const expires = deployed.expiresAt ? `; expires ${deployed.expiresAt}` : "";
    return { code: 0, result: { lane, ...deployed, steps: done() }, text: `lane ${lane} of ${service} runs ${deployed.image}${expires}` };
  },
};
