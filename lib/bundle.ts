/**
 * Bundles a Lambda handler (JavaScript or TypeScript, with the packages it imports, SDK clients
 * included) into one file with esbuild, at synth time. The Lambda runtime's own SDK is never used:
 * the bundle carries the versions package.json pins. Used for the edge rules sync
 * (lib/edge/bundle.ts) and the per-hop fallback switch (lib/fallback/bundle.ts).
 */
import { buildSync } from "esbuild";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface LambdaBundle {
  /** Names the bundle's directory: `<root>/<name>-<hash of its bytes>/index.js`. */
  readonly name: string;
  /** The handler module (exports `handler`). */
  readonly entry: string;
  /** esbuild's target, e.g. node20 (the oldest runtime the code must run on). */
  readonly target: string;
}

/**
 * Writes the bundle to `<root>/<name>-<hash of its bytes>/index.js` and returns that directory.
 * The directory is named after its content and moved into place in one rename, so concurrent
 * synths (several lanes or test workers on one machine) never see a half-written bundle nor
 * overwrite one another's. Deterministic: same sources, same bytes, same directory.
 */
export function bundleLambda(root: string, bundle: LambdaBundle): string {
  const built = buildSync({
    entryPoints: [bundle.entry],
    outfile: "index.js",
    write: false,
    bundle: true,
    platform: "node",
    target: bundle.target,
    format: "cjs",
    minify: true,
    legalComments: "none",
    logLevel: "error",
  });
  const code = built.outputFiles[0]!.contents;
  const dir = join(root, `${bundle.name}-${createHash("sha256").update(code).digest("hex").slice(0, 12)}`);
  if (existsSync(join(dir, "index.js"))) return dir;
  mkdirSync(root, { recursive: true });
  const temp = mkdtempSync(join(root, `.${bundle.name}-`));
  writeFileSync(join(temp, "index.js"), code);
  try {
    renameSync(temp, dir);
  } catch (err) {
    // Another synth put the same bundle in place first.
    rmSync(temp, { recursive: true, force: true });
    if (!existsSync(join(dir, "index.js"))) throw err;
  }
  return dir;
}
