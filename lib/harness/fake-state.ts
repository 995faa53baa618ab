/**
 * Publishes a lower layer's state for offline plans: the outputs are those of the synthesized
 * stack (names never hand-copied), each valued from what its expression refers to: a literal
 * stays as it is; `${aws_vpc.x.id}` becomes a realistic VPC id; `${aws_ecs_cluster.x.name}`
 * the name in the resource's config; an ARN of the resource's type in the stack's region.
 * An expression it does not know fails, so a new output must be taught here, not guessed.
 */
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { createHash, randomUUID } from "node:crypto";

export const FAKE_ACCOUNT = "123456789012";

type Json = Record<string, unknown>;
export type OutputValue = string | string[] | Record<string, string>;

function hex(seed: string, length: number): string {
  return createHash("sha256").update(seed).digest("hex").slice(0, length);
}

/** ARN resource part per resource type, from the resource's config. */
const ARN_SHAPES: Record<string, (name: string, seed: string) => string> = {
  aws_ecs_cluster: (name) => `ecs:{region}:${FAKE_ACCOUNT}:cluster/${name}`,
  aws_lb: (name, seed) => `elasticloadbalancing:{region}:${FAKE_ACCOUNT}:loadbalancer/app/${name}/${hex(seed, 16)}`,
  aws_lb_listener: (_name, seed) => `elasticloadbalancing:{region}:${FAKE_ACCOUNT}:listener/app/lanes-alb/${hex(`${seed}lb`, 16)}/${hex(seed, 16)}`,
  aws_lb_target_group: (name, seed) => `elasticloadbalancing:{region}:${FAKE_ACCOUNT}:targetgroup/${name}/${hex(seed, 16)}`,
  aws_service_discovery_service: (_name, seed) => `servicediscovery:{region}:${FAKE_ACCOUNT}:service/srv-${hex(seed, 16)}`,
  aws_iam_role: (name) => `iam::${FAKE_ACCOUNT}:role/${name}`,
  aws_sns_topic: (name) => `sns:{region}:${FAKE_ACCOUNT}:${name}`,
  aws_sqs_queue: (name) => `sqs:{region}:${FAKE_ACCOUNT}:${name}`,
};

const ID_SHAPES: Record<string, (seed: string) => string> = {
  aws_vpc: (seed) => `vpc-${hex(seed, 17)}`,
  aws_subnet: (seed) => `subnet-${hex(seed, 17)}`,
  aws_security_group: (seed) => `sg-${hex(seed, 17)}`,
  aws_service_discovery_private_dns_namespace: (seed) => `ns-${hex(seed, 16)}`,
  aws_service_discovery_service: (seed) => `srv-${hex(seed, 16)}`,
};

function resourceConfig(stack: Json, type: string, id: string): Json {
  const config = ((stack.resource as Record<string, Record<string, Json>> | undefined) ?? {})[type]?.[id];
  if (!config) throw new Error(`fake-state: ${type}.${id} is not in the stack`);
  return config;
}

/** Data sources' attributes: an AWS-owned prefix list id. */
function fakeData(expr: string): string | undefined {
  const m = /^\$\{data\.([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z_]+)\}$/.exec(expr);
  if (!m) return undefined;
  const [, type, id, attr] = m as unknown as [string, string, string, string];
  if (type === "aws_ec2_managed_prefix_list" && attr === "id") return `pl-${hex(`${type}.${id}`, 8)}`;
  throw new Error(`fake-state: no fake value for data.${type}.${attr} (output expression ${expr})`);
}

