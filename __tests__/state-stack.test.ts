import { TempParams, exampleFile, type Json } from "./helpers/project";
import { synthState } from "./helpers/stacks";

describe("state-dev (state bootstrap)", () => {
  const s = synthState();

  test("keeps its own state in a local file (it creates the bucket everything else uses)", () => {
    expect(((s.json.terraform as Json).backend as Record<string, Json>).local).toEqual({ path: "../../../state/state-dev.tfstate" });
  });

  test("state bucket: named from params, versioned, encrypted, private, protected", () => {
    expect(s.only("aws_s3_bucket")).toMatchObject({ bucket: "lanes-example-tfstate-dev", lifecycle: { prevent_destroy: true } });
    expect(s.only("aws_s3_bucket_versioning").versioning_configuration).toEqual({ status: "Enabled" });
    expect(s.only("aws_s3_bucket_server_side_encryption_configuration").rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: "AES256" }, bucket_key_enabled: true },
    ]);
    expect(s.only("aws_s3_bucket_public_access_block")).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
  });

  test("the bucket policy denies every request without TLS, on the bucket and on its objects (simulated in iam/trust-and-resource-policies.test.ts)", () => {
    const [, doc] = s.data("aws_iam_policy_document")[0]!;
    const [bucketId] = s.resources("aws_s3_bucket")[0]!;
    expect(doc.statement).toEqual([
      expect.objectContaining({
        effect: "Deny",
        actions: ["s3:*"],
        principals: [{ type: "*", identifiers: ["*"] }],
        resources: [`\${aws_s3_bucket.${bucketId}.arn}`, `\${aws_s3_bucket.${bucketId}.arn}/*`],
        condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
      }),
    ]);
    expect(s.only("aws_s3_bucket_policy").policy).toMatch(/^\$\{data\.aws_iam_policy_document\..+\.json\}$/);
  });

  test("lock table: LockID string hash key, on demand, encrypted, recoverable, protected", () => {
    expect(s.only("aws_dynamodb_table")).toEqual({
      name: "lanes-tf-locks-dev",
      hash_key: "LockID",
      attribute: [{ name: "LockID", type: "S" }],
      billing_mode: "PAY_PER_REQUEST",
      server_side_encryption: { enabled: true },
      point_in_time_recovery: { enabled: true },
      deletion_protection_enabled: true,
      lifecycle: { prevent_destroy: true },
    });
  });

  test.each([
    ["lockfile", []],
    ["dynamodb", ["lanes-tf-locks-dev"]],
    ["both", ["lanes-tf-locks-dev"]],
  ])("with lock mode %s the lock tables are %j", (lock, tables) => {
    const params = new TempParams({
      "infra-dev.json": exampleFile("infra-dev.json", (j) => {
        (j.state as Json).lock = lock;
      }),
    });
    try {
      expect(synthState("dev", params.repo()).resources("aws_dynamodb_table").map(([, t]) => t.name)).toEqual(tables);
    } finally {
      params.cleanup();
    }
  });
});
