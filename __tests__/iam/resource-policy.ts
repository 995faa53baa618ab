/**
 * Trust and resource policies asked of @cloud-copilot/iam-simulate, request by request (test code
 * only). A trust policy is the resource policy of `sts:AssumeRole` on the role; a bucket policy
 * is asked with an identity policy that allows everything, so only the bucket policy can deny;
 * references in synthesized stacks are resolved to a test account's ARNs, built from the
 * resources' own names as AWS documents each ARN format (Service Authorization Reference).
 */
import { runSimulation, type Simulation } from "@cloud-copilot/iam-simulate";
import type { PolicyDocument } from "../../lib/policies/document";
import type { Json, Synthesized } from "../helpers/project";
import { ACCOUNT, PARTITION, REGION, policyFromAttribute, type ContextValues, type Decision, type ReferenceResolver } from "./simulate";

export const KVS_ID = "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111";

/** A bucket's name: its `bucket`, or its `bucket_prefix` with a suffix as Terraform adds one (26 characters). */
export function bucketName(c: Json): string {
  if (typeof c.bucket === "string") return c.bucket;
  if (typeof c.bucket_prefix === "string") return `${c.bucket_prefix}20261202093000123400000001`;
  throw new Error("aws_s3_bucket without bucket or bucket_prefix");
}

/** `${type.id.attr}` of a synthesized stack → the ARN/value AWS would return for that resource. */
export function stackResolver(s: Synthesized): ReferenceResolver {
  const config = (type: string, id: string): Json | undefined => s.resources(type).find(([i]) => i === id)?.[1];
  const regionOf = (c: Json) => (c.provider === "aws.us-east-1" ? "us-east-1" : REGION);
  return (expression) => {
    if (/^data\.aws_partition\.[^.]+\.partition$/.test(expression)) return PARTITION;
    if (/^data\.aws_caller_identity\.[^.]+\.account_id$/.test(expression)) return ACCOUNT;
    if (/^data\.terraform_remote_state\.[^.]+\.outputs\.account_id$/.test(expression)) return ACCOUNT;
    const m = /^([a-z0-9_]+)\.([^.]+)\.(arn|id|name)$/.exec(expression);
    if (!m) return undefined;
    const [, type, id, attr] = m as unknown as [string, string, string, string];
    const c = config(type, id);
    if (!c) return undefined;
    if (attr !== "arn") return type === "aws_s3_bucket" ? bucketName(c) : (c.name as string | undefined);
    const region = regionOf(c);
    switch (type) {
      case "aws_s3_bucket":
        return `arn:${PARTITION}:s3:::${bucketName(c)}`;
      case "aws_sqs_queue":
        return `arn:${PARTITION}:sqs:${region}:${ACCOUNT}:${c.name as string}`;
      case "aws_sns_topic":
        return `arn:${PARTITION}:sns:${region}:${ACCOUNT}:${c.name as string}`;
      case "aws_dynamodb_table":
        return `arn:${PARTITION}:dynamodb:${region}:${ACCOUNT}:table/${c.name as string}`;
      case "aws_cloudwatch_log_group":
        return `arn:${PARTITION}:logs:${region}:${ACCOUNT}:log-group:${c.name as string}`;
      case "aws_cloudfront_key_value_store":
        return `arn:${PARTITION}:cloudfront::${ACCOUNT}:key-value-store/${KVS_ID}`;
      case "aws_lambda_function":
        return `arn:${PARTITION}:lambda:${region}:${ACCOUNT}:function:${c.function_name as string}`;
      case "aws_cloudwatch_event_rule":
        return `arn:${PARTITION}:events:${region}:${ACCOUNT}:rule/${c.name as string}`;
      case "aws_codepipeline":
        return `arn:${PARTITION}:codepipeline:${region}:${ACCOUNT}:${c.name as string}`;
      default:
        return undefined;
    }
  };
}

export interface ResourceRequest {
  /** An IAM principal ARN, or a service principal (`ecs-tasks.amazonaws.com`). */
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly context?: ContextValues;
  /** The caller's own identity policy; none for service principals. */
  readonly identity?: PolicyDocument;
}

/** Everything allowed: a caller whose own policy never stands in the way. */
export const ALLOW_ALL: PolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };

/** The decision on `request` with `resourcePolicy` as the resource's policy. */
export async function decideWithResourcePolicy(resourcePolicy: PolicyDocument, request: ResourceRequest): Promise<Decision> {
  const contextVariables: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(request.context ?? {})) contextVariables[k] = typeof v === "string" ? v : [...v];
  const simulation: Simulation = {
    request: { principal: request.principal, action: request.action, resource: { resource: request.resource, accountId: ACCOUNT }, contextVariables },
    identityPolicies: request.identity ? [{ name: "caller", policy: request.identity }] : [],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy,
  };
  const result = await runSimulation(simulation, { simulationMode: "Strict" });
  if (result.resultType === "error") throw new Error(`iam-simulate refused ${request.action} on ${request.resource}: ${JSON.stringify(result.errors)}`);
  return result.overallResult;
}

/** The trust policy of the role named `roleName`, resolved. */
export function trustPolicy(s: Synthesized, roleName: string): PolicyDocument {
  const role = s.resources("aws_iam_role").find(([, c]) => c.name === roleName);
  if (!role) throw new Error(`no aws_iam_role named ${roleName}`);
  return policyFromAttribute(s, role[1].assume_role_policy, stackResolver(s), `aws_iam_role.${role[0]}.assume_role_policy`);
}

/** May `principal` assume the role named `roleName` (with this request context)? */
export async function mayAssume(s: Synthesized, roleName: string, principal: string, context: ContextValues = {}): Promise<Decision> {
  return decideWithResourcePolicy(trustPolicy(s, roleName), {
    principal,
    action: "sts:AssumeRole",
    resource: `arn:${PARTITION}:iam::${ACCOUNT}:role/${roleName}`,
    context,
  });
}
