/**
 * Every resource and data source type the stacks synthesize (all example params: the http service
 * user-api and the worker order-worker, every declared lane) has needs rows for its layer; and the
 * table's tag model is the stacks' default_tags.
 */
import { LAYERS, NEEDS, missingNeeds, stackTags, typesOf, type Layer } from "../../lib/policies/needs";
import { MANAGED_BY } from "../../stacks/lanes-stack";
import type { Json, Synthesized } from "../helpers/project";
import { exampleParams } from "../helpers/project";
import { synthBoot, synthInfra, synthLane } from "../helpers/stacks";

interface Example {
  readonly layer: Layer;
  readonly stack: string;
  readonly service: string;
  readonly lane: string;
  readonly synthesized: Synthesized;
}

const params = exampleParams();
const ENV = "dev";

function examples(): Example[] {
  const out: Example[] = [{ layer: "infra", stack: `infra-${ENV}`, service: "shared", lane: "shared", synthesized: synthInfra(ENV) }];
  for (const service of params.services(ENV)) {
    out.push({ layer: "boot", stack: `boot-${service}-${ENV}`, service, lane: "shared", synthesized: synthBoot(service, ENV) });
    for (const { lane } of params.service(service, ENV).lanes) {
      out.push({ layer: "app", stack: `app-${service}-${ENV}-${lane}`, service, lane, synthesized: synthLane(lane, { service, env: ENV }) });
    }
  }
  return out;
}

const all = examples();

test("the examples cover the http service, the worker, and lanes of both", () => {
  expect(all.map((e) => e.stack)).toEqual(
    expect.arrayContaining(["infra-dev", "boot-user-api-dev", "boot-order-worker-dev", "app-user-api-dev-gray", "app-order-worker-dev-canary"]),
  );
});

describe.each(all.map((e) => [e.stack, e] as const))("%s", (_name, example) => {
  test("every synthesized resource/data/backend type has needs rows for its layer", () => {
    expect(missingNeeds(example.layer, typesOf(example.synthesized.json))).toEqual([]);
  });

  test("the needs table's default tags are the stack's provider default_tags", () => {
    const provider = (example.synthesized.json.provider as { aws: Json[] }).aws[0]!;
    const tags = (provider.default_tags as { tags: Record<string, string> }[])[0]!.tags;
    expect(tags).toEqual({ ...stackTags(example.layer, { env: ENV, service: example.service, lane: example.lane }) });
  });
});

test("no needs row for a type no stack of its layer synthesizes (stale rows)", () => {
  const synthesized = new Map<Layer, Set<string>>(LAYERS.map((l) => [l, new Set<string>()]));
  for (const e of all) for (const t of typesOf(e.synthesized.json)) synthesized.get(e.layer)!.add(t);
  const stale = NEEDS.filter((n) => !n.resourceType.startsWith("build.") && !n.resourceType.startsWith("provider.") && !synthesized.get(n.layer)!.has(n.resourceType));
  expect(stale.map((n) => `${n.layer} ${n.resourceType}`)).toEqual([]);
});

test("a stack with a resource type the table does not know fails, naming the type", () => {
  const json: Json = JSON.parse(JSON.stringify(all.find((e) => e.layer === "app")!.synthesized.json)) as Json;
  (json.resource as Record<string, unknown>).aws_sqs_queue_policy = { lane_policy: {} };
  (json.data as Record<string, unknown>).aws_vpc = { main: {} };
  expect(missingNeeds("app", typesOf(json))).toEqual(["aws_sqs_queue_policy", "data.aws_vpc"]);
  // The worker boot layer's queue is known to boot, not to app: rows are per layer.
  expect(missingNeeds("app", ["aws_sqs_queue"])).toEqual(["aws_sqs_queue"]);
});

test("the table's managed-by tag value is the stacks' MANAGED_BY", () => {
  expect(stackTags("infra", { env: ENV, service: "x", lane: "y" })["managed-by"]).toBe(MANAGED_BY);
});
