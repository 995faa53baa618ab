/**
 * The canary program's smaller paths, fed on purpose (issue 14: every surviving mutant of
 * lib/ops/canary.ts killed or explained): the CloudWatch adapter at the SDK edge
 * (aws-sdk-client-mock), the plan from the params settings, what "steady" means (desired > 0,
 * every desired task running, the newest rollout COMPLETED), a FAILED rollout, and the read
 * retries' backoff (1 s, 2 s, 4 s… capped at the poll interval). Expected values are literals from
 * the settings' units (minutes, seconds) and ECS's rollout states. Kept apart from canary.test.ts
 * so the incremental mutation report keeps that suite's results.
 */
import { CloudWatchClient, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import { mockClient } from "aws-sdk-client-mock";
import { CanaryRolledBack, CloudWatchAlarmReader, canaryPlan, canaryRelease, realClock, type AlarmReader, type AlarmState, type CanaryCounts, type CanaryPlan, type CanarySignal, type CanarySteps, type CanaryTasks, type Clock, type RelativeJudge } from "../lib/ops/canary";

const MIN = 60_000;
const ALARM = "order-worker-dev-canary-error-lines";
const IMAGE = "123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/dev/order-worker:sha-abc1234";

describe("CloudWatchAlarmReader (DescribeAlarms at the SDK edge)", () => {
  const cw = mockClient(CloudWatchClient);
  beforeEach(() => cw.reset());
  afterAll(() => cw.restore());

  test("asks for the named metric alarms and maps each to its state; an alarm without a state value is INSUFFICIENT_DATA", async () => {
    cw.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [
        { AlarmName: "a", StateValue: "ALARM" },
        { AlarmName: "b", StateValue: "OK" },
        { AlarmName: "c" },
      ],
    });
    const reader = new CloudWatchAlarmReader("ap-southeast-2");
    try {
      expect(await reader.states(["a", "b", "c"])).toEqual({ a: "ALARM", b: "OK", c: "INSUFFICIENT_DATA" });
      expect(cw.commandCalls(DescribeAlarmsCommand).map((c) => c.args[0].input)).toEqual([{ AlarmNames: ["a", "b", "c"], AlarmTypes: ["MetricAlarm"] }]);
    } finally {
      reader.destroy();
    }
  });

  test("no alarms in the answer: an empty map (the program then reports them not found)", async () => {
    cw.on(DescribeAlarmsCommand).resolves({});
    const reader = new CloudWatchAlarmReader("ap-southeast-2");
    try {
      expect(await reader.states(["a"])).toEqual({});
    } finally {
      reader.destroy();
    }
  });

  test("the SDK does not retry: one call per read (retries are the program's, in its timeline)", async () => {
    const error = new Error("Rate exceeded");
    error.name = "Throttling";
    cw.on(DescribeAlarmsCommand).rejects(error);
    const reader = new CloudWatchAlarmReader("ap-southeast-2");
    try {
      await expect(reader.states(["a"])).rejects.toThrow("Rate exceeded");
      expect(cw.commandCalls(DescribeAlarmsCommand)).toHaveLength(1);
    } finally {
      reader.destroy();
    }
  });
});

describe("canaryPlan: params settings (minutes, seconds) as the program's milliseconds", () => {
  const settings = { desiredCount: 2, bakeMinutes: 7, pollSeconds: 20, steadyMinutes: 4, minMessages: 30, maxExtensions: 2, maxErrorRatePercent: 3, minErrorLines: 6 };
  const signals = [{ alarm: ALARM, scope: "lane" as const, noData: "quiet" as const }];

  test("a new release", () => {
    expect(canaryPlan(IMAGE, settings, signals)).toEqual({
      image: IMAGE,
      bakeMs: 420_000,
      pollMs: 20_000,
      signals,
      steadyTimeoutMs: 240_000,
      minMessages: 30,
      maxExtensions: 2,
      maxErrorRatePercent: 3,
      minErrorLines: 6,
    });
  });

  test("a resumed release says so; a new one has no resume key at all", () => {
    expect(canaryPlan(IMAGE, settings, signals, true).resume).toBe(true);
    expect("resume" in canaryPlan(IMAGE, settings, signals, false)).toBe(false);
  });
});

