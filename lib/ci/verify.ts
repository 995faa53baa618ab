/**
 * The verify phase after a lane deploy: the lane's target group has a healthy target (the same
 * wait as promote: rollout completed, tasks running, a healthy target), then its health path
 * answers through the ALB with the lane's tracestate. After an action that moves the image into
 * default (promote, canary) it is default that is checked; after destroy, nothing.
 */
import type { ClusterView } from "../ops/cluster";
import { waitHealthy } from "../ops/cluster";
import { readLane } from "../ops/lane-state";
import type { ParamsRepository } from "../params/load";
import type { StateClients } from "../preflight";
import { DEFAULT_LANE, serviceNames, stackNames } from "../naming";
import { TRACESTATE_HEADER, laneMember } from "../routing";
import { PIPELINE_ACTIONS } from "./actions";
import { CiInputError, type CiInputs } from "./inputs";

export interface VerifyDeps {
  readonly params: ParamsRepository;
  readonly clients: StateClients;
  readonly cluster: ClusterView;
  readonly progress: (line: string) => void;
  readonly healthTimeoutMs: number;
  readonly healthIntervalMs: number;
  readonly healthChecks: number;
  /** HTTP probe (fetch): resolves with the status, rejects when nothing answered. */
  readonly probe: (url: string, headers: Record<string, string>, insecure: boolean) => Promise<number>;
  readonly probeAttempts: number;
  readonly probeIntervalMs: number;
  readonly sleep: (ms: number) => Promise<void>;
}

/** The URL and header of the lane's health check through the service's ALB. */
export function healthProbe(params: ParamsRepository, service: string, env: string, lane: string, albDnsName: string): { url: string; headers: Record<string, string>; insecure: boolean } {
  const boot = params.boot(service, env);
  // Lane rules sit on the HTTPS listener when there is one; its certificate names the service's
  // domain, not the ALB's DNS name, so that probe skips the name check.
  const [scheme, port] = boot.https ? ["https", boot.https.port] : ["http", boot.httpPort];
  const host = port === (scheme === "https" ? 443 : 80) ? albDnsName : `${albDnsName}:${port}`;
  return { url: `${scheme}://${host}${boot.healthCheckPath}`, headers: { [TRACESTATE_HEADER]: laneMember(lane) }, insecure: scheme === "https" };
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
  const probe = healthProbe(deps.params, inputs.service, inputs.env, lane, record.albDnsName);
  const shown = Object.entries(probe.headers).map(([k, v]) => `${k}: ${v}`).join(", ");
  let last = "no answer";
  for (let attempt = 1; attempt <= deps.probeAttempts; attempt++) {
    try {
      const status = await deps.probe(probe.url, probe.headers, probe.insecure);
      if (status >= 200 && status < 300) return `${probe.url} answered ${status} with '${shown}' (try ${attempt}/${deps.probeAttempts})`;
      last = `HTTP ${status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    deps.progress(`verify: ${probe.url} with '${shown}': ${last} (try ${attempt}/${deps.probeAttempts})`);
    if (attempt < deps.probeAttempts) await deps.sleep(deps.probeIntervalMs);
  }
  throw new CiInputError(`timed out: ${probe.url} with '${shown}' did not answer with a 2xx after ${deps.probeAttempts} tries ${Math.round(deps.probeIntervalMs / 1000)}s apart (last: ${last})`);
}