function fakeReference(stack: Json, region: string, expr: string): string {
  // The account the stack was deployed in.
  if (/^\$\{data\.aws_caller_identity\.[A-Za-z0-9_-]+\.account_id\}$/.test(expr)) return FAKE_ACCOUNT;
  const data = fakeData(expr);
  if (data !== undefined) return data;
  // terraform_data's stored input (`output.<key>`): a secret-like value, 64 hex characters.
  const td = /^\$\{terraform_data\.([A-Za-z0-9_-]+)\.output\.([a-z_]+)\}$/.exec(expr);
  if (td) {
    resourceConfig(stack, "terraform_data", td[1]!);
    return hex(`terraform_data.${td[1]}.${td[2]}`, 64);
  }
  const m = /^\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z_]+)\}$/.exec(expr);
  if (!m) throw new Error(`fake-state: cannot value the output expression ${expr}`);
  const [, type, id, attr] = m as unknown as [string, string, string, string];
  const config = resourceConfig(stack, type, id);
  const seed = `${type}.${id}`;
  const name = typeof config.name === "string" ? config.name : id;
  if (attr === "arn" && ARN_SHAPES[type]) return `arn:aws:${ARN_SHAPES[type](name, seed).replace("{region}", region)}`;
  if (attr === "arn_suffix" && type === "aws_lb") return `app/${name}/${hex(seed, 16)}`;
  if (attr === "arn_suffix" && type === "aws_lb_target_group") return `targetgroup/${name}/${hex(seed, 16)}`;
  if (attr === "id" && ID_SHAPES[type]) return ID_SHAPES[type](seed);
  if (attr === "name" && typeof config.name === "string") return config.name;
  if (attr === "dns_name" && type === "aws_lb") return `${name}-${hex(seed, 8)}.${region}.elb.amazonaws.com`;
  if (attr === "url" && type === "aws_sqs_queue") return `https://sqs.${region}.amazonaws.com/${FAKE_ACCOUNT}/${name}`;
  if (attr === "repository_url" && type === "aws_ecr_repository") return `${FAKE_ACCOUNT}.dkr.ecr.${region}.amazonaws.com/${name}`;
  // A bucket named by bucket_prefix: the prefix and the suffix AWS adds.
  if (attr === "bucket" && type === "aws_s3_bucket") return `${typeof config.bucket_prefix === "string" ? config.bucket_prefix : `${id}-`}20261202070000000000000001`;
  throw new Error(`fake-state: no fake value for ${type}.${attr} (output expression ${expr})`);
}

function fakeValue(stack: Json, region: string, value: unknown): OutputValue {
  if (Array.isArray(value)) return value.map((v) => fakeValue(stack, region, v) as string);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value as Json).map(([k, v]) => [k, fakeValue(stack, region, v) as string]));
  }
  if (typeof value !== "string") throw new Error(`fake-state: unsupported output value ${JSON.stringify(value)}`);
  if (!value.includes("${")) return value;
  if (/^\$\{[^}]*\}$/.test(value)) return fakeReference(stack, region, value);
  // A string with references inside (e.g. `http://${aws_lb.x.dns_name}:8081`): each one valued.
  return value.replace(/\$\{[^}]*\}/g, (expr) => fakeReference(stack, region, expr));
}

/** Output name → realistic fake value, for every output the synthesized stack declares. */
export function fakeOutputs(stack: Json, region: string): Record<string, OutputValue> {
  const outputs = (stack.output as Record<string, { value: unknown }> | undefined) ?? {};
  return Object.fromEntries(Object.entries(outputs).map(([name, o]) => [name, fakeValue(stack, region, o.value)]));
}

/** A Terraform state document (format version 4) holding only outputs, as `terraform apply` writes it. */
export function stateDocument(outputs: Record<string, OutputValue>, terraformVersion = "1.11.4"): string {
  const typed = Object.fromEntries(
    Object.entries(outputs).map(([name, value]) => [
      name,
      { value, type: Array.isArray(value) ? ["list", "string"] : typeof value === "object" ? ["map", "string"] : "string" },
    ]),
  );
  return JSON.stringify({ version: 4, terraform_version: terraformVersion, serial: 1, lineage: randomUUID(), outputs: typed, resources: [], check_results: null }, null, 2);
}

/** Writes the state document at `key`, as the lower layer's own deploy would have. */
export async function publishState(s3: S3Client, bucket: string, key: string, outputs: Record<string, OutputValue>): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: stateDocument(outputs), ContentType: "application/json" }));
}
