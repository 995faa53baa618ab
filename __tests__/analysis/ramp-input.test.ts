/** `lanes ramp` input: bad steps and intervals are refused with sentences a person can act on. */
import { RAMP_INPUT_EXIT, RampInputError, assertRampInput, parseDuration, parseSteps, validateRampInput } from "../../lib/analysis/ramp-input";

describe("validateRampInput", () => {
  test("a good ramp has no problems", () => {
    expect(validateRampInput({ steps: [5, 25, 50], intervalSeconds: 600, periodSeconds: 60 })).toEqual([]);
    expect(validateRampInput({ steps: [1, 100], intervalSeconds: 60 })).toEqual([]);
  });

  test.each([
    [[5, 25, 25], 600, ["steps must rise strictly: 25 repeats (5,25,25)"]],
    [[50, 25], 600, ["steps must rise strictly: 25 comes after 50 (50,25)"]],
    [[5, 150], 600, ["steps: 150 is not a weight from 1 to 100 (percent of the traffic)"]],
    [[0, 50], 600, ["steps: 0 is not a weight from 1 to 100 (percent of the traffic)"]],
    [[12.5], 600, ["steps: 12.5 is not a whole percent"]],
    [[], 600, ["steps: give at least one weight, e.g. --steps 5,25,50"]],
    [[100], 600, ["steps: give at least one weight below 100: at 100% default has no traffic to compare the lane with"]],
    [[5, 25], 30, ["interval 30 s is shorter than the metric period (60 s): an analysis would see no complete datapoint"]],
    [[5, 25], 0, ["interval must be a positive duration (got 0 s)"]],
    [[50, 25, 200], 10, ["steps must rise strictly: 25 comes after 50 (50,25,200)", "steps: 200 is not a weight from 1 to 100 (percent of the traffic)", "interval 10 s is shorter than the metric period (60 s): an analysis would see no complete datapoint"]],
  ])("steps %j every %d s", (steps, intervalSeconds, problems) => {
    expect(validateRampInput({ steps, intervalSeconds })).toEqual(problems);
  });

  test("the interval is held against the period given", () => {
    expect(validateRampInput({ steps: [5], intervalSeconds: 120, periodSeconds: 300 })).toEqual([
      "interval 120 s is shorter than the metric period (300 s): an analysis would see no complete datapoint",
    ]);
  });

  test("assertRampInput throws every problem with exit code 2", () => {
    const err = (() => {
      try {
        assertRampInput({ steps: [50, 25], intervalSeconds: 30 });
      } catch (e) {
        return e as RampInputError;
      }
      throw new Error("no error");
    })();
    expect(err).toBeInstanceOf(RampInputError);
    expect(err.exitCode).toBe(RAMP_INPUT_EXIT);
    expect(RAMP_INPUT_EXIT).toBe(2);
    expect(err.problems).toHaveLength(2);
  });
});

describe("parsing", () => {
  test("steps", () => {
    expect(parseSteps("5,25,50")).toEqual([5, 25, 50]);
    expect(parseSteps(" 5%, 25% ")).toEqual([5, 25]);
    expect(() => parseSteps("5,,50")).toThrow('steps: "5,,50" is not a list of percentages like 5,25,50');
    expect(() => parseSteps("five")).toThrow(RampInputError);
    expect(() => parseSteps("")).toThrow(RampInputError);
  });

  test("durations", () => {
    expect(parseDuration("10m")).toBe(600);
    expect(parseDuration("90s")).toBe(90);
    expect(parseDuration("1h30m")).toBe(5400);
    expect(parseDuration("600")).toBe(600);
    expect(() => parseDuration("10 minutes", "interval")).toThrow('interval: "10 minutes" is not a duration like 10m, 90s or 1h');
    expect(() => parseDuration("m10")).toThrow(RampInputError);
  });
});
