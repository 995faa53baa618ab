/**
 * W3C Trace Context `traceparent`: `{version}-{trace-id}-{parent-id}-{trace-flags}`, lower-case
 * hex. Version 00 is exactly 55 characters; `ff` is forbidden; all-zero trace or parent ids are
 * invalid. A higher version is parsed by its first four fields ("Versioning of traceparent":
 * at least 55 characters, each field followed by `-` or, for the flags, the end) and is sent on
 * downgraded to version 00 with only the sampled bit of its flags (the only flag 00 defines).
 *
 * OpenTelemetry ignores `tracestate` when `traceparent` is missing or invalid, so whoever writes
 * a lane member also makes sure a valid `traceparent` goes with it.
 */
import { randomBytes } from "node:crypto";

export interface Traceparent {
  readonly traceId: string;
  readonly parentId: string;
  /** The 8-bit trace-flags field as received (version 00) or its sampled bit (higher versions). */
  readonly flags: number;
}

const V00 = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const FUTURE = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(?:-|$)/;
const ZERO_TRACE_ID = "0".repeat(32);
const ZERO_PARENT_ID = "0".repeat(16);
const SAMPLED = 0x01;

function isOws(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/**
 * Parses a traceparent; undefined when it is invalid (the caller then restarts the trace).
 * Surrounding spaces and tabs are ignored.
 */
export function parseTraceparent(value: string | undefined): Traceparent | undefined {
  if (!value) return undefined;
  const text = isOws(value.charCodeAt(0)) || isOws(value.charCodeAt(value.length - 1)) ? value.replace(/^[ \t]+|[ \t]+$/g, "") : value;
  let traceId: string;
  let parentId: string;
  let flags: number;
  const v00 = V00.exec(text);
  if (v00) {
    traceId = v00[1]!;
    parentId = v00[2]!;
    flags = parseInt(v00[3]!, 16);
  } else {
    if (text.length < 55) return undefined;
    const future = FUTURE.exec(text);
    if (!future || future[1] === "00" || future[1] === "ff") return undefined;
    traceId = future[2]!;
    parentId = future[3]!;
    flags = parseInt(future[4]!, 16) & SAMPLED;
  }
  if (traceId === ZERO_TRACE_ID || parentId === ZERO_PARENT_ID) return undefined;
  return { traceId, parentId, flags };
}

/** Version 00 serialisation. */
export function formatTraceparent(tp: Traceparent): string {
  return `00-${tp.traceId}-${tp.parentId}-${(tp.flags & 0xff).toString(16).padStart(2, "0")}`;
}

function randomHex(bytes: number): string {
  for (;;) {
    const hex = randomBytes(bytes).toString("hex");
    if (!/^0+$/.test(hex)) return hex;
  }
}

/** A new random 16-byte trace id (never all zero). */
export function newTraceId(): string {
  return randomHex(16);
}

/** A new random 8-byte parent (span) id (never all zero). */
export function newParentId(): string {
  return randomHex(8);
}

/** A fresh trace: random ids from node:crypto, flags 00 (not sampled: this package records nothing). */
export function newTraceparent(): Traceparent {
  return { traceId: newTraceId(), parentId: newParentId(), flags: 0 };
}
