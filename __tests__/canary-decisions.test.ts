/**
 * Every decision of the worker canary release (lib/ops/canary.ts) fed on purpose (issue 14,
 * point 4): each alarm state, reads failing between successes, the retry schedule, the relative
 * judge's four answers, and the timeline. Virtual clock, CloudWatch stubbed at the AlarmReader.
 * Kept apart from canary.test.ts so the two merge independently.
 */
import { CloudWatchClient, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import { mockClient } from "aws-sdk-client-mock";
import { CanaryRolledBack, CloudWatchAlarmReader, canaryRelease, type AlarmReader, type AlarmState, type CanarySteps, type Clock, type RelativeJudge } from "../lib/ops/canary";

const MIN = 60_000;
const A = "w-dev-canary-dead-letters";
const B = "w-dev-canary-error-lines";
const IMAGE = "123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/dev/w:sha-abc1234";
const plan = { image: IMAGE, bakeMs: 2 * MIN, pollMs: 30_000, alarms: [A, B] };

interface World {
  clock: Clock & { t: number; sleeps: number[] };
  steps: CanarySteps;
  done: string[];
  lines: string[];
}

function world(): World {
  const clock = { t: 0, sleeps: [] as number[], now: () => clock.t, sleep: async (ms: number) => void (clock.sleeps.push(ms), (clock.t += ms)) };
  const done: string[] = [];
  const steps: CanarySteps = {
    deployCanary: async (image) => void done.push(`deploy canary ${image}`),
    removeCanary: async () => void done.push("remove canary"),
    deployDefault: async (image) => void done.push(`deploy default ${image}`),
    waitDefaultStable: async () => void done.push("wait default"),
  };
  return { clock, steps, done, lines: [] };
}

/** Answers read by read: a state map, or an Error to throw. */
function scripted(answers: (Record<string, AlarmState> | Error)[], then: Record<string, AlarmState> = { [A]: "OK", [B]: "OK" }): AlarmReader & { calls: number } {
  const r = {
    calls: 0,
    states: async () => {
      const answer = answers[r.calls++] ?? then;
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
  return r;
}

const PROMOTED = [`deploy canary ${IMAGE}`, `deploy default ${IMAGE}`, "wait default", "remove canary"];
const ROLLED_BACK = [`deploy canary ${IMAGE}`, "remove canary"];

async function rolledBack(run: Promise<unknown>): Promise<CanaryRolledBack> {
  const err = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CanaryRolledBack);
  return err as CanaryRolledBack;
}

describe("alarm states", () => {
  test("OK on every alarm through the bake: promoted after the bake, polled every 30 s (5 polls in 2 min)", async () => {
    const w = world();
    const result = await canaryRelease(plan, w.steps, scripted([]), w.clock, (l) => w.lines.push(l));
    expect(w.done).toEqual(PROMOTED);
    expect(result.polls).toBe(5);
    expect(w.lines).toEqual([
      `[00:00] deploy canary with ${IMAGE}`,
      "[00:00] bake 2 min, polling 2 alarms every 30 s",
      "[00:00] 2 alarms quiet",
      "[00:30] 2 alarms quiet",
      "[01:00] 2 alarms quiet",
      "[01:30] 2 alarms quiet",
      "[02:00] 2 alarms quiet; bake complete",
      `[02:00] promote: deploy default with ${IMAGE}`,
      "[02:00] wait for default to be stable",
      "[02:00] default stable; remove the canary lane",
      "[02:00] release complete",
    ]);
  });

  test("INSUFFICIENT_DATA is not ALARM: a canary alarm without data yet does not roll back (CloudWatch's state of a new alarm)", async () => {
    const w = world();
    await canaryRelease(plan, w.steps, scripted([], { [A]: "INSUFFICIENT_DATA", [B]: "OK" }), w.clock, () => undefined);
    expect(w.done).toEqual(PROMOTED);
  });

  test("ALARM on any one alarm rolls back at once, naming only the firing alarms", async () => {
    const w = world();
    const err = await rolledBack(canaryRelease(plan, w.steps, scripted([{ [A]: "OK", [B]: "OK" }, { [A]: "INSUFFICIENT_DATA", [B]: "ALARM" }]), w.clock, (l) => w.lines.push(l)));
    expect(err.message).toBe(`canary rolled back: alarm ${B} in ALARM`);
    expect(err.alarms).toEqual([B]);
    expect(w.done).toEqual(ROLLED_BACK);
    expect(w.lines.slice(-2)).toEqual([`[00:30] rolling back: alarm ${B} in ALARM; removing the canary lane`, "[00:30] canary removed; default untouched"]);
  });

  test("both alarms in ALARM are both named", async () => {
    const w = world();
    const err = await rolledBack(canaryRelease(plan, w.steps, scripted([{ [A]: "ALARM", [B]: "ALARM" }]), w.clock, () => undefined));
    expect(err.message).toBe(`canary rolled back: alarm ${A}, ${B} in ALARM`);
    expect(err.alarms).toEqual([A, B]);
  });

  test("ALARM on the last poll of the bake still rolls back", async () => {
    const w = world();
    const ok = { [A]: "OK", [B]: "OK" } as Record<string, AlarmState>;
    await rolledBack(canaryRelease(plan, w.steps, scripted([ok, ok, ok, ok, { [A]: "ALARM", [B]: "OK" }]), w.clock, () => undefined));
    expect(w.done).toEqual(ROLLED_BACK);
  });
});

describe("reads that fail", () => {
  const once = { ...plan, readAttempts: 1 };
  const down = () => new Error("connect ETIMEDOUT");

  test("unreadable polls between successes start counting again after each success: no abort", async () => {
    const w = world();
    const ok = { [A]: "OK", [B]: "OK" } as Record<string, AlarmState>;
    await canaryRelease({ ...once, bakeMs: 4 * MIN }, w.steps, scripted([down(), down(), ok, down(), down(), ok, down(), down()]), w.clock, (l) => w.lines.push(l));
    expect(w.done).toEqual(PROMOTED);
    expect(w.lines.filter((l) => l.includes("not counted as healthy")).map((l) => l.replace(/^\[\d\d:\d\d\] /, ""))).toEqual([
      "alarms unreadable (connect ETIMEDOUT); not counted as healthy (1/3)",
      "alarms unreadable (connect ETIMEDOUT); not counted as healthy (2/3)",
      "alarms unreadable (connect ETIMEDOUT); not counted as healthy (1/3)",
      "alarms unreadable (connect ETIMEDOUT); not counted as healthy (2/3)",
      "alarms unreadable (connect ETIMEDOUT); not counted as healthy (1/3)",
      "alarms unreadable (connect ETIMEDOUT); not counted as healthy (2/3)",
    ]);
  });

  test("three unreadable polls in a row abort: rolled back naming no alarm, default untouched", async () => {
    const w = world();
    const ok = { [A]: "OK", [B]: "OK" } as Record<string, AlarmState>;
    const err = await rolledBack(canaryRelease(once, w.steps, scripted([ok, down(), down(), down()]), w.clock, () => undefined));
    expect(err.message).toBe("canary rolled back: alarm states could not be read 3 times in a row (connect ETIMEDOUT)");
    expect(err.alarms).toEqual([]);
    expect(w.done).toEqual(ROLLED_BACK);
  });

  test("maxUnreadablePolls 1: the first unreadable poll aborts", async () => {
    const w = world();
    await rolledBack(canaryRelease({ ...once, maxUnreadablePolls: 1 }, w.steps, scripted([down()]), w.clock, () => undefined));
    expect(w.done).toEqual(ROLLED_BACK);
  });

  test("retries inside a poll back off 1 s, 2 s, 4 s (capped at the poll interval), then the poll counts as unreadable", async () => {
    const w = world();
    const r = scripted([down(), down(), down(), down(), down()]);
    await canaryRelease({ ...plan, readAttempts: 5, pollMs: 3000, bakeMs: 0 }, w.steps, r, w.clock, (l) => w.lines.push(l));
    expect(w.clock.sleeps.slice(0, 4)).toEqual([1000, 2000, 3000, 3000]);
    expect(w.lines.filter((l) => l.includes("retry")).map((l) => l.replace(/^\[\d\d:\d\d\] /, ""))).toEqual([
      "  alarm read failed (connect ETIMEDOUT); retry 1/4",
      "  alarm read failed (connect ETIMEDOUT); retry 2/4",
      "  alarm read failed (connect ETIMEDOUT); retry 3/4",
      "  alarm read failed (connect ETIMEDOUT); retry 4/4",
    ]);
    expect(r.calls).toBe(6);
    expect(w.done).toEqual(PROMOTED);
  });

  test("a retried read that then succeeds is a good poll: nothing counted as unreadable", async () => {
    const w = world();
    await canaryRelease(plan, w.steps, scripted([down(), down()]), w.clock, (l) => w.lines.push(l));
    expect(w.lines.some((l) => l.includes("not counted as healthy"))).toBe(false);
    expect(w.done).toEqual(PROMOTED);
  });

  test("an error with a name is shown with it; a plain Error with its message only", async () => {
    const w = world();
    const named = new Error("Rate exceeded");
    named.name = "Throttling";
    await canaryRelease({ ...plan, readAttempts: 2 }, w.steps, scripted([named, down()]), w.clock, (l) => w.lines.push(l));
    expect(w.lines).toContain("[00:00]   alarm read failed (Throttling: Rate exceeded); retry 1/1");
    expect(w.lines).toContain("[00:01] alarms unreadable (connect ETIMEDOUT); not counted as healthy (1/3)");
  });
});

describe("the relative judge (the canary against default)", () => {
  function judged(answer: Awaited<ReturnType<RelativeJudge>> | Error): RelativeJudge & { windows: { start: Date; end: Date }[] } {
    const windows: { start: Date; end: Date }[] = [];
    const judge = Object.assign(
      async (window: { start: Date; end: Date }) => {
        windows.push(window);
        if (answer instanceof Error) throw answer;
        return answer;
      },
      { windows },
    );
    return judge;
  }

  test("asked once, after the bake, over the bake's window; pass promotes", async () => {
    const w = world();
    w.clock.t = 5000;
    const judge = judged({ verdict: "pass", reason: "error lines per message within 10% of default" });
    await canaryRelease(plan, w.steps, scripted([]), w.clock, (l) => w.lines.push(l), judge);
    expect(judge.windows).toEqual([{ start: new Date(5000), end: new Date(5000 + 2 * MIN) }]);
    expect(w.lines).toContain("[02:00] against default: pass — error lines per message within 10% of default");
    expect(w.done).toEqual(PROMOTED);
  });

  test("fail rolls back", async () => {
    const w = world();
    const err = await rolledBack(canaryRelease(plan, w.steps, scripted([]), w.clock, () => undefined, judged({ verdict: "fail", reason: "3x the error lines" })));
    expect(err.message).toBe("canary rolled back: worse than default: 3x the error lines");
    expect([err.name, err.alarms]).toEqual(["CanaryRolledBack", []]);
    expect(w.done).toEqual(ROLLED_BACK);
  });

  test("inconclusive leaves it to the alarms: promoted", async () => {
    const w = world();
    await canaryRelease(plan, w.steps, scripted([]), w.clock, (l) => w.lines.push(l), judged({ verdict: "inconclusive", reason: "12 messages, 100 needed" }));
    expect(w.lines).toContain("[02:00] against default: inconclusive — 12 messages, 100 needed");
    expect(w.done).toEqual(PROMOTED);
  });

  test("a judgement that cannot be read is not healthy: rolled back", async () => {
    const w = world();
    const err = await rolledBack(canaryRelease(plan, w.steps, scripted([]), w.clock, () => undefined, judged(new Error("GetMetricData: AccessDenied"))));
    expect(err.message).toBe("canary rolled back: the comparison with default could not be read (GetMetricData: AccessDenied); not counted as healthy");
    expect(err.alarms).toEqual([]);
    expect(w.done).toEqual(ROLLED_BACK);
  });

  test("not asked while the bake runs, nor when an alarm rolled back first", async () => {
    const w = world();
    const judge = judged({ verdict: "pass", reason: "x" });
    await rolledBack(canaryRelease(plan, w.steps, scripted([{ [A]: "ALARM", [B]: "OK" }]), w.clock, () => undefined, judge));
    expect(judge.windows).toEqual([]);
  });
});

test("the timeline counts minutes and seconds from the start: [mm:ss]", async () => {
  const w = world();
  await canaryRelease({ ...plan, bakeMs: 61 * MIN, pollMs: 61_000 }, w.steps, scripted([]), w.clock, (l) => w.lines.push(l));
  expect(w.lines).toContain("[01:01] 2 alarms quiet");
  expect(w.lines).toContain("[61:00] 2 alarms quiet; bake complete");
  expect(w.lines[1]).toBe("[00:00] bake 61 min, polling 2 alarms every 61 s");
});

test("alarms CloudWatch does not return are named, comma-separated, and count as unreadable", async () => {
  const w = world();
  await rolledBack(canaryRelease({ ...plan, readAttempts: 1, maxUnreadablePolls: 1 }, w.steps, scripted([{}]), w.clock, (l) => w.lines.push(l)));
  expect(w.lines).toContain(`[00:00] alarms unreadable (alarms not found: ${A}, ${B}); not counted as healthy (1/1)`);
});

describe("CloudWatchAlarmReader (the SDK edge, mocked with aws-sdk-client-mock)", () => {
  const cw = mockClient(CloudWatchClient);
  afterAll(() => cw.restore());

  test("asks DescribeAlarms for the named metric alarms, once (no SDK retries), and maps their states", async () => {
    cw.reset();
    cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [{ AlarmName: A, StateValue: "ALARM" }, { AlarmName: B }] });
    const reader = new CloudWatchAlarmReader("ap-southeast-2");
    expect(await reader.states([A, B])).toEqual({ [A]: "ALARM", [B]: "INSUFFICIENT_DATA" });
    expect(cw.commandCalls(DescribeAlarmsCommand).map((c) => c.args[0].input)).toEqual([{ AlarmNames: [A, B], AlarmTypes: ["MetricAlarm"] }]);
    expect(await (reader as unknown as { client: CloudWatchClient }).client.config.maxAttempts()).toBe(1);
    reader.destroy();
  });

  test("no alarms returned: an empty map (the program then names them as not found)", async () => {
    cw.reset();
    cw.on(DescribeAlarmsCommand).resolves({});
    expect(await new CloudWatchAlarmReader("ap-southeast-2").states([A])).toEqual({});
  });
});
