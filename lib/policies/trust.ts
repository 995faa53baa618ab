import type { PolicyDocument } from "./document";

/**
 * A role's trust policy: `sts:AssumeRole` for one AWS service principal, only on behalf of the
 * account's own resources (cross-service confused deputy prevention). The service puts the
 * resource it acts for in `aws:SourceArn` and that resource's account in `aws:SourceAccount`
 * when it assumes the role, so another account's resource (or another resource than the one
 * named) cannot make the service assume this role:
 * - IAM User Guide, "The confused deputy problem" (cross-service):
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
 * - Amazon ECS task roles and task execution roles, "Amazon ECS task IAM role" (trust policy with
 *   `ArnLike aws:SourceArn arn:aws:ecs:{region}:{account}:*` and `StringEquals aws:SourceAccount`):
 *   https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html
 * - CodeBuild, "Cross-service confused deputy prevention" (the project's ARN):
 *   https://docs.aws.amazon.com/codebuild/latest/userguide/cross-service-confused-deputy-prevention.html
 * - EventBridge, "Using IAM policy conditions" (aws:SourceArn = the rule sending the event,
 *   aws:SourceAccount = its account):
 *   https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-conditions.html
 *
 * CodePipeline service roles get the plain trust (`servicePrincipalTrustPolicy`): CodePipeline's
 * guide shows its service role's trust without these keys ("Create the CodePipeline service role
 * (CLI)": https://docs.aws.amazon.com/codepipeline/latest/userguide/pipelines-create-service-role-cli.html)
 * and documents none that it sends when assuming it. A condition on a key the service does not
 * send would stop every pipeline, so the keys are used only where the service documents them.
 *
 * Lambda execution roles do not use these keys either: Lambda assumes the execution role itself when
 * the function runs and documents no `aws:SourceArn` for that call (its `aws:SourceArn` applies
 * to who may invoke the function, the function's resource policy), so constructs/rules-sync.ts
 * keeps a plain `lambda.amazonaws.com` trust ("Using source function ARN to control function
 * access behavior": https://docs.aws.amazon.com/lambda/latest/dg/permissions-source-function-arn.html).
 */
export interface TrustedService {
  /** The service principal, e.g. `ecs-tasks.amazonaws.com`. */
  readonly service: string;
  /** The account whose resources may make the service assume the role (`aws:SourceAccount`). */
  readonly account: string;
  /** The resource(s) the service acts for (`aws:SourceArn`, ArnLike: `*` allowed). */
  readonly sourceArn: string;
}

export function serviceTrustPolicy(trusted: TrustedService): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: trusted.service },
        Action: "sts:AssumeRole",
        Condition: {
          StringEquals: { "aws:SourceAccount": trusted.account },
          ArnLike: { "aws:SourceArn": trusted.sourceArn },
        },
      },
    ],
  };
}

/** `sts:AssumeRole` for one AWS service principal, with no source conditions (see above: CodePipeline, Lambda). */
export function servicePrincipalTrustPolicy(service: string): PolicyDocument {
  return { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }] };
}
