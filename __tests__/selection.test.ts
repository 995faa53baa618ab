import { NamingError } from "../lib/naming";
import { stackNameOf } from "../lib/layers/registry";
import { SelectionError, imageUriFor, planStacks, selectionFromEnv } from "../lib/selection";
import { TempParams, exampleFile, exampleParams } from "./helpers/project";

const names = (plans: ReturnType<typeof planStacks>) => plans.map(stackNameOf);

describe("stack selection", () => {
  const params = exampleParams();

  test("no selector: every stack of the example, in deploy order", () => {
    expect(names(planStacks(params, selectionFromEnv({})))).toEqual([
      "state-dev",
      "infra-dev",
      "boot-order-api-dev",
      "boot-order-worker-dev",
      "boot-user-api-dev",
      "boot-web-bff-dev",
      "app-order-api-dev-default",
      "app-order-api-dev-gray",
      "app-order-worker-dev-default",
      "app-order-worker-dev-canary",
      "app-user-api-dev-default",
      "app-user-api-dev-gray",
      "app-web-bff-dev-default",
      "app-web-bff-dev-gray",
      "edge-dev",
      "pipeline-infra-dev",
      "pipeline-bootstrap-dev",
      "pipeline-gc-dev",
      "pipeline-order-api-dev",
      "pipeline-order-worker-dev",
      "pipeline-user-api-dev",
      "pipeline-web-bff-dev",
    ]);
  });

  test("a callee's boot stack comes before its callers' (params calls), whatever the names' order", () => {
    const temp = new TempParams({
      "a-front-dev.json": exampleFile("web-bff-dev.json", (j) => {
        j.service = "a-front";
        j.calls = ["b-middle"];
      }),
      "b-middle-dev.json": exampleFile("web-bff-dev.json", (j) => {
        j.service = "b-middle";
        j.calls = ["c-back"];
      }),
      "c-back-dev.json": exampleFile("order-api-dev.json", (j) => {
        j.service = "c-back";
      }),
    });
    try {
      const boots = names(planStacks(temp.repo(), selectionFromEnv({ ENV: "dev", LAYER: "boot" })));
      expect(boots.indexOf("boot-c-back-dev")).toBeLessThan(boots.indexOf("boot-b-middle-dev"));
      expect(boots.indexOf("boot-b-middle-dev")).toBeLessThan(boots.indexOf("boot-a-front-dev"));
    } finally {
      temp.cleanup();
    }
  });

  test("LAYER=pipeline: the env's pipelines (infra, bootstrap, gc, one per service); with SERVICE, that service's pipeline", () => {
    expect(names(planStacks(params, selectionFromEnv({ ENV: "dev", LAYER: "pipeline" })))).toEqual([
      "pipeline-infra-dev",
      "pipeline-bootstrap-dev",
      "pipeline-gc-dev",
      "pipeline-order-api-dev",
      "pipeline-order-worker-dev",
      "pipeline-user-api-dev",
      "pipeline-web-bff-dev",
    ]);
    expect(names(planStacks(params, selectionFromEnv({ ENV: "dev", SERVICE: "user-api", LAYER: "pipeline" })))).toEqual(["pipeline-user-api-dev"]);
  });

  test("an env without a pipelines section gets no pipeline stacks", () => {
    const temp = new TempParams({
      "infra-dev.json": exampleFile("infra-dev.json", (j) => delete j.pipelines),
    });
    try {
      expect(names(planStacks(temp.repo(), selectionFromEnv({ LAYER: "pipeline" })))).toEqual([]);
    } finally {
      temp.cleanup();
    }
  });

  test("LANE, SERVICE, ENV: exactly that lane, also when the lane is not in params", () => {
    expect(names(planStacks(params, selectionFromEnv({ LANE: "blue", SERVICE: "user-api", ENV: "dev" })))).toEqual(["app-user-api-dev-blue"]);
    expect(names(planStacks(params, selectionFromEnv({ LANE: "gray", SERVICE_NAME: "user-api", ENV: "dev" })))).toEqual(["app-user-api-dev-gray"]);
  });

  test("SERVICE and ENV with LAYER=boot: the boot stack only", () => {
    expect(names(planStacks(params, selectionFromEnv({ SERVICE: "user-api", ENV: "dev", LAYER: "boot" })))).toEqual(["boot-user-api-dev"]);
  });

  test("ENV with LAYER=infra: the infra stack only", () => {
    expect(names(planStacks(params, selectionFromEnv({ ENV: "dev", LAYER: "infra" })))).toEqual(["infra-dev"]);
  });

  test("a lane selection reads only its own params files", () => {
    const temp = new TempParams({ "broken-dev.json": "{ not json", "boot-prod.json": "{ also not json" });
    try {
      expect(names(planStacks(temp.repo(), selectionFromEnv({ LANE: "gray", SERVICE: "user-api", ENV: "dev" })))).toEqual([
        "app-user-api-dev-gray",
      ]);
      expect(() => planStacks(temp.repo(), selectionFromEnv({}))).toThrow(/broken-dev\.json: is not valid JSON/);
    } finally {
      temp.cleanup();
    }
  });

  test.each([
    [{ LANE: "gray" }, /LANE='gray' needs SERVICE and ENV too/],
    [{ LANE: "gray", SERVICE: "user-api" }, /needs SERVICE and ENV too/],
    [{ SERVICE: "user-api" }, /SERVICE='user-api' needs ENV too/],
    [{ LAYER: "network" }, /LAYER='network' is not a layer\. Allowed: state, infra, boot, app, edge, pipeline/],
    [{ LANE: "gray", SERVICE: "user-api", ENV: "dev", LAYER: "boot" }, /LAYER must be 'app'/],
    [{ SERVICE: "a", SERVICE_NAME: "b", ENV: "dev" }, /disagree/],
  ])("refuses %p", (vars, message) => {
    expect(() => planStacks(params, selectionFromEnv(vars))).toThrow(SelectionError);
    expect(() => planStacks(params, selectionFromEnv(vars))).toThrow(message);
  });

  test("refuses a lane name that fails the naming rules", () => {
    expect(() => selectionFromEnv({ LANE: "Gray_1", SERVICE: "user-api", ENV: "dev" })).toThrow(NamingError);
  });

  test("refuses an unknown service with the missing file", () => {
    expect(() => planStacks(params, selectionFromEnv({ LANE: "gray", SERVICE: "billing", ENV: "dev" }))).toThrow(/billing-dev\.json: file not found/);
  });

  test("IMAGE_URI applies to one lane only", () => {
    const one = selectionFromEnv({ LANE: "gray", SERVICE: "user-api", ENV: "dev", IMAGE_URI: "repo/img:sha-1" });
    expect(imageUriFor(one, planStacks(params, one))).toBe("repo/img:sha-1");
    const all = selectionFromEnv({ IMAGE_URI: "repo/img:sha-1" });
    expect(() => imageUriFor(all, planStacks(params, all))).toThrow(/IMAGE_URI is set but this run builds 8 lane stacks/);
  });
});
