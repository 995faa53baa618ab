/**
 * A test request into a lane (`lanes request`): the headers service code and the edge write,
 * from the lane propagation package, so a request sent by hand routes like one from a real
 * client: a valid `traceparent` (OpenTelemetry ignores a `tracestate` without one, and the next
 * hop would fall back to default), `tracestate: ctx=lane:{lane}` (what the ALB rules match) and
 * `baggage: lane={lane}`.
 */
import { laneHeaders, type LaneHeaders } from "../../packages/lane-context/src/write";
import { BootOutputs } from "../contract";
import type { BootConfig, StateConfig } from "../params/config";
import { stateKey } from "../state";
import type { S3Client } from "@aws-sdk/client-s3";
import { readStateOutputs } from "./lane-state";
import { OpsError } from "./commands";

/** The lane's request headers, a new trace each time. */
export function laneRequestHeaders(lane: string): LaneHeaders {
  return laneHeaders({ lane });
}

/** Single-quoted for a POSIX shell. */
function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The curl command line that sends the same request. */
export function curlLine(url: string, headers: LaneHeaders): string {
  const parts = ["curl", "-sS", "-i"];
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) parts.push("-H", shellQuote(`${name}: ${value}`));
  parts.push(shellQuote(url));
  return parts.join(" ");
}

/**
 * The base URL a request to `service` goes to when none is given: its ALB's HTTP listener, from its
 * boot state. Refused, with what to do instead, when that listener does not take lane headers
 * from outside: behind the edge (only CloudFront reaches it, and the edge assigns lanes from
 * signed values only) or an internal ALB (only its callers reach it).
 */
export async function serviceBaseUrl(s3: S3Client, state: StateConfig, boot: BootConfig): Promise<string> {
  const { service, env } = boot;
  if (boot.kind !== "http" || !boot.initAlb) throw new OpsError(`${service} has no ALB (${boot.kind === "worker" ? "a worker" : "initAlb: false"}): there is nothing to send a request to.`, "usage");
  if (boot.originGuard) {
    throw new OpsError(
      `${service} is behind the edge: its ALB answers only CloudFront, and the edge takes a lane only from a signed tester token. Send through the edge instead: curl -H "x-lane: $(npm run -s lanes -- edge token <lane> --env ${env} --ttl 2h | head -1)" https://<edge domain>/…, or give --url.`,
      "usage",
    );
  }
  if (boot.internal) throw new OpsError(`${service} has an internal ALB, reachable only from the services that call it: run this from inside the VPC with --url http://<its ALB>.`, "usage");
  const outputs = await readStateOutputs(s3, state, stateKey({ layer: "boot", env, service }));
  const dns = outputs?.[BootOutputs.albDnsName.name];
  if (typeof dns !== "string" || dns === "") {
    throw new OpsError(`${service} has no ALB in its boot state (boot-${service}-${env} not deployed?): deploy it first, or give --url.`, "lowerLayerMissing");
  }
  return `http://${dns}${boot.httpPort === 80 ? "" : `:${boot.httpPort}`}`;
}

export interface LaneResponse {
  readonly status: number;
  readonly body: string;
}

/** Sends GET `url` with the lane's headers. */
export async function sendLaneRequest(url: string, headers: LaneHeaders, fetchFn: typeof fetch = fetch): Promise<LaneResponse> {
  const res = await fetchFn(url, { headers: Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== undefined)) as Record<string, string> });
  return { status: res.status, body: await res.text() };
}
