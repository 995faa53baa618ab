/**
 * AWS failures as one line and an exit code, by class: no (or rejected) credentials → how to
 * provide them; an endpoint that cannot be reached → which one; access denied → the action and
 * the resource. Anything else from AWS stays an unexpected error (its trace under --debug).
 */
import { failedCallOf } from "../ops/aws-calls";
import type { ExitName } from "./exit-codes";

export interface AwsFailure {
  readonly exit: ExitName;
  readonly message: string;
}

type ErrorLike = Error & {
  code?: string;
  hostname?: string;
  address?: string;
  port?: number;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
  cause?: unknown;
};

const NO_CREDENTIALS = ["CredentialsProviderError"];
const REJECTED_CREDENTIALS = [
  "ExpiredToken",
  "ExpiredTokenException",
  "InvalidClientTokenId",
  "UnrecognizedClientException",
  "InvalidAccessKeyId",
  "SignatureDoesNotMatch",
  "InvalidSignatureException",
  "TokenRefreshRequired",
];
const DENIED = ["AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnauthorizedAccess", "AuthorizationError", "AuthorizationErrorException", "Forbidden"];
const NETWORK_CODES = ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "ECONNRESET", "EHOSTUNREACH", "ENETUNREACH", "EPIPE", "ECONNABORTED"];

const HOW_TO_PROVIDE =
  "Provide them: AWS_PROFILE=<profile> (after `aws configure` or `aws sso login`), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN), or run where a role provides them (CodeBuild, ECS, EC2)";

/** The error and its causes, outermost first (network errors are sometimes wrapped). */
function chain(err: unknown): ErrorLike[] {
  const out: ErrorLike[] = [];
  let e: unknown = err;
  while (e instanceof Error && out.length < 5) {
    out.push(e as ErrorLike);
    e = (e as ErrorLike).cause;
  }
  return out;
}

function endpointOf(e: ErrorLike): string {
  if (e.hostname) return e.hostname;
  if (e.address) return `${e.address}${e.port ? `:${e.port}` : ""}`;
  const m = /(?:ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH)\s+(\S+)/.exec(e.message);
  return m?.[1] ?? "(the endpoint the SDK chose for the region)";
}

/** IAM's own wording: `… is not authorized to perform: ecs:DescribeServices on resource: arn:… because …`. */
function deniedFromMessage(message: string): { action?: string; resource?: string } {
  const m = /perform:\s*([A-Za-z0-9-]+:[A-Za-z0-9]+)(?:\s+on resource:\s*(\S+?))?(?:\s+because|\s*$|\s+with an explicit)/.exec(message);
  return m ? { ...(m[1] ? { action: m[1] } : {}), ...(m[2] ? { resource: m[2] } : {}) } : {};
}

/** One line and an exit code for a known class of AWS failure, else undefined. */
export function describeAwsError(err: unknown): AwsFailure | undefined {
  const errors = chain(err);
  const top = errors[0];
  if (!top) return undefined;
  const call = failedCallOf(top);
  const during = call ? ` (${call.action}${call.resource ? ` on ${call.resource}` : ""})` : "";

  if (errors.some((e) => NO_CREDENTIALS.includes(e.name) || /Could not load credentials from any providers/.test(e.message))) {
    return { exit: "noCredentials", message: `no AWS credentials found${during}. ${HOW_TO_PROVIDE}.` };
  }
  const rejected = errors.find((e) => REJECTED_CREDENTIALS.includes(e.name) || REJECTED_CREDENTIALS.includes(e.Code ?? ""));
  if (rejected) {
    return { exit: "noCredentials", message: `AWS rejected the credentials${during}: ${rejected.name}: ${rejected.message}. Refresh them (e.g. \`aws sso login\`) or use valid keys. ${HOW_TO_PROVIDE}.` };
  }
  const network = errors.find((e) => NETWORK_CODES.includes(e.code ?? "") || e.name === "TimeoutError");
  if (network) {
    return {
      exit: "unreachable",
      message: `could not reach the AWS endpoint ${endpointOf(network)}${network.code ? ` (${network.code})` : " (timed out)"}${during}. Check the network or proxy, the region in params/infra-{env}.json, and endpoint overrides (LANES_STATE_S3_ENDPOINT, AWS_ENDPOINT_URL_*).`,
    };
  }
  const denied = errors.find((e) => DENIED.includes(e.name) || DENIED.includes(e.Code ?? "") || (e.$metadata?.httpStatusCode === 403 && !REJECTED_CREDENTIALS.includes(e.name)));
  if (denied) {
    const parsed = deniedFromMessage(denied.message);
    const action = parsed.action ?? call?.action ?? "(the call's action was not reported)";
    const resource = parsed.resource ?? call?.resource;
    return {
      exit: "accessDenied",
      message: `AWS denied ${action}${resource ? ` on ${resource}` : ""} (${denied.name}: ${denied.message}). The credentials in use lack this permission: use a role that has it, or ask for it to be granted.`,
    };
  }
  return undefined;
}
