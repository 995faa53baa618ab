/**
 * The worker canary release: deploy the `canary` lane with the new image, bake for
 * the configured time while polling the canary's alarms, then either roll back (destroy the
 * canary, fail naming the alarm) or promote (deploy `default` with the image, wait until it is
 * stable, remove the canary). A CloudWatch read that fails is retried and is never taken as
 * "healthy": unreadable polls extend nothing and, three in a row, abort the release. When a
 * relative judge is given (the canary against default, e.g. error lines per message processed),
 * it is asked once the bake is complete: `fail` rolls back like an alarm; `inconclusive` (too
 * few messages to compare) leaves the decision to the alarms; a judgement that cannot be read
 * is not taken as healthy either.
 *
 * Everything with side effects is injected, and time too, so the program is tested on a clock
 * that only moves when it sleeps. It prints a timeline: `[mm:ss] what happened`.
 */
import { CloudWatchClient, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";

export type AlarmState = "OK" | "ALARM" | "INSUFFICIENT_DATA";

export interface AlarmReader {
  /** Current state of each named alarm; throws when CloudWatch cannot be read. */
  states(names: readonly string[]): Promise<Record<string, AlarmState>>;
}

export class CloudWatchAlarmReader implements AlarmReader {
  private readonly client: CloudWatchClient;

  constructor(region: string) {
    // Retries are the release program's (visible in its timeline), not the SDK's.
    this.client = new CloudWatchClient({ region, maxAttempts: 1 });
  }

  async states(names: readonly string[]): Promise<Record<string, AlarmState>> {
    const out = await this.client.send(new DescribeAlarmsCommand({ AlarmNames: [...names], AlarmTypes: ["MetricAlarm"] }));
    return Object.fromEntries((out.MetricAlarms ?? []).map((a) => [a.AlarmName ?? "", (a.StateValue ?? "INSUFFICIENT_DATA") as AlarmState]));
  }

  destroy(): void {
    this.client.destroy();
  }
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };

export interface CanaryPlan {
  readonly image: string;
  readonly bakeMs: number;
  readonly pollMs: number;
  /** The canary lane's alarms. */
  readonly alarms: readonly string[];
  /** Attempts per poll before it counts as unreadable. */
  readonly readAttempts?: number;
  /** Consecutive unreadable polls that abort the release. */
  readonly maxUnreadablePolls?: number;
}

export interface CanarySteps {
  deployCanary(image: string): Promise<void>;
  removeCanary(): Promise<void>;
  deployDefault(image: string): Promise<void>;
  waitDefaultStable(): Promise<void>;
}

export class CanaryRolledBack extends Error {
  constructor(
    message: string,
    readonly alarms: readonly string[],
  ) {
    super(message);
    this.name = "CanaryRolledBack";
  }
}

/** The canary against default over the bake window; throws when its metrics cannot be read. */
export type RelativeJudge = (window: { readonly start: Date; readonly end: Date }) => Promise<{ readonly verdict: "pass" | "fail" | "inconclusive"; readonly reason: string }>;

type Poll = { readonly ok: true; readonly firing: string[] } | { readonly ok: false; readonly error: string };

export async function canaryRelease(
  plan: CanaryPlan,
  steps: CanarySteps,
  reader: AlarmReader,
  clock: Clock,
  log: (line: string) => void,
  judge?: RelativeJudge,
): Promise<{ polls: number }> {
  const start = clock.now();
  const stamp = () => {
    const s = Math.floor((clock.now() - start) / 1000);
    return `[${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}]`;
  };
  const say = (line: string) => log(`${stamp()} ${line}`);
  const attempts = plan.readAttempts ?? 3;
  const maxUnreadable = plan.maxUnreadablePolls ?? 3;

  const poll = async (): Promise<Poll> => {
    let error = "";
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        const states = await reader.states(plan.alarms);
        const missing = plan.alarms.filter((a) => !(a in states));
        if (missing.length > 0) throw new Error(`alarms not found: ${missing.join(", ")}`);
        return { ok: true, firing: plan.alarms.filter((a) => states[a] === "ALARM") };
      } catch (err) {
        error = (err as Error).name === "Error" ? (err as Error).message : `${(err as Error).name}: ${(err as Error).message}`;
        if (attempt < attempts) {
          say(`  alarm read failed (${error}); retry ${attempt}/${attempts - 1}`);
          await clock.sleep(Math.min(1000 * 2 ** (attempt - 1), plan.pollMs));
        }
      }
    }
    return { ok: false, error };
  };

  const rollBack = async (reason: string, alarms: readonly string[]): Promise<never> => {
    say(`rolling back: ${reason}; removing the canary lane`);
    await steps.removeCanary();
    say("canary removed; default untouched");
    throw new CanaryRolledBack(`canary rolled back: ${reason}`, alarms);
  };

  say(`deploy canary with ${plan.image}`);
  await steps.deployCanary(plan.image);
  const bakeStart = clock.now();
  say(`bake ${Math.round(plan.bakeMs / 60000)} min, polling ${plan.alarms.length} alarms every ${Math.round(plan.pollMs / 1000)} s`);

  let polls = 0;
  let unreadable = 0;
  for (;;) {
    const result = await poll();
    polls++;
    if (!result.ok) {
      unreadable++;
      say(`alarms unreadable (${result.error}); not counted as healthy (${unreadable}/${maxUnreadable})`);
      if (unreadable >= maxUnreadable) await rollBack(`alarm states could not be read ${unreadable} times in a row (${result.error})`, []);
    } else {
      unreadable = 0;
      if (result.firing.length > 0) await rollBack(`alarm ${result.firing.join(", ")} in ALARM`, result.firing);
      const baked = clock.now() - bakeStart >= plan.bakeMs;
      say(`${plan.alarms.length} alarms quiet${baked ? "; bake complete" : ""}`);
      // The bake ends only on a successful read after the full bake time.
      if (baked && judge) {
        const window = { start: new Date(bakeStart), end: new Date(clock.now()) };
        const relative = await judge(window).catch((err: Error) => ({ verdict: "unreadable" as const, reason: err.message }));
        if (relative.verdict === "unreadable") await rollBack(`the comparison with default could not be read (${relative.reason}); not counted as healthy`, []);
        if (relative.verdict === "fail") await rollBack(`worse than default: ${relative.reason}`, []);
        say(`against default: ${relative.verdict} — ${relative.reason}`);
      }
      if (baked) break;
    }
    await clock.sleep(plan.pollMs);
  }

  say(`promote: deploy default with ${plan.image}`);
  await steps.deployDefault(plan.image);
  say("wait for default to be stable");
  await steps.waitDefaultStable();
  say("default stable; remove the canary lane");
  await steps.removeCanary();
  say("release complete");
  return { polls };
}
