/**
 * Bundles a Lambda handler (JavaScript or TypeScript, with the packages it imports, SDK clients
 * included) into one file with esbuild, at synth time. The Lambda runtime's own SDK is never used:
 * the bundle carries the versions package.json pins. Used for the edge rules sync
 * (lib/edge/bundle.ts) and the per-hop fallback switch (lib/fallback/bundle.ts).
 *
 * A build costs most of a second of CPU, and every synth (each lane's deploy, each test that
 * synthesizes a boot or edge stack) needs the same bundles: a manifest next to them
 * (`<root>/<name>.inputs.json`) records what the last build read, and a bundle whose inputs are
 * all as they were is not built again. What it read: every source file esbuild bundled (its
 * metafile), the listing of each directory of those outside node_modules (a file added beside an
 * import can change what it resolves to), the project's lockfile and tsconfig.json, esbuild's
 * version and the build's options. (The digests are taken after the build: a source edited while a
 * build runs is taken as read; the next edit builds again.)
 */
import { buildSync, version as esbuildVersion } from "esbuild";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve, sep } from "node:path";
import { writeFileAtomically } from "./atomic-write";

export interface LambdaBundle {
  /** Names the bundle's directory: `<root>/<name>-<hash of its bytes>/index.js`. */
  readonly name: string;
  /** The handler module (exports `handler`). */
  readonly entry: string;
  /** esbuild's target, e.g. node20 (the oldest runtime the code must run on). */
  readonly target: string;
}

/** What a build read, with a digest of each: `bundleLambda` builds again when any differs. */
interface Manifest {
  /** esbuild's version, the options, the lockfile and tsconfig.json. */
  readonly key: string;
  /** Absolute path of each file read, and of each project directory listed, to its digest. */
  readonly inputs: Readonly<Record<string, string>>;
  /** The bundle's directory, relative to the root. */
  readonly dir: string;
}

const sha256 = (data: string | Uint8Array) => createHash("sha256").update(data).digest("hex");

/** A file's digest, or "absent". */
const fileDigest = (path: string) => (existsSync(path) ? sha256(readFileSync(path)) : "absent");

/** A directory's entries (names, sorted), or "absent". */
const listingDigest = (dir: string) => (existsSync(dir) ? sha256(readdirSync(dir).sort().join("\n")) : "absent");

/** The nearest directory at or above `from` that holds a package.json: the project the entry belongs to. */
function projectOf(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) return from;
  }
}

function keyOf(bundle: LambdaBundle): string {
  const project = projectOf(dirname(resolve(bundle.entry)));
  return sha256(
    JSON.stringify({
      esbuild: esbuildVersion,
      entry: resolve(bundle.entry),
      target: bundle.target,
      lockfile: fileDigest(join(project, "package-lock.json")),
      tsconfig: fileDigest(join(project, "tsconfig.json")),
    }),
  );
}

const isListed = (path: string) => path.startsWith("dir:");

/** The digest of one manifest input as it is now. */
const currentDigest = (input: string) => (isListed(input) ? listingDigest(input.slice(4)) : fileDigest(input));

/** The manifest's bundle directory if every input is as it was, else undefined. */
function reusable(root: string, bundle: LambdaBundle, key: string): string | undefined {
  const path = join(root, `${bundle.name}.inputs.json`);
  if (!existsSync(path)) return undefined;
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(path, "utf8")) as Manifest;
  } catch {
    return undefined;
  }
  if (manifest.key !== key || !existsSync(join(root, manifest.dir, "index.js"))) return undefined;
  return Object.entries(manifest.inputs).every(([input, digest]) => currentDigest(input) === digest) ? join(root, manifest.dir) : undefined;
}

/**
 * Writes the bundle to `<root>/<name>-<hash of its bytes>/index.js` and returns that directory.
 * The directory is named after its content and moved into place in one rename, so concurrent
 * synths (several lanes or test workers on one machine) never see a half-written bundle nor
 * overwrite one another's. Deterministic: same sources, same bytes, same directory. Built again
 * only when an input of the last build changed (the manifest: see above).
 */
export function bundleLambda(root: string, bundle: LambdaBundle): string {
  const key = keyOf(bundle);
  const cached = reusable(root, bundle, key);
  if (cached) return cached;
  const absWorkingDir = process.cwd();
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
    metafile: true,
    absWorkingDir,
  });
  const code = built.outputFiles[0]!.contents;
  const name = `${bundle.name}-${sha256(code).slice(0, 12)}`;
  const dir = join(root, name);
  mkdirSync(root, { recursive: true });
  if (!existsSync(join(dir, "index.js"))) {
    const temp = mkdtempSync(join(root, `.${bundle.name}-`));
    writeFileSync(join(temp, "index.js"), code);
    try {
      renameSync(temp, dir);
    } catch (err) {
      // Another synth put the same bundle in place first.
      rmSync(temp, { recursive: true, force: true });
      if (!existsSync(join(dir, "index.js"))) throw err;
    }
  }
  const files = Object.keys(built.metafile.inputs).map((input) => resolve(absWorkingDir, input));
  const dirs = [...new Set(files.filter((file) => !file.split(sep).includes("node_modules")).map((file) => dirname(file)))];
  const inputs = Object.fromEntries([...files.map((file) => [file, fileDigest(file)]), ...dirs.map((d) => [`dir:${d}`, listingDigest(d)])]);
  writeFileAtomically(join(root, `${bundle.name}.inputs.json`), JSON.stringify({ key, inputs, dir: name } satisfies Manifest));
  return dir;
}
