import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./helpers/project";

function check(source: string): { status: number; output: string } {
  const dir = mkdtempSync(join(tmpdir(), "lanes-imports-"));
  try {
    writeFileSync(join(dir, "x.ts"), source);
    const output = execFileSync(process.execPath, [join(ROOT, "scripts", "check-imports.mjs"), dir], { encoding: "utf8", stdio: "pipe" });
    return { status: 0, output };
  } catch (err) {
    const e = err as { status: number; stderr: string };
    return { status: e.status, output: e.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Built from parts so this file itself holds no barrel import for the check to find.
const PKG = ["@cdktf", "provider-aws"].join("/");

describe("deep-import check", () => {
  test.each([
    `import { Vpc } from "${PKG}";`,
    `import * as aws from '${PKG}';`,
    `import { vpc } from "${PKG}/lib";`,
    `const aws = require("${PKG}");`,
  ])("fails on the barrel import %s", (source) => {
    const result = check(source);
    expect(result.status).toBe(1);
    expect(result.output).toMatch(/Barrel imports of @cdktf\/provider-aws found.*x\.ts:1:/s);
  });

  test("passes deep imports", () => {
    expect(check(`import { Vpc } from "${PKG}/lib/vpc";`).status).toBe(0);
  });

  test("the project itself passes", () => {
    expect(() => execFileSync(process.execPath, ["scripts/check-imports.mjs"], { cwd: ROOT, stdio: "pipe" })).not.toThrow();
  });
});
