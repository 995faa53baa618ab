/**
 * Packing a role's policy into managed policies (lib/policies/pack.ts), judged against IAM's
 * documented quotas written here as literals: 6,144 characters per customer managed policy,
 * whitespace not counted; 10 managed policies per role by default.
 */
import type { PolicyDocument, Statement } from "../../lib/policies/document";
import { packPolicy, policyChars } from "../../lib/policies/pack";

/** A statement whose JSON (no whitespace) is exactly `chars` characters long. */
function statementOf(chars: number, tag: string): Statement {
  const base: Statement = { Effect: "Allow", Action: "s3:GetObject", Resource: "" };
  const empty = JSON.stringify(base).length; // {"Effect":"Allow","Action":"s3:GetObject","Resource":""}
  return { ...base, Resource: `arn:aws:s3:::${tag}`.padEnd(chars - empty, "x") };
}
const doc = (statements: Statement[]): PolicyDocument => ({ Version: "2012-10-17", Statement: statements });
const WRAPPER = JSON.stringify(doc([])).length; // {"Version":"2012-10-17","Statement":[]}

describe("packPolicy", () => {
  test("the size IAM counts is the JSON without whitespace", () => {
    expect(policyChars({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }] })).toBe(
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}'.length,
    );
    expect(policyChars({ Statement: { Effect: "Allow", Action: "a b", Resource: "*" } })).toBe('{"Statement":{"Effect":"Allow","Action":"ab","Resource":"*"}}'.length);
  });

  test("a document whose Statement is one object (not a list) packs into one document listing it", () => {
    const single = statementOf(100, "a");
    expect(packPolicy({ Version: "2012-10-17", Statement: single }, "role")).toEqual([doc([single])]);
  });

  test("a document without statements packs into no managed policy", () => {
    expect(packPolicy(doc([]), "role")).toEqual([]);
  });

  test("a small document stays one document, as it was", () => {
    const d = doc([statementOf(100, "a"), statementOf(100, "b")]);
    expect(packPolicy(d, "role")).toEqual([d]);
  });

  test("statements are kept in order, each document at most 6,144 characters, filled up to the limit", () => {
    // Two statements of 3,000 fit one document (wrapper 39 + 3,000 + 1 comma + 3,000 = 6,040); a third does not.
    const s = ["a", "b", "c", "d", "e"].map((t) => statementOf(3000, t));
    expect(WRAPPER + 3000 + 1 + 3000).toBe(6040);
    const parts = packPolicy(doc(s), "role");
    expect(parts.map((p) => p.Statement)).toEqual([[s[0], s[1]], [s[2], s[3]], [s[4]]]);
    for (const p of parts) expect(policyChars(p)).toBeLessThanOrEqual(6144);
    expect(parts[0]!.Version).toBe("2012-10-17");
  });

  test("exactly at the limit fits; one character over starts the next document", () => {
    const fill = 6144 - WRAPPER; // one statement filling a document exactly
    expect(packPolicy(doc([statementOf(fill, "a")]), "role")).toHaveLength(1);
    const two = [statementOf(fill - 101, "a"), statementOf(100, "b")]; // wrapper + (fill-101) + 1 + 100 = 6144
    expect(packPolicy(doc(two), "role")).toHaveLength(1);
    const over = [statementOf(fill - 100, "a"), statementOf(100, "b")];
    expect(packPolicy(doc(over), "role")).toHaveLength(2);
  });

  test("a statement that alone exceeds a managed policy is refused with its size", () => {
    expect(() => packPolicy(doc([statementOf(6144 - WRAPPER + 1, "a")]), "the CodeBuild role x")).toThrow(
      "the CodeBuild role x: one statement is 6145 characters, over IAM's 6144 for a managed policy; split its resources",
    );
  });

  test("more than 10 documents are refused, naming the quota to raise", () => {
    const eleven = Array.from({ length: 11 }, (_, i) => statementOf(4000, `s${i}`));
    expect(() => packPolicy(doc(eleven), "the CodeBuild role x")).toThrow(
      'the CodeBuild role x: needs 11 managed policies of at most 6144 characters; a role takes 10 by default (raise the IAM quota "Managed policies per role", or narrow the policy)',
    );
    expect(packPolicy(doc(eleven.slice(0, 10)), "role")).toHaveLength(10);
  });
});
