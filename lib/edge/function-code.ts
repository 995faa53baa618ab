/**
 * The CloudFront functions' code as deployed: edge/<name>.js with its `// @protocol NAME …`
 * line replaced by `const NAME = value;` lines generated from the lane protocol module
 * (packages/lane-context/src/protocol.ts), its `// @settings NAME …` line by the env's settings
 * (edge-{env}.json), then minified by esbuild (whitespace, comments, local names; target ES2017,
 * so no newer syntax appears than the source has). A CloudFront Function is one file with no
 * imports of ours, so the constants are written in at synth; the functions never hold a copy
 * that could drift. CloudFront limits function code to 10 KB, which the readable source exceeds.
 */
import { transformSync } from "esbuild";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as protocol from "../../packages/lane-context/src/protocol";
import { EDGE_DIR } from "./bundle";

export const EDGE_FUNCTIONS = ["viewer-request", "viewer-response"] as const;
export type EdgeFunctionName = (typeof EDGE_FUNCTIONS)[number];

/** CloudFront Functions: at most 10 KB of code. */
export const MAX_FUNCTION_CODE_BYTES = 10 * 1024;

/** Per-env behaviour written into the functions at synth (from edge-{env}.json). */
export interface EdgeFunctionSettings {
  /** Tester header and user id count only when signed (the sticky cookie always is). */
  readonly requireSigned: boolean;
}

/** The settings under the names the functions' `// @settings` line uses. */
function settingValues(settings: EdgeFunctionSettings): Record<string, boolean> {
  return { REQUIRE_SIGNED: settings.requireSigned };
}

const MARKER = /^\/\/ @protocol ((?:[A-Z_]+ ?)+)$/m;
const SETTINGS_MARKER = /^\/\/ @settings ((?:[A-Z_]+ ?)+)$/m;
/** `import x from 'module';`: kept as written, on lines of their own (the runtime's module imports). */
const IMPORT_LINE = /^import [A-Za-z_$][\w$]* from '[a-z]+';$/;
/** How esbuild exports the handler it may have renamed. */
const EXPORTED_HANDLER = /export\s*\{\s*(?:([A-Za-z_$][\w$]*) as )?handler\s*\};?\s*$/;

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

/** The names a function's source asks for in its `// @settings` line. */
export function settingNames(source: string): string[] {
  const m = SETTINGS_MARKER.exec(source);
  return m ? m[1]!.trim().split(" ") : [];
}

/** `source` with its `// @protocol` line replaced by the constants (unchanged when it has none). */
export function withProtocolConstants(source: string): string {
  const names = protocolNames(source);
  if (names.length === 0) return source;
  return source.replace(MARKER, `// Generated from the lane protocol (packages/lane-context/src/protocol.ts):\n${protocolConstants(names)}`);
}

/** `source` with its `// @settings` line replaced by the env's settings; a name without a setting fails. */
export function withSettings(source: string, settings: EdgeFunctionSettings): string {
  const names = settingNames(source);
  if (names.length === 0) return source;
  const values = settingValues(settings);
  const lines = names.map((name) => {
    if (!(name in values)) throw new Error(`the edge functions have no setting ${name} (lib/edge/function-code.ts)`);
    return `const ${name} = ${JSON.stringify(values[name])};`;
  });
  return source.replace(SETTINGS_MARKER, lines.join("\n"));
}

/**
 * Minified code: the import lines as they are, then the rest through esbuild as a module that
 * exports `handler` (so its helpers get short names), and a top-level `handler` CloudFront calls.
 */
export function minifyFunction(code: string): string {
  const lines = code.split("\n");
  const imports = lines.filter((l) => IMPORT_LINE.test(l));
  const body = lines.filter((l) => !IMPORT_LINE.test(l)).join("\n");
  const out = transformSync(`${body}\nexport { handler };\n`, { loader: "js", format: "esm", target: "es2017", minify: true, legalComments: "none" }).code.trim();
  const m = EXPORTED_HANDLER.exec(out);
  if (!m) throw new Error("an edge function must declare `async function handler(event)`");
  const rest = out.slice(0, m.index);
  // The wrapper's parameter must not shadow the name esbuild gave the handler (a lone handler is `e`).
  const param = m[1] === "e" ? "t" : "e";
  const handler = m[1] ? `async function handler(${param}){return ${m[1]}(${param})}` : "";
  return [...imports, rest + handler].join("\n");
}

/** The code CloudFront runs: constants and settings written in, minified. */
export function deployedCode(source: string, settings: EdgeFunctionSettings): string {
  return minifyFunction(withSettings(withProtocolConstants(source), settings));
}

/** The code CloudFront runs for `name`, checked against the 10 KB limit. */
export function edgeFunctionCode(name: EdgeFunctionName, settings: EdgeFunctionSettings): string {
  const source = readFileSync(join(EDGE_DIR, `${name}.js`), "utf8");
  if (protocolNames(source).length === 0) throw new Error(`edge/${name}.js has no "// @protocol NAME …" line`);
  const code = deployedCode(source, settings);
  const bytes = Buffer.byteLength(code, "utf8");
  if (bytes > MAX_FUNCTION_CODE_BYTES) throw new Error(`edge/${name}.js is ${bytes} bytes with its constants; CloudFront allows ${MAX_FUNCTION_CODE_BYTES}`);
  return code;
}
