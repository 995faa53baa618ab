/**
 * The AWS provider's own requests, recorded: an endpoint on 127.0.0.1 that every service of the
 * provider's configuration points at, which keeps each request as it arrived (headers and body)
 * and answers it with an error no SDK retries, so the provider's work on each resource stops
 * after that call; or, for the requests the caller lets through (`succeeds`), with a success
 * carrying no data (a 200 with `{}`), which an operation without output takes as done. Which resource and which API operation a request was is read from the
 * provider's debug log (`TF_LOG_PROVIDER=debug`: aws-sdk-go-base logs `tf_resource_type`,
 * `rpc.service`, `rpc.method` and the SDK's invocation id of every request it sends), joined
 * to the recorded request by that invocation id (`amz-sdk-invocation-id`).
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A request as it reached the endpoint. */
export interface ArrivedRequest {
  readonly invocationId: string;
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The body as bytes read one per character (JSON, form-encoded, XML or CBOR alike). */
  readonly body: string;
}

/** A request the provider sent, with what its log says it was. */
export interface ProviderCall extends ArrivedRequest {
  /** The Terraform resource type whose apply sent it. */
  readonly resourceType: string;
  /** The SDK's service id (`EC2`, `Elastic Load Balancing v2`, …). */
  readonly service: string;
  /** The API operation (`CreateVpc`). */
  readonly operation: string;
}

export interface Recorder {
  /** Base URL; each service is configured at `${url}/{service}`. */
  readonly url: string;
  readonly requests: ArrivedRequest[];
  stop(): Promise<void>;
}

/** The error every request gets: a client error with a code no SDK retry policy knows. */
const STOP = { code: "LanesRecorderStop", message: "recorded by the lanes test recorder" };

/** The operation a request names on the wire: its JSON target, its query `Action`, or its method and path. */
export function wireOperation(request: Pick<ArrivedRequest, "method" | "path" | "headers" | "body">): string {
  const target = request.headers["x-amz-target"];
  if (typeof target === "string") return target.split(".").pop() ?? target;
  const action = /(?:^|&)Action=([A-Za-z]+)/.exec(request.body)?.[1];
  return action ?? `${request.method} ${request.path}`;
}

/** Starts the recorder on 127.0.0.1 (a free port): every request gets the 400, except those `succeeds` picks. */
export async function startRecorder(succeeds: (request: ArrivedRequest) => boolean = () => false): Promise<Recorder> {
  const requests: ArrivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const request: ArrivedRequest = {
        invocationId: String(req.headers["amz-sdk-invocation-id"] ?? ""),
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("latin1"),
      };
      requests.push(request);
      if (succeeds(request)) {
        res.writeHead(200, { "content-type": "application/json" });
        res.end("{}");
        return;
      }
      res.writeHead(400, { "content-type": "application/json", "x-amzn-errortype": STOP.code });
      res.end(JSON.stringify({ __type: STOP.code, message: STOP.message }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    stop: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}

/** One field of a log entry (`key=value` or `key="quoted value"`). */
function field(entry: string, key: string): string | undefined {
  const match = new RegExp(`(?:^|\\s)${key.replace(/\./g, "\\.")}=("[^"]*"|\\S+)`).exec(entry);
  return match?.[1]?.replace(/^"|"$/g, "");
}

/**
 * The requests the provider's debug log says it sent, keyed by invocation id: which resource
 * type, service and operation. A log entry starts with a timestamp and runs to the next one (a
 * logged body spans lines).
 */
export function sentRequests(log: string): Map<string, { resourceType: string; service: string; operation: string }> {
  const sent = new Map<string, { resourceType: string; service: string; operation: string }>();
  for (const entry of log.split(/\n(?=\d{4}-\d\d-\d\dT)/)) {
    if (!entry.includes("HTTP Request Sent")) continue;
    const id = field(entry, "http.request.header.amz_sdk_invocation_id");
    const resourceType = field(entry, "tf_resource_type");
    const service = field(entry, "rpc.service");
    const operation = field(entry, "rpc.method");
    if (id && resourceType && service && operation) sent.set(id, { resourceType, service, operation });
  }
  return sent;
}

/** The recorded requests with what the log says each was; a request the log does not name is an error. */
export function providerCalls(requests: readonly ArrivedRequest[], log: string): ProviderCall[] {
  const sent = sentRequests(log);
  return requests.map((request) => {
    const what = sent.get(request.invocationId);
    if (!what) throw new Error(`the provider's log names no request ${request.method} ${request.path} (invocation id '${request.invocationId}')`);
    return { ...request, ...what };
  });
}
