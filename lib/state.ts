/**
 * State layout: every stack has its own S3 object and lock, so stacks (and lanes) never wait
 * for each other. Keys are computed here only; the backend of a stack and the remote-state
 * readers of the layers above it both call `stateKey`, so they cannot drift.
 *
 *   state-{env}                  local backend (it creates the bucket and the lock table)
 *   infra/{env}/terraform.tfstate
 *   boot/{env}/{service}/terraform.tfstate
 *   app/{env}/{service}/{lane}/terraform.tfstate
 *   pipeline/{env}/{pipeline}/terraform.tfstate   (the CodePipeline stacks, deployed by an admin)
 *   edge/{env}/terraform.tfstate                  (CloudFront lane assignment)
 *
 * Locking per params: `lockfile` (S3 `<key>.tflock`, via `use_lockfile`), `dynamodb` (one item
 * per key in the lock table, `LockID = <bucket>/<key>`), or `both`.
 */
import type { DataTerraformRemoteStateS3, S3Backend, S3BackendConfig, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { StateConfig } from "./params/config";

export const STATE_FILE = "terraform.tfstate";

export type StateAddress =
  | { readonly layer: "infra"; readonly env: string }
  | { readonly layer: "boot"; readonly env: string; readonly service: string }
  | { readonly layer: "app"; readonly env: string; readonly service: string; readonly lane: string }
  | { readonly layer: "pipeline"; readonly env: string; readonly pipeline: string }
  | { readonly layer: "edge"; readonly env: string };

/** The S3 key of a stack's state. */
export function stateKey(address: StateAddress): string {
  switch (address.layer) {
    case "infra":
      return `infra/${address.env}/${STATE_FILE}`;
    case "boot":
      return `boot/${address.env}/${address.service}/${STATE_FILE}`;
    case "app":
      return `app/${address.env}/${address.service}/${address.lane}/${STATE_FILE}`;
    case "pipeline":
      return `pipeline/${address.env}/${address.pipeline}/${STATE_FILE}`;
    case "edge":
      return `edge/${address.env}/${STATE_FILE}`;
  }
}

/** Key prefixes, for IAM scoping and listing lanes. */
export const statePrefixes = {
  infra: (env: string) => `infra/${env}/`,
  boot: (env: string, service?: string) => (service ? `boot/${env}/${service}/` : `boot/${env}/`),
  app: (env: string, service?: string) => (service ? `app/${env}/${service}/` : `app/${env}/`),
} as const;

/** The item Terraform writes in the DynamoDB lock table for a key. */
export function dynamoLockId(state: StateConfig, key: string): string {
  return `${state.bucket}/${key}`;
}

/** Settings an S3-compatible store (or the local harness) needs: path-style, no AWS account checks. */
function customEndpoint(state: StateConfig, withLockTable: boolean): Partial<S3BackendConfig> {
  if (!state.endpoints) return {};
  const dynamodb = withLockTable ? state.endpoints.dynamodb : undefined;
  return {
    endpoints: { s3: state.endpoints.s3, ...(dynamodb ? { dynamodb } : {}) },
    usePathStyle: true,
    skipCredentialsValidation: true,
    skipRequestingAccountId: true,
    skipMetadataApiCheck: true,
    skipRegionValidation: true,
  };
}

/** Where and how a state object is read: shared by the backend and the remote-state readers. */
export function s3Location(state: StateConfig, address: StateAddress): S3BackendConfig {
  return { bucket: state.bucket, key: stateKey(address), region: state.region, ...customEndpoint(state, false) };
}

/** Configures `stack` to keep its state at `address`, locked as params say. */
export function useS3State(stack: TerraformStack, state: StateConfig, address: StateAddress): S3Backend {
  const withDynamo = state.lock === "dynamodb" || state.lock === "both";
  // cdktf is loaded by the synth that calls this, not by the operator commands that read state keys from here.
  const { S3Backend: Backend } = require("cdktf") as typeof import("cdktf");
  const backend = new Backend(stack, {
    ...s3Location(state, address),
    ...customEndpoint(state, withDynamo),
    encrypt: true,
    ...(withDynamo ? { dynamodbTable: state.lockTable } : {}),
  });
  if (state.lock === "lockfile" || state.lock === "both") {
    // cdktf 0.21's S3Backend has no useLockfile prop.
    backend.addOverride("use_lockfile", true);
  }
  return backend;
}

/** Reads another layer's outputs from its state. */
export function readS3State(scope: Construct, id: string, state: StateConfig, address: StateAddress): DataTerraformRemoteStateS3 {
  const { DataTerraformRemoteStateS3: RemoteState } = require("cdktf") as typeof import("cdktf");
  return new RemoteState(scope, id, s3Location(state, address));
}
