/**
 * Runs a CloudFront Function (runtime cloudfront-js-2.0) in Node, through the `handler` CloudFront
 * calls, with its modules injected.
 *
 * The code is used as deployed (lib/edge/function-code.ts deployedCode: protocol constants and the
 * env's settings written in, comment lines dropped). Only its `import x from 'module';` lines are
 * rewritten, each on its own line, into a read of an injected module object; the code then
 * runs as a strict-mode script in a fresh `node:vm` context. That context has the ECMAScript
 * built-ins and `console`, and none of Node's globals (`require`, `process`, `Buffer`, timers), so
 * code that leans on Node fails here as it would at the edge. Modules other than the injected ones
 * are refused, and the injected `crypto` exposes only what CloudFront documents (`createHash` and
 * `createHmac` with md5/sha1/sha256, `update`, `digest`).
 */
import { readFileSync } from "node:fs";
import { createHash, createHmac } from "node:crypto";
import vm from "node:vm";
import { deployedCode, settingNames, type EdgeFunctionSettings } from "./function-code";

/** `{ value }` as CloudFront passes headers, query parameters and cookies (names lower-case). */
export interface CfValue {
  value: string;
  multiValue?: { value: string }[];
}
export type CfValues = Record<string, CfValue>;

export interface CfSetCookie {
  value: string;
  attributes?: string;
  multiValue?: { value: string; attributes?: string }[];
}

export interface CfRequest {
  method: string;
  uri: string;
  querystring: CfValues;
  headers: CfValues;
  cookies: CfValues;
}

export interface CfResponse {
  statusCode: number;
  statusDescription?: string;
  headers: CfValues;
  cookies: Record<string, CfSetCookie>;
}

export interface CfEvent {
  version: "1.0";
  context: {
    distributionDomainName: string;
    distributionId: string;
    eventType: "viewer-request" | "viewer-response";
    requestId: string;
  };
  viewer: { ip: string };
  request: CfRequest;
  response?: CfResponse;
}

export type KvsFormat = "string" | "json" | "bytes";

/** The KeyValueStore handle `cf.kvs()` returns. */
export interface KeyValueStore {
  get(key: string, options?: { format?: KvsFormat }): Promise<unknown>;
  exists(key: string): Promise<boolean>;
}

/**
 * An in-memory KeyValueStore. Values are strings, as in the real store; `get` throws when the key
 * is missing and, with `format: 'json'`, when the value is not JSON.
 */
export function memoryKvs(entries: Record<string, string>): KeyValueStore {
  return {
    async get(key, options) {
      if (!Object.prototype.hasOwnProperty.call(entries, key)) throw new Error(`Key ${key} not found`);
      const raw = entries[key];
      const format = options?.format ?? "string";
      if (format === "json") return JSON.parse(raw);
      if (format === "bytes") return new TextEncoder().encode(raw);
      return raw;
    },
    async exists(key) {
      return Object.prototype.hasOwnProperty.call(entries, key);
    },
  };
}

/** A KeyValueStore whose reads fail (store unreachable, throttled, …). */
export function failingKvs(message = "KeyValueStore unavailable"): KeyValueStore {
  return {
    async get() {
      throw new Error(message);
    },
    async exists() {
      throw new Error(message);
    },
  };
}

/** The `cloudfront` module: `kvs()` returns the injected store, or throws when none is associated. */
export function cloudfrontModule(kvs?: KeyValueStore): { kvs(id?: string): KeyValueStore } {
  return {
    kvs() {
      if (!kvs) throw new Error("No KeyValueStore is associated with this function");
      return kvs;
    },
  };
}

const HASHES = new Set(["md5", "sha1", "sha256"]);
const DIGEST_ENCODINGS = new Set(["hex", "base64", "base64url"]);

interface CfHash {
  update(data: string): CfHash;
  digest(encoding?: string): unknown;
}

function restrictedHash(hash: ReturnType<typeof createHash> | ReturnType<typeof createHmac>): CfHash {
  const wrapper: CfHash = {
    update(data) {
      hash.update(data);
      return wrapper;
    },
    digest(encoding) {
      if (encoding === undefined) return hash.digest();
      if (!DIGEST_ENCODINGS.has(encoding)) throw new Error(`digest encoding ${encoding} is not supported`);
      return hash.digest(encoding as "hex" | "base64" | "base64url");
    },
  };
  return wrapper;
}

