/**
 * Conventions the pipeline roles' conditions rely on, shared by the roles (lib/policies/roles.ts)
 * and the needs table: the default tags every stack puts on every resource (the provider's
 * `default_tags`, stacks/lanes-stack.ts), and the task roles' permissions boundary.
 */
import { stackNames, taskRoleBoundaryName } from "../../naming";
import type { AccountContext } from "../arns";
import { arns } from "../arns";
import type { Layer, NeedContext } from "./types";

/** Value of the `managed-by` default tag (stacks/lanes-stack.ts MANAGED_BY; a test keeps them equal). */
export const MANAGED_BY = "lanes";

/** Tag keys of the stacks' provider default_tags. */
export const DEFAULT_TAG_KEYS = ["env", "service", "lane", "managed-by", "stack"] as const;
export type DefaultTags = Readonly<Record<(typeof DEFAULT_TAG_KEYS)[number], string>>;

/** The `service`/`lane` tag value of resources shared by a layer (infra: both; boot: lane). */
export const SHARED = "shared";

/** The default tags of the stack of `layer` for the context's env, service and lane. */
export function stackTags(layer: Layer, c: Pick<NeedContext, "env" | "service" | "lane">): DefaultTags {
  switch (layer) {
    case "infra":
      return { env: c.env, service: SHARED, lane: SHARED, "managed-by": MANAGED_BY, stack: stackNames.infra(c.env) };
    case "boot":
      return { env: c.env, service: c.service, lane: SHARED, "managed-by": MANAGED_BY, stack: stackNames.boot(c.service, c.env) };
    case "app":
      return { env: c.env, service: c.service, lane: c.lane, "managed-by": MANAGED_BY, stack: stackNames.app(c.service, c.env, c.lane) };
  }
}

/**
 * The customer managed policy every role the bootstrap pipeline creates must carry as its
 * permissions boundary (one per env). Its document is `taskRoleBoundaryPolicy` (roles.ts); the
 * policy itself is to be created by the bootstrap pipeline stack and set on the task roles by
 * constructs/service-identity.ts (__tests__/iam/pending-constructs.test.ts).
 */
export { taskRoleBoundaryName };

export function taskRoleBoundaryArn(c: AccountContext, env: string): string {
  return arns.iamPolicy(c, taskRoleBoundaryName(env));
}

/** The only managed policy the stacks attach (constructs/service-identity.ts). */
export const TASK_EXECUTION_POLICY = "service-role/AmazonECSTaskExecutionRolePolicy";
