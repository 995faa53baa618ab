/**
 * Checks before a plan or deploy touches Terraform: the lower layers a stack reads exist
 * (instead of Terraform's raw "Unable to find remote state"), and the stack's own state is not
 * locked by another run (who holds it, since when, how to release it). Reads only: HeadObject
 * and GetObject in the state bucket, GetItem in the lock table.
 */
import { GetItemCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetObjectCommand, HeadObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { StackPlan } from "./layers/plan";
import { howToCreate, lowerLayersOf, stackNameOf, stateAddressOf, subjectOf } from "./layers/registry";
import type { StateConfig } from "./params/config";
import type { ParamsRepository } from "./params/load";
import { dynamoLockId, stateKey } from "./state";

export class PreflightError extends Error {
  constructor(
    message: string,
    readonly reason: "lower-layer-missing" | "locked",
  ) {
    super(message);
    this.name = "PreflightError";
  }
}

/** Terraform's lock info, as it writes it to the lock table item (`Info`) and the `.tflock` object. */
export interface LockInfo {
  readonly ID: string;
  readonly Operation: string;
  readonly Who: string;
  readonly Version: string;
  readonly Created: string;
  readonly Path: string;
  readonly Info?: string;
}

export interface StateClients {
  readonly s3: S3Client;
  readonly dynamodb?: DynamoDBClient;
}

function isMissing(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === "NotFound" || e.name === "NoSuchKey" || e.$metadata?.httpStatusCode === 404;
}

/** Fails with the missing layer and the command that creates it. */
export async function checkLowerLayers(clients: StateClients, state: StateConfig, plan: StackPlan, params: ParamsRepository): Promise<void> {
  const stack = stackNameOf(plan);
  for (const lowerPlan of lowerLayersOf(plan, params)) {
    const address = stateAddressOf(lowerPlan);
    if (!address) continue;
    const lower = { stack: stackNameOf(lowerPlan), howToCreate: howToCreate(lowerPlan) };
    const key = stateKey(address);
    try {
      await clients.s3.send(new HeadObjectCommand({ Bucket: state.bucket, Key: key }));
    } catch (err) {
      if (!isMissing(err)) throw err;
      throw new PreflightError(
        `${stack} reads the outputs of ${lower.stack}, which has not been deployed: there is no state at s3://${state.bucket}/${key}. Create it first: ${lower.howToCreate}`,
        "lower-layer-missing",
      );
    }
  }
}

/** The lock on a state key, if any: from the lock table item, else the `.tflock` object. */
export async function readLock(clients: StateClients, state: StateConfig, key: string): Promise<LockInfo | undefined> {
  if (clients.dynamodb && (state.lock === "dynamodb" || state.lock === "both")) {
    const out = await clients.dynamodb.send(
      new GetItemCommand({ TableName: state.lockTable, Key: { LockID: { S: dynamoLockId(state, key) } }, ConsistentRead: true }),
    );
    const info = out.Item?.Info?.S;
    if (info) return JSON.parse(info) as LockInfo;
  }
  if (state.lock === "lockfile" || state.lock === "both") {
    try {
      const out = await clients.s3.send(new GetObjectCommand({ Bucket: state.bucket, Key: `${key}.tflock` }));
      const body = await out.Body?.transformToString();
      if (body) return JSON.parse(body) as LockInfo;
    } catch (err) {
      if (!isMissing(err)) throw err;
    }
  }
  return undefined;
}

/** Fails fast when the stack's own state is locked, saying by whom and how to release it. */
export async function checkNotLocked(clients: StateClients, state: StateConfig, plan: StackPlan): Promise<void> {
  const stack = stackNameOf(plan);
  const address = stateAddressOf(plan);
  if (!address) return;
  const lock = await readLock(clients, state, stateKey(address));
  if (!lock) return;
  throw new PreflightError(
    `${stack} is locked: ${subjectOf(plan)} is being changed by ${lock.Who} (${lock.Operation}, since ${lock.Created}, lock ID ${lock.ID}). Only this stack waits; other lanes are not affected. Retry when that run ends; if it died, release the lock with: terraform force-unlock ${lock.ID} (in cdktf.out/stacks/${stack}).`,
    "locked",
  );
}
