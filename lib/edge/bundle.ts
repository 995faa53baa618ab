/**
 * Bundles the rules sync Lambda (edge/sync/index.js with edge/rules.js and its SDK clients) into
 * one file at synth time (lib/bundle.ts). One bundle keeps the KeyValueStore client and the JS
 * SigV4A signer on the same copy of @smithy/signature-v4, which the signer needs (see the
 * comment at the top of edge/sync/index.js); the Lambda runtime's own SDK is not used.
 */
import { join } from "node:path";
import { bundleLambda } from "../bundle";

export const EDGE_DIR = join(__dirname, "..", "..", "edge");

/** `<root>/edge-sync-<hash of its bytes>/index.js`, see bundleLambda. */
export function bundleRulesSync(root: string): string {
  return bundleLambda(root, { name: "edge-sync", entry: join(EDGE_DIR, "sync", "index.js"), target: "node20" });
}
