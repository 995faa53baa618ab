/**
 * The README's worker canary timelines, run by the real program (lib/ops/canary.ts) on a virtual
 * clock with recorded answers: ECS steady at 2:00, then a canary with traffic (promoted) and one
 * without (extended once, then not promoted). A test keeps the README's blocks equal to these.
 */
import { CANARY_DEFAULTS } from "../analysis/canary-settings";
import { canaryPlan, canaryRelease, type AlarmState, type CanaryCounts, type CanaryTasks } from "../ops/canary";
import { canarySignals } from "../ops/commands";

const MIN = 60_000;
export const CANARY_DEMO_IMAGE = "123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/dev/order-worker:sha-7777777";

/** Repeated poll lines between the first and the last of a run are shown as `…`. */
function elide(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const body = (l: string | undefined) => l?.replace(/^\[\d\d:\d\d\] /, "");
    const repeatedBefore = i > 0 && body(lines[i]) === body(lines[i - 1]);
    const repeatedAfter = body(lines[i]) === body(lines[i + 1]);
    if (repeatedBefore && repeatedAfter) {
      if (out[out.length - 1] !== "…") out.push("…");
      continue;
    }
    out.push(lines[i]!);
  }
  return out;
}

export async function canaryDemo(kind: "traffic" | "no-traffic"): Promise<string> {
  const clock = { t: 0, now: () => clock.t, sleep: async (ms: number) => void (clock.t += ms) };
  const lines: string[] = [];
  const tasks = (t: number): CanaryTasks => (t < 2 * MIN ? { desired: 1, running: t < MIN ? 0 : 1, rolloutState: "IN_PROGRESS" } : { desired: 1, running: 1, rolloutState: "COMPLETED" });
  const counts: CanaryCounts = kind === "traffic" ? { processed: 480, errorLines: 1 } : { processed: 0, errorLines: 0 };
  const state: AlarmState = kind === "traffic" ? "OK" : "INSUFFICIENT_DATA";
  // The example worker's settings: params/order-worker-dev.json sets bake 10 min and polls every 30 s, the defaults.
  const plan = canaryPlan(CANARY_DEMO_IMAGE, CANARY_DEFAULTS, canarySignals("order-worker", "dev"));
  const steps = {
    deployCanary: async () => undefined,
    canaryTasks: async () => tasks(clock.t),
    canaryCounts: async () => counts,
    removeCanary: async () => undefined,
    deployDefault: async () => undefined,
    waitDefaultStable: async () => undefined,
  };
  const reader = { states: async (names: readonly string[]) => Object.fromEntries(names.map((n) => [n, state])) };
  const judge = async () => ({ verdict: "pass" as const, reason: "all 1 metrics within limits" });
  await canaryRelease(plan, steps, reader, clock, (l) => lines.push(l), kind === "traffic" ? judge : undefined).catch((err: Error) => lines.push(`(exit 8) ${err.message}`));
  return elide(lines).join("\n");
}
