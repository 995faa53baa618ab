/**
 * Compares two synth outputs stack by stack and prints every JSON path that differs, so a
 * refactoring can show that it changed nothing but what it meant to. Usage:
 *   node --import tsx scripts/compare-synth.ts <before-outdir> <after-outdir>
 * Exit 0 when identical, 1 when anything differs.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

type Json = unknown;

function differences(a: Json, b: Json, path: string, out: string[]): void {
  if (JSON.stringify(a) === JSON.stringify(b)) return;
  const isObject = (v: Json): v is Record<string, Json> => typeof v === "object" && v !== null;
  if (isObject(a) && isObject(b) && Array.isArray(a) === Array.isArray(b)) {
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) differences(a[key], b[key], `${path}.${key}`, out);
    return;
  }
  const show = (v: Json) => (v === undefined ? "(absent)" : JSON.stringify(v).slice(0, 160));
  out.push(`${path}: ${show(a)} -> ${show(b)}`);
}

const [before, after] = process.argv.slice(2);
if (!before || !after) {
  process.stderr.write("usage: compare-synth <before-outdir> <after-outdir>\n");
  process.exit(2);
}
const stacks = (dir: string) => (existsSync(join(dir, "stacks")) ? readdirSync(join(dir, "stacks")).sort() : []);
const read = (dir: string, stack: string) => JSON.parse(readFileSync(join(dir, "stacks", stack, "cdk.tf.json"), "utf8")) as Json;
const out: string[] = [];
for (const stack of [...new Set([...stacks(before), ...stacks(after)])].sort()) {
  const inBefore = stacks(before).includes(stack);
  const inAfter = stacks(after).includes(stack);
  if (!inBefore || !inAfter) out.push(`${stack}: ${inBefore ? "removed" : "added"}`);
  else differences(read(before, stack), read(after, stack), stack, out);
}
process.stdout.write(out.length === 0 ? "identical\n" : `${out.join("\n")}\n`);
process.exit(out.length === 0 ? 0 : 1);
