/**
 * The needs table: for every resource and data source type the stacks synthesize, per layer, the
 * API calls hashicorp/aws 5.100.0 makes to create, read, update, tag and delete it, each with the
 * resource ARN the call is authorized against and the request context it carries; plus the state
 * backend's calls and the build's own. The pipeline roles (roles.ts) are checked against it by
 * the IAM simulator (__tests__/iam): every row is allowed to the role that deploys its layer, on
 * its own resources only; a synthesized type without rows fails a test naming it.
 */
import { APP_NEEDS } from "./app";
import { BOOT_NEEDS } from "./boot";
import { BUILD_NEEDS } from "./build";
import { INFRA_NEEDS } from "./infra";
import type { Layer, Need } from "./types";

export * from "./types";
export { MANAGED_BY, DEFAULT_TAG_KEYS, SHARED, stackTags, taskRoleBoundaryArn, taskRoleBoundaryName, TASK_EXECUTION_POLICY, type DefaultTags } from "./conventions";

export const NEEDS: readonly Need[] = [...INFRA_NEEDS, ...BOOT_NEEDS, ...APP_NEEDS, ...BUILD_NEEDS];

/** Types the stacks synthesize that need no IAM permission: no AWS API call, or one IAM never denies. */
export const LOCAL_TYPES: Readonly<Record<string, string>> = {
  "data.aws_iam_policy_document": "rendered locally by the provider",
  "data.aws_partition": "from the provider's region, no API call",
  "data.aws_caller_identity": "sts:GetCallerIdentity, which needs no permission (IAM never denies it)",
  terraform_data: "Terraform's built-in provider, no AWS call",
};

export const LAYERS: readonly Layer[] = ["infra", "boot", "app"];

/** The role that deploys each layer's stacks. */
export const DEPLOYED_BY: Readonly<Record<Layer, "infra" | "bootstrap" | "app">> = { infra: "infra", boot: "bootstrap", app: "app" };

export function needsFor(layer: Layer): Need[] {
  return NEEDS.filter((n) => n.layer === layer);
}

/**
 * The resource/data/backend types of a synthesized stack (Terraform JSON), in the table's
 * notation: `aws_lb`, `data.terraform_remote_state`, `backend.s3`.
 */
export function typesOf(synthesized: Readonly<Record<string, unknown>>): string[] {
  const keys = (section: unknown) => Object.keys((section ?? {}) as object);
  const terraform = (synthesized.terraform ?? {}) as { backend?: object };
  return [
    ...keys(synthesized.resource),
    ...keys(synthesized.data).map((t) => `data.${t}`),
    ...keys(terraform.backend).map((b) => `backend.${b}`),
  ].sort();
}

/** Types with no needs row for `layer` (and not local-only): a new resource type must add its calls. */
export function missingNeeds(layer: Layer, types: readonly string[]): string[] {
  const covered = new Set(needsFor(layer).map((n) => n.resourceType));
  return types.filter((t) => !covered.has(t) && !(t in LOCAL_TYPES));
}
