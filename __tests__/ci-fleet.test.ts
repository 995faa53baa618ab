/** The pipeline side of expiry and gc: the app pipeline's TTL variable, and the gc pipeline's run (LAYER=gc). */
import { actionArgv } from "../lib/ci/deploy";
import { resolveCiInputs } from "../lib/ci/inputs";
import { verifyRun } from "../lib/ci/verify";
import { exampleParams } from "./helpers/project";

const params = exampleParams();
const app = (vars: Record<string, string>) => resolveCiInputs({ LAYER: "app", ENV: "dev", SERVICE_NAME: "user-api", LANE: "gray", ...vars }, params);

describe("TTL (app pipeline)", () => {
  test("keep (the variable's default) passes no --ttl: the lane keeps its own", () => {
    const inputs = app({ TTL: "keep" });
    expect(inputs.ttl).toBeUndefined();
    expect(actionArgv(inputs, { outdir: "/tmp/o", dryRun: false, imageUri: "1.dkr.ecr.ap-southeast-2.amazonaws.com/dev/user-api:sha-1" })).not.toContain("--ttl");
  });

  test("a duration (or none) reaches lanes deploy as --ttl", () => {
    const argv = actionArgv(app({ TTL: "72h" }), { outdir: "/tmp/o", dryRun: false, imageUri: "1.dkr.ecr.ap-southeast-2.amazonaws.com/dev/user-api:sha-1" });
    expect(argv.slice(0, 8)).toEqual(["deploy", "gray", "--service", "user-api", "--image", "1.dkr.ecr.ap-southeast-2.amazonaws.com/dev/user-api:sha-1", "--ttl", "72h"]);
    expect(app({ TTL: "none" }).ttl).toBe("none");
  });

  test.each([
    [{ TTL: "3 days" }, /TTL='3 days' is not a time to live/],
    [{ TTL: "72h", ACTION: "promote" }, /only ACTION=deploy of a lane takes a time to live/],
    [{ TTL: "72h", LANE: "default" }, /LANE=default, which never expires/],
  ])("%p is refused before anything is built", (vars, message) => {
    expect(() => app(vars)).toThrow(message);
  });
});

describe("LAYER=gc (the gc pipeline)", () => {
  test("runs lanes gc for the env, builds no image, verifies nothing", async () => {
    const inputs = resolveCiInputs({ LAYER: "gc", ENV: "dev" }, params);
    expect(inputs).toMatchObject({ layer: "gc", env: "dev", region: "ap-southeast-2", action: "gc", buildsImage: false });
    expect(actionArgv(inputs, { outdir: "/tmp/o", dryRun: true })).toEqual(["gc", "--env", "dev", "--output", "/tmp/o", "--dry-run"]);
    expect(await verifyRun(inputs, {} as Parameters<typeof verifyRun>[1])).toBe("LAYER=gc has no lane to verify");
  });

  test("SERVICE_NAME or LANE set is refused: gc covers every service of the env", () => {
    expect(() => resolveCiInputs({ LAYER: "gc", ENV: "dev", SERVICE_NAME: "user-api" }, params)).toThrow(/LAYER=gc removes the expired lanes of every service of the env/);
  });
});