/** A clock that moves only when the program sleeps, and remembers each sleep. */
function virtualClock(): Clock & { t: number; sleeps: number[] } {
  const clock = {
    t: 0,
    sleeps: [] as number[],
    now: () => clock.t,
    sleep: async (ms: number) => {
      clock.sleeps.push(ms);
      clock.t += ms;
    },
  };
  return clock;
}

const plan: CanaryPlan = {
  image: IMAGE,
  bakeMs: 2 * MIN,
  pollMs: 30_000,
  signals: [{ alarm: ALARM, scope: "lane", noData: "quiet" }],
  steadyTimeoutMs: 2 * MIN,
  minMessages: 0,
  maxExtensions: 0,
  maxErrorRatePercent: 1,
  minErrorLines: 5,
};

function run(
  tasks: (t: number) => CanaryTasks | undefined,
  reader: AlarmReader = { states: async () => ({ [ALARM]: "OK" as AlarmState }) },
  p: CanaryPlan = plan,
  counts: () => Promise<CanaryCounts> = async () => ({ processed: 100, errorLines: 0 }),
  judge?: RelativeJudge,
) {
  const clock = virtualClock();
  const steps: string[] = [];
  const lines: string[] = [];
  const canarySteps: CanarySteps = {
    deployCanary: async () => void steps.push("deploy canary"),
    canaryTasks: async () => tasks(clock.now()),
    canaryCounts: counts,
    removeCanary: async () => void steps.push("remove canary"),
    deployDefault: async () => void steps.push("deploy default"),
    waitDefaultStable: async () => void steps.push("wait default"),
  };
  const result = canaryRelease(p, canarySteps, reader, clock, (l) => lines.push(l), judge);
  return { clock, steps, lines, result };
}

describe("steady: desired > 0, every desired task running, the newest rollout COMPLETED", () => {
  test.each<[string, CanaryTasks]>([
    ["no task desired", { desired: 0, running: 0, rolloutState: "COMPLETED" }],
    ["one of two running", { desired: 2, running: 1, rolloutState: "COMPLETED" }],
    ["rollout still in progress", { desired: 1, running: 1, rolloutState: "IN_PROGRESS" }],
    ["rollout state unknown", { desired: 1, running: 1 }],
  ])("%s is not steady: the release fails at the deadline, nothing baked", async (_what, tasks) => {
    const r = run(() => tasks);
    await expect(r.result).rejects.toThrow(CanaryRolledBack);
    await expect(r.result).rejects.toThrow(/^canary rolled back: the canary was not running and steady within 2 min \(running \d\/\d, rollout [A-Z_a-z]+\); nothing was baked$/);
    expect(r.steps).toEqual(["deploy canary", "remove canary"]);
    expect(r.clock.t).toBe(2 * MIN);
  });

  test("more tasks running than desired (a deployment replacing tasks) is steady once the rollout completed", async () => {
    const r = run(() => ({ desired: 1, running: 2, rolloutState: "COMPLETED" }));
    await r.result;
    expect(r.steps).toEqual(["deploy canary", "deploy default", "wait default", "remove canary"]);
    expect(r.lines[2]).toBe("[00:00] canary steady (2/1 running); bake 2 min, polling 1 alarms every 30 s");
  });

  test("ECS that cannot be read is not steady, and says so once", async () => {
    const r = run(() => {
      throw new Error("ECS unavailable");
    });
    await expect(r.result).rejects.toThrow("canary rolled back: the canary was not running and steady within 2 min (ECS could not be read); nothing was baked");
    expect(r.lines.filter((l) => l.includes("canary: ECS could not be read"))).toEqual(["[00:00]   canary: ECS could not be read"]);
  });

  test("a FAILED rollout rolls back at once, before the deadline, naming the tasks", async () => {
    const r = run((t) => (t < 30_000 ? { desired: 2, running: 0, rolloutState: "IN_PROGRESS" } : { desired: 2, running: 1, rolloutState: "FAILED" }));
    await expect(r.result).rejects.toThrow("canary rolled back: the canary's ECS deployment failed (running 1/2)");
    expect(r.clock.t).toBe(30_000);
    expect(r.steps).toEqual(["deploy canary", "remove canary"]);
    expect(r.lines.filter((l) => l.includes("  canary: "))).toEqual(["[00:00]   canary: 0/2 running, rollout IN_PROGRESS", "[00:30]   canary: 1/2 running, rollout FAILED"]);
  });
});

