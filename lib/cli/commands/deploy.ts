import { PIPELINE_ACTIONS } from "../../ci/actions";
import { stackNameOf } from "../../layers/registry";
import { deployLane, preflight } from "../../ops/commands";
import type { CommandSpec } from "../command";
import { UsageError } from "../exit-codes";
import { DRY_RUN, ENV, IMAGE, JSON_OUTPUT, LANE_ARGUMENT, LANE_OPTION, LAYER, OUTPUT, SERVICE, imageOption, laneOf, opsOf, option, required } from "../options";
import { targetOf } from "../target";

export const command: CommandSpec = {
  name: "deploy",
  summary: "preflight, then deploy one lane (keeping its current image unless --image is given), or a shared layer",
  description:
    "A lane deploy records the image and the lane's image history in its state (rollback uses them). Without --image a lane keeps the image it runs; a new lane gets the params image or the public default.",
  arguments: [LANE_ARGUMENT],
  options: [ENV, SERVICE, LANE_OPTION, LAYER, IMAGE, DRY_RUN, OUTPUT, JSON_OUTPUT],
  examples: [
    "lanes deploy gray --service user-api --env dev --image 123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/dev/user-api:sha-9f8e7d6",
    "lanes deploy --layer boot --service user-api --env dev",
  ],
  exitCodes: ["usage", "lowerLayerMissing", "locked"],
  pipelineAction: PIPELINE_ACTIONS.deploy,
  async run(input, ctx) {
    const env = required(input, "env", "--env dev");
    const ops = opsOf(ctx, input);
    const done = () => ops.steps.done.map((s) => ({ ...s }));
    if (option(input, "layer")) {
      if (option(input, "image")) throw new UsageError("--image is for lanes; a shared layer has no image");
      const target = targetOf(ctx.params, input, "deploy");
      await preflight(ops, target);
      await ops.steps.deploy(target);
      return { code: 0, result: { stack: stackNameOf(target), steps: done() }, text: `${stackNameOf(target)} deployed` };
    }
    const service = required(input, "service", "--service user-api");
    const lane = laneOf(input);
    if (!lane) throw new UsageError(`deploy needs a lane: lanes deploy gray --service ${service} --env ${env}`);
    const image = await deployLane(ops, env, service, lane, imageOption(input));
    return { code: 0, result: { lane, image, steps: done() }, text: `lane ${lane} of ${service} runs ${image}` };
  },
};
