/**
 * Reads params/ lazily, one file at a time, so building one lane reads three small files
 * whatever the number of services and lanes in the directory.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import {
  CANARY_LANE,
  DEFAULT_LANE,
  assertEnv,
  assertLane,
  assertService,
  calleeDiscoveryVariable,
  calleeUrlVariable,
  envNameProblem,
  infraNames,
  serviceNameProblem,
  serviceNames,
  stateNames,
} from "../naming";
import { callListener, lanePriority } from "../routing";
import { secretReferenceProblem, type ContainerSecret, type SecretSource } from "../secrets";
import {
  type BootConfig,
  type CallConfig,
  type CallDiscoveryConfig,
  type EdgeConfig,
  type InfraConfig,
  type LaneConfig,
  type ServiceConfig,
  type ServiceKind,
  type StateEndpoints,
  type WorkerConfig,
} from "./config";
import { ParamsError, parseWith } from "./errors";
import {
  BootParamsSchema,
  InfraParamsSchema,
  EdgeParamsSchema,
  ServiceParamsSchema,
  WorkerSettings,
  type BootParamsFile,
  type BootSettings,
  type EdgeParamsFile,
  type LaneSettingsParams,
  type ServiceParamsFile,
} from "./schema";

const AZ_LETTERS = "abcdef";

/** A lane's settings: its entry in `lanes` (when declared) over `laneDefaults` and the service's. */
function resolveLane(p: ServiceParamsFile, env: string, lane: string, settings: LaneSettingsParams | undefined): LaneConfig {
  const image = settings?.image ?? p.image;
  // A worker's canary lane runs a small fixed capacity unless the lane itself says otherwise.
  const canary = p.kind === "worker" && lane === CANARY_LANE ? workerOf(p).canary : undefined;
  const scaling = canary ? settings?.scaling : (settings?.scaling ?? p.laneDefaults.scaling);
  const ttl = lane === DEFAULT_LANE ? undefined : (settings?.ttl ?? p.laneDefaults.ttl);
  return {
    service: p.service,
    env,
    lane,
    declared: settings !== undefined,
    desiredCount: settings?.desiredCount ?? canary?.desiredCount ?? p.laneDefaults.desiredCount,
    priority: lanePriority(lane, settings?.rulePriority),
    ...(image ? { image } : {}),
    environment: { ...p.container.env, ...(settings?.env ?? {}) },
    secrets: secretsOf({ ...p.container.secrets, ...(settings?.secrets ?? {}) }),
    ...(scaling ? { scaling } : {}),
    alarms: { ...p.laneDefaults.alarms, ...settings?.alarms },
    ...(ttl ? { ttl } : {}),
    onUnhealthy: settings?.onUnhealthy ?? p.laneDefaults.onUnhealthy,
  };
}

type SecretsParams = ServiceParamsFile["container"]["secrets"];

/** The secret references of a service file that are not the env's (each with its field and the fix). */
function secretProblems(p: ServiceParamsFile, env: string): string[] {
  const problems: string[] = [];
  const secretFields: [string, SecretsParams][] = [["container.secrets", p.container.secrets], ...Object.entries(p.lanes).map(([lane, l]): [string, SecretsParams] => [`lanes.${lane}.secrets`, l.secrets ?? {}])];
  for (const [field, secrets] of secretFields) {
    for (const [name, s] of Object.entries(secrets)) {
      const from = typeof s === "string" ? s : s.from;
      const problem = secretReferenceProblem(from, env);
      if (problem) problems.push(`field '${field}.${name}' has bad value ${JSON.stringify(from)}. Allowed: ${problem}.`);
    }
  }
  return problems;
}