describe("alarm read retries: 1 s, 2 s, 4 s… between attempts, never longer than the poll interval", () => {
  test("five attempts with a 3 s poll: 1 s, 2 s, 3 s, 3 s, then the poll counts as unreadable", async () => {
    let calls = 0;
    const failing: AlarmReader = {
      states: async () => {
        calls++;
        throw new Error("connect ETIMEDOUT");
      },
    };
    const r = run(() => ({ desired: 1, running: 1, rolloutState: "COMPLETED" }), failing, { ...plan, pollMs: 3000, readAttempts: 5, maxUnreadablePolls: 1 });
    await expect(r.result).rejects.toThrow("canary rolled back: alarm states could not be read 1 times in a row (connect ETIMEDOUT)");
    expect(calls).toBe(5);
    expect(r.clock.sleeps).toEqual([1000, 2000, 3000, 3000]);
    expect(r.lines.filter((l) => l.includes("alarm read failed"))).toEqual([
      "[00:00]   alarm read failed (connect ETIMEDOUT); retry 1/4",
      "[00:01]   alarm read failed (connect ETIMEDOUT); retry 2/4",
      "[00:03]   alarm read failed (connect ETIMEDOUT); retry 3/4",
      "[00:06]   alarm read failed (connect ETIMEDOUT); retry 4/4",
    ]);
  });

  test("without readAttempts and maxUnreadablePolls: 3 attempts per poll, 3 unreadable polls abort", async () => {
    let calls = 0;
    const failing: AlarmReader = {
      states: async () => {
        calls++;
        throw new Error("connect ETIMEDOUT");
      },
    };
    const r = run(() => ({ desired: 1, running: 1, rolloutState: "COMPLETED" }), failing);
    await expect(r.result).rejects.toThrow("canary rolled back: alarm states could not be read 3 times in a row (connect ETIMEDOUT)");
    expect(calls).toBe(9);
    expect(r.clock.sleeps).toEqual([1000, 2000, 30_000, 1000, 2000, 30_000, 1000, 2000]);
  });
});

/** The rejection of a release, as the CanaryRolledBack it must be. */
async function rolledBack(result: Promise<unknown>): Promise<CanaryRolledBack> {
  const err = await result.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof CanaryRolledBack)) throw new Error(`expected a CanaryRolledBack, got ${String(err)}`);
  return err;
}

const STEADY: CanaryTasks = { desired: 1, running: 1, rolloutState: "COMPLETED" };

