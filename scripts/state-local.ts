/**
 * Starts the local state harness (s3rver + dynalite on 127.0.0.1) with the state bucket and
 * lock table of an env's params, prints the variables that point lanes at it, and stops cleanly
 * on Ctrl-C, leaving no process or data behind.
 *
 *   npm run state:local [-- --env dev]
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startLocalState } from "../lib/harness/local-state";
import { ParamsRepository } from "../lib/params/load";

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { env: { type: "string", default: "dev" } } });
  const env = values.env ?? "dev";
  const { state } = new ParamsRepository(join(__dirname, "..", "params")).infra(env);
  const harness = await startLocalState(state);
  const exports = Object.entries(harness.env)
    .map(([k, v]) => `export ${k}=${v}`)
    .join("\n");
  process.stdout.write(
    `Local state for env '${env}': bucket ${state.bucket}, lock table ${state.lockTable}.\n` +
      `In another shell:\n${exports}\n` +
      `then e.g.: npm run lanes -- plan --env ${env} --layer infra\n` +
      `(s3rver ignores S3 conditional writes: locking is proven by the DynamoDB table.)\nCtrl-C stops both servers.\n`,
  );
  const stop = () => {
    void harness.stop().then(() => {
      process.stdout.write("stopped\n");
      process.exit(0);
    });
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((err: Error) => {
  process.stderr.write(`state:local: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
