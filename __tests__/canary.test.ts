/**
 * The worker canary release program, on a virtual clock (time moves only when the program
 * sleeps) with CloudWatch stubbed at the SDK edge (the AlarmReader).
 */
import { CanaryRolledBack, canaryRelease, type AlarmReader, type AlarmState, type CanarySteps, type Clock } from "../lib/ops/canary";

const MIN = 60_000;
const ALARMS = ["order-worker-dev-canary-dead-letters", "order-worker-dev-canary-oldest-message-age", "order-worker-dev-canary-error-lines"];
const IMAGE = "123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/dev/order-worker:sha-abc1234";

function virtualClock(): Clock & { t: number } {
  const clock = { t: 0, now: () => clock.t, sleep: async (ms: number) => void (clock.t += ms) };
  return clock;
}

function recorder(clock: Clock) {
  const events: { at: number; step: string }[] = [];
  const steps: CanarySteps = {
    deployCanary: async (image) => void events.push({ at: clock.now(), step: `deploy canary ${image}` }),
    removeCanary: async () => void events.push({ at: clock.now(), step: "remove canary" }),
    deployDefault: async (image) => void events.push({ at: clock.now(), step: `deploy default ${image}` }),
    waitDefaultStable: async () => void events.push({ at: clock.now(), step: "wait default" }),
  };
  return { events, steps };
}

/** Alarm states as a function of virtual time; `fail` makes reads throw. */
function reader(clock: Clock, state: (t: number) => Record<string, AlarmState>, fail: (t: number, call: number) => Error | undefined = () => undefined): AlarmReader & { calls: number } {
  const r = {
    calls: 0,
    states: async () => {
      r.calls++;
      const error = fail(clock.now(), r.calls);
      if (error) throw error;
      return state(clock.now());
    },
  };
  return r;
}

const allOk = () => Object.fromEntries(ALARMS.map((a) => [a, "OK" as AlarmState]));
const plan = { image: IMAGE, bakeMs: 10 * MIN, pollMs: 30_000, alarms: ALARMS };

function throttled(): Error {
  const e = new Error("Rate exceeded");
  e.name = "Throttling";
  return e;
}

describe("canary release", () => {
  test("a healthy bake promotes: canary, bake, default, wait, remove canary", async () => {
    const clock = virtualClock();
    const { events, steps } = recorder(clock);
    const lines: string[] = [];
    const result = await canaryRelease(plan, steps, reader(clock, allOk), clock, (l) => lines.push(l));
    expect(events.map((e) => e.step)).toEqual([`deploy canary ${IMAGE}`, `deploy default ${IMAGE}`, "wait default", "remove canary"]);
    expect(events[1]!.at).toBeGreaterThanOrEqual(10 * MIN);
    expect(result.polls).toBe(21);
    expect(lines[0]).toBe(`[00:00] deploy canary with ${IMAGE}`);
    expect(lines).toContain("[10:00] 3 alarms quiet; bake complete");
    expect(lines[lines.length - 1]).toBe("[10:00] release complete");
  });

  test("an alarm at minute 3 of a 10-minute bake rolls back within one poll interval and never deploys default", async () => {
    const clock = virtualClock();
    const { events, steps } = recorder(clock);
    const lines: string[] = [];
    const states = (t: number) => ({ ...allOk(), [ALARMS[0]!]: (t >= 3 * MIN ? "ALARM" : "OK") as AlarmState });
    const run = canaryRelease(plan, steps, reader(clock, states), clock, (l) => lines.push(l));
    await expect(run).rejects.toThrow(CanaryRolledBack);
    await expect(run).rejects.toThrow(`canary rolled back: alarm ${ALARMS[0]} in ALARM`);
    const removed = events.find((e) => e.step === "remove canary")!;
    expect(removed.at).toBeGreaterThanOrEqual(3 * MIN);
    expect(removed.at).toBeLessThanOrEqual(3 * MIN + plan.pollMs);
    expect(events.some((e) => e.step.startsWith("deploy default"))).toBe(false);
    expect(lines).toContain(`[03:00] rolling back: alarm ${ALARMS[0]} in ALARM; removing the canary lane`);
  });

  test("a throttled CloudWatch call is retried and the bake goes on", async () => {
    const clock = virtualClock();
    const { events, steps } = recorder(clock);
    const lines: string[] = [];
    const r = reader(clock, allOk, (_t, call) => (call === 2 ? throttled() : undefined));
    await canaryRelease(plan, steps, r, clock, (l) => lines.push(l));
    expect(lines.some((l) => l.includes("alarm read failed (Throttling: Rate exceeded); retry 1/2"))).toBe(true);
    expect(events.map((e) => e.step)).toContain(`deploy default ${IMAGE}`);
  });

  test("CloudWatch that keeps failing is never read as healthy: the canary is removed and default never deployed", async () => {
    const clock = virtualClock();
    const { events, steps } = recorder(clock);
    const lines: string[] = [];
    const run = canaryRelease(plan, steps, reader(clock, allOk, () => throttled()), clock, (l) => lines.push(l));
    await expect(run).rejects.toThrow(/alarm states could not be read 3 times in a row/);
    expect(events.map((e) => e.step)).toEqual([`deploy canary ${IMAGE}`, "remove canary"]);
    expect(lines.filter((l) => l.includes("not counted as healthy"))).toHaveLength(3);
  });

  test("failing reads at the end of the bake delay promotion until a successful read", async () => {
    const clock = virtualClock();
    const { events, steps } = recorder(clock);
    // every read between 9:50 and 10:40 fails
    const r = reader(clock, allOk, (t) => (t >= 9 * MIN + 50_000 && t < 10 * MIN + 40_000 ? throttled() : undefined));
    await canaryRelease(plan, steps, r, clock, () => undefined);
    expect(events.find((e) => e.step.startsWith("deploy default"))!.at).toBeGreaterThanOrEqual(10 * MIN + 40_000);
  });

  test("an alarm that does not exist counts as unreadable, not healthy", async () => {
    const clock = virtualClock();
    const { events, steps } = recorder(clock);
    const partial = () => ({ [ALARMS[0]!]: "OK" as AlarmState });
    await expect(canaryRelease(plan, steps, reader(clock, partial), clock, () => undefined)).rejects.toThrow(/alarms not found/);
    expect(events.some((e) => e.step.startsWith("deploy default"))).toBe(false);
  });
});