describe("what a rollback carries", () => {
  test("its name, and the alarms to blame: none when the canary never became steady or failed its rollout", async () => {
    const never = await rolledBack(run(() => ({ desired: 1, running: 0, rolloutState: "IN_PROGRESS" })).result);
    expect([never.name, never.alarms]).toEqual(["CanaryRolledBack", []]);
    const failed = await rolledBack(run(() => ({ desired: 1, running: 0, rolloutState: "FAILED" })).result);
    expect([failed.name, failed.alarms]).toEqual(["CanaryRolledBack", []]);
  });

  test("an unknown rollout state is shown as unknown while waiting and in the failure", async () => {
    const r = run(() => ({ desired: 1, running: 1 }));
    await expect(r.result).rejects.toThrow("canary rolled back: the canary was not running and steady within 2 min (running 1/1, rollout unknown); nothing was baked");
    expect(r.lines.filter((l) => l.includes("  canary: "))).toEqual(["[00:00]   canary: 1/1 running, rollout unknown"]);
  });

  test("two lane alarms at once: both named, comma-separated, and both blamed", async () => {
    const signals: CanarySignal[] = [
      { alarm: "lane-a", scope: "lane", noData: "quiet" },
      { alarm: "lane-b", scope: "lane", noData: "quiet" },
    ];
    const r = run(() => STEADY, { states: async () => ({ "lane-a": "ALARM", "lane-b": "ALARM" }) }, { ...plan, signals });
    const err = await rolledBack(r.result);
    expect([err.message, err.alarms]).toEqual(["canary rolled back: alarm lane-a, lane-b in ALARM", ["lane-a", "lane-b"]]);
  });

  test("counts that cannot be read, an error rate above the limit, not enough evidence: nothing blamed on an alarm", async () => {
    const unreadable = await rolledBack(
      run(() => STEADY, undefined, plan, async () => {
        throw new Error("AccessDenied");
      }).result,
    );
    expect([unreadable.message, unreadable.alarms]).toEqual(["canary rolled back: the canary's counts could not be read (AccessDenied); not counted as healthy", []]);
    const errors = await rolledBack(run(() => STEADY, undefined, plan, async () => ({ processed: 100, errorLines: 5 })).result);
    expect([errors.message, errors.alarms]).toEqual(["canary rolled back: the canary logged 5 ERROR lines for 100 messages (5.00%), above the 1% allowed", []]);
    const few = await rolledBack(run(() => STEADY, undefined, { ...plan, minMessages: 101 }).result);
    expect([few.message, few.alarms]).toEqual(["canary rolled back: not enough evidence after 2 min of bake (the canary processed 100 messages, fewer than the 101 needed): not promoted", []]);
  });
  test("alarms that cannot be read (two not found, named comma-separated): nothing blamed on an alarm", async () => {
    const signals: CanarySignal[] = [
      { alarm: "lane-a", scope: "lane", noData: "quiet" },
      { alarm: "lane-b", scope: "lane", noData: "quiet" },
    ];
    const err = await rolledBack(run(() => STEADY, { states: async () => ({}) }, { ...plan, signals }).result);
    expect([err.message, err.alarms]).toEqual(["canary rolled back: alarm states could not be read 3 times in a row (alarms not found: lane-a, lane-b)", []]);
  });

  test("worse than default, or a comparison that cannot be read: nothing blamed on an alarm", async () => {
    const worse = await rolledBack(run(() => STEADY, undefined, plan, undefined, async () => ({ verdict: "fail", reason: "error lines per message: 4.00% vs 0.25%" })).result);
    expect([worse.message, worse.alarms]).toEqual(["canary rolled back: worse than default: error lines per message: 4.00% vs 0.25%", []]);
    const unread = await rolledBack(run(() => STEADY, undefined, plan, undefined, async () => {
      throw new Error("Throttling: Rate exceeded");
    }).result);
    expect([unread.message, unread.alarms]).toEqual(["canary rolled back: the comparison with default could not be read (Throttling: Rate exceeded); not counted as healthy", []]);
  });
});

describe("the bounds of the evidence", () => {
  test("exactly minErrorLines ERROR lines at a rate above the limit is evidence: rolled back", async () => {
    const r = run(() => STEADY, undefined, { ...plan, minErrorLines: 5, maxErrorRatePercent: 1 }, async () => ({ processed: 100, errorLines: 5 }));
    await expect(r.result).rejects.toThrow("the canary logged 5 ERROR lines for 100 messages (5.00%), above the 1% allowed");
    expect(r.steps).toEqual(["deploy canary", "remove canary"]);
  });

  test("a rate exactly at the limit is allowed (above it rolls back): 5 of 250 at 2% is promoted", async () => {
    const r = run(() => STEADY, undefined, { ...plan, minErrorLines: 5, maxErrorRatePercent: 2 }, async () => ({ processed: 250, errorLines: 5 }));
    await r.result;
    expect(r.steps).toEqual(["deploy canary", "deploy default", "wait default", "remove canary"]);
  });

  test("exactly minMessages processed is enough: promoted", async () => {
    const r = run(() => STEADY, undefined, { ...plan, minMessages: 100 }, async () => ({ processed: 100, errorLines: 0 }));
    await r.result;
    expect(r.steps).toEqual(["deploy canary", "deploy default", "wait default", "remove canary"]);
  });
});

