/**
 * The project's rules for ci/build.sh, as a command line (logic in lib/ci.ts). Reads the
 * CodeBuild variables (LAYER, ENV, SERVICE_NAME, LANE, BRANCH, MODULE_PATH, COMMIT, IMAGE_URI)
 * from the environment. Bad input: message on stderr, exit 2.
 *
 *   check                         validate the inputs; print `export NAME='value'` lines
 *                                 (LAYER ENV STACK REGION SERVICE_NAME LANE ECR_REPOSITORY MODULE_PATH BRANCH)
 *   deploy-params <file>          write the deploy parameters file
 *   synthesized <outdir> <stack>  fail unless the synth in <outdir> holds exactly <stack>
 *   images-found                  stdin: `aws ecr batch-get-image` JSON; print the number of images found
 *   healthy-targets               stdin: `aws elbv2 describe-target-health` JSON; print the healthy count
 *   lane-check                    stdin: `terraform output -json` of the lane; print export lines
 *                                 (TARGET_GROUP_ARN ALB_DNS_NAME HEALTH_URL HEALTH_INSECURE TRACESTATE_HEADER)
 *
 * Usage from bash: eval "$(node --import tsx scripts/ci-inputs.ts check)"
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  assertOnlyStack,
  deployParams,
  exportLines,
  healthyTargets,
  imagesFound,
  inputExports,
  laneCheck,
  resolveCiInputs,
} from "../lib/ci";
import { ParamsRepository } from "../lib/params/load";

const USAGE = "usage: ci-inputs check | deploy-params <file> | synthesized <outdir> <stack> | images-found | healthy-targets | lane-check";
const KNOWN_ERRORS = ["CiInputError", "ParamsError", "NamingError", "SelectionError"];

class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

function stdin(): string {
  return readFileSync(0, "utf8");
}

function run(args: readonly string[]): string {
  const params = new ParamsRepository(process.env.LANES_PARAMS_DIR ?? join(__dirname, "..", "params"));
  const [command, ...rest] = args;
  switch (command) {
    case "check":
      return inputExports(resolveCiInputs(process.env, params));
    case "deploy-params": {
      const [file] = rest;
      if (!file) throw new UsageError(USAGE);
      const content = deployParams(resolveCiInputs(process.env, params), process.env);
      writeFileSync(file, `${JSON.stringify(content, null, 2)}\n`);
      return `wrote ${file}`;
    }
    case "synthesized": {
      const [outdir, stack] = rest;
      if (!outdir || !stack) throw new UsageError(USAGE);
      assertOnlyStack(outdir, stack);
      return `synthesized exactly ${stack}`;
    }
    case "images-found":
      return String(imagesFound(stdin()));
    case "healthy-targets":
      return String(healthyTargets(stdin()));
    case "lane-check":
      return exportLines(laneCheck(resolveCiInputs(process.env, params), stdin(), params));
    default:
      throw new UsageError(USAGE);
  }
}

try {
  process.stdout.write(`${run(process.argv.slice(2))}\n`);
} catch (err) {
  const error = err as Error;
  if (error.name === "UsageError") {
    process.stderr.write(`${error.message}\n`);
    process.exit(64);
  }
  const known = KNOWN_ERRORS.includes(error.name) || error instanceof SyntaxError;
  process.stderr.write(`ci: error: ${known ? error.message : (error.stack ?? String(error))}\n`);
  process.exit(known ? 2 : 1);
}
