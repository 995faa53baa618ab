/** Node lines: package.json engines names 20, 22 and 24; the build runs a supported one, and CI tests a second one. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { ROOT } from "./helpers/project";

const engines = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { engines: { node: string } }).engines.node;
/** The major versions `^a.b.c || ^d…` allows. */
const majors = engines.split("||").map((r) => Number(/^\s*\^(\d+)\./.exec(r)?.[1]));

test("engines: the three lines still supported (20 until its end of life, the LTS lines 22 and 24)", () => {
  expect(majors).toEqual([20, 22, 24]);
});

test("the CodeBuild runtime is a supported LTS line, not the one reaching end of life", () => {
  const spec = parse(readFileSync(join(ROOT, "ci", "buildspec.yml"), "utf8")) as { phases: { install: { "runtime-versions": { nodejs: number } } } };
  const runtime = spec.phases.install["runtime-versions"].nodejs;
  expect(majors).toContain(runtime);
  expect(runtime).toBeGreaterThanOrEqual(22);
});

test("CI runs the synth and CLI tests on a second line the engines allow", () => {
  const run = readFileSync(join(ROOT, ".ci", "run"), "utf8");
  const second = Number(/^SECOND_NODE=(\d+)\./m.exec(run)?.[1]);
  expect(majors).toContain(second);
  expect(second).toBeGreaterThanOrEqual(22);
  expect(run).toMatch(/__tests__\/app-lane-stack\.test\.ts[^]*__tests__\/cli-commands\.test\.ts/);
});
