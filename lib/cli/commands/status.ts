import type { LaneStatus } from "../../ops/commands";
import { ageText, status } from "../../ops/commands";
import type { CommandSpec } from "../command";
import { UsageError } from "../exit-codes";
import { ENV, JSON_OUTPUT, SERVICE, required, option } from "../options";

function table(service: string, env: string, lanes: readonly LaneStatus[]): string {
  if (lanes.length === 0) return `${service} in ${env}: no lanes deployed`;
  const lock = (l: LaneStatus) => (l.lock ? `held by ${l.lock.who}${l.lock.ageSeconds !== undefined ? ` for ${ageText(l.lock.ageSeconds)}` : ""}` : "-");
  const rows = lanes.map((l) => [l.lane, l.image ?? "-", l.desired !== undefined ? `${l.running ?? "?"}/${l.desired}` : "unknown", l.lastModified ?? "-", l.changedBy ?? "-", lock(l)]);
  const header = ["LANE", "IMAGE", "RUNNING", "CHANGED", "BY", "LOCK"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

export const command: CommandSpec = {
  name: "status",
  summary: "every lane of a service that has state: image, running/desired, last change and who made it, a held state lock (holder, age); a canary left behind",
  arguments: [{ name: "service", description: "the service (or --service)", required: false }],
  options: [ENV, SERVICE, JSON_OUTPUT],
  examples: ["lanes status user-api --env dev"],
  exitCodes: ["usage"],
  async run(input, ctx) {
    const env = required(input, "env", "--env dev");
    const service = input.args[0] ?? option(input, "service");
    if (!service) throw new UsageError(`status needs a service: lanes status user-api --env ${env}`);
    const { lanes, notices } = await status(ctx.ops(env, { dryRun: false }), env, service);
    return { code: 0, result: { service, env, lanes, notices }, text: [table(service, env, lanes), ...notices.map((n) => `! ${n}`)].join("\n") };
  },
};