/** Params' secrets (a reference, or a reference with its KMS key) as container secrets, by name. */
function secretsOf(secrets: SecretsParams): ContainerSecret[] {
  return Object.entries(secrets)
    .map(([name, s]) => (typeof s === "string" ? { name, from: s } : { name, ...s }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Every secret reference of a service file (service and lanes), each once: what the execution role may read. */
function allSecretSources(p: ServiceParamsFile): SecretSource[] {
  const seen = new Map<string, SecretSource>();
  for (const secrets of [p.container.secrets, ...Object.values(p.lanes).map((l) => l.secrets ?? {})]) {
    for (const s of secretsOf(secrets)) {
      const key = `${s.from}\u0000${s.kmsKeyArn ?? ""}`;
      seen.set(key, s.kmsKeyArn ? { from: s.from, kmsKeyArn: s.kmsKeyArn } : { from: s.from }); // a repeat sets the same value
    }
  }
  return [...seen.values()].sort((a, b) => a.from.localeCompare(b.from) || (a.kmsKeyArn ?? "").localeCompare(b.kmsKeyArn ?? ""));
}

/** A worker's settings: its file's, else the schema's defaults. */
function workerOf(p: ServiceParamsFile): WorkerConfig {
  return p.worker ?? WorkerSettings.parse({});
}

export const paramsFiles = {
  infra: (env: string) => `infra-${env}.json`,
  boot: (env: string) => `boot-${env}.json`,
  service: (service: string, env: string) => `${service}-${env}.json`,
  edge: (env: string) => `edge-${env}.json`,
} as const;

/** Run-time overrides of params, from the environment (see `overridesFromEnv`). */
export interface ParamsOverrides {
  readonly stateEndpoints?: StateEndpoints;
  readonly skipAwsValidation?: boolean;
}

/**
 * LANES_STATE_S3_ENDPOINT / LANES_STATE_DYNAMODB_ENDPOINT point every stack's backend and
 * remote-state readers at another store (the local harness, an S3-compatible service);
 * LANES_SKIP_AWS_VALIDATION=1 lets the AWS provider run with fake credentials. Unset: AWS.
 */
export function overridesFromEnv(vars: Readonly<Record<string, string | undefined>>): ParamsOverrides {
  const s3 = vars.LANES_STATE_S3_ENDPOINT?.trim();
  const dynamodb = vars.LANES_STATE_DYNAMODB_ENDPOINT?.trim();
  if (dynamodb && !s3) throw new ParamsError("environment", ["LANES_STATE_DYNAMODB_ENDPOINT is set without LANES_STATE_S3_ENDPOINT. Allowed: set both, or only the S3 one."]);
  return {
    ...(s3 ? { stateEndpoints: { s3, ...(dynamodb ? { dynamodb } : {}) } } : {}),
    ...(vars.LANES_SKIP_AWS_VALIDATION === "1" ? { skipAwsValidation: true } : {}),
  };
}

export class ParamsRepository {
  private readonly infraCache = new Map<string, InfraConfig>();
  private readonly bootCache = new Map<string, BootParamsFile>();
  private readonly serviceCache = new Map<string, ServiceConfig>();

  constructor(
    readonly dir: string,
    private readonly overrides: ParamsOverrides = {},
  ) {}

  /** Path shown in messages: relative to the working directory when that is shorter. */
  private display(file: string): string {
    const full = join(this.dir, file);
    const rel = relative(process.cwd(), full);
    return rel.startsWith("..") ? full : rel;
  }

  private readJson(file: string, whatCreatesIt: string): unknown {
    const full = join(this.dir, file);
    if (!existsSync(full)) {
      throw new ParamsError(this.display(file), [`file not found. ${whatCreatesIt}`]);
    }
    try {
      return JSON.parse(readFileSync(full, "utf8")) as unknown;
    } catch (err) {
      throw new ParamsError(this.display(file), [`is not valid JSON: ${(err as Error).message}`]);
    }
  }

  infra(env: string): InfraConfig {
    assertEnv(env);
    const cached = this.infraCache.get(env);
    if (cached) return cached;
    const file = paramsFiles.infra(env);
    const p = parseWith(InfraParamsSchema, this.readJson(file, `Create it to define env '${env}' (see params/infra-dev.json).`), this.display(file));
    const zones =
      p.network.mode === "create"
        ? (p.network.availabilityZones ?? [...AZ_LETTERS.slice(0, p.network.azCount)].map((l) => `${p.region}${l}`))
        : [];
    if (p.network.mode === "create" && p.network.availabilityZones && p.network.availabilityZones.some((z) => !z.startsWith(p.region))) {
      throw new ParamsError(this.display(file), [
        `field 'network.availabilityZones' has bad value ${JSON.stringify(p.network.availabilityZones)}. Allowed: zones of region '${p.region}'.`,
      ]);
    }
    const endpoints = this.overrides.stateEndpoints ?? p.state.endpoints;
    const config: InfraConfig = {
      env,
      region: p.region,
      state: {
        bucket: p.state.bucket,
        region: p.region,
        lock: p.state.lock,
        lockTable: p.state.lockTable ?? stateNames(env).defaultLockTable,
        ...(endpoints ? { endpoints } : {}),
      },
      network: p.network,
      availabilityZones: zones,
      cloudMap: { initCloudMap: p.cloudMap.initCloudMap, namespace: p.cloudMap.namespace ?? infraNames(env).namespace },
      containerInsights: p.cluster.containerInsights,
      protectSharedResources: p.protectSharedResources,
      ...(p.pipelines ? { pipelines: p.pipelines } : {}),
      ...(p.pricing ? { pricing: p.pricing } : {}),
      audit: p.audit,
      ...this.edgeOfInfra(env),
      skipAwsValidation: this.overrides.skipAwsValidation ?? false,
    };
    this.infraCache.set(env, config);
    return config;
  }

  private bootFile(env: string): BootParamsFile {
    const cached = this.bootCache.get(env);
    if (cached) return cached;
    const file = paramsFiles.boot(env);
    const parsed = parseWith(BootParamsSchema, this.readJson(file, `Create it to bootstrap services in env '${env}' (see params/boot-dev.json).`), this.display(file));
    this.bootCache.set(env, parsed);
    return parsed;
  }

  /**
   * The access layer of `service` in `env`: boot-{env}.json's `defaults` (schema defaults
   * applied) overridden field by field by `services[service]`, and the service's kind from its
   * own file. The files relate one way: boot reads the service file, never the other way round.
   */
  boot(service: string, env: string): BootConfig {
    return { ...this.bootBase(service, env), calls: this.callsOf(service, env) };
  }

  /** The access layer without the services it calls (what a caller needs to know of a callee). */
  private bootBase(service: string, env: string): Omit<BootConfig, "calls"> {
    assertService(service, "SERVICE", env);
    const infra = this.infra(env);
    const file = this.bootFile(env);
    const s: BootSettings = { ...file.defaults, ...file.services[service] };
    const { kind, worker, containerPortInFile, secrets } = this.kindOf(service, env);
    const { listeners, deletionProtection, ...settings } = s;
    const config: Omit<BootConfig, "calls"> = {
      ...settings,
      service,
      env,
      kind,
      ...(worker ? { worker } : {}),
      // A worker consumes its queue: no load balancer.
      initAlb: kind === "worker" ? false : s.initAlb,
      httpPort: listeners.http.port,
      ...(listeners.https ? { https: listeners.https } : {}),
      deletionProtection: deletionProtection ?? env !== "dev",
      ...this.originGuardOf(service, env),
      secrets,
    };
    const display = this.display(paramsFiles.boot(env));
    if (config.initCloudMap && !infra.cloudMap.initCloudMap) {
      const where = file.services[service]?.initCloudMap !== undefined ? `services.${service}.initCloudMap` : "defaults.initCloudMap";
      throw new ParamsError(display, [
        `field '${where}' is true for '${service}', but ${paramsFiles.infra(env)} has cloudMap.initCloudMap=false, so there is no namespace to register in. Allowed: set initCloudMap to false here, or turn the namespace on in ${paramsFiles.infra(env)}.`,
      ]);
    }
    if (config.https && config.https.port === config.httpPort) {
      throw new ParamsError(display, [`field 'listeners.https.port' has bad value ${config.https.port}. Allowed: a port different from listeners.http.port.`]);
    }
    if (callListener(config).separate && (config.internalPort === config.httpPort || config.internalPort === config.https?.port)) {
      const where = file.services[service]?.internalPort !== undefined ? `services.${service}.internalPort` : "defaults.internalPort";
      throw new ParamsError(display, [
        `field '${where}' has bad value ${config.internalPort} for '${service}'. Allowed: a port different from the listener ports (${[config.httpPort, config.https?.port].filter((p) => p !== undefined).join(", ")}): the internal listener for its callers is a listener of its own.`,
      ]);
    }
    if (containerPortInFile !== undefined && containerPortInFile !== config.containerPort) {
      throw new ParamsError(this.display(paramsFiles.service(service, env)), [
        `field 'container.port' has bad value ${containerPortInFile}. Allowed: ${config.containerPort}, the containerPort of '${service}' in ${paramsFiles.boot(env)} (the target groups and task security group use it); change both or drop this field.`,
      ]);
    }
    return config;
  }

  service(service: string, env: string): ServiceConfig {
    assertService(service, "SERVICE", env);
    const key = `${service}/${env}`;
    const cached = this.serviceCache.get(key);
    if (cached) return cached;
    this.infra(env);
    const display = this.display(paramsFiles.service(service, env));
    const p = this.serviceFile(service, env);
    const problems: string[] = [];
    if (p.service !== service) {
      problems.push(`field 'service' has bad value ${JSON.stringify(p.service)}. Allowed: "${service}" (the file name's service).`);
    }
    problems.push(...secretProblems(p, env));
    const lanes = Object.entries(p.lanes).map(([lane, settings]) => resolveLane(p, env, lane, settings));
    for (const lane of lanes) {
      const scaling = lane.scaling;
      // No desiredCount fits a range whose minCount is above its maxCount, so that is refused here too.
      if (scaling && (lane.desiredCount < scaling.minCount || lane.desiredCount > scaling.maxCount)) {
        problems.push(
          `lane '${lane.lane}' has desiredCount ${lane.desiredCount} and scaling ${scaling.minCount}-${scaling.maxCount}. Allowed: minCount <= desiredCount <= maxCount (set lanes.${lane.lane}.desiredCount or .scaling).`,
        );
      }
    }
    const byPriority = new Map<number, string>();
    for (const lane of lanes.filter((l) => l.lane !== DEFAULT_LANE)) {
      const holder = byPriority.get(lane.priority);
      if (holder) {
        problems.push(
          `field 'lanes.${lane.lane}' has listener rule priority ${lane.priority}, which lane '${holder}' already has. Allowed: a unique priority per lane; set lanes.${lane.lane}.rulePriority to a free value in 1-9999.`,
        );
      }
      byPriority.set(lane.priority, lane.lane);
    }
    if (problems.length > 0) throw new ParamsError(display, problems);
    const config: ServiceConfig = {
      service,
      env,
      repo: p.repo,
      branch: p.branch,
      modulePath: p.modulePath,
      cpu: p.container.cpu,
      memory: p.container.memory,
      task: {
        readonlyRootFilesystem: p.container.readonlyRootFilesystem,
        scratchPaths: p.container.scratchPaths,
        ...(p.container.user !== undefined ? { user: p.container.user } : {}),
      },
      lanes,
      analysis: p.laneDefaults.analysis,
      ramp: p.laneDefaults.ramp,
      calls: this.callsOf(service, env),
      ...(p.kind === "worker" ? { worker: workerOf(p) } : {}),
    };
    this.serviceCache.set(key, config);
    return config;
  }

  private readonly serviceFiles = new Map<string, ServiceParamsFile>();

  /** The parsed `{service}-{env}.json` (cached). */
  private serviceFile(service: string, env: string): ServiceParamsFile {
    const key = `${service}/${env}`;
    const cached = this.serviceFiles.get(key);
    if (cached) return cached;
    const fileName = paramsFiles.service(service, env);
    const p = parseWith(
      ServiceParamsSchema,
      this.readJson(fileName, `Create it to deploy lanes of '${service}' in '${env}' (see params/user-api-dev.json).`),
      this.display(fileName),
    );
    if (p.kind === "http" && p.worker) {
      throw new ParamsError(this.display(fileName), ["field 'worker' is set but 'kind' is \"http\". Allowed: kind \"worker\" with worker settings, or no worker settings."]);
    }
    this.serviceFiles.set(key, p);
    return p;
  }

  private readonly callsCache = new Map<string, readonly CallConfig[]>();

  /**
   * The services `service` calls (its file's `calls`), checked: each is another http service of
   * the env with an ALB, listed once, its URL variable not set by hand, and no chain of calls
   * leads back to `service` (the caller's boot layer reads the callee's, so a cycle could never
   * be bootstrapped). A service without a params file calls nothing.
   */
  private callsOf(service: string, env: string): readonly CallConfig[] {
    const key = `${service}/${env}`;
    const cached = this.callsCache.get(key);
    if (cached) return cached;
    if (!existsSync(join(this.dir, paramsFiles.service(service, env)))) return [];
    const p = this.serviceFile(service, env);
    const display = this.display(paramsFiles.service(service, env));
    const problems: string[] = [];
    const calls: CallConfig[] = [];
    p.calls.forEach((callee, i) => {
      const bad = `field 'calls[${i}]' has bad value "${callee}"`;
      if (callee === service) {
        problems.push(`${bad}: a service cannot call itself through its own ALB. Allowed: another http service of '${env}'; remove "${callee}" from calls (call your own code in-process).`);
        return;
      }
      if (p.calls.indexOf(callee) !== i) {
        problems.push(`${bad}: it is listed twice. Allowed: each callee once; remove calls[${i}].`);
        return;
      }
      if (!existsSync(join(this.dir, paramsFiles.service(callee, env)))) {
        const known = this.services(env).filter((s) => s !== service);
        problems.push(
          `${bad}: there is no ${paramsFiles.service(callee, env)}, so no such service in '${env}'. Allowed: one of ${known.length > 0 ? known.join(", ") : "(no other service)"}; fix the name, or create ${paramsFiles.service(callee, env)} first.`,
        );
        return;
      }
      const calleeBoot = this.bootBase(callee, env);
      if (calleeBoot.kind === "worker") {
        problems.push(`${bad}: it is a worker, which has no ALB to call. Allowed: an http service; send it messages on its queue instead (its boot state's queue_url), and remove it from calls.`);
        return;
      }
      if (!calleeBoot.initAlb) {
        problems.push(`${bad}: it has no ALB (initAlb: false in ${paramsFiles.boot(env)}), so its lanes cannot be routed. Allowed: an http service with an ALB; set initAlb for it, or remove it from calls.`);
        return;
      }
      const urlVariable = calleeUrlVariable(callee);
      const setByHand = [
        ...(urlVariable in p.container.env ? ["container.env"] : []),
        ...Object.entries(p.lanes)
          .filter(([, l]) => l.env !== undefined && urlVariable in l.env)
          .map(([lane]) => `lanes.${lane}.env`),
      ];
      if (setByHand.length > 0) {
        problems.push(`field '${setByHand[0]}.${urlVariable}' is set, but the platform sets ${urlVariable} because calls lists "${callee}". Allowed: remove ${urlVariable} from ${setByHand.join(" and ")}.`);
        return;
      }
      calls.push({ service: callee, urlVariable, port: callListener(calleeBoot).port, ...this.discoveryOf(env, callee, calleeBoot, p, problems) });
    });
    p.discovery.forEach((callee, i) => {
      if (!p.calls.includes(callee)) {
        problems.push(`field 'discovery[${i}]' has bad value "${callee}": it is not in calls. Allowed: services listed in calls; add "${callee}" to calls, or remove it from discovery.`);
      }
    });
    const cycle = this.callCycle(service, env, [service]);
    if (cycle) {
      problems.push(
        `field 'calls' makes a cycle: ${cycle.join(" → ")}. Allowed: calls without cycles (the boot layer of a caller reads its callee's, so a cycle could never be bootstrapped); remove one of these calls.`,
      );
    }
    if (problems.length > 0) throw new ParamsError(display, problems);
    this.callsCache.set(key, calls);
    return calls;
  }

  /** The direct call of `callee` when `discovery` lists it: the callee must register in Cloud Map. */
  private discoveryOf(
    env: string,
    callee: string,
    calleeBoot: Omit<BootConfig, "calls">,
    p: ServiceParamsFile,
    problems: string[],
  ): { discovery?: CallDiscoveryConfig } {
    const i = p.discovery.indexOf(callee);
    if (i < 0) return {};
    if (!calleeBoot.initCloudMap) {
      problems.push(
        `field 'discovery[${i}]' has bad value "${callee}": it does not register in Cloud Map (initCloudMap: false in ${paramsFiles.boot(env)}). Allowed: a callee with initCloudMap; turn it on, or call it through its ALB only (remove it from discovery).`,
      );
      return {};
    }
    const variable = calleeDiscoveryVariable(callee);
    if (variable in p.container.env) {
      problems.push(`field 'container.env.${variable}' is set, but the platform sets ${variable} because discovery lists "${callee}". Allowed: remove it.`);
      return {};
    }
    return {
      discovery: {
        variable,
        namespace: this.infra(env).cloudMap.namespace,
        cloudMapService: serviceNames(callee, env).cloudMapService,
        containerPort: calleeBoot.containerPort,
      },
    };
  }

  /** A chain of calls from the last service of `path` back to its first one, if any. */
  private callCycle(start: string, env: string, path: readonly string[]): string[] | undefined {
    const current = path[path.length - 1]!;
    if (!existsSync(join(this.dir, paramsFiles.service(current, env)))) return undefined;
    for (const callee of new Set(this.serviceFile(current, env).calls)) {
      if (callee === current) continue; // reported as calling itself
      if (callee === start) return [...path, callee];
      if (path.includes(callee) || serviceNameProblem(callee) !== undefined) continue;
      const found = this.callCycle(start, env, [...path, callee]);
      if (found) return found;
    }
    return undefined;
  }

  /** http or worker (and the container port it names), from the service's file; a service without one (boot only) is http. */
  private kindOf(service: string, env: string): { kind: ServiceKind; worker?: WorkerConfig; containerPortInFile?: number; secrets: SecretSource[] } {
    if (!existsSync(join(this.dir, paramsFiles.service(service, env)))) return { kind: "http", secrets: [] };
    const p = this.serviceFile(service, env);
    // The execution role reads these: only the env's (service() reports the same problems).
    const problems = secretProblems(p, env);
    if (problems.length > 0) throw new ParamsError(this.display(paramsFiles.service(service, env)), problems);
    const containerPortInFile = p.container.port;
    const secrets = allSecretSources(p);
    return p.kind === "worker" ? { kind: "worker", worker: workerOf(p), containerPortInFile, secrets } : { kind: "http", containerPortInFile, secrets };
  }

  /**
   * A lane of a service: the declared one, or an ad-hoc lane with the service's lane defaults
   * (lanes are chosen at release time, not declared in advance). An ad-hoc lane whose derived rule priority is
   * held by a declared lane is refused.
   */
  lane(service: string, env: string, lane: string): LaneConfig {
    assertLane(lane);
    const config = this.service(service, env);
    const declared = config.lanes.find((l) => l.lane === lane);
    if (declared) return declared;
    const file = this.serviceFiles.get(`${service}/${env}`);
    if (!file) throw new Error(`internal: params of ${service}/${env} not loaded`);
    const adHoc = resolveLane(file, env, lane, undefined);
    const holder = config.lanes.find((l) => l.lane !== DEFAULT_LANE && l.priority === adHoc.priority);
    if (holder) {
      throw new ParamsError(this.display(paramsFiles.service(service, env)), [
        `lane '${lane}' is not listed, and its derived listener rule priority ${adHoc.priority} is held by lane '${holder.lane}'. Allowed: add lanes.${lane} with a free rulePriority (1-9999) to this file.`,
      ]);
    }
    return adHoc;
  }

  private readonly edgeFiles = new Map<string, EdgeParamsFile | undefined>();

  /** The parsed `edge-{env}.json` (cached), or undefined when the env has no edge. */
  private edgeFile(env: string): EdgeParamsFile | undefined {
    if (this.edgeFiles.has(env)) return this.edgeFiles.get(env);
    const file = paramsFiles.edge(env);
    const parsed = this.hasEdge(env)
      ? parseWith(EdgeParamsSchema, this.readJson(file, `Create it to put CloudFront in front of env '${env}' (see params/edge-dev.json).`), this.display(file))
      : undefined;
    this.edgeFiles.set(env, parsed);
    return parsed;
  }

  /** What infra keeps for the edge: the origin secret's generations (those CloudFront sends). */
  private edgeOfInfra(env: string): { edge?: { originSecretGenerations: readonly number[] } } {
    const edge = this.edgeFile(env);
    return edge ? { edge: { originSecretGenerations: [...new Set(edge.originSecret.sent)].sort((a, b) => a - b) } } : {};
  }

  /** A service listed as an origin of the env's edge requires the origin secret generation `required`. */
  private originGuardOf(service: string, env: string): { originGuard?: { generation: number } } {
    const edge = this.edgeFile(env);
    return edge && edge.origins.some((o) => o.service === service) ? { originGuard: { generation: edge.originSecret.required } } : {};
  }

  /** Whether the env has an edge (`edge-{env}.json`). */
  hasEdge(env: string): boolean {
    return existsSync(join(this.dir, paramsFiles.edge(env)));
  }

  /** The env's edge: origins must be http services with an ALB. */
  edge(env: string): EdgeConfig {
    this.infra(env);
    const file = paramsFiles.edge(env);
    const display = this.display(file);
    const p = this.edgeFile(env);
    if (!p) throw new ParamsError(display, [`file not found. Create it to put CloudFront in front of env '${env}' (see params/edge-dev.json).`]);
    const problems: string[] = [];
    const origins = p.origins.map((o, i) => {
      const boot = this.boot(o.service, env);
      if (!boot.initAlb) { // a worker has none either
        problems.push(`field 'origins[${i}].service' has bad value "${o.service}". Allowed: an http service with an ALB (it is ${boot.kind === "worker" ? "a worker" : "without an ALB (initAlb: false)"}).`);
      }
      return { service: o.service, pathPatterns: o.pathPatterns, ...(o.probePath ? { probePath: o.probePath } : {}), boot };
    });
    if (!p.origins.some((o) => o.service === p.defaultService)) {
      problems.push(`field 'defaultService' has bad value "${p.defaultService}". Allowed: one of the origins (${p.origins.map((o) => o.service).join(", ")}).`);
    }
    if (p.aliases.length > 0 && !p.certificateArn) {
      problems.push("field 'certificateArn' is missing. Allowed: an ACM certificate ARN in us-east-1, required when aliases are set.");
    }
    if (p.certificateArn && !p.certificateArn.includes(":us-east-1:")) {
      problems.push(`field 'certificateArn' has bad value "${p.certificateArn}". Allowed: a certificate in us-east-1 (CloudFront only uses those).`);
    }
    if (problems.length > 0) throw new ParamsError(display, problems);
    return {
      env,
      origins,
      defaultService: p.defaultService,
      priceClass: p.priceClass,
      aliases: p.aliases,
      ...(p.certificateArn ? { certificateArn: p.certificateArn } : {}),
      syncMinutes: p.syncMinutes,
      requireSigned: p.requireSigned ?? env !== "dev",
      keyRotationDays: p.keyRotationDays,
      originSecret: p.originSecret,
    };
  }

  /** Envs that have an infra-{env}.json, sorted. */
  envs(): string[] {
    return this.list()
      .map((f) => /^infra-(.+)\.json$/.exec(f)?.[1])
      .filter((e): e is string => e !== undefined && envNameProblem(e) === undefined)
      .sort();
  }

  /** Services with a {service}-{env}.json in `env`, sorted. */
  services(env: string): string[] {
    const suffix = `-${env}.json`;
    // infra-, boot- and edge-{env}.json end the same way: their names (infra, boot, edge) are
    // reserved service names, which serviceNameProblem refuses.
    return this.list()
      .filter((f) => f.endsWith(suffix))
      .map((f) => f.slice(0, -suffix.length))
      .filter((s) => serviceNameProblem(s) === undefined)
      .sort();
  }

  /** The directory's entries; envs() and services() match names ending in .json. */
  private list(): string[] {
    if (!existsSync(this.dir)) throw new ParamsError(this.dir, ["params directory not found"]);
    return readdirSync(this.dir);
  }
}

