/**
 * constructs/private-bucket.ts on its own, prop by prop, as the S3 resources of hashicorp/aws
 * document them. The buckets the stacks make (state, log, artifact) are pinned in their stacks'
 * suites; this suite covers each option both ways.
 */
import { Testing, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { PrivateBucket, type PrivateBucketProps } from "../constructs/private-bucket";
import { synth, type Json } from "./helpers/project";

function bucket(props: Partial<PrivateBucketProps> = {}) {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  new AwsProvider(stack, "aws", { region: "ap-southeast-2" });
  new PrivateBucket(stack, "b", { bucket: "lanes-test", encryption: "AES256", ...props });
  return synth(stack);
}

const types = (s: ReturnType<typeof synth>) => Object.keys((s.json.resource as Record<string, Json>) ?? {}).sort();

test("by default: the bucket, its encryption, its public access block and its TLS-only policy, nothing else", () => {
  const s = bucket();
  expect(types(s)).toEqual(["aws_s3_bucket", "aws_s3_bucket_policy", "aws_s3_bucket_public_access_block", "aws_s3_bucket_server_side_encryption_configuration"]);
  expect(s.only("aws_s3_bucket")).toEqual({ bucket: "lanes-test" });
});

test("forceDestroy lets Terraform delete it non-empty; protect sets prevent_destroy", () => {
  expect(bucket({ forceDestroy: true }).only("aws_s3_bucket")).toEqual({ bucket: "lanes-test", force_destroy: true });
  expect(bucket({ protect: true }).only("aws_s3_bucket")).toEqual({ bucket: "lanes-test", lifecycle: { prevent_destroy: true } });
});

test("bucketPrefix instead of a name", () => {
  expect(bucket({ bucket: undefined, bucketPrefix: "lanes-art-" }).only("aws_s3_bucket")).toEqual({ bucket_prefix: "lanes-art-" });
});

test("ownerEnforced disables ACLs: the bucket owner owns every object", () => {
  expect(bucket({ ownerEnforced: true }).only("aws_s3_bucket_ownership_controls").rule).toEqual({ object_ownership: "BucketOwnerEnforced" });
  expect(bucket({ ownerEnforced: false }).resources("aws_s3_bucket_ownership_controls")).toEqual([]);
});

test("expireAfterDays: one rule expiring every object (empty prefix filter)", () => {
  expect(bucket({ expireAfterDays: 30 }).only("aws_s3_bucket_lifecycle_configuration").rule).toEqual([
    { id: "expire", status: "Enabled", filter: [{ prefix: "" }], expiration: [{ days: 30 }] },
  ]);
});

test("expireByPrefix: a rule per prefix, its id made of the characters a rule id may safely hold, incomplete uploads aborted after a day", () => {
  const rule = bucket({ expireByPrefix: [{ prefix: "alb", days: 90 }, { prefix: "logs/flow_v2", days: 14 }] }).only("aws_s3_bucket_lifecycle_configuration").rule;
  expect(rule).toEqual([
    { id: "expire-alb", status: "Enabled", filter: [{ prefix: "alb/" }], expiration: [{ days: 90 }], abort_incomplete_multipart_upload: [{ days_after_initiation: 1 }] },
    { id: "expire-logs-flow-v2", status: "Enabled", filter: [{ prefix: "logs/flow_v2/" }], expiration: [{ days: 14 }], abort_incomplete_multipart_upload: [{ days_after_initiation: 1 }] },
  ]);
});

test("no lifecycle configuration without expiry (an empty prefix list included)", () => {
  for (const props of [{}, { expireByPrefix: [] }]) expect(bucket(props).resources("aws_s3_bucket_lifecycle_configuration")).toEqual([]);
});

test("versioned keeps every version; otherwise no versioning resource", () => {
  expect(bucket({ versioned: true }).only("aws_s3_bucket_versioning").versioning_configuration).toEqual({ status: "Enabled" });
  expect(bucket().resources("aws_s3_bucket_versioning")).toEqual([]);
});

test("grants follow the TLS-only deny in the policy, given the bucket's ARN", () => {
  const s = bucket({ grants: (arn) => [{ sid: "Reader", effect: "Allow", actions: ["s3:GetObject"], resources: [`${arn}/*`], principals: [{ type: "AWS", identifiers: ["arn:aws:iam::111122223333:root"] }] }] });
  const [, doc] = s.data("aws_iam_policy_document")[0]!;
  const [id] = s.resources("aws_s3_bucket")[0]!;
  expect((doc.statement as Json[]).map((st) => st.sid)).toEqual(["DenyInsecureTransport", "Reader"]);
  expect((doc.statement as Json[])[1]).toMatchObject({ resources: [`\${aws_s3_bucket.${id}.arn}/*`] });
});
