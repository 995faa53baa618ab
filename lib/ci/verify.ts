/**
 * The verify phase after a lane deploy: the lane's target group has a healthy target (the same
 * wait as promote: rollout completed, tasks running, a healthy target), then its health path
 * answers through the ALB with the lane's tracestate, and the answer proves the lane itself
 * answered: its task sets `x-lanes-served-by` to its LANE (packages/lane-context's middleware
 * does). A 2xx from `default` (the lane's rule missing or wrong) fails, naming the rule; a 2xx
 * without the header fails too (nothing proves which lane answered). A service behind the edge only CloudFront
 * reaches: its probe goes through the edge (`https://{alias or distribution}{probePath}`) with a
 * tester token for the lane, minted for a few minutes with the edge's current key. After an
 * action that moves the image into default (promote, canary) it is default that is checked;
 * after destroy, nothing.
 *
 * A new lane's healthy-hosts alarm starts in ALARM (no targets yet, missing data breaching), so
 * the boot layer's fallback switch points the lane's rules at default (or a 503 when strict)
 * before its tasks are up; the alarm goes OK only minutes after the first healthy target. So
 * once the lane has a healthy target, verify restores its rules to its own target group (the
 * same switch, lib/fallback/switch.ts) before probing; the alarm's OK later finds them restored.
 */
import { GetObjectCommand } from "@aws-sdk/client-s3";
import type { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EdgeOutputs } from "../contract";
import type { ClusterView } from "../ops/cluster";
import { waitHealthy } from "../ops/cluster";
import { mintTesterToken } from "../ops/edge-rules";
import { readLane } from "../ops/lane-state";
import { laneHealthTargets } from "../ops/fallback";
import { switchLaneRules } from "../fallback/switch";
import type { ParamsRepository } from "../params/load";
import type { StateClients } from "../preflight";
import { DEFAULT_LANE, laneNames, serviceNames, stackNames } from "../naming";
import { stateKey } from "../state";
import { TRACESTATE_HEADER, laneMember } from "../routing";
import { PIPELINE_ACTIONS } from "./actions";
import type { ProbeAnswer } from "./probe";
import { SERVED_BY_HEADER } from "../../packages/lane-context/src/protocol";
import { CiInputError, type CiInputs } from "./inputs";

export interface VerifyDeps {
  readonly params: ParamsRepository;
  readonly clients: StateClients;
  readonly cluster: ClusterView;
  readonly progress: (line: string) => void;
  readonly healthTimeoutMs: number;
  readonly healthIntervalMs: number;
  readonly healthChecks: number;
  /** HTTP probe: resolves with the status and the lane that answered (x-lanes-served-by), rejects when nothing answered. */
  readonly probe: (url: string, headers: Record<string, string>, insecure: boolean) => Promise<ProbeAnswer>;
  readonly probeAttempts: number;
  readonly probeIntervalMs: number;
  readonly sleep: (ms: number) => Promise<void>;
  /** The edge's rules table (a service behind the edge is probed through CloudFront with a tester token). */
  readonly edgeTable?: DynamoDBClient;
  /** ELBv2: restores a lane's rules that fell back before it had a healthy target. */
  readonly elb: ElasticLoadBalancingV2Client;
}

/** How long the verify probe's tester token lives. */
export const PROBE_TOKEN_TTL_SECONDS = 600;

export interface Probe {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly insecure: boolean;
  /** Headers shown in messages as `<token>`. */
  readonly secretHeaders?: readonly string[];
}

/** The URL and header of the lane's health check through the service's ALB. */
export function healthProbe(params: ParamsRepository, service: string, env: string, lane: string, albDnsName: string): Probe {
  const boot = params.boot(service, env);
  // Lane rules sit on the HTTPS listener when there is one; its certificate names the service's
  // domain, not the ALB's DNS name, so that probe skips the name check.
  const [scheme, port] = boot.https ? ["https", boot.https.port] : ["http", boot.httpPort];
  const host = port === (scheme === "https" ? 443 : 80) ? albDnsName : `${albDnsName}:${port}`;
  return { url: `${scheme}://${host}${boot.healthCheckPath}`, headers: { [TRACESTATE_HEADER]: laneMember(lane) }, insecure: scheme === "https" };
}

