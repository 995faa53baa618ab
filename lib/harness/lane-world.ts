/**
 * A whole env on 127.0.0.1, without AWS: the stacks synthesized from params into cdk.tf.json,
 * one local ALB per listener of each service (lib/harness/local-alb.ts: the listener rules as
 * synthesized), one process of the example app (examples/lane-app) per deployed lane with the
 * environment of its synthesized task definition, and the edge's viewer-request function in
 * front. A request enters through the edge function's output, as CloudFront would send it to
 * the origin (with the origin's custom headers), and every hop is routed by the rules the
 * stacks would create.
 *
 * What is not AWS: remote state (each `terraform_remote_state` output a stack reads is given the
 * local value: a callee's `call_url` is its local listener's URL, the origin secret a test value),
 * and target health (a lane started `unhealthy` fails its health check; see `health`).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { cloudfrontCrypto, cloudfrontModule, loadCloudFrontFunction, memoryKvs, type CfEvent, type CfRequest } from "../edge/function-runtime";
import { buildStack } from "../layers/registry";
import type { StackPlan } from "../layers/plan";
import { stackNames } from "../naming";
import type { ParamsRepository } from "../params/load";
import { ON_UNHEALTHY_TAG, laneRuleAction } from "../routing";
import { stateKey } from "../state";
import { PROJECT_ROOT } from "./run";
import { TS_NODE_ARGS } from "../process";
import { headerLines, readAlb, remoteStateKey, resources, route, taskEnvironment, type AlbAction, type AlbListener, type Json, type SynthesizedAlb } from "./local-alb";

export type Propagation = "package" | "otel";

export interface LaneWorldOptions {
  readonly params: ParamsRepository;
  readonly env: string;
  /** The lanes deployed per service (a service listed with no lanes is bootstrapped only). */
  readonly deployed: Readonly<Record<string, readonly string[]>>;
  /** How each service's code propagates the lane (default: the package). */
  readonly propagation?: Readonly<Record<string, Propagation>>;
  /** The edge's lane rules (the KeyValueStore value). */
  readonly edgeRules: Json;
  /** Print each routing decision. */
  readonly log?: (line: string) => void;
  /** Lanes started with a failing health check (`service/lane`). */
  readonly unhealthy?: readonly string[];
}

/** A local listener of one service's ALB. */
interface LocalListener {
  readonly service: string;
  readonly listenerId: string;
  readonly listener: AlbListener;
  readonly server: Server;
  url: string;
}

interface LaneProcess {
  readonly service: string;
  readonly lane: string;
  readonly child: ChildProcess;
  readonly url: string;
}

export interface LaneWorld {
  /** Sends a request through the edge (viewer-request function, then the origin for `path`). */
  viaEdge(path: string, headers: Record<string, string>): Promise<{ status: number; body: string }>;
  /** Sends a request straight to a service's listener for callers, header lines as given. */
  direct(service: string, path: string, headerLines: readonly [string, string][]): Promise<{ status: number; body: string }>;
  /** Sends a request straight to the listener of `service` on `port` (a client that is not CloudFront). */
  toListener(service: string, port: number, path: string, headerLines: readonly [string, string][]): Promise<{ status: number; body: string }>;
  /** The routing decisions made so far: service, listener port, rule name (or default), target lane. */
  readonly decisions: { service: string; port: number; rule: string; lane: string }[];
  stop(): Promise<void>;
}

/** The test value of every origin secret generation. */
export const LOCAL_ORIGIN_SECRET = "local-origin-secret-0123456789abcdef";

