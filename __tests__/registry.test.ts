/**
 * The layer registry is the one way from a plan to a stack: synthesizing every example stack
 * through it, in process, gives exactly what main.ts writes; and each plan's names, state
 * address, lower layers and selector agree with the stack that is built.
 */
import { App } from "cdktf";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LAYERS } from "../lib/layers/plan";
import { LAYER_KINDS, buildStack, lowerLayersOf, selectorOf, stackNameOf, stateAddressOf } from "../lib/layers/registry";
import { planStacks, selectionFromEnv } from "../lib/selection";
import { stateKey } from "../lib/state";
import { DEFAULT_BUNDLE_ROOT } from "../stacks/build";
import { exampleParams } from "./helpers/project";
import { stackJson, synthMain } from "./helpers/terraform";

describe("the layer registry", () => {
  const params = exampleParams();
  const plans = planStacks(params, {});
  let outdir: string;
  let stacks: string[];

  beforeAll(() => {
    ({ outdir, stacks } = synthMain());
  });
  afterAll(() => outdir && rmSync(outdir, { recursive: true, force: true }));

  test("has a kind for every layer", () => {
    expect(Object.keys(LAYER_KINDS).sort()).toEqual([...LAYERS].sort());
  });

  test("every example stack built through the registry, in this process, is the JSON main.ts writes", () => {
    expect(plans.map(stackNameOf).sort()).toEqual(stacks);
    const here = mkdtempSync(join(tmpdir(), "lanes-registry-"));
    try {
      const app = new App({ outdir: here });
      for (const plan of plans) buildStack(app, plan, { params, release: { previousImages: [] }, bundleRoot: DEFAULT_BUNDLE_ROOT });
      app.synth();
      for (const plan of plans) {
        expect([stackNameOf(plan), stackJson(here, stackNameOf(plan))]).toEqual([stackNameOf(plan), stackJson(outdir, stackNameOf(plan))]);
      }
    } finally {
      rmSync(here, { recursive: true, force: true });
    }
  });

  test("each plan's state address is the key its stack's backend writes, and its selector builds exactly it", () => {
    for (const plan of plans) {
      const json = stackJson(outdir, stackNameOf(plan)) as { terraform: { backend: { s3?: { key: string }; local?: unknown } } };
      const address = stateAddressOf(plan);
      if (address) expect([stackNameOf(plan), json.terraform.backend.s3?.key]).toEqual([stackNameOf(plan), stateKey(address)]);
      else expect(json.terraform.backend.local).toBeDefined();
      const selected = planStacks(params, selectionFromEnv(selectorOf(plan)));
      expect([stackNameOf(plan), selected.map(stackNameOf)]).toEqual([stackNameOf(plan), [stackNameOf(plan)]]);
    }
  });

  test("each plan's lower layers are the states its stack reads", () => {
    for (const plan of plans) {
      const json = stackJson(outdir, stackNameOf(plan)) as { data?: { terraform_remote_state?: Record<string, { config: { key: string } }> } };
      const read = Object.values(json.data?.terraform_remote_state ?? {}).map((r) => r.config.key).sort();
      const lower = lowerLayersOf(plan, params).map((p) => stateKey(stateAddressOf(p)!)).sort();
      expect([stackNameOf(plan), read]).toEqual([stackNameOf(plan), lower]);
    }
  });
});
