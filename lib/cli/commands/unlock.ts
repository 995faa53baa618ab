import { unlockLane } from "../../ops/unlock";
import type { CommandSpec } from "../command";
import { UsageError } from "../exit-codes";
import { ENV, LANE_ARGUMENT, LANE_OPTION, SERVICE_REQUIRED, laneOf, required } from "../options";

export const command: CommandSpec = {
  name: "unlock",
  summary: "release a lane's state lock left by a deploy that was killed mid-apply, only when no build of that lane still runs",
  description: [
    "Reads the lane's own lock (lock table item and/or <key>.tflock), then asks CodeBuild whether a build of the lane is still running in the service's app pipeline project",
    "(ListBuildsForProject, BatchGetBuilds, matched by the build's LANE variable): if one is, nothing is released.",
    "Only the lane's own lock is ever released; Terraform's state digest item is left alone. A run from a person's machine does not show in CodeBuild: the lock's holder (lanes status) says whose it is.",
  ].join(" "),
  arguments: [{ ...LANE_ARGUMENT, description: "the lane whose lock to release" }],
  options: [ENV, SERVICE_REQUIRED, LANE_OPTION],
  examples: ["lanes unlock gray --service user-api --env dev"],
  exitCodes: ["usage", "locked", "refused", "unknownLane"],
  async run(input, ctx) {
    const env = required(input, "env", "--env dev");
    const service = required(input, "service", "--service user-api");
    const lane = laneOf(input);
    if (!lane) throw new UsageError(`unlock needs a lane: lanes unlock gray --service ${service} --env ${env}`);
    const infra = ctx.params.infra(env);
    const ops = ctx.ops(env, { dryRun: false });
    const { stack, key, lock } = await unlockLane(ops, env, service, lane, ctx.laneBuilds(infra.region));
    return {
      code: 0,
      result: { stack, key, released: { id: lock.ID, who: lock.Who, operation: lock.Operation, created: lock.Created } },
      text: `released the state lock of ${stack} (lock ID ${lock.ID}, held by ${lock.Who} since ${lock.Created}); if the killed run had written state, check it before the next deploy (README: "Restoring a lane's earlier state")`,
    };
  },
};
