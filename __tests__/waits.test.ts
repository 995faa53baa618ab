/** Long waits say how long they have been waiting: the health wait on every check, cdktf runs every 30 s and at the end. */
import { elapsed, waitHealthy, type ServiceHealth } from "../lib/ops/cluster";
import { withElapsed } from "../lib/ops/steps";

test("elapsed time reads m:ss, and h:mm:ss past an hour", () => {
  expect([elapsed(0), elapsed(59_999), elapsed(75_000), elapsed(3_725_000)]).toEqual(["0:00", "0:59", "1:15", "1:02:05"]);
});

test("the health wait shows the elapsed time on every check", async () => {
  let t = 0;
  const answers: ServiceHealth[] = [
    { desired: 2, running: 0, rolloutState: "IN_PROGRESS" },
    { desired: 2, running: 1, rolloutState: "IN_PROGRESS" },
    { desired: 2, running: 2, rolloutState: "COMPLETED", healthyTargets: 2 },
  ];
  const lines: string[] = [];
  await waitHealthy({ health: async () => answers.shift() }, "dev-cluster", "user-api-dev-default", undefined, {
    timeoutMs: 600_000,
    intervalMs: 15_000,
    onProgress: (l) => lines.push(l),
    sleep: async (ms) => void (t += ms),
    now: () => t,
  });
  expect(lines).toEqual([
    "  user-api-dev-default: 0/2 running, rollout IN_PROGRESS (check 1, 0:00 elapsed)",
    "  user-api-dev-default: 1/2 running, rollout IN_PROGRESS (check 2, 0:15 elapsed)",
    "  user-api-dev-default: 2/2 running, rollout COMPLETED, 2 healthy target(s) (check 3, 0:30 elapsed)",
  ]);
});

test("a long cdktf run says every 30 s that it is still running, and how long it took", async () => {
  jest.useFakeTimers({ now: 0 });
  try {
    const lines: string[] = [];
    let finish: () => void = () => undefined;
    const running = withElapsed("destroying app-user-api-dev-gray", (l) => lines.push(l), () => new Promise<void>((resolve) => (finish = resolve)));
    await jest.advanceTimersByTimeAsync(95_000);
    finish();
    await running;
    expect(lines).toEqual([
      "  still destroying app-user-api-dev-gray (0:30 elapsed)",
      "  still destroying app-user-api-dev-gray (1:00 elapsed)",
      "  still destroying app-user-api-dev-gray (1:30 elapsed)",
      "destroying app-user-api-dev-gray: done in 1:35",
    ]);
  } finally {
    jest.useRealTimers();
  }
});
