/**
 * The rooms of the code base stay apart: operator code (lib/cli, lib/ops, lib/ci) never loads
 * synth code (stacks/, constructs/) or test code (lib/harness, __tests__); the layer registry
 * loads a stack class only when asked to build one.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { ROOT } from "./helpers/project";

const run = promisify(execFile);

/** Files under the given folders that a fresh process has loaded after running `script`. */
async function loaded(script: string): Promise<string[]> {
  const probe = `${script}; const root = ${JSON.stringify(`${ROOT}/`)}; process.stdout.write(JSON.stringify(Object.keys(require.cache).filter((f) => f.startsWith(root) && !f.includes("/node_modules/")).map((f) => f.slice(root.length))));`;
  const { stdout } = await run(process.execPath, ["--import", "tsx", "-e", probe], { cwd: ROOT });
  return JSON.parse(stdout) as string[];
}

describe("rooms", () => {
  test("the lanes CLI with its whole command table loads no synth code and no test code", async () => {
    const files = await loaded(`require("./lib/cli/lanes.ts"); require("./lib/cli/table.ts").commandTable()`);
    expect(files).toContain("lib/cli/commands/deploy.ts");
    expect(files).toContain("lib/layers/registry.ts");
    expect(files.filter((f) => /^(stacks|constructs|__tests__)\/|^lib\/harness\//.test(f))).toEqual([]);
  });

  test("the layer registry loads a layer's stack class only to build it", async () => {
    const before = await loaded(`require("./lib/layers/registry.ts").stackNameOf({ layer: "app", env: "dev", service: "user-api", lane: "gray" })`);
    expect(before.filter((f) => f.startsWith("stacks/"))).toEqual([]);
    const after = await loaded(
      `const { App } = require("cdktf"); const { ParamsRepository } = require("./lib/params/load.ts"); require("./lib/layers/registry.ts").buildStack(new App({ outdir: require("node:os").tmpdir() + "/lanes-arch-" + process.pid }), { layer: "infra", env: "dev" }, { params: new ParamsRepository("params"), bundleRoot: "" })`,
    );
    expect(after).toContain("stacks/infra-stack.ts");
    expect(after.filter((f) => f.startsWith("stacks/") && f !== "stacks/infra-stack.ts" && f !== "stacks/lanes-stack.ts")).toEqual([]);
  });
});

describe("the lane-context package is its own room", () => {
  test("its source, tests and benchmark import nothing from the repository outside the package", () => {
    const { readdirSync, readFileSync, statSync } = require("node:fs") as typeof import("node:fs");
    const { join, resolve } = require("node:path") as typeof import("node:path");
    const pkg = join(ROOT, "packages", "lane-context");
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir)) {
        if (entry === "node_modules") continue;
        const path = join(dir, entry);
        if (statSync(path).isDirectory()) walk(path);
        else if (/\.ts$/.test(entry)) files.push(path);
      }
    };
    walk(pkg);
    expect(files.length).toBeGreaterThan(5);
    const outside: string[] = [];
    for (const file of files) {
      for (const m of readFileSync(file, "utf8").matchAll(/(?:from\s+|require\(\s*|import\(\s*)["'](\.[^"']+)["']/g)) {
        const target = resolve(join(file, ".."), m[1]!);
        if (!target.startsWith(`${pkg}/`)) outside.push(`${file.slice(ROOT.length + 1)} -> ${m[1]}`);
      }
    }
    expect(outside).toEqual([]);
  });
});
