import { listFleet, type Fleet, type FleetLane } from "../../ops/fleet";
import { headroomText } from "../../ops/quota";
import { shortDuration } from "../../ttl";
import type { CommandSpec } from "../command";
import { ENV, JSON_OUTPUT, required } from "../options";

/** The image without its registry: `dev/user-api:sha-1a2b3c4` (the JSON keeps the whole reference). */
export function shortImage(image: string): string {
  const [first, ...rest] = image.split("/");
  return rest.length > 0 && first && (first.includes(".") || first.includes(":") || first === "localhost") ? rest.join("/") : image;
}

function expiryText(l: FleetLane, now: number): string {
  if (!l.expiresAt) return "never";
  const at = Date.parse(l.expiresAt);
  return at <= now ? `expired ${shortDuration(now - at)} ago` : `in ${shortDuration(at - now)}`;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

export function fleetText(fleet: Fleet, now: number): string {
  if (fleet.lanes.length === 0) return `${fleet.env}: no lanes deployed`;
  const rows = fleet.lanes.map((l) => [
    l.service,
    l.lane,
    l.image ? shortImage(l.image) : "-",
    l.lastModified ? shortDuration(now - Date.parse(l.lastModified)) : "-",
    l.changedBy ?? "-",
    expiryText(l, now),
    l.desired !== undefined ? `${l.running ?? "?"}/${l.desired}` : "unknown",
    l.monthlyCost !== undefined ? `$${l.monthlyCost.toFixed(2)}` : "-",
  ]);
  const expired = fleet.lanes.filter((l) => l.expired);
  const lines = [
    table(["SERVICE", "LANE", "IMAGE", "AGE", "BY", "EXPIRES", "RUNNING", "COST/MO"], rows),
    "",
    `${fleet.lanes.length} lanes, about $${fleet.monthlyCost.toFixed(2)}/month of Fargate (${fleet.pricing})${expired.length ? `; ${expired.length} expired: lanes gc --env ${fleet.env} removes them` : ""}`,
  ];
  for (const lb of fleet.loadBalancers) {
    lines.push(`${lb.loadBalancer}: ${lb.quotas.map(headroomText).join(", ")}${fleet.quotaSource === "defaults" ? " (default quotas)" : ""}`);
    for (const q of lb.quotas.filter((h) => h.warn)) {
      lines.push(`warning: ${lb.loadBalancer} uses ${headroomText(q)} of its quota: remove lanes (lanes gc, lanes destroy)${q.kind === "rules" ? " or raise the quota in Service Quotas" : ""} before it is full`);
    }
  }
  for (const name of fleet.unreadable) lines.push(`${name}: rules and target groups not readable (no AWS access?)`);
  if (fleet.lanes.some((l) => l.desired === undefined)) lines.push("(RUNNING is running/desired when ECS is reachable; the cost then uses params' desired count)");
  return lines.join("\n");
}

export const command: CommandSpec = {
  name: "ls",
  summary: "every lane of every service in the env: image, age, who changed it, expiry, running/desired, estimated monthly cost; load balancer quota headroom",
  description:
    "Lanes are found from the state keys app/{env}/{service}/{lane}/. The cost is an estimate of Fargate compute (task size from params, desired count from ECS, else params; prices from lib/ops/pricing.ts or params pricing). Each service's load balancer is checked against the rules and target groups quotas (Service Quotas, else 100/100); from 80% ls warns.",
  arguments: [],
  options: [ENV, JSON_OUTPUT],
  examples: ["lanes ls --env dev", "lanes ls --env dev --json"],
  exitCodes: ["usage"],
  async run(input, ctx) {
    const env = required(input, "env", "--env dev");
    const ops = ctx.ops(env, { dryRun: false });
    const fleet = await listFleet(ops, env);
    return { code: 0, result: { ...fleet }, text: fleetText(fleet, ops.now()) };
  },
};
