/**
 * CloudWatch metric SEARCH semantics, as the CloudWatch User Guide documents them ("CloudWatch
 * search expression syntax"), for the forms the dashboard uses, so tests can ask which metrics
 * an expression finds:
 * - `{Namespace, Dim1, Dim2}`: metrics of that namespace with exactly those dimension names;
 * - terms, implicitly ANDed: `Prop="value"` (exact match of the property's whole value, `\`
 *   escapes `" \ ( )`), `Prop=value` (partial match), `"value"` (any property, exact), `value`
 *   (any property, partial); `MetricName` and `Namespace` are properties too;
 * - partial match: the term is tokenized like names are (non-alphanumerics delimit, a capital
 *   after a lower-case letter and a digit after a non-digit start a token, all lower-cased); it
 *   matches when its tokens appear consecutively in the property's tokens (a single token
 *   case-insensitively, a composite one case-sensitively).
 * Boolean OR/NOT and parentheses are not modelled: an expression using them is rejected.
 */

export interface Metric {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
}

export interface ParsedSearch {
  readonly namespace: string;
  readonly dimensionNames: readonly string[];
  readonly terms: readonly { readonly property?: string; readonly value: string; readonly exact: boolean }[];
  readonly statistic: string;
  readonly period: number;
}

/** Tokens of a name, as CloudWatch generates them (without the whole-string token). */
export function tokens(text: string): { tokens: string[]; original: string[] } {
  const original: string[] = [];
  for (const run of text.split(/[^A-Za-z0-9]+/).filter(Boolean)) {
    original.push(...(run.match(/[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+/g) ?? []));
  }
  return { tokens: original.map((t) => t.toLowerCase()), original };
}

function unescape(text: string): string {
  return text.replace(/\\(["\\()])/g, "$1");
}

export function parseSearch(expression: string): ParsedSearch {
  const m = /^SEARCH\('\s*\{([^}]*)\}\s*(.*?)\s*',\s*'([^']+)',\s*(\d+)\)$/.exec(expression);
  if (!m) throw new Error(`not a SEARCH expression this model reads: ${expression}`);
  const [namespace, ...dimensionNames] = m[1]!.split(",").map((s) => s.trim());
  const body = m[2]!;
  if (/\b(OR|NOT|AND)\b|[()]/.test(body.replace(/\\["\\()]/g, "").replace(/"(?:[^"\\]|\\.)*"/g, '""'))) {
    throw new Error(`boolean operators are not modelled: ${expression}`);
  }
  const terms: { property?: string; value: string; exact: boolean }[] = [];
  const re = /(?:([A-Za-z][A-Za-z0-9]*)=)?(?:"((?:[^"\\]|\\.)*)"|(\S+))/g;
  for (let t = re.exec(body); t; t = re.exec(body)) {
    terms.push({ ...(t[1] ? { property: t[1] } : {}), value: t[2] !== undefined ? unescape(t[2]) : t[3]!, exact: t[2] !== undefined });
  }
  return { namespace: namespace!, dimensionNames, terms, statistic: m[3]!, period: Number(m[4]) };
}

function partialMatch(term: string, value: string): boolean {
  const t = tokens(term);
  const v = tokens(value);
  if (t.tokens.length === 0) return false;
  const caseSensitive = t.tokens.length > 1;
  const a = caseSensitive ? t.original : t.tokens;
  const b = caseSensitive ? v.original : v.tokens;
  for (let i = 0; i + a.length <= b.length; i++) if (a.every((x, j) => x === b[i + j])) return true;
  return false;
}

function propertyValues(metric: Metric, property?: string): string[] {
  if (property === "MetricName") return [metric.metricName];
  if (property === "Namespace") return [metric.namespace];
  if (property) return metric.dimensions[property] !== undefined ? [metric.dimensions[property]!] : [];
  return [metric.metricName, metric.namespace, ...Object.keys(metric.dimensions), ...Object.values(metric.dimensions)];
}

/** Whether `expression` finds `metric`. */
export function finds(expression: string, metric: Metric): boolean {
  const s = parseSearch(expression);
  if (metric.namespace !== s.namespace) return false;
  const names = Object.keys(metric.dimensions).sort();
  if (names.length !== s.dimensionNames.length || ![...s.dimensionNames].sort().every((n, i) => n === names[i])) return false;
  return s.terms.every((term) => propertyValues(metric, term.property).some((v) => (term.exact ? v === term.value : partialMatch(term.value, v))));
}
