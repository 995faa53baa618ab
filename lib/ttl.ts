/**
 * A lane's time to live: how long after its (latest) deploy it may be collected by `lanes gc`.
 * Written like `30m`, `72h`, `7d` or `2w` (parsed by `ms`), or `none` (never expires). The
 * `default` lane never expires. Given at deploy (`--ttl`, the app pipeline's `TTL`) or in params
 * (`lanes.<lane>.ttl`, `laneDefaults.ttl`), recorded in the lane's outputs `ttl` and
 * `expires_at` (lib/contract.ts), read by `lanes ls` and `lanes gc`.
 */
import ms from "ms";

/** Explicitly never expires (recorded as such, so a re-deploy keeps it). */
export const NO_TTL = "none";

export const MIN_TTL_MS = 60_000;
export const MAX_TTL_MS = 366 * 24 * 3_600_000;

export const TTL_RULE_TEXT = `a duration with a unit, from 1m to 366d: a number followed by m (minutes), h (hours), d (days) or w (weeks), e.g. 30m, 72h, 7d; or '${NO_TTL}' (never expires)`;

/** Milliseconds of a duration written with one unit (`10m`, `72h`, `7d`, `2w`), or undefined when it is not one. */
export function durationMs(text: string): number | undefined {
  if (!/^\d+(\.\d+)?(m|h|d|w)$/.test(text)) return undefined;
  const value = ms(text as ms.StringValue);
  return Number.isFinite(value) ? value : undefined;
}

/** Why `text` is not a TTL, or undefined. */
export function ttlProblem(text: string): string | undefined {
  if (text === NO_TTL) return undefined;
  const value = durationMs(text);
  if (value === undefined) return "not a duration with a unit";
  if (value < MIN_TTL_MS || value > MAX_TTL_MS) return "out of range";
  return undefined;
}

export class TtlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TtlError";
  }
}

/** The TTL as given, checked; `where` names the source in the message (`--ttl`, `TTL`). */
export function checkTtl(text: string, where: string): string {
  const problem = ttlProblem(text);
  if (problem) throw new TtlError(`${where}='${text}' is not a time to live (${problem}). Allowed: ${TTL_RULE_TEXT}.`);
  return text;
}

/** When a lane deployed at `deployedAt` with `ttl` expires; undefined for none. */
export function expiryOf(ttl: string | undefined, deployedAt: number): Date | undefined {
  if (!ttl || ttl === NO_TTL) return undefined;
  const value = durationMs(ttl);
  return value === undefined ? undefined : new Date(deployedAt + value);
}

/** A short age or remaining time: `45s`, `12m`, `5h`, `3d`. */
export function shortDuration(msValue: number): string {
  const s = Math.max(0, Math.round(msValue / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 48 * 3600) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}
