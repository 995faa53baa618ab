import { ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { HeadBucketCommand } from "@aws-sdk/client-s3";
import { existsSync, readdirSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { dirname } from "node:path";
import { startLocalState } from "../lib/harness/local-state";
import { exampleParams } from "./helpers/project";

function portOpen(url: string): Promise<boolean> {
  const { port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

describe("local state harness", () => {
  test("serves the example's bucket and lock table on 127.0.0.1, and leaves nothing behind when stopped", async () => {
    const { state } = exampleParams().infra("dev");
    const harness = await startLocalState(state);
    const endpoints = [harness.env.LANES_STATE_S3_ENDPOINT!, harness.env.LANES_STATE_DYNAMODB_ENDPOINT!];
    try {
      for (const url of endpoints) expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      await expect(harness.s3.send(new HeadBucketCommand({ Bucket: "lanes-example-tfstate-dev" }))).resolves.toBeDefined();
      const tables = await harness.dynamodb.send(new ListTablesCommand({}));
      expect(tables.TableNames).toEqual(["lanes-tf-locks-dev"]);
      // Its own directory under the OS temporary directory, holding the bucket. (Other suites' harnesses
      // create their own directories there concurrently, so the test checks this one, not a count.)
      expect(dirname(harness.directory)).toBe(tmpdir());
      expect(harness.directory).toMatch(/\/lanes-s3rver-[^/]+$/);
      expect(readdirSync(harness.directory)).toContain("lanes-example-tfstate-dev");
    } finally {
      await harness.stop();
    }
    for (const url of endpoints) expect(await portOpen(url)).toBe(false);
    expect(existsSync(harness.directory)).toBe(false);
  });
});
