/** The fallback Lambda's bundle (lib/fallback/handler.ts with the ELBv2 client), see lib/bundle.ts. */
import { join } from "node:path";
import { bundleLambda } from "../bundle";

/** `<root>/lane-fallback-<hash of its bytes>/index.js`. */
export function bundleFallback(root: string): string {
  return bundleLambda(root, { name: "lane-fallback", entry: join(__dirname, "handler.ts"), target: "node22" });
}
