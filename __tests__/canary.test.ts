/**
 * The worker canary release program, on a virtual clock (time moves only when the program
 * sleeps) with CloudWatch stubbed at the SDK edge (the AlarmReader), ECS's answers and the
 * canary's counts recorded as functions of virtual time.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { canaryDemo } from "../lib/harness/canary-demo";
import { CanaryRolledBack, canaryRelease, type AlarmReader, type AlarmState, type CanaryCounts, type CanaryPlan, type CanarySignal, type CanarySteps, type CanaryTasks, type Clock } from "../lib/ops/canary";

import { ROOT } from "./helpers/project";

const MIN = 60_000;
const ERROR_LINES = "order-worker-dev-canary-error-lines";
const RUNNING = "order-worker-dev-canary-running-below-desired";
const DEAD_LETTERS = "order-worker-dev-canary-dead-letters";
const OLDEST = "order-worker-dev-canary-oldest-message-age";
const SIGNALS: CanarySignal[] = [
  { alarm: ERROR_LINES, scope: "lane", noData: "quiet" },
  { alarm: RUNNING, scope: "lane", noData: "unknown" },
  { alarm: DEAD_LETTERS, scope: "queue", noData: "quiet" },
  { alarm: OLDEST, scope: "queue", noData: "quiet" },
];
const ALARMS = SIGNALS.map((s) => s.alarm);
const IMAGE = "123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/dev/order-worker:sha-abc1234";

function virtualClock(): Clock & { t: number } {
  const clock = { t: 0, now: () => clock.t, sleep: async (ms: number) => void (clock.t += ms) };
  return clock;
}

const STEADY: CanaryTasks = { desired: 1, running: 1, rolloutState: "COMPLETED" };
/** 50 messages a minute, no errors. */
const BUSY = (w: { start: Date; end: Date }): CanaryCounts => ({ processed: Math.round((w.end.getTime() - w.start.getTime()) / MIN) * 50, errorLines: 0 });

