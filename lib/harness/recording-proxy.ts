/**
 * A pass-through HTTP proxy in front of a local server that records which state objects and
 * lock items each request touched, so tests can prove a lane read or wrote only its own key.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  readonly service: "s3" | "dynamodb";
  /** HTTP method (S3) or DynamoDB operation (GetItem, PutItem…). */
  readonly operation: string;
  /** S3 object key (path-style, bucket stripped) or DynamoDB LockID; "" when none. */
  readonly key: string;
  /** S3 list prefix, when the request is a listing. */
  readonly prefix?: string;
  /** The client's `app/<id>` from its User-Agent (Terraform sets it from AWS_SDK_UA_APP_ID), if any. */
  readonly appId?: string;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

type DynamoBody = { Key?: { LockID?: { S?: string } }; Item?: { LockID?: { S?: string } } };

function appIdOf(req: IncomingMessage): string | undefined {
  return /(?:^|\s)app\/([^\s]+)/.exec(String(req.headers["user-agent"] ?? ""))?.[1];
}

function describe(service: "s3" | "dynamodb", req: IncomingMessage, body: Buffer, bucket: string): RecordedRequest {
  const appId = appIdOf(req);
  return { ...describeTarget(service, req, body, bucket), ...(appId ? { appId } : {}) };
}

function describeTarget(service: "s3" | "dynamodb", req: IncomingMessage, body: Buffer, bucket: string): RecordedRequest {
  if (service === "dynamodb") {
    const operation = String(req.headers["x-amz-target"] ?? "").split(".").pop() ?? "";
    let key = "";
    try {
      const parsed = JSON.parse(body.toString("utf8")) as DynamoBody;
      key = parsed.Key?.LockID?.S ?? parsed.Item?.LockID?.S ?? "";
    } catch {
      key = "";
    }
    return { service, operation, key };
  }
  const url = new URL(req.url ?? "/", "http://local");
  const path = decodeURIComponent(url.pathname);
  const key = path.startsWith(`/${bucket}/`) ? path.slice(bucket.length + 2) : "";
  const prefix = url.searchParams.get("prefix");
  return { service, operation: req.method ?? "", key, ...(prefix !== null ? { prefix } : {}) };
}

/** Starts a recording proxy on 127.0.0.1 forwarding to `target`; returns its URL and a closer. */
export async function startRecordingProxy(
  service: "s3" | "dynamodb",
  target: AddressInfo,
  bucket: string,
  log: RecordedRequest[],
): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      log.push(describe(service, req, body, bucket));
      const upstream = httpRequest(
        { host: "127.0.0.1", port: target.port, method: req.method, path: req.url, headers: req.headers },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstream.on("error", (err) => {
        res.writeHead(502);
        res.end(String(err));
      });
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, server };
}
