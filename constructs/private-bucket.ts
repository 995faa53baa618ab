import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { Construct } from "constructs";

export interface PrivateBucketProps {
  /** Exact name; or `bucketPrefix` to let AWS add a unique suffix. */
  readonly bucket?: string;
  readonly bucketPrefix?: string;
  /** Default encryption: S3-managed keys, or the account's AWS-managed KMS key. */
  readonly encryption: "AES256" | "aws:kms";
  /** Keep every object version. @default false */
  readonly versioned?: boolean;
  /** Expire objects after this many days. @default never */
  readonly expireAfterDays?: number;
  /** prevent_destroy. @default false */
  readonly protect?: boolean;
  /** Let Terraform delete a non-empty bucket. @default false */
  readonly forceDestroy?: boolean;
}

/** A bucket that is encrypted, closed to the public and reachable over TLS only. */
export class PrivateBucket extends Construct {
  readonly bucket: S3Bucket;

  constructor(scope: Construct, id: string, props: PrivateBucketProps) {
    super(scope, id);
    this.bucket = new S3Bucket(this, "bucket", {
      ...(props.bucket ? { bucket: props.bucket } : {}),
      ...(props.bucketPrefix ? { bucketPrefix: props.bucketPrefix } : {}),
      ...(props.forceDestroy ? { forceDestroy: true } : {}),
      ...(props.protect ? { lifecycle: { preventDestroy: true } } : {}),
    });
    new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      bucket: this.bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: props.encryption }, bucketKeyEnabled: true }],
    });
    new S3BucketPublicAccessBlock(this, "public-access", {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    const tlsOnly = new DataAwsIamPolicyDocument(this, "tls-only", {
      statement: [
        {
          sid: "DenyInsecureTransport",
          effect: "Deny",
          actions: ["s3:*"],
          resources: [this.bucket.arn, `${this.bucket.arn}/*`],
          principals: [{ type: "*", identifiers: ["*"] }],
          condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
        },
      ],
    });
    new S3BucketPolicy(this, "policy", { bucket: this.bucket.id, policy: tlsOnly.json });
    if (props.versioned) {
      new S3BucketVersioningA(this, "versioning", { bucket: this.bucket.id, versioningConfiguration: { status: "Enabled" } });
    }
    if (props.expireAfterDays) {
      new S3BucketLifecycleConfiguration(this, "expiry", {
        bucket: this.bucket.id,
        rule: [{ id: "expire", status: "Enabled", filter: [{ prefix: "" }], expiration: [{ days: props.expireAfterDays }] }],
      });
    }
  }
}
