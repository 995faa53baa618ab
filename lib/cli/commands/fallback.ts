import { assertLane } from "../../naming";
import { switchLaneRules } from "../../fallback/switch";
import { laneHealthTargets } from "../../ops/fallback";
import type { CommandSpec } from "../command";
import { UsageError } from "../exit-codes";
import { ENV, JSON_OUTPUT, SERVICE_REQUIRED, flag, required } from "../options";

export const command: CommandSpec = {
  name: "fallback",
  summary: "the per-hop fallback switch: --unhealthy points a lane's rules at default's target group (a strict lane: 503), --healthy back at the lane's own",
  description:
    "By hand, what the boot layer's fallback Lambda does on the lane's healthy-hosts alarm (ALARM / OK): one ModifyRule per listener carrying the lane's rules (the viewer listener and the internal one for callers), no Terraform run; an override or a repair (the next alarm state change sets the rules again). Requests keep their lane, so the next hop re-enters it. A strict lane (params onUnhealthy: refuse) answers 503 instead of falling back.",
  arguments: [{ name: "lane", description: "the lane, e.g. gray", required: true }],
  options: [
    ENV,
    SERVICE_REQUIRED,
    { flags: "--unhealthy", description: "the lane has no healthy target: fall back (or refuse, when strict)" },
    { flags: "--healthy", description: "the lane is healthy again: its rules forward to its own target group" },
    JSON_OUTPUT,
  ],
  examples: ["lanes fallback gray --service user-api --env dev --unhealthy", "lanes fallback gray --service user-api --env dev --healthy"],
  exitCodes: ["usage", "lowerLayerMissing", "unknownLane"],
  async run(input, ctx) {
    const env = required(input, "env", "--env dev");
    const service = required(input, "service", "--service user-api");
    const lane = assertLane(input.args[0] ?? "", "lane");
    if (flag(input, "unhealthy") === flag(input, "healthy")) throw new UsageError("give exactly one of --unhealthy and --healthy.");
    ctx.params.service(service, env);
    const infra = ctx.params.infra(env);
    const targets = await laneHealthTargets(ctx.ops(env, { dryRun: false }).clients.s3, infra.state, { service, env, lane });
    const switched = await switchLaneRules(ctx.elb(infra.region), { healthy: flag(input, "healthy"), ...targets });
    const text = switched
      .map((r) => `${r.name}: ${r.modified ? "" : "(already) "}${r.action.Type === "forward" ? `forward to ${r.action.TargetGroupArn === targets.laneTargetGroupArn ? "the lane" : "default"}` : `answer ${r.action.FixedResponseConfig?.StatusCode} (strict)`}`)
      .join("\n");
    return { code: 0, result: { service, env, lane, rules: switched.map((r) => ({ rule: r.ruleArn, name: r.name, onUnhealthy: r.onUnhealthy, action: r.action })) }, text: text || `no rule of lane ${lane} found on the listeners` };
  },
};
