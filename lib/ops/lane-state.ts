/** What the state bucket says about a service's lanes: which exist, their image, history, last change and expiry. */
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { BootOutputs, LaneOutputs } from "../contract";
import type { StateConfig } from "../params/config";
import { STATE_FILE, statePrefixes, stateKey } from "../state";
import { expiryOf } from "../ttl";

export interface LaneRecord {
  readonly service: string;
  readonly lane: string;
  readonly key: string;
  readonly lastModified?: Date;
  readonly image?: string;
  /** Newest first; the current image first. */
  readonly imageHistory: readonly string[];
  readonly changedBy?: string;
  readonly ecsServiceName?: string;
  readonly clusterName?: string;
  readonly targetGroupArn?: string;
  readonly albDnsName?: string;
  /** The lane's time to live as recorded (lib/ttl.ts), if any. */
  readonly ttl?: string;
  /** When it expires: `expires_at`, else its last change plus `ttl` (a plain `cdktf deploy` knows only the TTL); undefined: never. */
  readonly expiresAt?: Date;
  /** The state has no outputs: the stack was destroyed (Terraform keeps the emptied state object). */
  readonly destroyed: boolean;
}

type StateOutputs = Record<string, { value?: unknown } | undefined>;

function text(outputs: StateOutputs, name: string): string | undefined {
  const v = outputs[name]?.value;
  return typeof v === "string" && v !== "" ? v : undefined;
}

function isMissing(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === "NoSuchKey" || e.name === "NotFound" || e.$metadata?.httpStatusCode === 404;
}

/** The root outputs (name → value) of the state object at `key`, or undefined when there is none. */
export async function readStateOutputs(s3: S3Client, state: StateConfig, key: string): Promise<Record<string, unknown> | undefined> {
  let body: string | undefined;
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket: state.bucket, Key: key }));
    body = await out.Body?.transformToString();
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
  const outputs = ((body ? (JSON.parse(body) as { outputs?: StateOutputs }) : {}).outputs ?? {}) as StateOutputs;
  return Object.fromEntries(Object.entries(outputs).map(([name, o]) => [name, o?.value]));
}

/** The lane's record from its state object, or undefined when the lane has no state. */
export async function readLane(s3: S3Client, state: StateConfig, env: string, service: string, lane: string): Promise<LaneRecord | undefined> {
  const key = stateKey({ layer: "app", env, service, lane });
  let body: string | undefined;
  let lastModified: Date | undefined;
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket: state.bucket, Key: key }));
    body = await out.Body?.transformToString();
    lastModified = out.LastModified;
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
  const outputs = ((body ? (JSON.parse(body) as { outputs?: StateOutputs }) : {}).outputs ?? {}) as StateOutputs;
  const history = outputs[LaneOutputs.imageHistory.name]?.value;
  const image = text(outputs, LaneOutputs.image.name);
  const ttl = text(outputs, LaneOutputs.ttl.name);
  const recordedExpiry = text(outputs, LaneOutputs.expiresAt.name);
  const expiresAt = recordedExpiry && !Number.isNaN(Date.parse(recordedExpiry)) ? new Date(recordedExpiry) : lastModified ? expiryOf(ttl, lastModified.getTime()) : undefined;
  return {
    service,
    lane,
    key,
    ...(lastModified ? { lastModified } : {}),
    ...(image ? { image } : {}),
    imageHistory: Array.isArray(history) ? history.filter((h): h is string => typeof h === "string") : image ? [image] : [],
    ...optional("changedBy", text(outputs, LaneOutputs.changedBy.name)),
    ...optional("ecsServiceName", text(outputs, LaneOutputs.ecsServiceName.name)),
    ...optional("clusterName", text(outputs, LaneOutputs.clusterName.name)),
    ...optional("targetGroupArn", text(outputs, LaneOutputs.targetGroupArn.name)),
    ...optional("albDnsName", text(outputs, LaneOutputs.albDnsName.name)),
    ...optional("ttl", ttl),
    ...(expiresAt ? { expiresAt } : {}),
    destroyed: Object.keys(outputs).length === 0,
  };
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}

/** Lanes of a service that have state, found from the keys `app/{env}/{service}/{lane}/terraform.tfstate`. */
export async function listLanes(s3: S3Client, state: StateConfig, env: string, service: string): Promise<LaneRecord[]> {
  const prefix = statePrefixes.app(env, service);
  const lanes: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: state.bucket, Prefix: prefix, ContinuationToken: token }));
    for (const object of page.Contents ?? []) {
      const rest = object.Key?.slice(prefix.length) ?? "";
      const [lane, file, ...more] = rest.split("/");
      if (lane && file === STATE_FILE && more.length === 0) lanes.push(lane);
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  const records = await Promise.all(lanes.sort().map((lane) => readLane(s3, state, env, service, lane)));
  return records.filter((r): r is LaneRecord => r !== undefined);
}

/** Every lane of every service of `env` that has state, from the keys `app/{env}/{service}/{lane}/terraform.tfstate`, sorted by service and lane. */
export async function listEnvLanes(s3: S3Client, state: StateConfig, env: string): Promise<LaneRecord[]> {
  const prefix = statePrefixes.app(env);
  const found: { service: string; lane: string }[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: state.bucket, Prefix: prefix, ContinuationToken: token }));
    for (const object of page.Contents ?? []) {
      const [service, lane, file, ...more] = (object.Key?.slice(prefix.length) ?? "").split("/");
      if (service && lane && file === STATE_FILE && more.length === 0) found.push({ service, lane });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  found.sort((a, b) => a.service.localeCompare(b.service) || a.lane.localeCompare(b.lane));
  const records = await Promise.all(found.map((f) => readLane(s3, state, env, f.service, f.lane)));
  return records.filter((r): r is LaneRecord => r !== undefined);
}

/** The root outputs of the service's boot stack (its ALB), or undefined when boot has no state. */
export async function readBootOutputs(s3: S3Client, state: StateConfig, env: string, service: string): Promise<{ albArn?: string } | undefined> {
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket: state.bucket, Key: stateKey({ layer: "boot", env, service }) }));
    const body = await out.Body?.transformToString();
    const outputs = ((body ? (JSON.parse(body) as { outputs?: StateOutputs }) : {}).outputs ?? {}) as StateOutputs;
    return optional("albArn", text(outputs, BootOutputs.albArn.name));
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
}
