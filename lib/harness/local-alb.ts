/**
 * A local stand-in for an Application Load Balancer listener, fed with the listener, rules and
 * target groups *as synthesized* (the cdk.tf.json of a service's boot stack and lane stacks), so
 * a request is routed locally exactly as the ALB would route it with those rules.
 *
 * Semantics, from AWS's documentation (Elastic Load Balancing, "Listener rules for your
 * Application Load Balancer" and "Listener rule condition types"):
 * - Rules are evaluated in priority order, lowest value first; the default action applies when
 *   no rule matches. Each rule's conditions must all match (AND); the values of one condition are
 *   alternatives (OR).
 * - http-header: the header name is not case-sensitive; each value is compared with the whole
 *   header value, not case-sensitively; `*` matches 0 or more characters and `?` exactly one.
 *   A header sent on several lines is compared line by line (a request matches when one line
 *   matches one value): the ALB does not join repeated header lines.
 * - forward to one target group: a target whose group is empty answers 503; when every target
 *   is unhealthy the ALB "fails open" and routes to all of them.
 * - fixed-response: the status code, content type and body as configured.
 *
 * Nothing here is taken from lib/routing.ts (the code that writes the rules): the matcher is
 * written from the documentation above.
 */
import { albValueMatches } from "./alb-match";

export type Json = Record<string, unknown>;

export interface HeaderCondition {
  readonly header: string;
  readonly values: readonly string[];
}

export type AlbAction =
  | { readonly type: "forward"; readonly targetGroup: string }
  | { readonly type: "fixed-response"; readonly status: number; readonly contentType: string; readonly body: string };

export interface AlbRule {
  readonly priority: number;
  readonly conditions: readonly HeaderCondition[];
  readonly action: AlbAction;
  /** The rule's Name tag, for messages. */
  readonly name: string;
  /** The rule's tags (a lane rule says what it does while the lane is unhealthy). */
  readonly tags: Readonly<Record<string, string>>;
}

export interface AlbListener {
  readonly port: number;
  readonly defaultAction: AlbAction;
  readonly rules: readonly AlbRule[];
}

/** Header lines of a request, by lower-case name, in the order received. */
export type HeaderLines = ReadonlyMap<string, readonly string[]>;

/** Header lines from Node's `rawHeaders` (name, value, name, value…): repeated lines kept apart. */
export function headerLines(rawHeaders: readonly string[]): Map<string, string[]> {
  const lines = new Map<string, string[]>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    lines.set(name, [...(lines.get(name) ?? []), rawHeaders[i + 1]!]);
  }
  return lines;
}

function conditionMatches(condition: HeaderCondition, headers: HeaderLines): boolean {
  const lines = headers.get(condition.header.toLowerCase()) ?? [];
  return lines.some((line) => condition.values.some((value) => albValueMatches(value, line)));
}

/** The rule that takes the request (undefined: the default action), and the action. */
export function route(listener: AlbListener, headers: HeaderLines): { readonly rule?: AlbRule; readonly action: AlbAction } {
  const ordered = [...listener.rules].sort((a, b) => a.priority - b.priority);
  for (const rule of ordered) {
    if (rule.conditions.every((c) => conditionMatches(c, headers))) return { rule, action: rule.action };
  }
  return { action: listener.defaultAction };
}

// ---------------------------------------------------------------- reading the synthesized stacks

/** Resolves a Terraform expression found in a stack (a remote state output, a resource attribute). */
export type Resolver = (stack: Json, expression: string) => string;

type Section = Record<string, Record<string, Json>>;

export function resources(stack: Json, type: string): [string, Json][] {
  return Object.entries(((stack.resource as Section | undefined) ?? {})[type] ?? {});
}

export function remoteStateKey(stack: Json, id: string): string {
  const data = ((stack.data as Section | undefined) ?? {}).terraform_remote_state?.[id];
  if (!data) throw new Error(`local-alb: no terraform_remote_state.${id} in the stack`);
  return (data.config as Json).key as string;
}

const RESOURCE_REF = /^\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z_]+)\}$/;
const REMOTE_OUTPUT = /^\$\{data\.terraform_remote_state\.([A-Za-z0-9_-]+)\.outputs\.([a-z_]+)\}$/;

/** A target group's identity across stacks: `{stack}/{logical id}`. */
export function targetGroupKey(stackName: string, logicalId: string): string {
  return `${stackName}/${logicalId}`;
}

function actionOf(action: Json, targetGroupOf: (expr: string) => string): AlbAction {
  if (action.type === "forward") return { type: "forward", targetGroup: targetGroupOf(action.target_group_arn as string) };
  if (action.type === "fixed-response") {
    const f = action.fixed_response as Json;
    return { type: "fixed-response", status: Number(f.status_code), contentType: f.content_type as string, body: (f.message_body as string | undefined) ?? "" };
  }
  throw new Error(`local-alb: action type ${String(action.type)} is not modelled`);
}

function conditionsOf(rule: Json, stack: Json, resolve: Resolver): HeaderCondition[] {
  return (rule.condition as Json[]).map((c) => {
    const h = c.http_header as Json | undefined;
    if (!h) throw new Error(`local-alb: only http-header conditions are modelled, got ${JSON.stringify(c)}`);
    return {
      header: h.http_header_name as string,
      values: (h.values as string[]).map((v) => (v.includes("${") ? resolve(stack, v) : v)),
    };
  });
}

