/**
 * Lane-aware service discovery through AWS Cloud Map, for direct task-to-task calls (params
 * `discovery`): a callee in lane L is the healthy instances of its Cloud Map service whose
 * `ECS_SERVICE_NAME` attribute (set by ECS on every task it registers) is `{service}-{env}-{L}`;
 * when L has none, the `default` lane's (the same per-hop fallback as the ALB's default action).
 * Answers are cached for a TTL; when Cloud Map throttles, a stale answer is served if there is
 * one. The SDK is not a dependency: pass a `discover` function, e.g.
 *
 *   const sd = new ServiceDiscoveryClient({});
 *   new LaneDiscovery({ env: process.env.ENV, discover: (input) => sd.send(new DiscoverInstancesCommand(input)) })
 *
 * The caller's task role needs `servicediscovery:DiscoverInstances`; the callee's task security
 * group admits the caller's (both set by the platform for a declared `discovery`).
 */
import { DEFAULT_LANE, laneNameProblem } from "./protocol";

/** The DiscoverInstances input this package sends (SDK shape). */
export interface DiscoverInstancesInput {
  readonly NamespaceName: string;
  readonly ServiceName: string;
  readonly HealthStatus: "HEALTHY";
  readonly QueryParameters: Record<string, string>;
  readonly MaxResults?: number;
}

/** The part of the DiscoverInstances output this package reads (SDK shape). */
export interface DiscoverInstancesOutput {
  readonly Instances?: readonly { readonly InstanceId?: string; readonly Attributes?: Record<string, string> }[];
}

/** The attributes ECS registers for a task (Cloud Map). */
export const ECS_SERVICE_NAME_ATTRIBUTE = "ECS_SERVICE_NAME";
const IPV4_ATTRIBUTE = "AWS_INSTANCE_IPV4";
const PORT_ATTRIBUTE = "AWS_INSTANCE_PORT";

/** One instance to call. */
export interface DiscoveredInstance {
  readonly id: string;
  readonly ip: string;
  /** The registered port, when the Cloud Map service records one (SRV); else undefined. */
  readonly port?: number;
}

/** Where a call goes: the lane that serves it (the asked one, or default) and its instances. */
export interface Discovered {
  readonly lane: string;
  readonly instances: readonly DiscoveredInstance[];
  /** True when the answer came from the cache after Cloud Map refused (throttling). */
  readonly stale: boolean;
}

export class NoHealthyInstanceError extends Error {
  constructor(
    readonly service: string,
    readonly lane: string,
  ) {
    super(
      lane === DEFAULT_LANE
        ? `no healthy instance of ${service} in lane default (Cloud Map)`
        : `no healthy instance of ${service} in lane ${lane}, nor in lane default to fall back to (Cloud Map)`,
    );
    this.name = "NoHealthyInstanceError";
  }
}

export interface LaneDiscoveryOptions {
  /** The env (the platform's ENV): ECS service names are `{service}-{env}-{lane}`. */
  readonly env: string;
  /** Cloud Map's DiscoverInstances (e.g. the SDK client's send). */
  readonly discover: (input: DiscoverInstancesInput) => Promise<DiscoverInstancesOutput>;
  /** How long an answer is used (default 10 s: a scaled or replaced task is seen within it). */
  readonly ttlMs?: number;
  /** The clock (default Date.now). */
  readonly now?: () => number;
}

const THROTTLED = new Set(["ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException"]);

function isThrottling(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return (e.name !== undefined && THROTTLED.has(e.name)) || e.$metadata?.httpStatusCode === 429;
}

export class LaneDiscovery {
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly cache = new Map<string, { at: number; instances: readonly DiscoveredInstance[] }>();

  constructor(private readonly options: LaneDiscoveryOptions) {
    this.ttlMs = options.ttlMs ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /**
   * The healthy instances of `service` (its Cloud Map service, in `namespace`) in `lane`, else in
   * `default`. Throws NoHealthyInstanceError when neither has one.
   */
  async resolve(namespace: string, service: string, lane: string): Promise<Discovered> {
    const problem = laneNameProblem(lane);
    if (problem !== undefined) throw new Error(`'${lane}' is not a valid lane: ${problem}`);
    const lanes = lane === DEFAULT_LANE ? [DEFAULT_LANE] : [lane, DEFAULT_LANE];
    for (const candidate of lanes) {
      const found = await this.lookup(namespace, service, candidate);
      if (found.instances.length > 0) return { lane: candidate, ...found };
    }
    throw new NoHealthyInstanceError(service, lane);
  }

  private async lookup(namespace: string, service: string, lane: string): Promise<{ instances: readonly DiscoveredInstance[]; stale: boolean }> {
    const key = `${namespace}/${service}/${lane}`;
    const cached = this.cache.get(key);
    if (cached && this.now() - cached.at < this.ttlMs) return { instances: cached.instances, stale: false };
    let out: DiscoverInstancesOutput;
    try {
      out = await this.options.discover({
        NamespaceName: namespace,
        ServiceName: service,
        HealthStatus: "HEALTHY",
        QueryParameters: { [ECS_SERVICE_NAME_ATTRIBUTE]: `${service}-${this.options.env}-${lane}` },
      });
    } catch (err) {
      if (cached && isThrottling(err)) return { instances: cached.instances, stale: true };
      throw err;
    }
    const instances = (out.Instances ?? []).flatMap((i): DiscoveredInstance[] => {
      const ip = i.Attributes?.[IPV4_ATTRIBUTE];
      if (!ip) return [];
      const port = Number(i.Attributes?.[PORT_ATTRIBUTE]);
      return [{ id: i.InstanceId ?? ip, ip, ...(Number.isInteger(port) && port > 0 ? { port } : {}) }];
    });
    this.cache.set(key, { at: this.now(), instances });
    return { instances, stale: false };
  }
}
