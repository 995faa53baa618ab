/**
 * A small http service that keeps each request in its lane: what a service team writes with
 * `@lanes/lane-context`. It answers `GET /…` with the hops of the request: its own (service,
 * the lane it is deployed in, the lane the request carries) followed by those of every service
 * it calls. Callees come from the platform: each `{CALLEE}_URL` variable of the task (params
 * `calls`, e.g. ORDER_API_URL) is called in name order.
 *
 * Two ways to propagate, chosen by `propagation`:
 * - "package": the package's http middleware and `laneFetch` (AsyncLocalStorage context);
 * - "otel": OpenTelemetry's propagation API with the package's `LanePropagator` wrapping the W3C
 *   trace-context and baggage propagators, the context passed explicitly (no context manager).
 *
 * `GET /healthz` answers 200 (the target group's health check), or 503 when started unhealthy.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ROOT_CONTEXT, defaultTextMapGetter, defaultTextMapSetter, type Context, type TextMapPropagator } from "@opentelemetry/api";
import { W3CBaggagePropagator, W3CTraceContextPropagator } from "@opentelemetry/core";
import { LanePropagator, currentLane, getLane, laneFetch, withLaneContext } from "@lanes/lane-context";

export type Propagation = "package" | "otel";

/** One service's answer for one request. */
export interface Hop {
  readonly service: string;
  /** The lane this process is deployed in (the platform's LANE). */
  readonly deployedLane: string;
  /** The lane the request carried, as the package read it. */
  readonly requestLane: string;
  readonly propagation: Propagation;
}

export interface AppResponse {
  readonly hops: readonly Hop[];
  /** Set when a callee answered with an error status: the chain stops there. */
  readonly error?: { readonly url: string; readonly status: number; readonly body: string };
}

export interface LaneAppOptions {
  readonly service: string;
  readonly lane: string;
  /** `{CALLEE}_URL` variables (others are ignored), as the task's environment has them. */
  readonly environment: Readonly<Record<string, string | undefined>>;
  readonly propagation: Propagation;
  /** Port to listen on (0: any free port). */
  readonly port?: number;
  readonly host?: string;
  /** The health check answers 503. */
  readonly unhealthy?: boolean;
}

export interface RunningApp {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

/** The callees' base URLs, in variable-name order. */
export function calleeUrls(environment: Readonly<Record<string, string | undefined>>): string[] {
  return Object.keys(environment)
    .filter((k) => /^[A-Z0-9_]+_URL$/.test(k) && environment[k])
    .sort()
    .map((k) => environment[k]!);
}

const otelPropagator: TextMapPropagator = new LanePropagator({
  propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
}) as unknown as TextMapPropagator;

async function callAll(urls: readonly string[], path: string, headersFor: () => Headers, fetchFn: typeof fetch): Promise<AppResponse> {
  const hops: Hop[] = [];
  for (const base of urls) {
    const url = new URL(path, base).toString();
    const res = await fetchFn(url, { headers: headersFor() });
    const body = await res.text();
    if (!res.ok) return { hops, error: { url, status: res.status, body } };
    const answer = JSON.parse(body) as AppResponse;
    hops.push(...answer.hops);
    if (answer.error) return { hops, error: answer.error };
  }
  return { hops };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, { "content-type": typeof body === "string" ? "text/plain" : "application/json" });
  res.end(text);
}

export function laneApp(options: LaneAppOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const urls = calleeUrls(options.environment);
  const own = (requestLane: string): Hop => ({ service: options.service, deployedLane: options.lane, requestLane, propagation: options.propagation });
  const health = (req: IncomingMessage, res: ServerResponse): boolean => {
    if (req.url !== "/healthz") return false;
    send(res, options.unhealthy ? 503 : 200, options.unhealthy ? "unhealthy" : "ok");
    return true;
  };
  const fail = (res: ServerResponse) => (err: unknown) => send(res, 502, `${options.service}: ${(err as Error).message}`);

  if (options.propagation === "package") {
    const fetchInLane = laneFetch();
    return withLaneContext((req, res) => {
      if (health(req, res)) return;
      const lane = currentLane();
      callAll(urls, req.url ?? "/", () => new Headers(), fetchInLane)
        .then((down) => send(res, 200, { ...down, hops: [own(lane), ...down.hops] }))
        .catch(fail(res));
    });
  }
  return (req, res) => {
    if (health(req, res)) return;
    const context: Context = otelPropagator.extract(ROOT_CONTEXT, req.headers, defaultTextMapGetter);
    const lane = getLane(context as never) ?? "default";
    const headersFor = (): Headers => {
      const carrier: Record<string, string> = {};
      otelPropagator.inject(context, carrier, defaultTextMapSetter);
      return new Headers(carrier);
    };
    callAll(urls, req.url ?? "/", headersFor, fetch)
      .then((down) => send(res, 200, { ...down, hops: [own(lane), ...down.hops] }))
      .catch(fail(res));
  };
}

/** Starts the app on `host:port` (default 127.0.0.1, any free port). */
export function startLaneApp(options: LaneAppOptions): Promise<RunningApp> {
  const server = createServer(laneApp(options));
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        server,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}
