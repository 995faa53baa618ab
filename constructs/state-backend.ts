import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import type { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { Construct } from "constructs";
import type { StateConfig } from "../lib/params/config";
import { PrivateBucket } from "./private-bucket";

export interface StateBackendProps {
  readonly state: StateConfig;
}

/**
 * The state bucket (versioned, encrypted, private, TLS-only) and, when the lock mode uses it,
 * the DynamoDB lock table (`LockID` string hash key, the schema Terraform's S3 backend expects).
 * Both are protected against destroy: losing them loses every stack's state.
 */
export class StateBackend extends Construct {
  readonly bucket: S3Bucket;
  readonly lockTable?: DynamodbTable;

  constructor(scope: Construct, id: string, props: StateBackendProps) {
    super(scope, id);
    const { state } = props;

    this.bucket = new PrivateBucket(this, "bucket", { bucket: state.bucket, encryption: "AES256", versioned: true, protect: true }).bucket;

    if (state.lock === "dynamodb" || state.lock === "both") {
      this.lockTable = new DynamodbTable(this, "lock-table", {
        name: state.lockTable,
        billingMode: "PAY_PER_REQUEST",
        hashKey: "LockID",
        attribute: [{ name: "LockID", type: "S" }],
        serverSideEncryption: { enabled: true },
        pointInTimeRecovery: { enabled: true },
        deletionProtectionEnabled: true,
        lifecycle: { preventDestroy: true },
      });
    }
  }
}
