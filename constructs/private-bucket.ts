import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
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
  /** Expire the objects under each prefix after its days (instead of expireAfterDays). @default never */
  readonly expireByPrefix?: readonly { readonly prefix: string; readonly days: number }[];
  /** Statements added to the bucket policy (after the TLS-only deny), given the bucket's ARN, e.g. a log delivery service's grant. @default none */
  readonly grants?: (bucketArn: string) => readonly DataAwsIamPolicyDocumentStatement[];
  /** ACLs disabled, the bucket owner owns every object (what AWS log delivery expects). @default the provider's default */
  readonly ownerEnforced?: boolean;
  /** prevent_destroy. @default false */
  readonly protect?: boolean;
  /** Let Terraform delete a non-empty bucket. @default false */
  readonly forceDestroy?: boolean;
}

/** A bucket that is encrypted, closed to the public and reachable over TLS only. */
export class PrivateBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly policy: S3BucketPolicy;

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
        ...(props.grants ? props.grants(this.bucket.arn) : []),
      ],
    });
    this.policy = new S3BucketPolicy(this, "policy", { bucket: this.bucket.id, policy: tlsOnly.json });
    if (props.versioned) {
      new S3BucketVersioningA(this, "versioning", { bucket: this.bucket.id, versioningConfiguration: { status: "Enabled" } });
    }
    if (props.ownerEnforced) {
      new S3BucketOwnershipControls(this, "ownership", { bucket: this.bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } });
    }
    if (props.expireAfterDays) {
      new S3BucketLifecycleConfiguration(this, "expiry", {
        bucket: this.bucket.id,
        rule: [{ id: "expire", status: "Enabled", filter: [{ prefix: "" }], expiration: [{ days: props.expireAfterDays }] }],
      });
    } else if (props.expireByPrefix && props.expireByPrefix.length > 0) {
      new S3BucketLifecycleConfiguration(this, "expiry", {
        bucket: this.bucket.id,
        rule: props.expireByPrefix.map((e) => ({
          id: `expire-${e.prefix.replace(/[^A-Za-z0-9-]/g, "-")}`,
          status: "Enabled",
          filter: [{ prefix: `${e.prefix}/` }],
          expiration: [{ days: e.days }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }],
        })),
      });
    }
  }
}
