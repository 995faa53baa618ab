/**
 * IAM's size limits on the policies of a role (AWS IAM quotas, "IAM and AWS STS quotas"):
 * the inline policies of a role together at most 10,240 characters, a customer managed policy
 * at most 6,144, and 10 managed policies attached to a role by default (adjustable to 20).
 * Characters are counted without whitespace. A pipeline role's policy grows with each layer's
 * needs, so it is packed into managed policies of at most MANAGED_POLICY_MAX_CHARS each.
 */
import type { PolicyDocument, Statement } from "./document";

export const ROLE_INLINE_MAX_CHARS = 10_240;
export const MANAGED_POLICY_MAX_CHARS = 6_144;
export const MANAGED_POLICIES_PER_ROLE = 10;

/** The size IAM counts for a policy document: its JSON without whitespace. */
export function policyChars(document: PolicyDocument): number {
  return JSON.stringify(document).replace(/\s/g, "").length;
}

const statementsOf = (document: PolicyDocument): Statement[] => (Array.isArray(document.Statement) ? document.Statement : [document.Statement]);

/**
 * Splits a document into documents of at most `maxChars` each, keeping statement order (first
 * fit in order: a statement goes into the current document, or starts the next). Refuses a
 * statement that alone does not fit, and more than `maxDocuments` documents, with the numbers.
 */
export function packPolicy(
  document: PolicyDocument,
  what: string,
  maxChars: number = MANAGED_POLICY_MAX_CHARS,
  maxDocuments: number = MANAGED_POLICIES_PER_ROLE,
): PolicyDocument[] {
  const make = (statements: Statement[]): PolicyDocument => ({ ...(document.Version ? { Version: document.Version } : {}), Statement: statements });
  const packed: Statement[][] = [];
  let current: Statement[] = [];
  for (const statement of statementsOf(document)) {
    if (policyChars(make([statement])) > maxChars) {
      throw new Error(`${what}: one statement is ${policyChars(make([statement]))} characters, over IAM's ${maxChars} for a managed policy; split its resources`);
    }
    // With nothing in the current document this is the check above: a statement that fits alone starts one.
    if (policyChars(make([...current, statement])) > maxChars) {
      packed.push(current);
      current = [];
    }
    current.push(statement);
  }
  if (current.length > 0) packed.push(current);
  if (packed.length > maxDocuments) {
    throw new Error(`${what}: needs ${packed.length} managed policies of at most ${maxChars} characters; a role takes ${maxDocuments} by default (raise the IAM quota "Managed policies per role", or narrow the policy)`);
  }
  return packed.map(make);
}
