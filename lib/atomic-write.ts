/** File writes that a concurrent reader (another synth, another test worker) never sees half done. */
import { renameSync, writeFileSync } from "node:fs";

/** Writes `text` to `path` in one rename: a reader sees the old file (or none) or the new one whole. */
export function writeFileAtomically(path: string, text: string): void {
  const temp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, path);
}
