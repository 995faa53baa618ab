/**
 * `lanes ramp` end to end (lib/harness/ramp-world.ts): the real command, operations, ramp
 * program, metrics reader and judge, against real S3 state and DynamoDB locks; the ALB (ELBv2)
 * and CloudWatch answered at the SDK edge — the ALB keeps the ramp rule and its weights, and
 * CloudWatch reports traffic split by the weights each minute had; Terraform steps recorded (a
 * deploy with LANES_RAMP=1 creates the rule, any other deploy or the destroy removes it); a
 * virtual clock.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { RampWorld, DEFAULT_TG_ARN, IMAGES, MIN, T0, demo, laneTargetGroupArn, regression } from "../lib/harness/ramp-world";
import { throttled } from "./analysis/helpers/cloudwatch";
import { ROOT } from "./helpers/project";

const RAMP = ["ramp", "gray", "--service", "user-api", "--env", "dev"];
const steps = (ran: { steps: { action: string; stack: string; image?: string }[] }) => ran.steps.map((s) => `${s.action} ${s.stack}${s.image ? ` ${s.image.split(":").pop()}` : ""}`);
const weights = (ran: { weights: { at: number; percent: number }[] }) => ran.weights.map((w) => `${w.percent}% at ${w.at / MIN} min`);

describe("lanes ramp", () => {
  let world: RampWorld;
  beforeAll(async () => {
    world = await RampWorld.start();
  });
  afterAll(async () => world?.stop());
  beforeEach(async () => world.reset());

  test("a healthy ramp adds the rule, goes 5 → 25 → 50 → 100 % one interval apart, then promotes: default takes gray's image and gray (with its rule) goes", async () => {
    const ran = await world.lanes([...RAMP, "--steps", "5,25,50", "--interval", "10m", "--json"]);
    expect([ran.outcome.code, ran.outcome.text]).toEqual([0, `gray ramped to 100% and promoted: default runs ${IMAGES.gray}; lane gray removed`]);
    expect(weights(ran)).toEqual(["5% at 0 min", "25% at 10 min", "50% at 20 min", "100% at 30 min"]);
    // default is deployed only after the last step passed, and with the image the ramp judged.
    expect(steps(ran)).toEqual(["deploy app-user-api-dev-gray sha-9f8e7d6", "deploy app-user-api-dev-default sha-9f8e7d6", "destroy app-user-api-dev-gray"]);
    expect(ran.lines).toContain("adding the ramp rule (priority 49999, 0% to gray): deploy app-user-api-dev-gray with it");
    const decisions = ran.outcome.result.decisions as { weight: number; verdict: string; window: { start: string; end: string } }[];
    expect(decisions.map((d) => [d.weight, d.verdict, d.window.start, d.window.end])).toEqual([
      [5, "pass", "2026-11-23T09:00:00.000Z", "2026-11-23T09:10:00.000Z"],
      [25, "pass", "2026-11-23T09:10:00.000Z", "2026-11-23T09:20:00.000Z"],
      [50, "pass", "2026-11-23T09:20:00.000Z", "2026-11-23T09:30:00.000Z"],
    ]);
    expect(world.rule).toBeUndefined();
  });

  test("a regression at step 2 aborts within one interval: weight back to 0, the rule removed, gray kept, default never deployed (exit 9)", async () => {
    const ran = await world.lanes(RAMP, { lane: (weight, minuteMs, requests) => (weight === 25 ? regression(requests, minuteMs) : undefined) });
    expect(ran.outcome.code).toBe(9);
    expect(weights(ran)).toEqual(["5% at 0 min", "25% at 10 min", "0% at 20 min"]);
    expect(steps(ran)).toEqual(["deploy app-user-api-dev-gray sha-9f8e7d6", "deploy app-user-api-dev-gray sha-9f8e7d6"]);
    expect(ran.outcome.text).toMatch(/^ramp aborted at 25%: 5xx rate: 5\.00% vs 0\.2\d%: \+4\.\d\d pp, above the \+0\.50 pp allowed .*; weight back to 0%, lane kept for debugging; ramp rule removed \(gray keeps its image and its header route\)$/);
    // The failing step's table is printed: every metric, its p-value and its limit.
    expect(ran.lines).toContain("gray vs default, 2026-11-23 09:10–09:20 UTC (10 min): FAIL");
    expect(ran.lines.find((l) => l.trim().startsWith("5xx rate"))).toMatch(/5\.00% \(5000 req\) +0\.2\d% \(\d+ req\) +\+4\.\d\d pp +p<0\.0001 +≤ \+0\.50 pp +fail/);
    expect(world.rule).toBeUndefined();
  });

  test("throttled CloudWatch reads are retried and the ramp goes on", async () => {
    const ran = await world.lanes(RAMP, { failCall: (call) => (call % 3 !== 0 ? throttled() : undefined) });
    expect(ran.outcome.code).toBe(0);
    expect(ran.lines.filter((l) => l.includes("metrics read failed (Throttling: Rate exceeded)"))).toHaveLength(6);
    expect(weights(ran).map((w) => w.split(" ")[0])).toEqual(["5%", "25%", "50%", "100%"]);
  });

  test("throttling that does not stop is never taken as healthy: the ramp aborts at weight 0, nothing promoted (exit 10)", async () => {
    const ran = await world.lanes(RAMP, { failCall: (_call, now) => (now >= T0 + 20 * MIN ? throttled() : undefined) });
    expect(ran.outcome.code).toBe(10);
    expect(ran.outcome.text).toMatch(/^ramp aborted at 25%: the metrics could not be read 3 times in a row/);
    expect(weights(ran).at(-1)).toMatch(/^0% at 2\d(\.\d+)? min$/);
    expect(steps(ran).some((s) => s.includes("default"))).toBe(false);
  });

  test("too little traffic stays inconclusive up to the limit, then aborts (exit 10)", async () => {
    const ran = await world.lanes([...RAMP, "--steps", "5,50"], { total: 150 });
    expect(ran.outcome.code).toBe(10);
    expect(ran.outcome.text).toMatch(/^ramp aborted at 5%: still inconclusive after 4 intervals at 5% \(5xx rate: the lane had \d+ requests; 500 needed\)/);
    expect(weights(ran)).toEqual(["5% at 0 min", "0% at 40 min"]);
  });

  test("stickiness is set on the rule with every weight", async () => {
    const ran = await world.lanes([...RAMP, "--steps", "10", "--interval", "15m", "--stickiness", "1h"]);
    expect(ran.outcome.code).toBe(0);
    expect(ran.weights.map((w) => [w.percent, w.stickiness])).toEqual([
      [10, 3600],
      [100, 3600],
    ]);
  });

  test("a second ramping lane is refused with the holder's name before anything changes (exit 6)", async () => {
    await world.reset({ lanes: ["blue"], rampHeldBy: "blue" });
    const ran = await world.lanes(RAMP);
    expect(ran.outcome.code).toBe(6);
    expect(ran.outcome.text).toBe(
      "lane 'blue' holds the ramp rule of user-api's listener (priority 49999, weights user-api-dev-blue-tg 25, user-api-dev-default-tg 75): one lane ramps at a time. Let blue's ramp finish, or promote or destroy blue, then ramp gray.",
    );
    expect(ran.steps).toEqual([]);
    expect(world.elbCalls("ModifyRule")).toBe(0);
    expect(world.rule).toEqual(expect.objectContaining({ lane: "blue", weights: { [laneTargetGroupArn("blue")]: 25, [DEFAULT_TG_ARN]: 75 } }));
  });

  test("a lane that already holds the rule (an interrupted ramp) starts over without deploying it again", async () => {
    await world.reset({ rampHeldBy: "gray" });
    const ran = await world.lanes([...RAMP, "--steps", "20", "--interval", "10m"]);
    expect(ran.outcome.code).toBe(0);
    expect(ran.lines).toContain("gray already holds the ramp rule (25% to gray): starting over from 20%");
    expect(steps(ran)[0]).toBe("deploy app-user-api-dev-default sha-9f8e7d6");
    expect(weights(ran)).toEqual(["20% at 0 min", "100% at 10 min"]);
  });

  test("a lane whose image changes during the ramp is not promoted: weight 0, rule removed, its new image kept", async () => {
    let published = false;
    const newer = IMAGES.gray.replace("sha-9f8e7d6", "sha-0c0ffee");
    const ran = await world.lanes(RAMP, {
      onTime: async (now) => {
        if (!published && now >= T0 + 15 * MIN) {
          published = true;
          await world.publishLane("gray", newer);
        }
      },
    });
    expect(ran.outcome.code).toBe(6);
    expect(ran.outcome.text).toBe(
      `ramp of gray stopped: lane gray now runs ${newer}, not ${IMAGES.gray} that the ramp started with: it was changed during the ramp; weight back to 0%; ramp rule removed (gray keeps its image and its header route)`,
    );
    expect(weights(ran)).toEqual(["5% at 0 min", "25% at 10 min", "0% at 20 min"]);
    expect(steps(ran)).toEqual(["deploy app-user-api-dev-gray sha-9f8e7d6", "deploy app-user-api-dev-gray sha-0c0ffee"]);
  });

  test("when default does not become healthy the lane keeps 100% and the message says how to finish (exit 5)", async () => {
    const failing = { health: async () => ({ desired: 2, running: 0, rolloutState: "FAILED", healthyTargets: 0 }) };
    const ran = await world.lanes([...RAMP, "--steps", "50", "--interval", "10m"], {}, { deps: { cluster: failing } });
    expect(ran.outcome.code).toBe(5);
    expect(ran.outcome.text).toContain("The ramp rule still sends every request without a lane to gray, which passed every step; once default is healthy, promote again: lanes promote gray --service user-api --env dev.");
    expect(weights(ran)).toEqual(["50% at 0 min", "100% at 10 min"]);
    expect(steps(ran)).toEqual(["deploy app-user-api-dev-gray sha-9f8e7d6", "deploy app-user-api-dev-default sha-9f8e7d6"]);
  });

  test("--dry-run validates the lane with its rule and says what it would do, touching neither the ALB nor CloudWatch", async () => {
    const ran = await world.lanes([...RAMP, "--dry-run"]);
    expect(ran.outcome.code).toBe(0);
    expect(ran.steps).toEqual([{ action: "deploy", stack: "app-user-api-dev-gray", image: IMAGES.gray, dryRun: true }]);
    expect(ran.lines).toContain(`dry run: would ramp user-api dev lane gray 5% → 25% → 50% → 100%, analysed against default every 10 min (237 min at most), then promote ${IMAGES.gray}`);
    expect(world.elbCalls("DescribeRules") + world.elbCalls("ModifyRule")).toBe(0);
  });

  describe("bad input: a clear message, exit 2, nothing changed", () => {
    test.each([
      ["steps not rising", [...RAMP, "--steps", "25,5"], "steps must rise strictly: 5 comes after 25 (25,5)"],
      ["a step above 100", [...RAMP, "--steps", "5,150"], "steps: 150 is not a weight from 1 to 100 (percent of the traffic)"],
      ["steps that are not numbers", [...RAMP, "--steps", "five"], 'steps: "five" is not a list of percentages like 5,25,50'],
      ["an interval below the metric period", [...RAMP, "--interval", "30s"], "interval 30 s is shorter than the metric period (60 s): an analysis would see no complete datapoint"],
      ["an interval that is no duration", [...RAMP, "--interval", "ten"], '--interval: "ten" is not a duration like 10m, 90s or 1h'],
      ["stickiness beyond the ALB's 7 days", [...RAMP, "--stickiness", "200h"], "stickiness: 720000 s is not a duration from 0 (off) to 604800 s (7 days), the ALB's range."],
      ["an unknown lane", ["ramp", "purple", "--service", "user-api", "--env", "dev"], "lane 'purple' of user-api in dev has no state (app-user-api-dev-purple was never deployed, or was destroyed)"],
      ["the default lane", ["ramp", "default", "--service", "user-api", "--env", "dev"], "ramp compares a lane with default, and default is the baseline"],
      ["a worker", ["ramp", "canary", "--service", "order-worker", "--env", "dev"], "ramp is for http services behind their ALB; order-worker is a worker (its canary is judged against default by lanes canary)."],
      ["no lane", ["ramp", "--service", "user-api", "--env", "dev"], "ramp needs a lane: lanes ramp gray --service user-api --env dev"],
    ])("%s", async (_what, argv, message) => {
      const ran = await world.lanes(argv);
      expect([ran.outcome.code, ran.outcome.text]).toEqual([2, expect.stringContaining(message)]);
      expect(ran.steps).toEqual([]);
      expect(world.elbCalls("DescribeRules") + world.elbCalls("ModifyRule")).toBe(0);
      expect(world.rule).toBeUndefined();
    });

    test("a ramp that may outlast the pipeline build running it (LANES_BUILD_TIMEOUT_MINUTES)", async () => {
      const ran = await world.lanes(RAMP, {}, { env: { LANES_BUILD_TIMEOUT_MINUTES: "60" } });
      expect(ran.outcome.code).toBe(2);
      expect(ran.outcome.text).toMatch(/^this ramp can run 237 minutes, longer than this build may \(60 min, LANES_BUILD_TIMEOUT_MINUTES\)/);
      expect(ran.steps).toEqual([]);
    });
  });

  test("the README shows the analysis and the two ramps of gray as this world runs them (npm run ramp:demo)", async () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    for (const name of ["analyzed", "promoted", "aborted"] as const) {
      const block = await demo(world, name);
      // The block itself on failure (not the whole README): paste it from npm run ramp:demo.
      expect(readme.includes(block) ? "in the README" : block).toBe("in the README");
    }
  });
});