/** One service's ALB as synthesized: its listeners by logical id, and the boot outputs that name them. */
export interface SynthesizedAlb {
  readonly listeners: ReadonlyMap<string, AlbListener>;
  /** Boot output name (listener_arn, call_listener_arn, default_target_group_arn) → listener id or target group key. */
  readonly outputs: ReadonlyMap<string, string>;
  /** Target group key → the lanes whose ECS service registers in it. */
  readonly targets: ReadonlyMap<string, readonly string[]>;
  /** Target group key → its health check path. */
  readonly healthCheckPaths: ReadonlyMap<string, string>;
}

/**
 * Reads a service's ALB from its boot stack and its lane stacks (`lanes`: lane → stack JSON).
 * Lane rules are attached to the listener their `listener_arn` names through the boot outputs;
 * a lane's ECS service registers the lane in the target group its `load_balancer` names.
 */
export function readAlb(bootName: string, boot: Json, lanes: ReadonlyMap<string, { name: string; stack: Json }>, resolve: Resolver): SynthesizedAlb {
  const bootTg = (expr: string): string => {
    const m = RESOURCE_REF.exec(expr);
    if (!m || m[1] !== "aws_lb_target_group") throw new Error(`local-alb: boot target group reference ${expr}`);
    return targetGroupKey(bootName, m[2]!);
  };
  const rules = new Map<string, AlbRule[]>();
  const addRule = (listenerId: string, rule: AlbRule) => rules.set(listenerId, [...(rules.get(listenerId) ?? []), rule]);
  const listenerIdOf = (expr: string): string => {
    const m = RESOURCE_REF.exec(expr);
    if (!m || m[1] !== "aws_lb_listener") throw new Error(`local-alb: listener reference ${expr}`);
    return m[2]!;
  };
  const outputs = new Map<string, string>();
  for (const [name, o] of Object.entries((boot.output as Record<string, { value: unknown }> | undefined) ?? {})) {
    const value = o.value;
    if (typeof value !== "string") continue;
    const m = RESOURCE_REF.exec(value);
    if (m?.[1] === "aws_lb_listener") outputs.set(name, m[2]!);
    if (m?.[1] === "aws_lb_target_group" && m[3] === "arn") outputs.set(name, targetGroupKey(bootName, m[2]!));
  }
  for (const [, rule] of resources(boot, "aws_lb_listener_rule")) {
    addRule(listenerIdOf(rule.listener_arn as string), {
      priority: rule.priority as number,
      conditions: conditionsOf(rule, boot, resolve),
      action: actionOf((rule.action as Json[])[0]!, bootTg),
      name: ((rule.tags as Json | undefined)?.Name as string | undefined) ?? "(boot rule)",
      tags: (rule.tags as Record<string, string> | undefined) ?? {},
    });
  }
  const targets = new Map<string, string[]>();
  const healthCheckPaths = new Map<string, string>();
  const addPaths = (stackName: string, stack: Json) => {
    for (const [id, tg] of resources(stack, "aws_lb_target_group")) {
      healthCheckPaths.set(targetGroupKey(stackName, id), ((tg.health_check as Json | undefined)?.path as string | undefined) ?? "/");
    }
  };
  addPaths(bootName, boot);
  for (const [lane, { name, stack }] of lanes) {
    addPaths(name, stack);
    const fromBoot = (expr: string): string => {
      const m = REMOTE_OUTPUT.exec(expr);
      if (!m || remoteStateKey(stack, m[1]!) !== ((boot.terraform as Json).backend as Record<string, Json>).s3!.key) {
        throw new Error(`local-alb: ${name} refers to ${expr}, not to its own boot state`);
      }
      const target = outputs.get(m[2]!);
      if (!target) throw new Error(`local-alb: boot output ${m[2]} names no listener or target group`);
      return target;
    };
    const laneTg = (expr: string): string => {
      const m = RESOURCE_REF.exec(expr);
      return m?.[1] === "aws_lb_target_group" ? targetGroupKey(name, m[2]!) : fromBoot(expr);
    };
    for (const [, rule] of resources(stack, "aws_lb_listener_rule")) {
      addRule(fromBoot(rule.listener_arn as string), {
        priority: rule.priority as number,
        conditions: conditionsOf(rule, stack, resolve),
        action: actionOf((rule.action as Json[])[0]!, laneTg),
        name: ((rule.tags as Json | undefined)?.Name as string | undefined) ?? name,
        tags: (rule.tags as Record<string, string> | undefined) ?? {},
      });
    }
    for (const [, svc] of resources(stack, "aws_ecs_service")) {
      for (const lb of (svc.load_balancer as Json[] | undefined) ?? []) {
        const tg = laneTg(lb.target_group_arn as string);
        targets.set(tg, [...(targets.get(tg) ?? []), lane]);
      }
    }
  }
  const listeners = new Map<string, AlbListener>();
  for (const [id, l] of resources(boot, "aws_lb_listener")) {
    listeners.set(id, { port: l.port as number, defaultAction: actionOf((l.default_action as Json[])[0]!, bootTg), rules: rules.get(id) ?? [] });
  }
  return { listeners, outputs, targets, healthCheckPaths };
}

/** The container environment of a lane's task definition, each value resolved. */
export function taskEnvironment(stack: Json, resolve: Resolver): Record<string, string> {
  const [, td] = resources(stack, "aws_ecs_task_definition")[0] ?? [];
  if (!td) throw new Error("local-alb: the lane stack has no task definition");
  const defs = JSON.parse(td.container_definitions as string) as { environment?: { name: string; value: string }[] }[];
  return Object.fromEntries((defs[0]!.environment ?? []).map((e) => [e.name, e.value.includes("${") ? resolve(stack, e.value) : e.value]));
}
