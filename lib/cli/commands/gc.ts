import { collectGarbage } from "../../ops/fleet";
import type { CommandSpec } from "../command";
import { DRY_RUN, ENV, JSON_OUTPUT, OUTPUT, SERVICE, flag, opsOf, option, required } from "../options";

export const command: CommandSpec = {
  name: "gc",
  summary: "destroy the env's expired lanes (their time to live has passed), one by one under each lane's lock; default never expires",
  description:
    "A lane expires its ttl after its last deploy (lanes deploy --ttl, the pipeline's TTL, lanes.<lane>.ttl or laneDefaults.ttl in params). A lane whose state is locked is skipped and named; a lane that fails is named and the others go on (exit 1). The gc pipeline runs this on a schedule.",
  arguments: [],
  options: [ENV, { ...SERVICE, description: "only this service's lanes" }, DRY_RUN, OUTPUT, JSON_OUTPUT],
  examples: ["lanes gc --env dev --dry-run", "lanes gc --env dev --service user-api"],
  exitCodes: ["usage"],
  async run(input, ctx) {
    const env = required(input, "env", "--env dev");
    const service = option(input, "service");
    const ops = opsOf(ctx, input);
    const outcome = await collectGarbage(ops, env, service ? { service } : {});
    const verb = flag(input, "dryRun") ? "would destroy" : "destroyed";
    const names = (list: readonly { service: string; lane: string }[]) => list.map((l) => `${l.service}/${l.lane}`).join(", ");
    const parts = [
      `${verb} ${outcome.destroyed.length}${outcome.destroyed.length ? ` (${names(outcome.destroyed)})` : ""}`,
      ...(outcome.skipped.length ? [`skipped ${outcome.skipped.length} locked (${outcome.skipped.map((s) => `${s.service}/${s.lane}: ${s.reason}`).join("; ")})`] : []),
      ...(outcome.failed.length ? [`failed ${outcome.failed.length} (${outcome.failed.map((f) => `${f.service}/${f.lane}: ${f.error}`).join("; ")})`] : []),
      `kept ${outcome.kept}`,
    ];
    return {
      code: outcome.failed.length ? 1 : 0,
      result: { env, dryRun: flag(input, "dryRun"), ...outcome, steps: ops.steps.done.map((s) => ({ ...s })) },
      text: `gc ${env}${service ? ` (${service})` : ""}: ${parts.join("; ")}`,
    };
  },
};