/** The edge's CloudFront domain from its state, or undefined when edge-{env} has no state. */
async function edgeDomain(deps: VerifyDeps, env: string): Promise<string | undefined> {
  const state = deps.params.infra(env).state;
  try {
    const out = await deps.clients.s3.send(new GetObjectCommand({ Bucket: state.bucket, Key: stateKey({ layer: "edge", env }) }));
    const body = JSON.parse((await out.Body?.transformToString()) ?? "{}") as { outputs?: Record<string, { value?: unknown }> };
    const value = body.outputs?.[EdgeOutputs.distributionDomainName.name]?.value;
    return typeof value === "string" && value !== "" ? value : undefined;
  } catch (err) {
    const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
    if (e.name === "NoSuchKey" || e.$metadata?.httpStatusCode === 404) return undefined;
    throw err;
  }
}

/**
 * The lane's health probe: through the ALB with the lane's tracestate, or, for a service behind
 * the edge, through CloudFront with a tester token (no token for default). A service behind the
 * edge without a path the edge routes to it (edge-{env}.json `probePath`; the default service
 * uses its health check path) gets no probe: the reason is returned instead.
 */
export async function laneProbe(deps: VerifyDeps, service: string, env: string, lane: string, albDnsName: string): Promise<Probe | string> {
  const boot = deps.params.boot(service, env);
  if (!boot.originGuard) return healthProbe(deps.params, service, env, lane, albDnsName);
  const edge = deps.params.edge(env);
  const origin = edge.origins.find((o) => o.service === service);
  const path = origin?.probePath ?? (edge.defaultService === service ? boot.healthCheckPath : undefined);
  if (!path) return `${service} is behind the edge-${env} and edge-${env}.json names no probePath for it: its target health was checked, no request was sent`;
  const host = edge.aliases[0] ?? (await edgeDomain(deps, env));
  if (!host) throw new CiInputError(`${service} is behind edge-${env}, which has no state: deploy it (${stackNames.edge(env)}) before verifying through it`);
  const headers: Record<string, string> = {};
  if (lane !== DEFAULT_LANE) {
    if (!deps.edgeTable) throw new CiInputError(`verifying lane ${lane} through edge-${env} needs the edge's rules table to mint a tester token`);
    const minted = await mintTesterToken(deps.edgeTable, env, lane, PROBE_TOKEN_TTL_SECONDS, edge.keyRotationDays * 86400);
    if (!minted.header) throw new CiInputError(`the edge rules of ${env} name no testerHeader: a tester token for ${lane} cannot be sent (lanes edge set)`);
    headers[minted.header] = minted.token;
  }
  return { url: `https://${host}${path}`, headers, insecure: false, secretHeaders: Object.keys(headers) };
}

