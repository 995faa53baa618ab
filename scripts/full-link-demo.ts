/**
 * The three-service walkthrough, on this machine and without AWS: web-bff → user-api → order-api
 * from params/, synthesized; a local ALB per listener applying the synthesized listener rules;
 * one example app process per deployed lane (examples/lane-app) with its synthesized environment;
 * the edge's viewer-request function in front. Deployed: web-bff default+gray, user-api default
 * only, order-api default+gray. Prints, for a few requests, which lane served each hop.
 * Run: npm run full-link:demo
 */
import { join } from "node:path";
import { startLaneWorld } from "../lib/harness/lane-world";
import { ParamsRepository } from "../lib/params/load";

interface Hop {
  service: string;
  deployedLane: string;
  requestLane: string;
  propagation: string;
}

async function main(): Promise<void> {
  const world = await startLaneWorld({
    params: new ParamsRepository(join(__dirname, "..", "params")),
    env: "dev",
    deployed: { "web-bff": ["default", "gray"], "user-api": ["default"], "order-api": ["default", "gray"] },
    propagation: { "web-bff": "otel" },
    edgeRules: { version: 1, lanes: ["default", "gray", "gray2"], testerHeader: "x-lane" },
    log: (line) => process.stdout.write(`  alb  ${line}\n`),
  });
  try {
    const requests: [string, Record<string, string>][] = [
      ["x-lane: gray", { "x-lane": "gray" }],
      ["no lane", {}],
      ["x-lane: gray2 (a look-alike)", { "x-lane": "gray2" }],
      ["a viewer's own tracestate ctx=lane:gray (stripped at the edge)", { traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", tracestate: "ctx=lane:gray" }],
    ];
    for (const [what, headers] of requests) {
      process.stdout.write(`\nGET /bff/orders with ${what}\n`);
      const res = await world.viaEdge("/bff/orders", headers);
      if (res.status !== 200) {
        process.stdout.write(`  -> ${res.status} ${res.body}\n`);
        continue;
      }
      for (const hop of (JSON.parse(res.body) as { hops: Hop[] }).hops) {
        process.stdout.write(`  hop  ${hop.service.padEnd(10)} served by lane ${hop.deployedLane.padEnd(8)} request lane ${hop.requestLane.padEnd(8)} (${hop.propagation})\n`);
      }
    }
  } finally {
    await world.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
