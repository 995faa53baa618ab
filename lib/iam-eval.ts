/**
 * A small IAM policy evaluator, so tests can ask "is this action on this ARN allowed?" of the
 * identity policies we synthesize, instead of string-matching their JSON.
 *
 * Models (identity-based policies of one principal, one account):
 *   - explicit Deny in any statement wins, else Allow if any statement allows, else ImplicitDeny;
 *   - Action/NotAction (case-insensitive) and Resource/NotResource (case-sensitive), `*` and `?`;
 *   - conditions: StringEquals, StringNotEquals, StringLike, StringNotLike, ArnEquals, ArnLike,
 *     ArnNotEquals, ArnNotLike, Bool, Null; `ForAnyValue:`/`ForAllValues:`; `...IfExists`.
 *     Keys are case-insensitive; values of one key are ORed; keys and operators are ANDed.
 *
 * Does NOT model: SCPs/RCPs, resource-based policies (bucket or key policies), permission
 * boundaries, session policies, cross-account rules, Principal/NotPrincipal (ignored), Numeric/
 * Date/IpAddress operators, or policy variables (`${aws:username}`). Anything it cannot model
 * throws rather than answering, so a test can never pass on an Allow it did not understand.
 */

import type { ConditionBlock, ConditionValue, PolicyDocument, Statement, StringOrList } from "./policies/document";

export type { ConditionBlock, ConditionValue, PolicyDocument, Statement, StringOrList };

export interface IamRequest {
  action: string;
  resource: string;
  /** Request context keys (`aws:SecureTransport`, `s3:prefix`, ...); lookup is case-insensitive. */
  context?: Record<string, string | string[]>;
}

export type Decision = "Allow" | "ExplicitDeny" | "ImplicitDeny";

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

