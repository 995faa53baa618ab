/**
 * Bundles the rules sync Lambda (edge/sync/index.js with edge/rules.js and its SDK clients) into
 * one file with esbuild, at synth time. One bundle keeps the KeyValueStore client and the JS
 * SigV4A signer on the same copy of @smithy/signature-v4, which the signer needs (see the
 * comment at the top of edge/sync/index.js); the Lambda runtime's own SDK is not used.
 */
import { buildSync } from "esbuild";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const EDGE_DIR = join(__dirname, "..", "..", "edge");

/**
 * Writes the bundle to `<root>/edge-sync-<hash of its bytes>/index.js` and returns that
 * directory. The directory is named after its content and moved into place in one rename, so
 * concurrent synths (several lanes or test workers on one machine) never see a half-written
 * bundle nor overwrite one another's. Deterministic: same sources, same bytes, same directory.
 */
export function bundleRulesSync(root: string): string {
  const built = buildSync({
    entryPoints: [join(EDGE_DIR, "sync", "index.js")],
    outfile: "index.js",
    write: false,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    minify: true,
    legalComments: "none",
    logLevel: "error",
  });
  const code = built.outputFiles[0]!.contents;
  const dir = join(root, `edge-sync-${createHash("sha256").update(code).digest("hex").slice(0, 12)}`);
  if (existsSync(join(dir, "index.js"))) return dir;
  mkdirSync(root, { recursive: true });
  const temp = mkdtempSync(join(root, ".edge-sync-"));
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
