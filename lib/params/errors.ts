/** Turns schema issues into messages that name the file, the field, the bad value and what is allowed. */
import { globalRegistry, type z } from "zod";

export class ParamsError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(problems.map((p) => `${file}: ${p}`).join("\n"));
    this.name = "ParamsError";
  }
}

type PathKey = PropertyKey;

function fieldPath(path: readonly PathKey[]): string {
  if (path.length === 0) return "(top level)";
  return path.map((k, i) => (typeof k === "number" ? `[${k}]` : `${i === 0 ? "" : "."}${String(k)}`)).join("");
}

function valueAt(root: unknown, path: readonly PathKey[]): unknown {
  let node: unknown = root;
  for (const key of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<PropertyKey, unknown>)[key as string];
  }
  return node;
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function sizeText(issue: { origin?: string; minimum?: unknown; maximum?: unknown; inclusive?: boolean }, min: boolean): string {
  const bound = min ? issue.minimum : issue.maximum;
  const op = min ? (issue.inclusive === false ? ">" : ">=") : issue.inclusive === false ? "<" : "<=";
  switch (issue.origin) {
    case "array":
      return `${min ? "at least" : "at most"} ${String(bound)} items`;
    case "string":
      return `${min ? "at least" : "at most"} ${String(bound)} characters`;
    default:
      return `a number ${op} ${String(bound)}`;
  }
}

const DEFAULT_MESSAGE = /^(Invalid|Too (small|big)|Unrecognized)/;

type AnyDef = { type: string; innerType?: z.core.$ZodType; shape?: Record<string, z.core.$ZodType>; options?: z.core.$ZodType[]; discriminator?: string; valueType?: z.core.$ZodType; element?: z.core.$ZodType; in?: z.core.$ZodType };

function defOf(schema: z.core.$ZodType): AnyDef {
  return schema._zod.def as unknown as AnyDef;
}

function descriptionOf(schema: z.core.$ZodType): string | undefined {
  return (globalRegistry.get(schema) as { description?: string } | undefined)?.description;
}

/** The description of the schema at `path` (for "Allowed:" of a missing or mistyped field). */
function describedAt(schema: z.core.$ZodType, path: readonly PathKey[], raw: unknown): string | undefined {
  let node: z.core.$ZodType | undefined = schema;
  let value: unknown = raw;
  let described: string | undefined;
  const unwrap = () => {
    while (node) {
      described = descriptionOf(node) ?? described;
      const def = defOf(node);
      if (def.type === "optional" || def.type === "default" || def.type === "nullable" || def.type === "prefault") node = def.innerType;
      else if (def.type === "pipe") node = def.in;
      else if (def.type === "union" && def.discriminator && def.options) {
        const tag = (value as Record<string, unknown> | undefined)?.[def.discriminator];
        node = def.options.find((o) => {
          const d = defOf(o).shape?.[def.discriminator!];
          return d !== undefined && (defOf(d) as { values?: unknown[] }).values?.includes(tag);
        });
        if (!node) return;
      } else return;
    }
  };
  unwrap();
  for (const key of path) {
    if (!node) return undefined;
    const def = defOf(node);
    described = undefined;
    if (def.type === "object") node = def.shape?.[String(key)];
    else if (def.type === "record") node = def.valueType;
    else if (def.type === "array") node = def.element;
    else return undefined;
    value = (value as Record<PropertyKey, unknown> | undefined)?.[key as string];
    unwrap();
  }
  return described;
}

/** zod's name of an expected type, as the fix reads it. */
const TYPE_NAMES: Readonly<Record<string, string>> = {
  int: "a whole number",
  number: "a number",
  string: "a string",
  boolean: "true or false",
  object: "an object",
  record: "an object",
  array: "an array",
};

/** Lines end with one period, whatever the allowed text ends with. */
function sentence(text: string): string {
  return `${text.replace(/\.+$/, "")}.`;
}

/** One readable line per schema issue. */
export function describeIssue(issue: z.core.$ZodIssue, raw: unknown, schema?: z.core.$ZodType): string {
  const field = fieldPath(issue.path);
  const value = valueAt(raw, issue.path);
  const custom = DEFAULT_MESSAGE.test(issue.message) ? undefined : issue.message;
  switch (issue.code) {
    case "invalid_type": {
      const described = schema ? describedAt(schema, issue.path, raw) : undefined;
      const expected = TYPE_NAMES[issue.expected] ?? issue.expected;
      const allowed = custom ?? (described ? `${expected}: ${described}` : expected);
      if (value === undefined) return `field '${field}' is missing. Allowed: ${allowed}.`;
      return `field '${field}' has bad value ${show(value)}. Allowed: ${allowed}.`;
    }
    case "unrecognized_keys": {
      const allowed = custom?.replace(/^allowed fields: /, "") ?? "see the JSON Schema";
      return issue.keys
        .map((k) => `field '${fieldPath([...issue.path, k])}' is not a known field. Allowed fields here: ${allowed}.`)
        .join("\n");
    }
    case "invalid_key": {
      const inner = issue.issues[0];
      const reason = inner && !DEFAULT_MESSAGE.test(inner.message) ? inner.message : "a valid name";
      const key = issue.path[issue.path.length - 1];
      return `field '${field}' has an invalid name ${show(key)}. Allowed: ${reason}.`;
    }
    case "invalid_value":
      return `field '${field}' has bad value ${show(value)}. Allowed: ${custom ?? issue.values.map((v) => show(v)).join(" | ")}.`;
    case "too_small":
      return `field '${field}' has bad value ${show(value)}. Allowed: ${custom ?? sizeText(issue, true)}.`;
    case "too_big":
      return `field '${field}' has bad value ${show(value)}. Allowed: ${custom ?? sizeText(issue, false)}.`;
    default:
      // A value that may be a secret (params: { redact: true }) is never repeated.
      if ((issue as { params?: { redact?: boolean } }).params?.redact) return `field '${field}' has a bad value (not shown: it may be a secret). Allowed: ${custom ?? issue.message}.`;
      return `field '${field}' has bad value ${show(value)}. Allowed: ${custom ?? issue.message}.`;
  }
}

/** Parses `raw` with `schema` or throws a ParamsError naming `file`. */
export function parseWith<S extends z.ZodType>(schema: S, raw: unknown, file: string): z.output<S> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  throw new ParamsError(
    file,
    result.error.issues.flatMap((i) => describeIssue(i, raw, schema).split("\n")).map(sentence),
  );
}