describe("the bake's timeline", () => {
  test("the last poll says the bake is complete", async () => {
    const r = run(() => STEADY);
    await r.result;
    expect(r.lines.filter((l) => l.includes("quiet"))).toEqual([
      "[00:00] 1 canary alarm quiet",
      "[00:30] 1 canary alarm quiet",
      "[01:00] 1 canary alarm quiet",
      "[01:30] 1 canary alarm quiet",
      "[02:00] 1 canary alarm quiet; bake complete",
    ]);
  });

  test("a queue-wide signal without data is not counted among the canary's quiet alarms, and is named", async () => {
    const signals: CanarySignal[] = [
      { alarm: "lane-a", scope: "lane", noData: "quiet" },
      { alarm: "queue-q", scope: "queue", noData: "unknown" },
    ];
    const r = run(() => STEADY, { states: async () => ({ "lane-a": "OK", "queue-q": "INSUFFICIENT_DATA" }) }, { ...plan, signals });
    await expect(r.result).rejects.toThrow("canary rolled back: not enough evidence after 2 min of bake (no data from queue-q): not promoted");
    expect(r.lines[3]).toBe("[00:00] 1 canary alarm quiet; no data yet: queue-q");
  });

  test("two signals without data are both named, comma-separated", async () => {
    const signals: CanarySignal[] = [
      { alarm: "lane-a", scope: "lane", noData: "unknown" },
      { alarm: "lane-b", scope: "lane", noData: "unknown" },
    ];
    const r = run(() => STEADY, { states: async () => ({ "lane-a": "INSUFFICIENT_DATA", "lane-b": "INSUFFICIENT_DATA" }) }, { ...plan, signals });
    await expect(r.result).rejects.toThrow("canary rolled back: not enough evidence after 2 min of bake (no data from lane-a, lane-b): not promoted");
    expect(r.lines.filter((l) => l.includes("no data yet"))[0]).toBe("[00:00] 0 canary alarms quiet; no data yet: lane-a, lane-b");
  });

  test("a queue-wide alarm is shown each time it goes into ALARM again, not on every poll", async () => {
    const signals: CanarySignal[] = [
      { alarm: "lane-a", scope: "lane", noData: "quiet" },
      { alarm: "queue-q", scope: "queue", noData: "quiet" },
    ];
    const states: AlarmState[] = ["ALARM", "ALARM", "OK", "ALARM", "ALARM"];
    let poll = 0;
    const r = run(() => STEADY, { states: async () => ({ "lane-a": "OK", "queue-q": states[Math.min(poll++, states.length - 1)]! }) }, { ...plan, signals });
    await r.result;
    expect(r.lines.filter((l) => l.includes("queue-wide alarm queue-q in ALARM")).map((l) => l.slice(0, 7))).toEqual(["[00:00]", "[01:30]"]);
  });

  test("unreadable polls are shown with the count against the limit", async () => {
    let calls = 0;
    const r = run(
      () => STEADY,
      {
        states: async () => {
          calls++;
          if (calls <= 2) throw new Error("connect ETIMEDOUT");
          return { [ALARM]: "OK" };
        },
      },
      { ...plan, readAttempts: 1, maxUnreadablePolls: 3 },
    );
    await r.result;
    expect(r.lines.filter((l) => l.includes("alarms unreadable"))).toEqual([
      "[00:00] alarms unreadable (connect ETIMEDOUT); not counted as healthy (1/3)",
      "[00:30] alarms unreadable (connect ETIMEDOUT); not counted as healthy (2/3)",
    ]);
  });
});

describe("realClock", () => {
  test("sleeps with a timer (a promise), and tells the time from Date.now", async () => {
    const sleeping = realClock.sleep(1);
    expect(sleeping).toBeInstanceOf(Promise);
    await sleeping;
    const before = Date.now();
    const now = realClock.now();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });
});