const globCache = new Map<string, RegExp>();
/** `*` = any run of characters, `?` = one character; everything else literal. */
function glob(pattern: string, caseInsensitive = false): RegExp {
  const cacheKey = `${caseInsensitive ? "i" : "s"}:${pattern}`;
  let re = globCache.get(cacheKey);
  if (!re) {
    if (pattern.includes("${")) throw new Error(`iam-eval: policy variables are not supported: ${pattern}`);
    const body = pattern.replace(/[.+^$()|[\]{}\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
    re = new RegExp(`^${body}$`, caseInsensitive ? "is" : "s");
    globCache.set(cacheKey, re);
  }
  return re;
}

/** ArnLike/ArnEquals: the six `:`-separated parts match separately, so `*` cannot cross a `:` before the resource part. */
function arnLike(value: string, pattern: string): boolean {
  const split = (arn: string): string[] => {
    const parts = arn.split(":");
    return parts.length < 6 ? parts : [...parts.slice(0, 5), parts.slice(5).join(":")];
  };
  const [v, p] = [split(value), split(pattern)];
  return v.length === 6 && p.length === 6 && p.every((part, i) => glob(part).test(v[i]));
}

type Matcher = (contextValue: string, policyValue: string) => boolean;
const BASE: Record<string, { match: Matcher; negated: boolean }> = {
  StringEquals: { match: (v, p) => v === p, negated: false },
  StringNotEquals: { match: (v, p) => v === p, negated: true },
  StringLike: { match: (v, p) => glob(p).test(v), negated: false },
  StringNotLike: { match: (v, p) => glob(p).test(v), negated: true },
  ArnEquals: { match: arnLike, negated: false }, // AWS documents ArnEquals and ArnLike as identical
  ArnLike: { match: arnLike, negated: false },
  ArnNotEquals: { match: arnLike, negated: true },
  ArnNotLike: { match: arnLike, negated: true },
  Bool: { match: (v, p) => v.toLowerCase() === p.toLowerCase(), negated: false },
};

interface Operator {
  name: string;
  set: "ForAnyValue" | "ForAllValues" | undefined;
  ifExists: boolean;
  base: "Null" | { match: Matcher; negated: boolean };
}

/** Parses `ForAnyValue:StringLikeIfExists` and friends; throws on anything it does not model. */
export function parseOperator(name: string): Operator {
  const m = /^(?:(ForAnyValue|ForAllValues):)?(.+?)(IfExists)?$/.exec(name);
  const baseName = m?.[2] ?? "";
  const base = baseName === "Null" ? "Null" : BASE[baseName];
  if (!m || !base || (base === "Null" && (m[1] || m[3]))) throw new Error(`iam-eval: unsupported condition operator "${name}"`);
  return { name, set: m[1] as Operator["set"], ifExists: m[3] !== undefined, base };
}

function conditionHolds(op: Operator, values: string[], present: string[] | undefined): boolean {
  if (op.base === "Null") return values.some((p) => (p.toLowerCase() === "true") === (present === undefined));
  const { match, negated } = op.base;
  if (present === undefined) {
    if (op.ifExists || op.set === "ForAllValues") return true;
    if (op.set === "ForAnyValue") return false;
    return negated; // StringNotEquals etc. match when the key is absent
  }
  const hit = (v: string): boolean => values.some((p) => match(v, p));
  if (op.set === "ForAnyValue") return present.some((v) => hit(v) !== negated);
  if (op.set === "ForAllValues") return present.every((v) => hit(v) !== negated);
  return present.some(hit) !== negated; // single-valued operator on a list: any value may match
}

function conditionsHold(block: ConditionBlock | undefined, context: Map<string, string[]>): boolean {
  return Object.entries(block ?? {}).every(([opName, keys]) => {
    const op = parseOperator(opName);
    return Object.entries(keys).every(([key, raw]) => {
      const values = list(raw).map(String);
      if (values.length === 0) throw new Error(`iam-eval: ${opName}.${key} has no values`);
      return conditionHolds(op, values, context.get(key.toLowerCase()));
    });
  });
}

/** The statement applies if `value` is listed in `pos`, or is not listed in `neg`. */
function elementMatches(pos: StringOrList | undefined, neg: StringOrList | undefined, value: string, ci: boolean): boolean {
  const hit = list(pos ?? neg).some((p) => glob(p, ci).test(value));
  return pos !== undefined ? hit : !hit;
}

export function evaluate(policies: PolicyDocument[], request: IamRequest): Decision {
  const context = new Map<string, string[]>();
  for (const [k, v] of Object.entries(request.context ?? {})) {
    const vs = list(v);
    if (vs.length > 0) context.set(k.toLowerCase(), vs); // an empty list counts as absent
  }
  const statements = policies.flatMap((p) => list(p.Statement));
  for (const s of statements) {
    // Validate every statement up front, so a bad one throws even when it would not apply.
    if (s.Effect !== "Allow" && s.Effect !== "Deny") throw new Error(`iam-eval: bad Effect ${JSON.stringify(s.Effect)}`);
    if ((s.Action === undefined) === (s.NotAction === undefined)) throw new Error("iam-eval: statement needs exactly one of Action / NotAction");
    if ((s.Resource === undefined) === (s.NotResource === undefined)) throw new Error("iam-eval: statement needs exactly one of Resource / NotResource");
    Object.keys(s.Condition ?? {}).forEach(parseOperator);
  }
  let allow = false;
  for (const s of statements) {
    const applies =
      elementMatches(s.Action, s.NotAction, request.action, true) &&
      elementMatches(s.Resource, s.NotResource, request.resource, false) &&
      conditionsHold(s.Condition, context);
    if (!applies) continue;
    if (s.Effect === "Deny") return "ExplicitDeny";
    allow = true;
  }
  return allow ? "Allow" : "ImplicitDeny";
}

export function allowed(policies: PolicyDocument[], action: string, resource: string, context?: IamRequest["context"]): boolean {
  return evaluate(policies, { action, resource, ...(context ? { context } : {}) }) === "Allow";
}

const STATEMENT_KEYS = new Set(["Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"]);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isStrings = (v: unknown): v is StringOrList =>
  typeof v === "string" || (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === "string"));

/** Parses and validates a policy JSON string; throws naming the offending element. */
export function parsePolicyJson(text: string): PolicyDocument {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new Error(`iam-eval: policy is not valid JSON: ${(e as Error).message}`);
  }
  const fail = (where: string, why: string): never => {
    throw new Error(`iam-eval: invalid policy at ${where}: ${why}`);
  };
  if (!isObject(doc)) return fail("(root)", "expected an object");
  if (doc.Version !== undefined && typeof doc.Version !== "string") fail("Version", "expected a string");
  const statements = isObject(doc.Statement) ? [doc.Statement] : doc.Statement;
  if (!Array.isArray(statements) || statements.length === 0) return fail("Statement", "expected a statement or a non-empty array");
  statements.forEach((s: unknown, i) => {
    const at = `Statement[${i}]`;
    if (!isObject(s)) return fail(at, "expected an object");
    for (const k of Object.keys(s)) if (!STATEMENT_KEYS.has(k)) fail(`${at}.${k}`, "unknown element");
    if (s.Sid !== undefined && typeof s.Sid !== "string") fail(`${at}.Sid`, "expected a string");
    if (s.Effect !== "Allow" && s.Effect !== "Deny") fail(`${at}.Effect`, `expected "Allow" or "Deny", got ${JSON.stringify(s.Effect)}`);
    for (const [pos, neg] of [["Action", "NotAction"], ["Resource", "NotResource"]] as const) {
      if ((s[pos] === undefined) === (s[neg] === undefined)) fail(at, `needs exactly one of ${pos} / ${neg}`);
      const v = s[pos] ?? s[neg];
      if (!isStrings(v)) fail(`${at}.${s[pos] !== undefined ? pos : neg}`, "expected a string or a non-empty string array");
    }
    if (s.Condition === undefined) return undefined;
    if (!isObject(s.Condition)) return fail(`${at}.Condition`, "expected an object");
    for (const [op, keys] of Object.entries(s.Condition)) {
      try {
        parseOperator(op);
      } catch (e) {
        fail(`${at}.Condition`, (e as Error).message);
      }
      if (!isObject(keys)) fail(`${at}.Condition.${op}`, "expected an object of condition keys");
      for (const [key, v] of Object.entries(keys as Record<string, unknown>)) {
        if (typeof v !== "boolean" && !isStrings(v)) fail(`${at}.Condition.${op}.${key}`, "expected a string, string array or boolean");
      }
    }
    return undefined;
  });
  return doc as unknown as PolicyDocument;
}
