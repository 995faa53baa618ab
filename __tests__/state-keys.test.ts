/**
 * State keys, lock ids and backends (lib/state.ts), as literals from the layout in
 * docs/ARCHITECTURE.md and Terraform's S3 backend documentation (`LockID = <bucket>/<key>`,
 * `use_lockfile` writes `<key>.tflock`). Fast: the stacks are tiny.
 */
import { App, TerraformStack, Testing } from "cdktf";
import type { StateConfig } from "../lib/params/config";
import { dynamoLockId, readS3State, s3Location, stateKey, statePrefixes, useS3State, type StateAddress } from "../lib/state";

const AWS_STATE: StateConfig = { bucket: "lanes-example-tfstate-dev", region: "ap-southeast-2", lock: "both", lockTable: "lanes-tf-locks-dev" };
const LOCAL_STATE: StateConfig = { ...AWS_STATE, endpoints: { s3: "http://127.0.0.1:4569", dynamodb: "http://127.0.0.1:4567" } };

test.each<[StateAddress, string]>([
  [{ layer: "infra", env: "dev" }, "infra/dev/terraform.tfstate"],
  [{ layer: "boot", env: "dev", service: "user-api" }, "boot/dev/user-api/terraform.tfstate"],
  [{ layer: "app", env: "prod", service: "user-api", lane: "gray" }, "app/prod/user-api/gray/terraform.tfstate"],
  [{ layer: "pipeline", env: "dev", pipeline: "infra" }, "pipeline/dev/infra/terraform.tfstate"],
  [{ layer: "edge", env: "dev" }, "edge/dev/terraform.tfstate"],
])("the state key of %j is %s", (address, key) => {
  expect(stateKey(address)).toBe(key);
});

test("prefixes for IAM scoping and listing: env-wide and per service, each ending in a slash", () => {
  expect(statePrefixes.infra("dev")).toBe("infra/dev/");
  expect(statePrefixes.boot("dev")).toBe("boot/dev/");
  expect(statePrefixes.boot("dev", "user-api")).toBe("boot/dev/user-api/");
  expect(statePrefixes.app("dev")).toBe("app/dev/");
  expect(statePrefixes.app("dev", "user-api")).toBe("app/dev/user-api/");
});

test("Terraform's DynamoDB lock item of a key is <bucket>/<key>", () => {
  expect(dynamoLockId(AWS_STATE, "app/dev/user-api/gray/terraform.tfstate")).toBe("lanes-example-tfstate-dev/app/dev/user-api/gray/terraform.tfstate");
});

test("AWS: bucket, key and region only; local endpoints: path-style, no AWS account checks, S3 endpoint only for readers", () => {
  const gray: StateAddress = { layer: "app", env: "dev", service: "user-api", lane: "gray" };
  expect(s3Location(AWS_STATE, gray)).toEqual({ bucket: "lanes-example-tfstate-dev", key: "app/dev/user-api/gray/terraform.tfstate", region: "ap-southeast-2" });
  expect(s3Location(LOCAL_STATE, gray)).toEqual({
    bucket: "lanes-example-tfstate-dev",
    key: "app/dev/user-api/gray/terraform.tfstate",
    region: "ap-southeast-2",
    endpoints: { s3: "http://127.0.0.1:4569" },
    usePathStyle: true,
    skipCredentialsValidation: true,
    skipRequestingAccountId: true,
    skipMetadataApiCheck: true,
    skipRegionValidation: true,
  });
});

type S3BackendJson = Record<string, unknown>;
function backendOf(state: StateConfig): { backend: S3BackendJson; remote: S3BackendJson } {
  const stack = new TerraformStack(Testing.app() as App, "s");
  useS3State(stack, state, { layer: "boot", env: "dev", service: "user-api" });
  readS3State(stack, "infra", state, { layer: "infra", env: "dev" });
  const json = JSON.parse(Testing.synth(stack)) as { terraform: { backend: { s3: S3BackendJson } }; data: { terraform_remote_state: Record<string, { config: S3BackendJson }> } };
  return { backend: json.terraform.backend.s3, remote: Object.values(json.data.terraform_remote_state)[0]!.config };
}

test.each<[StateConfig["lock"], boolean, boolean]>([
  ["lockfile", false, true],
  ["dynamodb", true, false],
  ["both", true, true],
])("lock %s: DynamoDB table %p, S3 lockfile %p; always encrypted", (lock, table, lockfile) => {
  const { backend } = backendOf({ ...AWS_STATE, lock });
  expect(backend.key).toBe("boot/dev/user-api/terraform.tfstate");
  expect(backend.encrypt).toBe(true);
  expect(backend.dynamodb_table).toBe(table ? "lanes-tf-locks-dev" : undefined);
  expect(backend.use_lockfile).toBe(lockfile ? true : undefined);
});

test("local endpoints: the backend gets the DynamoDB endpoint only when it locks there; readers read the S3 endpoint only", () => {
  const both = backendOf(LOCAL_STATE);
  expect(both.backend.endpoints).toEqual({ s3: "http://127.0.0.1:4569", dynamodb: "http://127.0.0.1:4567" });
  expect(both.backend.use_path_style).toBe(true);
  expect(both.remote).toMatchObject({ key: "infra/dev/terraform.tfstate", endpoints: { s3: "http://127.0.0.1:4569" } });
  expect(backendOf({ ...LOCAL_STATE, lock: "lockfile" }).backend.endpoints).toEqual({ s3: "http://127.0.0.1:4569" });
});
