/**
 * Reading one header from the shapes request headers come in: Node's `IncomingHttpHeaders`
 * (lower-case names; repeated `tracestate`/`baggage` lines already joined with ", "), a fetch
 * `Headers` (repeated values joined with ", "), or a plain record whose values may be string
 * arrays (one entry per header line).
 */

/** A header value as carriers hold it: one line, several lines, or none. */
export type HeaderValue = string | readonly string[] | undefined;

/** Anything with a `get(name)` like fetch's `Headers`. */
export interface HeaderGetter {
  get(name: string): string | null;
}

/** Plain header records (`IncomingHttpHeaders`, `OutgoingHttpHeaders`-like, test objects). */
export type HeaderRecord = Readonly<Record<string, string | readonly string[] | number | undefined>>;

export type HeaderSource = HeaderGetter | HeaderRecord;

function isGetter(source: HeaderSource): source is HeaderGetter {
  return typeof (source as { get?: unknown }).get === "function";
}

/**
 * The value of header `name` (given in lower case), or undefined. A record is looked up by the
 * lower-case name first, then case-insensitively (header names are case-insensitive).
 */
export function headerValue(source: HeaderSource | undefined, name: string): HeaderValue {
  if (source === undefined) return undefined;
  if (isGetter(source)) return source.get(name) ?? undefined;
  let value = source[name];
  if (value === undefined) {
    for (const key of Object.keys(source)) {
      if (key.length === name.length && key.toLowerCase() === name) {
        value = source[key];
        break;
      }
    }
  }
  if (typeof value === "number") return String(value);
  return value;
}

/** All lines of a list header (tracestate, baggage) as one comma-separated list. */
export function joinedList(value: HeaderValue): string {
  if (value === undefined) return "";
  if (typeof value === "string") return value;
  return value.join(",");
}

/** The first line of a single-value header (traceparent). */
export function firstLine(value: HeaderValue): string {
  if (value === undefined) return "";
  if (typeof value === "string") return value;
  return value[0] ?? "";
}
