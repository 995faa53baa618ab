import { PIPELINE_ACTIONS } from "../../ci/actions";
import { canary } from "../../ops/commands";
import { CANARY_LANE } from "../../naming";
import type { CommandSpec } from "../command";
import { checkImageReference } from "../../image";
import { DRY_RUN, ENV, IMAGE, JSON_OUTPUT, OUTPUT, SERVICE_REQUIRED, opsOf, required } from "../options";

export const command: CommandSpec = {
  name: "canary",
  summary: `worker release: deploy the ${CANARY_LANE} lane with the image, bake while watching its alarms, then default takes the image (or the canary is removed)`,
  arguments: [],
  options: [ENV, SERVICE_REQUIRED, { ...IMAGE, required: true }, DRY_RUN, OUTPUT, JSON_OUTPUT],
  examples: ["lanes canary --service order-worker --env dev --image 123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/dev/order-worker:sha-7777777"],
  exitCodes: ["usage", "lowerLayerMissing", "locked", "refused", "canaryRolledBack"],
  pipelineAction: PIPELINE_ACTIONS.canary,
  async run(input, ctx) {
    const env = required(input, "env", "--env dev");
    const service = required(input, "service", "--service order-worker");
    const image = checkImageReference(required(input, "image", "--image <uri> (the build to release)"), "--image");
    const ops = opsOf(ctx, input);
    const infra = ctx.params.infra(env);
    const { polls } = await canary(ops, env, service, image, ctx.alarms(infra.region), ctx.clock());
    return { code: 0, result: { released: image, polls, steps: ops.steps.done.map((s) => ({ ...s })) }, text: `canary release of ${image} complete: default runs it` };
  },
};
