import { Construct } from "constructs";
import { accessLogGrants, flowLogGrants } from "../lib/policies/log-delivery";
import { PrivateBucket } from "./private-bucket";

export interface LogBucketProps {
  /** S3 bucket_prefix (AWS adds a unique suffix). */
  readonly bucketPrefix: string;
  readonly region: string;
  /** The account id (the stack's `aws_caller_identity`): log delivery is held to it. */
  readonly accountId: string;
  /** ALB access logs under `{prefix}/{service}/AWSLogs/{account}/`, kept `days`. @default none */
  readonly accessLogs?: { readonly prefix: string; readonly days: number };
  /** VPC flow logs under `{prefix}/AWSLogs/{account}/`, kept `days`. @default none */
  readonly flowLogs?: { readonly prefix: string; readonly days: number };
  /** prevent_destroy. */
  readonly protect: boolean;
}

/**
 * The env's audit log bucket: private, SSE-S3 (the only encryption ALB access logs take), TLS
 * only, owner-enforced (no ACLs), objects expiring per prefix; its policy lets exactly the
 * region's ELB log delivery principal write access logs and this account's log delivery write
 * flow logs, each under its own prefix.
 */
export class LogBucket extends Construct {
  readonly bucket: PrivateBucket;

  constructor(scope: Construct, id: string, props: LogBucketProps) {
    super(scope, id);
    const account = props.accountId;
    const grants = (bucketArn: string) => [
      ...(props.accessLogs ? accessLogGrants(bucketArn, props.accessLogs.prefix, props.region, account) : []),
      ...(props.flowLogs ? flowLogGrants(bucketArn, props.flowLogs.prefix, props.region, account) : []),
    ];
    this.bucket = new PrivateBucket(this, "logs", {
      bucketPrefix: props.bucketPrefix,
      encryption: "AES256",
      ownerEnforced: true,
      expireByPrefix: [props.accessLogs, props.flowLogs].filter((p): p is { prefix: string; days: number } => p !== undefined),
      grants,
      protect: props.protect,
    });
  }
}
