/**
 * The needs table's row type: one API call the AWS provider (hashicorp/aws 5.100.0) or the build
 * makes while deploying a layer's stack, with the resource it is AUTHORIZED against (Service
 * Authorization Reference) and the request context it carries.
 */
import type { StateConfig } from "../../params/config";
import type { AccountContext } from "../arns";

/** The stack layer whose deploy makes the call; each is deployed by one pipeline role. */
export type Layer = "infra" | "boot" | "app";

export type Operation = "create" | "read" | "update" | "tag" | "delete";

/**
 * What the authorized resource (name, or tags for resources named by AWS-generated ids) is
 * specific to: one lane, one service (all its lanes), one env (all its services), or nothing the
 * platform names (account-wide calls such as wildcard-only reads).
 */
export type Scope = "lane" | "service" | "env" | "account";

/** Everything a row needs to name its resource: account, env, service and lane, and the state layout. */
export interface NeedContext extends AccountContext {
  readonly env: string;
  readonly service: string;
  readonly lane: string;
  readonly state: StateConfig;
}

export type ConditionContext = Readonly<Record<string, string | readonly string[]>>;

export interface Need {
  readonly layer: Layer;
  /**
   * Terraform resource type (`aws_lb_listener_rule`), `data.<type>` for a data source,
   * `backend.s3` for the state backend, or `build.<what>` for a call the pipeline's build makes
   * outside Terraform (image push, the lanes CLI's preflight and health checks).
   */
  readonly resourceType: string;
  readonly operation: Operation;
  readonly action: string;
  /** The ARN the call is authorized against; `*` for wildcard-only actions. */
  readonly resource: (c: NeedContext) => string;
  readonly scope: Scope;
  /** The request carries the calling stack's default tags (`aws:RequestTag/*`, `aws:TagKeys`). */
  readonly requestTags?: boolean;
  /** The resource already exists and carries this layer's stack default tags (`aws:ResourceTag/*`). */
  readonly resourceTags?: Layer;
  /** Further condition keys the request carries. */
  readonly context?: (c: NeedContext) => ConditionContext;
  /** Only in some configurations (lock mode, …); always when absent. */
  readonly applies?: (c: NeedContext) => boolean;
  /** Why the call happens, when it is not obvious from the resource's create/read/update/delete. */
  readonly note?: string;
  /**
   * Scoped by a name prefix alone (the resource carries no tags to check): a service whose name
   * extends `{service}-{env}-` matches it too. The tests assert this known gap, which an
   * unambiguous naming scheme closes (see the naming proposal).
   */
  readonly prefixCollision?: string;
  /** Deliberately NOT granted, and why: the tests assert the call is denied. */
  readonly notGranted?: string;
}