function recorder(clock: Clock, opts: { tasks?: (t: number) => CanaryTasks | undefined; counts?: (w: { start: Date; end: Date }) => CanaryCounts } = {}) {
  const events: { at: number; step: string }[] = [];
  const windows: { start: number; end: number }[] = [];
  const steps: CanarySteps = {
    deployCanary: async (image) => void events.push({ at: clock.now(), step: `deploy canary ${image}` }),
    canaryTasks: async () => (opts.tasks ?? (() => STEADY))(clock.now()),
    canaryCounts: async (w) => {
      windows.push({ start: w.start.getTime(), end: w.end.getTime() });
      return (opts.counts ?? BUSY)(w);
    },
    removeCanary: async () => void events.push({ at: clock.now(), step: "remove canary" }),
    deployDefault: async (image) => void events.push({ at: clock.now(), step: `deploy default ${image}` }),
    waitDefaultStable: async () => void events.push({ at: clock.now(), step: "wait default" }),
  };
  return { events, windows, steps };
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

const all = (s: AlarmState) => () => Object.fromEntries(ALARMS.map((a) => [a, s]));
const allOk = all("OK");
const plan: CanaryPlan = {
  image: IMAGE,
  bakeMs: 10 * MIN,
  pollMs: 30_000,
  signals: SIGNALS,
  steadyTimeoutMs: 10 * MIN,
  minMessages: 100,
  maxExtensions: 1,
  maxErrorRatePercent: 1,
  minErrorLines: 5,
};

function throttled(): Error {
  const e = new Error("Rate exceeded");
  e.name = "Throttling";
  return e;
}

describe("canary release", () => {
  test("a healthy bake promotes: canary, steady, bake, default, wait, remove canary", async () => {
    const clock = virtualClock();
    const { events, steps } = recorder(clock);
    const lines: string[] = [];
    const result = await canaryRelease(plan, steps, reader(clock, allOk), clock, (l) => lines.push(l));
    expect(events.map((e) => e.step)).toEqual([`deploy canary ${IMAGE}`, `deploy default ${IMAGE}`, "wait default", "remove canary"]);
    expect(events[1]!.at).toBe(10 * MIN);
    expect(result).toEqual({ polls: 21, processed: 500 });
    expect(lines[0]).toBe(`[00:00] deploy canary with ${IMAGE}`);
    expect(lines).toContain("[00:00] canary steady (1/1 running); bake 10 min, polling 4 alarms every 30 s");
    expect(lines).toContain("[10:00] 2 canary alarms quiet; bake complete");
    expect(lines).toContain("[10:00] canary processed 500 messages, 0 ERROR lines (0.00%)");
    expect(lines[lines.length - 1]).toBe("[10:00] release complete");
  });

  test("steady state reached late: the bake starts then, and lasts its full time", async () => {
    const clock = virtualClock();
    const tasks = (t: number): CanaryTasks => (t < 4 * MIN ? { desired: 1, running: t < 2 * MIN ? 0 : 1, rolloutState: "IN_PROGRESS" } : STEADY);
    const { events, windows, steps } = recorder(clock, { tasks });
    const lines: string[] = [];
    await canaryRelease(plan, steps, reader(clock, allOk), clock, (l) => lines.push(l));
    expect(lines).toContain("[04:00] canary steady (1/1 running); bake 10 min, polling 4 alarms every 30 s");
    expect(windows).toEqual([{ start: 4 * MIN, end: 14 * MIN }]);
    expect(events.find((e) => e.step.startsWith("deploy default"))!.at).toBe(14 * MIN);
  });

  test("never steady: fails at the deadline with what ECS reported, the canary removed, nothing baked", async () => {
    const clock = virtualClock();
    const { events, windows, steps } = recorder(clock, { tasks: () => ({ desired: 1, running: 0, rolloutState: "IN_PROGRESS" }) });
    const alarms = reader(clock, allOk);
    const run = canaryRelease(plan, steps, alarms, clock, () => undefined);
    await expect(run).rejects.toThrow("canary rolled back: the canary was not running and steady within 10 min (running 0/1, rollout IN_PROGRESS); nothing was baked");
    expect(events.map((e) => e.step)).toEqual([`deploy canary ${IMAGE}`, "remove canary"]);
    expect(events[1]!.at).toBe(10 * MIN);
    expect(alarms.calls).toBe(0);
    expect(windows).toEqual([]);
  });

  test("INSUFFICIENT_DATA all along and zero messages processed: extended once, then not promoted", async () => {
    const clock = virtualClock();
    const { events, steps } = recorder(clock, { counts: () => ({ processed: 0, errorLines: 0 }) });
    const lines: string[] = [];
    const run = canaryRelease(plan, steps, reader(clock, all("INSUFFICIENT_DATA")), clock, (l) => lines.push(l));
    await expect(run).rejects.toThrow(CanaryRolledBack);
    await expect(run).rejects.toThrow(
      `canary rolled back: not enough evidence after 20 min of bake (the canary processed 0 messages, fewer than the 100 needed; no data from ${RUNNING}): not promoted`,
    );
    expect(lines).toContain(`[10:00] not enough evidence (the canary processed 0 messages, fewer than the 100 needed; no data from ${RUNNING}): bake extended by 10 min (1/1)`);
    expect(events.map((e) => e.step)).toEqual([`deploy canary ${IMAGE}`, "remove canary"]);
  });

  test("too few messages in the first bake but enough after the extension: promoted", async () => {
    const clock = virtualClock();
    // 6 messages a minute: 60 after 10 minutes, 120 after 20 (the bake extended by 10 at 10:00).
    const { events, steps } = recorder(clock, { counts: (w) => ({ processed: Math.round((w.end.getTime() - w.start.getTime()) / MIN) * 6, errorLines: 0 }) });
    await canaryRelease(plan, steps, reader(clock, allOk), clock, () => undefined);
    expect(events.find((e) => e.step.startsWith("deploy default"))!.at).toBe(20 * MIN);
  });

  test("default's dead letters during the bake are not blamed on the canary: shown once, and the release goes on", async () => {
    const clock = virtualClock();
    const { events, steps } = recorder(clock);
    const lines: string[] = [];
    const states = (t: number) => ({ ...allOk(), [DEAD_LETTERS]: (t >= 2 * MIN ? "ALARM" : "OK") as AlarmState, [OLDEST]: (t >= 5 * MIN ? "ALARM" : "OK") as AlarmState });
    await canaryRelease(plan, steps, reader(clock, states), clock, (l) => lines.push(l));
    expect(events.map((e) => e.step)).toContain(`deploy default ${IMAGE}`);
    expect(lines.filter((l) => l.includes(`queue-wide alarm ${DEAD_LETTERS} in ALARM`))).toEqual([
      `[02:00] queue-wide alarm ${DEAD_LETTERS} in ALARM: default's messages land there too, so it is not blamed on the canary (its own errors are judged per message)`,
    ]);
    expect(lines.some((l) => l.startsWith(`[05:00] queue-wide alarm ${OLDEST} in ALARM`))).toBe(true);
  });

  test("the canary's own error rate above the limit: rolled back at the end of the bake, default never deployed", async () => {
    const clock = virtualClock();
    const { events, steps } = recorder(clock, { counts: () => ({ processed: 400, errorLines: 12 }) });
    const run = canaryRelease(plan, steps, reader(clock, allOk), clock, () => undefined);
    await expect(run).rejects.toThrow("canary rolled back: the canary logged 12 ERROR lines for 400 messages (3.00%), above the 1% allowed");
    expect(events.map((e) => e.step)).toEqual([`deploy canary ${IMAGE}`, "remove canary"]);
  });

  test("a rate above the limit from fewer ERROR lines than the minimum is not evidence (4 of 120)", async () => {
    const clock = virtualClock();
    const { events, steps } = recorder(clock, { counts: () => ({ processed: 120, errorLines: 4 }) });
    await canaryRelease(plan, steps, reader(clock, allOk), clock, () => undefined);
    expect(events.map((e) => e.step)).toContain(`deploy default ${IMAGE}`);
  });

  test("a lane alarm at minute 3 of a 10-minute bake rolls back within one poll interval and never deploys default", async () => {
    const clock = virtualClock();
    const { events, steps } = recorder(clock);
    const lines: string[] = [];
    const states = (t: number) => ({ ...allOk(), [ERROR_LINES]: (t >= 3 * MIN ? "ALARM" : "OK") as AlarmState });
    const run = canaryRelease(plan, steps, reader(clock, states), clock, (l) => lines.push(l));
    await expect(run).rejects.toThrow(CanaryRolledBack);
    await expect(run).rejects.toThrow(`canary rolled back: alarm ${ERROR_LINES} in ALARM`);
    const removed = events.find((e) => e.step === "remove canary")!;
    expect(removed.at).toBeGreaterThanOrEqual(3 * MIN);
    expect(removed.at).toBeLessThanOrEqual(3 * MIN + plan.pollMs);
    expect(events.some((e) => e.step.startsWith("deploy default"))).toBe(false);
    expect(lines).toContain(`[03:00] rolling back: alarm ${ERROR_LINES} in ALARM; removing the canary lane`);
  });

  test("counts that cannot be read are not taken as healthy: rolled back", async () => {
    const clock = virtualClock();
    const { events, steps } = recorder(clock);
    steps.canaryCounts = async () => {
      throw new Error("CloudWatch GetMetricData failed 5 times (Throttling: Rate exceeded)");
    };
    await expect(canaryRelease(plan, steps, reader(clock, allOk), clock, () => undefined)).rejects.toThrow(
      "canary rolled back: the canary's counts could not be read (CloudWatch GetMetricData failed 5 times (Throttling: Rate exceeded)); not counted as healthy",
    );
    expect(events.map((e) => e.step)).toEqual([`deploy canary ${IMAGE}`, "remove canary"]);
  });

  test("resuming an interrupted release: no deploy, the canary waited for, baked and decided", async () => {
    const clock = virtualClock();
    const { events, steps } = recorder(clock);
    const lines: string[] = [];
    await canaryRelease({ ...plan, resume: true }, steps, reader(clock, allOk), clock, (l) => lines.push(l));
    expect(lines[0]).toBe(`[00:00] resume: the canary already runs ${IMAGE}; no deploy`);
    expect(events.map((e) => e.step)).toEqual([`deploy default ${IMAGE}`, "wait default", "remove canary"]);
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

describe("the README's worker timelines", () => {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const block = (name: string) => new RegExp(`<!-- canary-demo:${name} -->\\n\`\`\`\\n([^]*?)\\n\`\`\`\\n<!-- canary-demo:end -->`).exec(readme)?.[1] ?? "missing in the README";

  test.each(["traffic", "no-traffic"] as const)("%s: the README block is the program's output (waits for steady state; without traffic, refuses to promote)", async (name) => {
    expect(block(name)).toBe(await canaryDemo(name));
  });

  test("the timelines show what the issue asks: the wait for steady state, and no promotion without traffic", async () => {
    expect(await canaryDemo("no-traffic")).toContain("not promoted");
    expect(await canaryDemo("no-traffic")).not.toContain("promote: deploy default");
    expect(await canaryDemo("traffic")).toContain("[02:00] canary steady (1/1 running); bake 10 min");
  });
});
