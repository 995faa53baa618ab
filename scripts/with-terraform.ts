/**
 * Runs a command (cdktf, terraform…) with the project's Terraform environment: hashicorp/aws from
 * a read-only mirror (the machine's, or the project's own, filled once), no shared plugin cache.
 * Usage:
 *   npm run cdktf -- deploy app-user-api-dev-gray
 *   node --import tsx scripts/with-terraform.ts terraform -chdir=cdktf.out/stacks/infra-dev plan
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { terraformEnv } from "../lib/terraform";

async function main(): Promise<number> {
  const [command, ...args] = process.argv.slice(2);
  if (!command) {
    process.stderr.write("usage: with-terraform <command> [args...]\n");
    return 2;
  }
  const env = { ...process.env, ...(await terraformEnv(join(__dirname, ".."))) };
  const result = spawnSync(command, args, { stdio: "inherit", env, cwd: process.cwd() });
  if (result.error) {
    process.stderr.write(`could not run ${command}: ${result.error.message}\n`);
    return 127;
  }
  return result.status ?? 1;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`with-terraform: ${err.message}\n`);
    process.exit(1);
  },
);
