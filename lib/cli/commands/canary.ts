import { PIPELINE_ACTIONS } from "../../ci/actions";
import { canary } from "../../ops/commands";
import { canaryCounts, workerJudge } from "../../ops/evidence";
import { CANARY_LANE } from "../../naming";
import type { CommandSpec } from "../command";
import { checkImageReference } from "../../image";
import { DRY_RUN, ENV, IMAGE, JSON_OUTPUT, OUTPUT, SERVICE_REQUIRED, buildBudgetMinutes, flag, option, opsOf, required } from "../options";

export const command: CommandSpec = {
  name: "canary",
  summary: `worker release: deploy the ${CANARY_LANE} lane with the image, wait until it runs steady, bake while watching it, then default takes the image (or the canary is removed)`,
  description: [
    "The bake starts when the canary's tasks are running and steady (worker.canary.steadyMinutes is the deadline).",
    "During the bake the canary's own alarms roll it back; queue-wide ones (dead letters, oldest message) are shown, never blamed on it.",
    "At the end the canary must have processed worker.canary.minMessages messages and its ERROR lines per message must stay under maxErrorRatePercent (once there are minErrorLines):",
    "too little evidence extends the bake (maxExtensions) and then fails, never promotes.",
    "It is also judged against default: its ERROR lines per message processed with the proportion test of laneDefaults.analysis; a significant regression rolls back.",
    "A canary left by an interrupted release is continued with --resume or removed with --abort; a new release refuses to start over it.",
  ].join(" "),
  arguments: [],
  options: [
    ENV,
    SERVICE_REQUIRED,
    { ...IMAGE, description: "image to release (registry/repository:tag or @digest); not with --abort, and with --resume only the canary's own" },
    { flags: "--resume", description: "continue an interrupted release: the canary left behind keeps its image, is waited for, baked and decided" },
    { flags: "--abort", description: "remove the canary left by an interrupted release; default untouched" },
    DRY_RUN,
    OUTPUT,
    JSON_OUTPUT,
  ],
  examples: [
    "lanes canary --service order-worker --env dev --image 123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/dev/order-worker:sha-7777777",
    "lanes canary --service order-worker --env dev --resume",
    "lanes canary --service order-worker --env dev --abort",
  ],
  exitCodes: ["usage", "lowerLayerMissing", "locked", "refused", "unknownLane", "canaryRolledBack"],
  pipelineAction: PIPELINE_ACTIONS.canary,
  async run(input, ctx) {
    const env = required(input, "env", "--env dev");
    const service = required(input, "service", "--service order-worker");
    const resume = flag(input, "resume");
    const abort = flag(input, "abort");
    const given = option(input, "image");
    const image = resume || abort ? (given !== undefined ? checkImageReference(given, "--image") : undefined) : checkImageReference(required(input, "image", "--image <uri> (the build to release)"), "--image");
    const ops = opsOf(ctx, input);
    const infra = ctx.params.infra(env);
    const counts = ctx.workerCounts(infra.region);
    const judge = workerJudge(service, env, counts, ctx.params.service(service, env).analysis);
    const budgetMinutes = buildBudgetMinutes(ctx.env);
    const result = await canary(ops, env, service, image, ctx.alarms(infra.region), ctx.clock(), judge, {
      resume,
      abort,
      counts: canaryCounts(service, env, counts),
      ...(budgetMinutes !== undefined ? { budgetMinutes } : {}),
    });
    const steps = ops.steps.done.map((s) => ({ ...s }));
    if (result.aborted) return { code: 0, result: { aborted: result.image, steps }, text: `canary of ${result.image || "unknown image"} removed; default untouched` };
    return { code: 0, result: { released: result.image, polls: result.polls, steps }, text: `canary release of ${result.image} complete: default runs it` };
  },
};
