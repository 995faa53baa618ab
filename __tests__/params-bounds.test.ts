/**
 * Params at and across each bound that decides something (issue 14, point 4): a lane's
 * desiredCount against its scaling range, the range itself, explicit rule priorities (1..9999,
 * the ALB's lane range; 10000..50000 are derived and the platform's), desiredCount 0..1000.
 * Each value just inside is accepted, each just outside refused naming the file, field and fix.
 */
import { ParamsError } from "../lib/params/errors";
import { TempParams, exampleFile, type Json } from "./helpers/project";

type Lane = Record<string, unknown>;

/** user-api-dev.json with gray's settings replaced (scaling from laneDefaults unless given). */
function withGray(gray: Lane): Json {
  return exampleFile("user-api-dev.json", (j) => void ((j.lanes as Record<string, Lane>).gray = gray));
}

/** Loads user-api in dev with these files: the lane's settings, or the refusal's message. */
function load(file: Json): { desiredCount: number; priority: number } | string {
  const params = new TempParams({ "user-api-dev.json": file });
  try {
    const gray = params.repo().service("user-api", "dev").lanes.find((l) => l.lane === "gray")!;
    return { desiredCount: gray.desiredCount, priority: gray.priority };
  } catch (err) {
    if (!(err instanceof ParamsError)) throw err;
    return err.message;
  } finally {
    params.cleanup();
  }
}

describe("desiredCount inside the lane's scaling range (laneDefaults: 1-4)", () => {
  test.each([1, 2, 4])("desiredCount %p is accepted", (desiredCount) => {
    expect(load(withGray({ desiredCount, rulePriority: 100 }))).toEqual({ desiredCount, priority: 100 });
  });

  test.each([0, 5])("desiredCount %p is refused with the range and the fields to set", (desiredCount) => {
    const msg = load(withGray({ desiredCount, rulePriority: 100 }));
    expect(msg).toContain("user-api-dev.json");
    expect(msg).toContain(`lane 'gray' has desiredCount ${desiredCount} and scaling 1-4. Allowed: minCount <= desiredCount <= maxCount (set lanes.gray.desiredCount or .scaling).`);
  });

  test("a lane's own scaling is the range: min = max = desired is accepted, min above max refused", () => {
    expect(load(withGray({ desiredCount: 3, rulePriority: 100, scaling: { minCount: 3, maxCount: 3 } }))).toEqual({ desiredCount: 3, priority: 100 });
    expect(load(withGray({ desiredCount: 3, rulePriority: 100, scaling: { minCount: 2, maxCount: 3 } }))).toEqual({ desiredCount: 3, priority: 100 });
    expect(load(withGray({ desiredCount: 3, rulePriority: 100, scaling: { minCount: 4, maxCount: 3 } }))).toContain("lane 'gray' has desiredCount 3 and scaling 4-3.");
    expect(load(withGray({ desiredCount: 2, rulePriority: 100, scaling: { minCount: 3, maxCount: 3 } }))).toContain("lane 'gray' has desiredCount 2 and scaling 3-3.");
    expect(load(withGray({ desiredCount: 4, rulePriority: 100, scaling: { minCount: 3, maxCount: 3 } }))).toContain("lane 'gray' has desiredCount 4 and scaling 3-3.");
  });

  test("without scaling any desiredCount 0-1000 is accepted; -1 and 1001 are not", () => {
    const noScaling = (desiredCount: number) =>
      exampleFile("user-api-dev.json", (j) => {
        delete (j.laneDefaults as Record<string, unknown>).scaling;
        (j.lanes as Record<string, Lane>).gray = { desiredCount, rulePriority: 100 };
      });
    expect(load(noScaling(0))).toEqual({ desiredCount: 0, priority: 100 });
    expect(load(noScaling(1000))).toEqual({ desiredCount: 1000, priority: 100 });
    expect(load(noScaling(-1))).toContain("field 'lanes.gray.desiredCount' has bad value -1.");
    expect(load(noScaling(1001))).toContain("field 'lanes.gray.desiredCount' has bad value 1001.");
  });
});

describe("explicit rule priorities: 1-9999", () => {
  test.each([1, 9999])("%p is accepted as given", (rulePriority) => {
    expect(load(withGray({ desiredCount: 1, rulePriority }))).toEqual({ desiredCount: 1, priority: rulePriority });
  });

  test.each([0, 10000, 49999, 50000])("%p is refused: outside the explicit range", (rulePriority) => {
    expect(load(withGray({ desiredCount: 1, rulePriority }))).toContain(`user-api-dev.json: field 'lanes.gray.rulePriority' has bad value ${rulePriority}. Allowed: an integer from 1 to 9999.`);
  });

  test("two lanes with one explicit priority are refused, naming the lane that has it", () => {
    const file = exampleFile("user-api-dev.json", (j) => {
      const lanes = j.lanes as Record<string, Lane>;
      lanes.gray = { desiredCount: 1, rulePriority: 100 };
      lanes.blue = { desiredCount: 1, rulePriority: 100 };
    });
    expect(load(file)).toContain("field 'lanes.blue' has listener rule priority 100, which lane 'gray' already has.");
  });

  test("an unset priority is derived (gray: 30698, from FNV-1a; see routing.test.ts)", () => {
    expect(load(withGray({ desiredCount: 1 }))).toEqual({ desiredCount: 1, priority: 30698 });
  });
});
