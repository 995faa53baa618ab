/**
 * Container secrets: references to SSM Parameter Store parameters or Secrets Manager secrets that
 * ECS resolves when a task starts (`secrets` of the container definition), read with the task
 * execution role. Params hold references, never values; lane state and outputs never hold a value
 * (the task definition holds the reference only).
 *
 * A reference is scoped to its env, because the env's permissions boundary lets execution roles
 * read only the env's secrets (lib/policies/roles.ts taskRoleBoundaryPolicy):
 * - an SSM parameter name under `/{env}/`, e.g. `/dev/user-api/db-password`;
 * - a Secrets Manager secret ARN whose name starts with `{env}/`, optionally with ECS's
 *   `:json-key:version-stage:version-id` suffix.
 * With a customer managed KMS key, its ARN is given too and the execution role may decrypt with
 * it (through SSM or Secrets Manager only).
 */
import type { AccountContext } from "./policies/arns";

/** SSM parameter name: `/`-separated path of [A-Za-z0-9_.-] segments (the first must be the env). */
export const SSM_PARAMETER_NAME = /^(\/[A-Za-z0-9_.-]+){2,15}$/;
/** A Secrets Manager secret ARN (the 6-character random suffix included), optionally with ECS's JSON key / version suffix. */
export const SECRETS_MANAGER_ARN = /^(arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:([A-Za-z0-9/_+=.@-]+))(:[^:]*:[^:]*:[^:]*)?$/;
export const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]{36}$/;

export const SECRET_REFERENCE_FORM =
  "an SSM parameter name such as '/dev/user-api/db-password', or a Secrets Manager secret ARN such as 'arn:aws:secretsmanager:ap-southeast-2:123456789012:secret:dev/user-api/db-AbCdEf' (optionally with ':json-key::')";

/** A secret as params give it: the reference and, for a customer managed key, the key. */
export interface SecretSource {
  readonly from: string;
  readonly kmsKeyArn?: string;
}

/** One container secret: the environment variable the task sees and where ECS reads it. */
export interface ContainerSecret extends SecretSource {
  readonly name: string;
}

export type SecretReference = { readonly kind: "ssm"; readonly name: string } | { readonly kind: "secretsmanager"; readonly arn: string; readonly secretName: string };

/** The reference's kind, or undefined when it is neither form. */
export function parseSecretReference(from: string): SecretReference | undefined {
  if (SSM_PARAMETER_NAME.test(from)) return { kind: "ssm", name: from };
  const m = SECRETS_MANAGER_ARN.exec(from);
  if (m) return { kind: "secretsmanager", arn: m[1]!, secretName: m[2]! };
  return undefined;
}

/** Why the reference cannot be used in `env`, or undefined when it can. */
export function secretReferenceProblem(from: string, env: string): string | undefined {
  const ref = parseSecretReference(from);
  if (!ref) return `${SECRET_REFERENCE_FORM}`;
  if (ref.kind === "ssm" && !ref.name.startsWith(`/${env}/`)) return `an SSM parameter under '/${env}/' (the env's execution roles may read only those), e.g. '/${env}${ref.name}'`;
  if (ref.kind === "secretsmanager" && !ref.secretName.startsWith(`${env}/`)) return `a secret whose name starts with '${env}/' (the env's execution roles may read only those)`;
  return undefined;
}

/**
 * Environment variable names that look like they hold a secret: `*PASSWORD*`, `*SECRET*`,
 * `*TOKEN*`, `*_KEY` (case-insensitive). Such a name belongs in `secrets`, not `env`.
 */
export function looksSecret(name: string): boolean {
  return /PASSWORD|SECRET|TOKEN/i.test(name) || /_KEY$/i.test(name);
}

/** The fix for a secret-looking environment variable, for params errors. */
export function secretEnvFix(name: string, where: "container" | "lane", env = "{env}"): string {
  const field = where === "container" ? "container.secrets" : "lanes.<lane>.secrets";
  return `${name} looks like a secret (*PASSWORD*, *SECRET*, *TOKEN*, *_KEY): params and Terraform state must not hold it. Store it in SSM Parameter Store (SecureString) or Secrets Manager and reference it in ${field}, e.g. "${name}": "/${env}/<service>/${name.toLowerCase().replace(/_/g, "-")}"`;
}

/** The resource ARN IAM authorizes for a reference (a parameter, or the whole secret). */
export function secretResourceArn(c: AccountContext, from: string): string {
  const ref = parseSecretReference(from);
  if (!ref) throw new Error(`not a secret reference: ${from}`);
  return ref.kind === "ssm" ? `arn:${c.partition}:ssm:${c.region}:${c.account}:parameter${ref.name}` : ref.arn;
}

/** The execution role's statements for exactly these secrets: read each, decrypt with their keys through SSM / Secrets Manager. */
export function secretReadStatements(c: AccountContext, secrets: readonly SecretSource[]): { Effect: "Allow"; Action: string[]; Resource: string[]; Condition?: Record<string, Record<string, string[]>> }[] {
  const ssm = [...new Set(secrets.filter((s) => parseSecretReference(s.from)?.kind === "ssm").map((s) => secretResourceArn(c, s.from)))].sort();
  const sm = [...new Set(secrets.filter((s) => parseSecretReference(s.from)?.kind === "secretsmanager").map((s) => secretResourceArn(c, s.from)))].sort();
  const keys = [...new Set(secrets.flatMap((s) => (s.kmsKeyArn ? [s.kmsKeyArn] : [])))].sort();
  return [
    ...(ssm.length > 0 ? [{ Effect: "Allow" as const, Action: ["ssm:GetParameters"], Resource: ssm }] : []),
    ...(sm.length > 0 ? [{ Effect: "Allow" as const, Action: ["secretsmanager:GetSecretValue"], Resource: sm }] : []),
    ...(keys.length > 0
      ? [{ Effect: "Allow" as const, Action: ["kms:Decrypt"], Resource: keys, Condition: { StringEquals: { "kms:ViaService": [`ssm.${c.region}.amazonaws.com`, `secretsmanager.${c.region}.amazonaws.com`] } } }]
      : []),
  ];
}

/** The container definition's `secrets`: sorted by name, `valueFrom` the reference as given. */
export function containerSecrets(secrets: readonly ContainerSecret[]): { name: string; valueFrom: string }[] {
  return [...secrets].sort((a, b) => a.name.localeCompare(b.name)).map((s) => ({ name: s.name, valueFrom: s.from }));
}
