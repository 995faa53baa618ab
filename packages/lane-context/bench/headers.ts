/**
 * Headers parsed and written per second.
 *
 *   node --import tsx packages/lane-context/bench/headers.ts [milliseconds per case, default 1000]
 *
 * Cases: what a hop receives (canonical, with spaces, 40 members, 600 characters, duplicate
 * ctx, baggage only, no lane). For each: `read` (readLane: tracestate + baggage + traceparent),
 * `write` (laneHeadersFromRead on an already-read request), and `request` (what the middleware
 * does per request: LaneContext.fromHeaders plus its outgoing headers). Each figure is the best
 * of 5 rounds. Prints a table; numbers depend on the machine and its load, so nothing asserts
 * on them. Run through tsx, imported bindings go through getters; a bundled service is faster.
 */
import { resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { LaneContext } from "../src/context";
import { type LaneRead, newLaneReadCounters, readLane } from "../src/read";
import { laneHeadersFromRead } from "../src/write";

const TP = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

export const CASES: ReadonlyArray<{ readonly name: string; readonly headers: Readonly<Record<string, string>> }> = [
  { name: "canonical", headers: { traceparent: TP, tracestate: "ctx=lane:gray,rojo=00f067aa0ba902b7", baggage: "lane=gray,userId=alice" } },
  { name: "spaces", headers: { traceparent: TP, tracestate: "rojo=00f067aa0ba902b7 , congo=t61rcWkgMzE,\tctx=lane:gray", baggage: "userId=alice, lane = gray" } },
  { name: "40 members", headers: { traceparent: TP, tracestate: [...Array.from({ length: 39 }, (_, i) => `v${i}=x${i}`), "ctx=lane:gray"].join(",") } },
  { name: "600 chars", headers: { traceparent: TP, tracestate: [...Array.from({ length: 10 }, (_, i) => `vendor${i}=${"y".repeat(55)}`), "ctx=lane:gray"].join(",") } },
  { name: "duplicate ctx", headers: { traceparent: TP, tracestate: "ctx=lane:gray,rojo=1,ctx=lane:blue" } },
  { name: "baggage only", headers: { traceparent: TP, baggage: "userId=alice,lane=gray;ttl=30,isProduction=false" } },
  { name: "no lane", headers: { traceparent: TP } },
];

export interface BenchRow {
  readonly name: string;
  readonly readPerSecond: number;
  readonly writePerSecond: number;
  readonly requestPerSecond: number;
}

let sink = 0;

const ROUNDS = 5;

/**
 * Runs `op` in batches for about `ms` milliseconds, split in ROUNDS rounds; operations per
 * second of the best round (the one least disturbed by other processes on the machine).
 */
function measure(ms: number, op: () => number): number {
  const batch = 1000;
  for (let i = 0; i < batch; i++) sink += op();
  let best = 0;
  for (let round = 0; round < ROUNDS; round++) {
    let count = 0;
    const start = performance.now();
    let elapsed = 0;
    do {
      for (let i = 0; i < batch; i++) sink += op();
      count += batch;
      elapsed = performance.now() - start;
    } while (elapsed < ms / ROUNDS);
    best = Math.max(best, (count * 1000) / elapsed);
  }
  return best;
}

/** Measures every case for about `ms` milliseconds per operation. */
export function benchHeaders(ms = 1000): BenchRow[] {
  const counters = newLaneReadCounters();
  return CASES.map(({ name, headers }) => {
    const read: LaneRead = readLane(headers, { counters });
    return {
      name,
      readPerSecond: measure(ms, () => readLane(headers, { counters }).lane.length),
      writePerSecond: measure(ms, () => laneHeadersFromRead(read).traceparent.length),
      requestPerSecond: measure(ms, () => LaneContext.fromHeaders(headers, { counters }).headers.traceparent.length),
    };
  });
}

function format(rows: readonly BenchRow[]): string {
  const fmt = (n: number) => Math.round(n).toLocaleString("en-US").padStart(12);
  const ns = (n: number) => `${(1e9 / n).toFixed(0)} ns`.padStart(9);
  const lines = [`${"case".padEnd(14)} ${"read/s".padStart(12)} ${"write/s".padStart(12)} ${"request/s".padStart(12)} ${"per request".padStart(11)}`];
  for (const r of rows) lines.push(`${r.name.padEnd(14)} ${fmt(r.readPerSecond)} ${fmt(r.writePerSecond)} ${fmt(r.requestPerSecond)} ${ns(r.requestPerSecond).padStart(11)}`);
  return lines.join("\n");
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === __filename) {
  const ms = Number(process.argv[2] ?? 1000);
  process.stdout.write(`lane-context headers benchmark (node ${process.version}, ${ms} ms per measurement, best of ${ROUNDS} rounds)\n`);
  process.stdout.write(`${format(benchHeaders(ms))}\n`);
  if (sink === -1) process.stdout.write("\n");
}
