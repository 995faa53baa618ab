/**
 * How an ALB listener rule's `http-header` condition matches a header value, written from the
 * Elastic Load Balancing documentation (Application Load Balancers, "Listener rules",
 * "HTTP header conditions"), not from lib/routing.ts:
 *
 * - "The comparison strings are not case-sensitive." (the whole value, not a substring);
 * - "The following wildcard characters are supported: * (matches 0 or more characters) and
 *   ? (matches exactly 1 character)";
 * - a condition with several values matches when any one of them matches (they are ORed);
 * - a rule with several conditions matches when every condition matches (they are ANDed).
 *
 * Implemented as a plain two-pointer wildcard match over the lower-cased strings (no regular
 * expression, so no escaping rules to get wrong).
 */

/** Does the ALB pattern (`*`, `?` wildcards, case-insensitive, whole value) match `value`? */
export function albValueMatches(pattern: string, value: string): boolean {
  const p = [...pattern.toLowerCase()];
  const v = [...value.toLowerCase()];
  let pi = 0;
  let vi = 0;
  let starAt = -1;
  let starMatchedUpTo = 0;
  while (vi < v.length) {
    if (pi < p.length && (p[pi] === "?" || (p[pi] !== "*" && p[pi] === v[vi]))) {
      pi++;
      vi++;
    } else if (pi < p.length && p[pi] === "*") {
      starAt = pi++;
      starMatchedUpTo = vi;
    } else if (starAt >= 0) {
      pi = starAt + 1;
      vi = ++starMatchedUpTo;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === "*") pi++;
  return pi === p.length;
}

/** An `http-header` condition: its values are ORed; a request without the header never matches. */
export function albHeaderConditionMatches(values: readonly string[], header: string | undefined): boolean {
  return header !== undefined && values.some((pattern) => albValueMatches(pattern, header));
}
