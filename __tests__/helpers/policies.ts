/** Resolves the Terraform references a synthesized pipeline policy holds to the test account's values (for the simulator, __tests__/iam/simulate.ts). */

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
