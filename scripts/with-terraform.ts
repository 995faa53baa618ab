/**
 * Runs a command (cdktf, terraform…) with the project's Terraform environment: the local
 * provider mirror when one exists, the shared plugin cache. Usage:
 *   npm run cdktf -- deploy app-user-api-dev-gray
 *   node --import tsx scripts/with-terraform.ts terraform -chdir=cdktf.out/stacks/infra-dev plan
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { terraformEnv } from "../lib/terraform";

const [command, ...args] = process.argv.slice(2);
if (!command) {
  process.stderr.write("usage: with-terraform <command> [args...]\n");
  process.exit(2);
}
const root = join(__dirname, "..");
const result = spawnSync(command, args, {
  stdio: "inherit",
  env: { ...process.env, ...terraformEnv(root) },
  cwd: process.cwd(),
});
if (result.error) {
  process.stderr.write(`could not run ${command}: ${result.error.message}\n`);
  process.exit(127);
}
process.exit(result.status ?? 1);
