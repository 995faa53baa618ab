/**
 * The local state harness: real S3 (s3rver) and DynamoDB (dynalite) servers on 127.0.0.1 with
 * the state bucket and lock table of an env's params, for tests, benchmarks and by hand
 * (`npm run state:local`). Nothing is mocked: Terraform's S3 backend and its DynamoDB lock
 * protocol run against them. s3rver ignores S3 conditional writes, so lock files
 * (`use_lockfile`) cannot be proven here; the DynamoDB lock table proves locking.
 */
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { mkdtempSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RULES_TABLE_KEY } from "../naming";
import type { StateConfig } from "../params/config";
import { startRecordingProxy, type RecordedRequest } from "./recording-proxy";

// Both packages ship CommonJS without types.
const S3rver = require("s3rver") as new (options: Record<string, unknown>) => { run(): Promise<AddressInfo>; close(): Promise<void> };
const dynalite = require("dynalite") as (options: Record<string, unknown>) => Server;

/** s3rver's fixed credentials; dynalite accepts any. */
export const LOCAL_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } as const;

export interface LocalState {
  readonly state: StateConfig;
  /** Variables that point main.ts, Terraform and the SDK at the harness. */
  readonly env: Record<string, string>;
  readonly s3: S3Client;
  readonly dynamodb: DynamoDBClient;
  /** Every S3 and DynamoDB request made through the harness, in order. */
  readonly requests: RecordedRequest[];
  /** s3rver's data directory (a fresh one under the OS temporary directory), removed by `stop`. */
  readonly directory: string;
  stop(): Promise<void>;
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Starts both servers on free ports and creates the bucket and lock table of `state`. */
export async function startLocalState(state: Pick<StateConfig, "bucket" | "lockTable" | "region">): Promise<LocalState> {
  const dir = mkdtempSync(join(tmpdir(), "lanes-s3rver-"));
  const s3server = new S3rver({ address: "127.0.0.1", port: 0, directory: dir, silent: true, configureBuckets: [{ name: state.bucket }] });
  const s3addr = await s3server.run();
  const dynamo = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => dynamo.listen(0, "127.0.0.1", () => resolve()));

  const requests: RecordedRequest[] = [];
  const s3proxy = await startRecordingProxy("s3", s3addr, state.bucket, requests);
  const dynamoProxy = await startRecordingProxy("dynamodb", dynamo.address() as AddressInfo, state.bucket, requests);

  const clientConfig = { region: state.region, credentials: LOCAL_CREDENTIALS };
  const s3 = new S3Client({ ...clientConfig, endpoint: s3proxy.url, forcePathStyle: true });
  const dynamodb = new DynamoDBClient({ ...clientConfig, endpoint: dynamoProxy.url });
  await dynamodb.send(
    new CreateTableCommand({
      TableName: state.lockTable,
      AttributeDefinitions: [{ AttributeName: "LockID", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "LockID", KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
  requests.length = 0;

  const full: StateConfig = {
    bucket: state.bucket,
    lockTable: state.lockTable,
    region: state.region,
    lock: "both",
    endpoints: { s3: s3proxy.url, dynamodb: dynamoProxy.url },
  };
  return {
    state: full,
    env: {
      LANES_STATE_S3_ENDPOINT: s3proxy.url,
      LANES_STATE_DYNAMODB_ENDPOINT: dynamoProxy.url,
      LANES_SKIP_AWS_VALIDATION: "1",
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_REGION: state.region,
      AWS_EC2_METADATA_DISABLED: "true",
    },
    s3,
    dynamodb,
    requests,
    directory: dir,
    async stop() {
      s3.destroy();
      dynamodb.destroy();
      await Promise.all([close(s3proxy.server), close(dynamoProxy.server)]);
      await s3server.close();
      await close(dynamo);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An edge rules table in the local DynamoDB, keyed as the edge stack's (lib/naming.ts RULES_TABLE_KEY). */
export async function createRulesTable(dynamodb: DynamoDBClient, tableName: string): Promise<void> {
  await dynamodb.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [{ AttributeName: RULES_TABLE_KEY, AttributeType: "S" }],
      KeySchema: [{ AttributeName: RULES_TABLE_KEY, KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
}