function readStack(outdir: string, name: string): Json {
  return JSON.parse(readFileSync(join(outdir, "stacks", name, "cdk.tf.json"), "utf8")) as Json;
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** Sends a request with the header lines as given (repeated names stay separate lines). */
function send(url: string, method: string, lines: readonly [string, string][]): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    // A proxy sends the target's Host (HTTP/1.1 requires one; Node's server refuses a request without).
    const host: [string, string] = ["host", new URL(url).host];
    const flat = [host, ...lines.filter(([k]) => k.toLowerCase() !== "host")].flatMap(([k, v]) => [k, v]);
    const req = httpRequest(url, { method, headers: flat }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

function startProcess(service: string, lane: string, environment: Record<string, string>, propagation: Propagation, unhealthy: boolean): Promise<LaneProcess> {
  const child = spawn(process.execPath, [...TS_NODE_ARGS, join(PROJECT_ROOT, "examples", "lane-app", "main.ts")], {
    cwd: PROJECT_ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      ...environment,
      SERVICE: service,
      PORT: "0",
      HOST: "127.0.0.1",
      LANE_PROPAGATION: propagation,
      ...(unhealthy ? { LANE_UNHEALTHY: "1" } : {}),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    child.stderr!.on("data", (c: Buffer) => (err += c.toString()));
    child.stdout!.on("data", (c: Buffer) => {
      out += c.toString();
      const m = /listening (\S+)/.exec(out);
      if (m) resolve({ service, lane, child, url: m[1]! });
    });
    child.once("exit", (code) => reject(new Error(`${service}/${lane} exited with ${code}: ${err}`)));
  });
}

/** Synthesizes the boot stacks of `services`, the deployed lanes and the edge into `outdir`. */
function synthesize(options: LaneWorldOptions, outdir: string, bundleRoot: string): void {
  const app = new App({ outdir });
  const plans: StackPlan[] = [];
  for (const [service, lanes] of Object.entries(options.deployed)) {
    plans.push({ layer: "boot", env: options.env, service });
    for (const lane of lanes) plans.push({ layer: "app", env: options.env, service, lane });
  }
  plans.push({ layer: "edge", env: options.env });
  const release = { imageUri: "example.local/lane-app:sha-0000000", previousImages: [] };
  for (const plan of plans) buildStack(app, plan, { params: options.params, release, bundleRoot });
  app.synth();
}

export async function startLaneWorld(options: LaneWorldOptions): Promise<LaneWorld> {
  const { env, params } = options;
  const log = options.log ?? (() => undefined);
  const outdir = mkdtempSync(join(tmpdir(), "lanes-world-"));
  const listeners: LocalListener[] = [];
  const processes: LaneProcess[] = [];
  const decisions: LaneWorld["decisions"] = [];
  const stop = async () => {
    for (const p of processes) p.child.kill("SIGTERM");
    await Promise.all(listeners.map((l) => close(l.server)));
    rmSync(outdir, { recursive: true, force: true });
  };
  try {
    synthesize(options, outdir, join(outdir, "bundles"));
    const services = Object.keys(options.deployed);
    const bootOf = new Map(services.map((s) => [stateKey({ layer: "boot", env, service: s }), s]));
    const albs = new Map<string, SynthesizedAlb>();
    const laneStacks = new Map<string, Map<string, { name: string; stack: Json }>>();

    // Remote state as the local world has it.
    const callListener = (service: string): LocalListener => {
      const id = albs.get(service)?.outputs.get("call_listener_arn");
      const found = listeners.find((l) => l.service === service && l.listenerId === id);
      if (!found) throw new Error(`lane-world: ${service} has no listener for callers`);
      return found;
    };
    const resolve = (stack: Json, expression: string): string => {
      const m = /^\$\{data\.terraform_remote_state\.([A-Za-z0-9_-]+)\.outputs\.([a-z_]+)(\["(\d+)"\])?\}$/.exec(expression);
      if (!m) throw new Error(`lane-world: cannot resolve ${expression}`);
      const key = remoteStateKey(stack, m[1]!);
      if (key === stateKey({ layer: "infra", env }) && m[2] === "origin_secrets" && m[4]) return LOCAL_ORIGIN_SECRET;
      const service = bootOf.get(key);
      if (service && m[2] === "call_url") return callListener(service).url;
      throw new Error(`lane-world: no local value for ${m[2]} of ${key}`);
    };

    for (const service of services) {
      const stacks = new Map((options.deployed[service] ?? []).map((lane) => {
        const name = stackNames.app(service, env, lane);
        return [lane, { name, stack: readStack(outdir, name) }] as const;
      }));
      laneStacks.set(service, stacks);
      const bootName = stackNames.boot(service, env);
      const alb = readAlb(bootName, readStack(outdir, bootName), stacks, resolve);
      albs.set(service, alb);
      for (const [listenerId, listener] of alb.listeners) {
        const local: LocalListener = { service, listenerId, listener, server: createServer(), url: "" };
        local.server.on("request", (req: IncomingMessage, res: ServerResponse) => forward(local, req, res));
        local.url = await listen(local.server);
        listeners.push(local);
      }
    }

    const forward = (local: LocalListener, req: IncomingMessage, res: ServerResponse): void => {
      const { rule, action } = route(local.listener, headerLines(req.rawHeaders));
      const answer = (a: AlbAction, lane: string): void => {
        decisions.push({ service: local.service, port: local.listener.port, rule: rule?.name ?? "default action", lane });
        log(`${local.service} :${local.listener.port} ${req.url ?? ""} -> ${rule?.name ?? "default action"} -> ${lane}`);
        if (a.type === "fixed-response") {
          res.writeHead(a.status, { "content-type": a.contentType });
          res.end(a.body);
          return;
        }
        const target = processes.find((p) => p.service === local.service && p.lane === lane);
        if (!target) {
          // ALB: a target group without registered targets answers 503.
          res.writeHead(503, { "content-type": "text/plain" });
          res.end("503 Service Temporarily Unavailable");
          return;
        }
        const lines: [string, string][] = [];
        for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) lines.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
        send(`${target.url}${req.url ?? "/"}`, req.method ?? "GET", lines).then(
          (r) => {
            res.writeHead(r.status, { "content-type": "application/json" });
            res.end(r.body);
          },
          (err: unknown) => {
            res.writeHead(502, { "content-type": "text/plain" });
            res.end(`502 Bad Gateway: ${(err as Error).message}`);
          },
        );
      };
      const alb = albs.get(local.service)!;
      const lanesOf = (tg: string) => alb.targets.get(tg) ?? [];
      const healthy = async (tg: string): Promise<boolean> => {
        for (const lane of lanesOf(tg)) {
          const p = processes.find((x) => x.service === local.service && x.lane === lane);
          if (!p) continue;
          const r = await send(`${p.url}${alb.healthCheckPaths.get(tg) ?? "/"}`, "GET", []).catch(() => ({ status: 0 }));
          if (r.status >= 200 && r.status < 400) return true;
        }
        return false;
      };
      const decide = async (): Promise<AlbAction> => {
        // A lane rule while its lane has no healthy target: what the fallback switch
        // (lib/fallback/switch.ts) has set it to, by the same decision.
        const onUnhealthy = rule?.tags[ON_UNHEALTHY_TAG];
        if (action.type !== "forward" || !rule || !onUnhealthy || (await healthy(action.targetGroup))) return action;
        const defaultTg = alb.outputs.get("default_target_group_arn")!;
        const decided = laneRuleAction({ lane: lanesOf(action.targetGroup)[0] ?? "?", healthy: false, onUnhealthy: onUnhealthy === "refuse" ? "refuse" : "default", laneTargetGroupArn: action.targetGroup, defaultTargetGroupArn: defaultTg });
        return decided.type === "forward"
          ? { type: "forward", targetGroup: decided.targetGroupArn }
          : { type: "fixed-response", status: Number(decided.statusCode), contentType: decided.contentType, body: decided.messageBody };
      };
      void decide().then((a) => (a.type === "forward" ? answer(a, lanesOf(a.targetGroup)[0] ?? "(no targets)") : answer(a, `(fixed ${a.status})`)));
    };

    // One process per deployed lane, with its synthesized environment.
    const started = await Promise.all(
      services.flatMap((service) =>
        [...laneStacks.get(service)!].map(([lane, { stack }]) => startProcess(service, lane, taskEnvironment(stack, resolve), options.propagation?.[service] ?? "package", (options.unhealthy ?? []).includes(`${service}/${lane}`))),
      ),
    );
    processes.push(...started);

    // The edge: viewer-request as deployed, then the origin CloudFront picks for the path.
    const edge = readStack(outdir, stackNames.edge(env));
    const viewerRequest = loadCloudFrontFunction<CfRequest>(
      join(PROJECT_ROOT, "edge", "viewer-request.js"),
      { cloudfront: cloudfrontModule(memoryKvs({ rules: JSON.stringify(options.edgeRules) })), crypto: cloudfrontCrypto },
      { requireSigned: params.edge(env).requireSigned },
    );
    const [, distribution] = resources(edge, "aws_cloudfront_distribution")[0]!;
    const origins = distribution.origin as Json[];
    const behaviors = [...((distribution.ordered_cache_behavior as Json[] | undefined) ?? [])];
    const originFor = (path: string): Json => {
      const behavior = behaviors.find((b) => new RegExp(`^${(b.path_pattern as string).replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`).test(path));
      const id = (behavior ?? (distribution.default_cache_behavior as Json)).target_origin_id;
      return origins.find((o) => o.origin_id === id)!;
    };

    return {
      decisions,
      async viaEdge(path, headers) {
        const event: CfEvent = {
          version: "1.0",
          context: { distributionDomainName: "d111111abcdef8.cloudfront.net", distributionId: "ELOCAL", eventType: "viewer-request", requestId: "local" },
          viewer: { ip: "198.51.100.11" },
          request: { method: "GET", uri: path, querystring: {}, headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), { value: v }])), cookies: {} },
        };
        const out = await viewerRequest.handler(event);
        const origin = originFor(path);
        const domain = origin.domain_name as string;
        const m = /^\$\{data\.terraform_remote_state\.([A-Za-z0-9_-]+)\.outputs\.alb_dns_name\}$/.exec(domain);
        const service = m ? bootOf.get(remoteStateKey(edge, m[1]!)) : undefined;
        if (!service) throw new Error(`lane-world: origin ${String(origin.origin_id)} is not a local service`);
        const port = (origin.custom_origin_config as Json).http_port as number;
        const listener = listeners.find((l) => l.service === service && l.listener.port === port)!;
        const lines: [string, string][] = [];
        for (const [name, h] of Object.entries(out.headers)) {
          if (name.startsWith("x-lanes-")) continue; // for viewer-response only
          for (const v of h.multiValue && h.multiValue.length > 0 ? h.multiValue : [h]) lines.push([name, v.value]);
        }
        for (const ch of (origin.custom_header as Json[] | undefined) ?? []) lines.push([ch.name as string, resolve(edge, ch.value as string)]);
        return send(`${listener.url}${path}`, "GET", lines);
      },
      direct(service, path, lines) {
        return send(`${callListener(service).url}${path}`, "GET", lines);
      },
      toListener(service, port, path, lines) {
        const listener = listeners.find((l) => l.service === service && l.listener.port === port);
        if (!listener) throw new Error(`lane-world: ${service} has no listener on ${port}`);
        return send(`${listener.url}${path}`, "GET", lines);
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
