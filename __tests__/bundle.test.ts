/**
 * lib/bundle.ts: a Lambda bundle is built by esbuild (real, counted) and built again exactly when
 * something the build read changed: a source file, a file added where an import could resolve,
 * the lockfile, the options; otherwise the last build's directory is returned as it is.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

jest.mock("esbuild", () => {
  const actual = jest.requireActual<typeof import("esbuild")>("esbuild");
  return { ...actual, buildSync: jest.fn(actual.buildSync) };
});
import { buildSync } from "esbuild";
import { bundleLambda } from "../lib/bundle";

const builds = buildSync as jest.MockedFunction<typeof buildSync>;

describe("a Lambda bundle is built again only when what it read changed", () => {
  let project: string;
  let root: string;
  const entry = () => join(project, "src", "handler.ts");
  const bundle = (target = "node20") => bundleLambda(root, { name: "fn", entry: entry(), target });
  const code = (dir: string) => readFileSync(join(dir, "index.js"), "utf8");

  beforeEach(() => {
    project = mkdtempSync(join(tmpdir(), "lanes-bundle-"));
    root = join(project, ".lanes", "bundles");
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "p", private: true }));
    writeFileSync(join(project, "package-lock.json"), JSON.stringify({ lockfileVersion: 3 }));
    mkdirSync(join(project, "src"));
    writeFileSync(entry(), 'import { answer } from "./dep";\nexport const handler = async () => answer;\n');
    writeFileSync(join(project, "src", "dep.js"), 'exports.answer = "from-dep-js";\n');
    builds.mockClear();
  });
  afterEach(() => rmSync(project, { recursive: true, force: true }));

  test("the first call builds; the same call again returns the same directory without building", () => {
    const first = bundle();
    expect(builds).toHaveBeenCalledTimes(1);
    expect(code(first)).toContain("from-dep-js");
    expect(first).toMatch(/[/\\]fn-[0-9a-f]{12}$/);
    expect(bundle()).toBe(first);
    expect(builds).toHaveBeenCalledTimes(1);
  });

  test("a changed source file is built again, into the directory of its new bytes", () => {
    const first = bundle();
    writeFileSync(join(project, "src", "dep.js"), 'exports.answer = "changed";\n');
    const second = bundle();
    expect(builds).toHaveBeenCalledTimes(2);
    expect(second).not.toBe(first);
    expect(code(second)).toContain("changed");
  });

  test("a file added where the import resolves first (dep.ts before dep.js) is built again", () => {
    bundle();
    writeFileSync(join(project, "src", "dep.ts"), 'export const answer = "from-dep-ts";\n');
    expect(code(bundle())).toContain("from-dep-ts");
    expect(builds).toHaveBeenCalledTimes(2);
  });

  test("a changed lockfile, another target, a bundle directory gone or a manifest unreadable: built again", () => {
    const first = bundle();
    rmSync(first, { recursive: true });
    expect(bundle()).toBe(first);
    expect(builds).toHaveBeenCalledTimes(2);
    expect(existsSync(join(first, "index.js"))).toBe(true);
    writeFileSync(join(project, "package-lock.json"), JSON.stringify({ lockfileVersion: 3, packages: { "node_modules/x": {} } }));
    bundle();
    expect(builds).toHaveBeenCalledTimes(3);
    bundle("node22");
    expect(builds).toHaveBeenCalledTimes(4);
    bundle("node20");
    expect(builds).toHaveBeenCalledTimes(5);
    writeFileSync(join(root, "fn.inputs.json"), "{ not json");
    bundle("node20");
    expect(builds).toHaveBeenCalledTimes(6);
    bundle("node20");
    expect(builds).toHaveBeenCalledTimes(6);
  });

  test("a file the bundle does not read changes nothing", () => {
    const first = bundle();
    writeFileSync(join(project, "README.md"), "notes\n");
    expect(bundle()).toBe(first);
    expect(builds).toHaveBeenCalledTimes(1);
  });
});
