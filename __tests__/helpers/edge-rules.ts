/** The documented example of the lane rules (edge/rules.d.ts), shared by the edge tests. */
export interface ExampleRules {
  version: number;
  lanes: string[];
  userId: { header: string; cookie: string };
  testerHeader: string;
  users: Record<string, string[]>;
  percentages: { lane: string; percent: number }[];
  cookie: { name: string; maxAgeSeconds: number };
}

/** A fresh copy each call, so a test may change it. */
export function exampleRules(): ExampleRules {
  return {
    version: 3,
    lanes: ["default", "gray", "blue"],
    userId: { header: "x-user-id", cookie: "uid" },
    testerHeader: "x-lane",
    users: { gray: ["u-1", "u-2"] },
    percentages: [{ lane: "gray", percent: 10 }],
    cookie: { name: "lane", maxAgeSeconds: 86400 },
  };
}

/** The example with some fields replaced (undefined removes the field). */
export function rulesWith(changes: Record<string, unknown>): Record<string, unknown> {
  const rules: Record<string, unknown> = { ...exampleRules(), ...changes };
  for (const [key, value] of Object.entries(changes)) if (value === undefined) delete rules[key];
  return rules;
}

/** The size of a value's compact JSON in UTF-8 bytes. */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), "utf8");
}

/** The example with extra gray users so that its compact JSON is exactly `size` bytes. */
export function rulesOfSize(size: number): Record<string, unknown> {
  const gray = [...exampleRules().users.gray!];
  const rules = rulesWith({ users: { gray } });
  let i = 0;
  while (jsonBytes(rules) + 104 < size) gray.push(`pad-${i++}-${"x".repeat(90)}`);
  // A new id adds its length plus two quotes and a comma.
  const rest = size - jsonBytes(rules) - 3;
  if (rest < 1 || rest > 128) throw new Error(`cannot pad to ${size} bytes (rest ${rest})`);
  gray.push("y".repeat(rest));
  if (jsonBytes(rules) !== size) throw new Error(`padded to ${jsonBytes(rules)} bytes, not ${size}`);
  return rules;
}