export async function verifyRun(inputs: CiInputs, deps: VerifyDeps): Promise<string> {
  if (inputs.layer !== "app" || inputs.action === "gc" || !inputs.service || !inputs.lane) return `LAYER=${inputs.layer} has no lane to verify`;
  const verifies = PIPELINE_ACTIONS[inputs.action].verifies;
  if (verifies === "none") return `ACTION=${inputs.action} leaves no lane to verify`;
  const lane = verifies === "default" ? DEFAULT_LANE : inputs.lane;
  const stack = stackNames.app(inputs.service, inputs.env, lane);
  const infra = deps.params.infra(inputs.env);
  const record = await readLane(deps.clients.s3, infra.state, inputs.env, inputs.service, lane);
  if (!record) throw new CiInputError(`${stack} has no state: was it deployed?`);
  if (!record.targetGroupArn || !record.albDnsName) return `${inputs.service} has no ALB in ${inputs.env} (a worker, or initAlb=false): no target group or URL to check`;
  await waitHealthy(deps.cluster, record.clusterName ?? "", record.ecsServiceName ?? "", record.targetGroupArn, {
    timeoutMs: deps.healthTimeoutMs,
    intervalMs: deps.healthIntervalMs,
    onProgress: deps.progress,
    sleep: deps.sleep,
    maxChecks: deps.healthChecks,
  }).catch((err: Error) => {
    throw new CiInputError(`${stack} is not healthy (target group ${record.targetGroupArn}): ${err.message}; see the ECS service events of ${stack} and the logs in ${serviceNames(inputs.service!, inputs.env).logGroup} (stream prefix ${lane}/)`);
  });
  if (lane !== DEFAULT_LANE) {
    const targets = await laneHealthTargets(deps.clients.s3, infra.state, { service: inputs.service, env: inputs.env, lane });
    const restored = (await switchLaneRules(deps.elb, { healthy: true, ...targets })).filter((r) => r.modified);
    if (restored.length > 0) deps.progress(`verify: ${restored.map((r) => r.name).join(", ")} fell back while ${lane} had no healthy target (its healthy-hosts alarm in ALARM): restored to ${stack}'s target group`);
  }
  const probe = await laneProbe(deps, inputs.service, inputs.env, lane, record.albDnsName);
  if (typeof probe === "string") return probe;
  const shown = Object.entries(probe.headers)
    .map(([k, v]) => `${k}: ${probe.secretHeaders?.includes(k) ? "<token>" : v}`)
    .join(", ");
  // What a wrong answer says about routing: which rule should have sent the request to the lane.
  const rule =
    lane === DEFAULT_LANE
      ? `the listener's default action${deps.params.boot(inputs.service, inputs.env).originGuard ? ` / rule ${serviceNames(inputs.service, inputs.env).defaultRule}` : ""}`
      : `listener rule ${laneNames(inputs.service, inputs.env, lane).listenerRule} (priority ${deps.params.lane(inputs.service, inputs.env, lane).priority})`;
  let last = "no answer";
  let wrongLane: string | undefined;
  for (let attempt = 1; attempt <= deps.probeAttempts; attempt++) {
    try {
      const answer = await deps.probe(probe.url, probe.headers, probe.insecure);
      if (answer.status >= 200 && answer.status < 300) {
        if (answer.servedBy === lane) return `${probe.url} answered ${answer.status} from lane ${lane} (${SERVED_BY_HEADER}) with '${shown}' (try ${attempt}/${deps.probeAttempts})`;
        if (answer.servedBy === undefined) {
          throw new CiInputError(
            `${probe.url} answered ${answer.status} with '${shown}' but without ${SERVED_BY_HEADER}: nothing proves lane ${lane} answered (default answers too when ${rule} is missing or wrong). The service must answer with the header set to its LANE (packages/lane-context's middleware does).`,
          );
        }
        wrongLane = answer.servedBy;
        last = `HTTP ${answer.status} from lane ${answer.servedBy}, not ${lane}`;
      } else {
        last = `HTTP ${answer.status}`;
      }
    } catch (err) {
      if (err instanceof CiInputError) throw err;
      last = (err as Error).message;
    }
    deps.progress(`verify: ${probe.url} with '${shown}': ${last} (try ${attempt}/${deps.probeAttempts})`);
    if (attempt < deps.probeAttempts) await deps.sleep(deps.probeIntervalMs);
  }
  if (wrongLane !== undefined) {
    throw new CiInputError(
      `lane ${wrongLane} answered ${probe.url} with '${shown}', not lane ${lane}: ${rule} did not route the request to ${stack}'s target group (${record.targetGroupArn}); check the rule's conditions (lanes status ${lane} --service ${inputs.service} --env ${inputs.env})`,
    );
  }
  throw new CiInputError(`timed out: ${probe.url} with '${shown}' did not answer with a 2xx after ${deps.probeAttempts} tries ${Math.round(deps.probeIntervalMs / 1000)}s apart (last: ${last})`);
}
