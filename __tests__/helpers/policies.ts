/** Turns a synthesized IAM policy (with Terraform references) into a document the evaluator reads. */
import { parsePolicyJson, type PolicyDocument } from "../../lib/iam-eval";
import type { Json, Synthesized } from "./project";

export const ACCOUNT = "123456789012";
export const ARTIFACT_BUCKET_ARN = "arn:aws:s3:::lanes-user-api-dev-artifacts";

/** Replaces the references a pipeline policy holds with concrete values; fails on any other. */
export function resolveReferences(text: string): string {
  return text.replace(/\$\{([^}]+)\}/g, (whole, expr: string) => {
    if (/^data\.aws_caller_identity\.[^.]+\.account_id$/.test(expr)) return ACCOUNT;
    if (/^data\.aws_partition\.[^.]+\.partition$/.test(expr)) return "aws";
    if (/^aws_s3_bucket\.[^.]+\.arn$/.test(expr)) return ARTIFACT_BUCKET_ARN;
    throw new Error(`unexpected reference in policy: ${whole}`);
  });
}

/** The inline policy named `name` of the synthesized stack, resolved and parsed. */
export function rolePolicy(s: Synthesized, name: string): PolicyDocument {
  const found = s.resources("aws_iam_role_policy").map(([, c]) => c).filter((c: Json) => c.name === name);
  if (found.length !== 1) throw new Error(`expected one aws_iam_role_policy named ${name}, found ${found.length}`);
  return parsePolicyJson(resolveReferences(found[0]!.policy as string));
}
