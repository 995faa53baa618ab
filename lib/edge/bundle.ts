/**
 * Bundles the rules sync Lambda (edge/sync/index.js with edge/rules.js and its SDK clients) into
 * one file with esbuild, at synth time. One bundle keeps the KeyValueStore client and the JS
 * SigV4A signer on the same copy of @smithy/signature-v4, which the signer needs (see the
 * comment at the top of edge/sync/index.js); the Lambda runtime's own SDK is not used.
 */
import { buildSync } from "esbuild";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

export const EDGE_DIR = join(__dirname, "..", "..", "edge");

/** Writes `<outDir>/index.js` and returns `outDir` (deterministic: same sources, same bytes). */
export function bundleRulesSync(outDir: string): string {
  mkdirSync(outDir, { recursive: true });
  buildSync({
    entryPoints: [join(EDGE_DIR, "sync", "index.js")],
    outfile: join(outDir, "index.js"),
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    minify: true,
    legalComments: "none",
    logLevel: "error",
  });
  return outDir;
}
