/** Turns needs rows into simulator requests, for a context and its variants (another env, service, lane). */
import { DEFAULT_TAG_KEYS, NEEDS, stackTags, type DefaultTags, type Need, type NeedContext } from "../../lib/policies/needs";
import { exampleParams } from "../helpers/project";
import { ACCOUNT, PARTITION, REGION, type ContextValues, type SimRequest } from "./simulate";

export const ENV = "dev";
export const OTHER_ENV = "prod";
export const LANE = "gray";
export const OTHER_LANE = "blue";

export function needContext(service: string, overrides: Partial<NeedContext> = {}): NeedContext {
  return {
    partition: PARTITION,
    region: REGION,
    account: ACCOUNT,
    env: ENV,
    service,
    lane: LANE,
    state: exampleParams().infra(ENV).state,
    ...overrides,
  };
}

/**
 * Services that are not `service` but whose names a prefix pattern of it could match: another
 * name, a name extending `{service}-{env}-` (its lanes' `{service}-{env}-{lane}` prefix) and one
 * extending `{service}-` (what a pattern `{service}-*` would match).
 */
export function otherServices(service: string, env = ENV): string[] {
  return ["billing", `${service}-${env}-x`, `${service}-x`];
}

export function requestTagContext(tags: DefaultTags): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of DEFAULT_TAG_KEYS) out[`aws:RequestTag/${key}`] = tags[key];
  out["aws:TagKeys"] = [...DEFAULT_TAG_KEYS];
  return out;
}

export function resourceTagContext(tags: DefaultTags): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of DEFAULT_TAG_KEYS) out[`aws:ResourceTag/${key}`] = tags[key];
  return out;
}

/** The request a row makes in context `c`: its ARN, the calling stack's tags, the resource's tags, its own keys. */
export function requestFor(need: Need, c: NeedContext): SimRequest {
  const context: Record<string, string | readonly string[]> = {
    ...(need.requestTags ? requestTagContext(stackTags(need.layer, c)) : {}),
    ...(need.resourceTags ? resourceTagContext(stackTags(need.resourceTags, c)) : {}),
    ...(need.context ? need.context(c) : {}),
  };
  return { action: need.action, resource: need.resource(c), context: context as ContextValues };
}

export function describeNeed(need: Need): string {
  return `${need.layer} ${need.resourceType} ${need.operation} ${need.action}`;
}

/** The table's rows (in order) whose layer, type, operation and action are those given. */
export function needRows(match: Partial<Pick<Need, "layer" | "resourceType" | "operation" | "action">>): Need[] {
  return NEEDS.filter((n) => Object.entries(match).every(([field, value]) => n[field as keyof typeof match] === value));
}
