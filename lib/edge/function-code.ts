/**
 * The CloudFront functions' code as deployed: edge/<name>.js with its `// @protocol NAME …`
 * line replaced by `const NAME = value;` lines generated from the lane protocol module
 * (packages/lane-context/src/protocol.ts). A CloudFront Function is one file with no imports of
 * ours, so the constants are written in at synth; the functions never hold a copy that could
 * drift. CloudFront limits function code to 10 KB.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as protocol from "../../packages/lane-context/src/protocol";
import { EDGE_DIR } from "./bundle";

export const EDGE_FUNCTIONS = ["viewer-request", "viewer-response"] as const;
export type EdgeFunctionName = (typeof EDGE_FUNCTIONS)[number];

/** CloudFront Functions: at most 10 KB of code. */
export const MAX_FUNCTION_CODE_BYTES = 10 * 1024;

const MARKER = /^\/\/ @protocol ((?:[A-Z_]+ ?)+)$/m;

/** A protocol value as JavaScript source. */
function literal(name: string): string {
  const value = (protocol as Record<string, unknown>)[name];
  if (value instanceof RegExp) return value.toString();
  if (typeof value === "string" || typeof value === "number") return JSON.stringify(value);
  throw new Error(`the lane protocol has no constant ${name} (packages/lane-context/src/protocol.ts)`);
}

/** The `const` lines for the names a function asks for. */
export function protocolConstants(names: readonly string[]): string {
  return names.map((name) => `const ${name} = ${literal(name)};`).join("\n");
}

/** The names a function's source asks for in its `// @protocol` line. */
export function protocolNames(source: string): string[] {
  const m = MARKER.exec(source);
  return m ? m[1]!.trim().split(" ") : [];
}

/** `source` with its `// @protocol` line replaced by the constants (unchanged when it has none). */
export function withProtocolConstants(source: string): string {
  const names = protocolNames(source);
  if (names.length === 0) return source;
  return source.replace(MARKER, `// Generated from the lane protocol (packages/lane-context/src/protocol.ts):\n${protocolConstants(names)}`);
}

/** The code CloudFront runs for `name`, checked against the 10 KB limit. */
export function edgeFunctionCode(name: EdgeFunctionName): string {
  const source = readFileSync(join(EDGE_DIR, `${name}.js`), "utf8");
  if (protocolNames(source).length === 0) throw new Error(`edge/${name}.js has no "// @protocol NAME …" line`);
  const code = withProtocolConstants(source);
  const bytes = Buffer.byteLength(code, "utf8");
  if (bytes > MAX_FUNCTION_CODE_BYTES) throw new Error(`edge/${name}.js is ${bytes} bytes with its constants; CloudFront allows ${MAX_FUNCTION_CODE_BYTES}`);
  return code;
}
