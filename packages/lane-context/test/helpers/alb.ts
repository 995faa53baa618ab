/**
 * The ALB http-header condition match as AWS documents it: case-insensitive, `*` matches any run
 * of characters (including none), `?` exactly one; the values of one condition are ORed.
 * Written here from the documentation, independently of the package under test.
 */
export function albValueMatches(pattern: string, header: string): boolean {
  const source = [...pattern]
    .map((ch) => (ch === "*" ? "[\\s\\S]*" : ch === "?" ? "[\\s\\S]" : ch.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${source}$`, "i").test(header);
}

export function albConditionMatches(values: readonly string[], header: string): boolean {
  return values.some((value) => albValueMatches(value, header));
}
