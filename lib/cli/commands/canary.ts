import { PIPELINE_ACTIONS } from "../../ci/actions";
import { canary } from "../../ops/commands";
import { workerJudge } from "../../ops/evidence";
import { CANARY_LANE } from "../../naming";
import type { CommandSpec } from "../command";
import { checkImageReference } from "../../image";
import { DRY_RUN, ENV, IMAGE, JSON_OUTPUT, OUTPUT, SERVICE_REQUIRED, opsOf, required } from "../options";

export const command: CommandSpec = {
  name: "canary",
  summary: `worker release: deploy the ${CANARY_LANE} lane with the image, bake while watching its alarms, then default takes the image (or the canary is removed)`,
  description:
    "At the end of the bake the canary is also judged against default: its ERROR lines per message processed (log metric filters on the lanes' JSON lines) with the proportion test of laneDefaults.analysis. A significant regression rolls back like an alarm; too few messages leave the decision to the alarms.",
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
    const judge = workerJudge(service, env, ctx.workerCounts(infra.region), ctx.params.service(service, env).analysis);
    const { polls } = await canary(ops, env, service, image, ctx.alarms(infra.region), ctx.clock(), judge);
    return { code: 0, result: { released: image, polls, steps: ops.steps.done.map((s) => ({ ...s })) }, text: `canary release of ${image} complete: default runs it` };
  },
};