/** The `crypto` module as cloudfront-js-2.0 documents it: hashes and HMACs only (no random bytes). */
export const cloudfrontCrypto = {
  createHash(algorithm: string): CfHash {
    if (!HASHES.has(algorithm)) throw new Error(`hash algorithm ${algorithm} is not supported`);
    return restrictedHash(createHash(algorithm));
  },
  createHmac(algorithm: string, key: string): CfHash {
    if (!HASHES.has(algorithm)) throw new Error(`hmac algorithm ${algorithm} is not supported`);
    return restrictedHash(createHmac(algorithm, key));
  },
};

export interface LoadedFunction<T> {
  handler(event: CfEvent): Promise<T>;
  /** Size of the code as deployed, in bytes (CloudFront's limit is 10 KB). */
  size: number;
}

/**
 * StrykerJS's namespace object (`__stryker__`), when the code runs under mutation testing
 * (docs/TESTING.md). Its instrumented code reads the active mutant from, and reports coverage to,
 * the `__stryker__` of its own global object; a fresh context would give the function one of its
 * own, where no mutant is ever active and no coverage reaches Stryker. Stryker's jest runner
 * names the active mutant in `process.env.__STRYKER_ACTIVE_MUTANT__`, which instrumented code
 * copies into the namespace when it loads; the function has no `process`, so that copy is made
 * here, as Stryker's own header makes it. Outside Stryker: nothing.
 */
function mutationTestingNamespace(): { __stryker__?: { activeMutant?: string } } {
  const ns = (globalThis as { __stryker__?: { activeMutant?: string } }).__stryker__;
  if (ns === undefined) return {};
  const active = process.env.__STRYKER_ACTIVE_MUTANT__;
  if (ns.activeMutant === undefined && active) ns.activeMutant = active;
  return { __stryker__: ns };
}

const IMPORT_LINE = /^\s*import\s+([A-Za-z_$][\w$]*)\s+from\s+(['"])([^'"]+)\2\s*;?\s*$/;

/** Rewrites the import lines of `code`; throws on an import of a module not in `available`. */
export function rewriteImports(code: string, available: readonly string[]): string {
  return code
    .split("\n")
    .map((line) => {
      const m = IMPORT_LINE.exec(line);
      if (!m) return line;
      const [, binding, , module] = m;
      if (!available.includes(module)) throw new Error(`import of unavailable module '${module}'`);
      return `const ${binding} = __cloudfrontModules[${JSON.stringify(module)}];`;
    })
    .join("\n");
}

// A suite loads the same function for each of its tests: esbuild's minification and V8's compile
// are done once per source, settings and modules (the cache lives as long as this module: one
// suite run under jest).
const prepared = new Map<string, { code: string; script: vm.Script }>();

function prepare(path: string, source: string, settings: EdgeFunctionSettings, modules: readonly string[]): { code: string; script: vm.Script } {
  const key = JSON.stringify([path, settings, modules, source]);
  let entry = prepared.get(key);
  if (entry === undefined) {
    const code = deployedCode(source, settings);
    // Functions always run in strict mode; the directive goes on line 1 to keep line numbers.
    entry = { code, script: new vm.Script(`"use strict";${rewriteImports(code, modules)}`, { filename: path }) };
    prepared.set(key, entry);
  }
  return entry;
}

/**
 * Loads the function at `path` with the given modules (`cloudfront`, `crypto`) and the env's
 * settings (required when the function has a `// @settings` line) and returns its `handler`.
 * The result type `T` is what the handler returns (request or response).
 */
export function loadCloudFrontFunction<T>(path: string, modules: Record<string, unknown>, settings?: EdgeFunctionSettings): LoadedFunction<T> {
  const source = readFileSync(path, "utf8");
  if (!settings && settingNames(source).length > 0) throw new Error(`${path} needs the env's settings (${settingNames(source).join(", ")})`);
  const { code, script } = prepare(path, source, settings ?? { requireSigned: true }, Object.keys(modules));
  const context = vm.createContext({ __cloudfrontModules: modules, console, ...mutationTestingNamespace() });
  script.runInContext(context);
  const handler: unknown = context.handler;
  if (typeof handler !== "function") throw new Error(`${path} declares no function handler`);
  return {
    handler: (event) => (handler as (e: CfEvent) => Promise<T>)(event),
    size: Buffer.byteLength(code, "utf8"),
  };
}
