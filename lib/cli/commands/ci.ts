/**
 * `lanes ci <phase>`: every decision, name, poll and dry run of a pipeline build, for
 * ci/build.sh (which keeps only the buildspec's sequence, git, and the aws/docker calls that must
 * be shell). Reads the build's variables (LAYER, ENV, SERVICE_NAME, LANE, ACTION, BRANCH,
 * MODULE_PATH, COMMIT, IMAGE_URI, LANES_DRY_RUN, LANES_SYNTH_DIR) from the environment.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { actionArgv } from "../../ci/deploy";
import { deployParams, imageExports, imagesFound, inputExports, resolveCiInputs, type CiInputs } from "../../ci/inputs";
import type { CommandSpec, Outcome } from "../command";
import { UsageError } from "../exit-codes";
import { option } from "../options";

const PHASES = ["inputs", "image", "images-found", "deploy-params", "deploy", "verify"] as const;

const ok = (text: string, result: Record<string, unknown> = {}): Outcome => ({ code: 0, result, text });

function inputs(env: NodeJS.ProcessEnv, params: Parameters<typeof resolveCiInputs>[1]): CiInputs {
  return resolveCiInputs(env, params);
}

export const command: CommandSpec = {
  name: "ci",
  summary: "a pipeline build's phases (used by ci/build.sh): inputs, image, images-found, deploy-params, deploy, verify",
  description: [
    "inputs          check LAYER/ENV/SERVICE_NAME/LANE/ACTION against naming and params; print export lines",
    "                (LAYER ENV STACK REGION SERVICE_NAME LANE ECR_REPOSITORY MODULE_PATH BRANCH ACTION BUILDS_IMAGE)",
    "image           --account ID: print ECR_REGISTRY, ECR_REPOSITORY_URI and IMAGE_TAG for COMMIT",
    "images-found    stdin: `aws ecr batch-get-image` JSON; print how many images it found",
    "deploy-params   --file F: write the deploy parameters file",
    "deploy          run ACTION through the lanes commands (LANES_DRY_RUN=1: synthesize and validate instead)",
    "verify          wait for a healthy target, then call the health path through the ALB with the lane's tracestate",
  ].join("\n"),
  arguments: [{ name: "phase", description: "the build phase", required: true, choices: PHASES }],
  options: [
    { flags: "--account <id>", description: "AWS account id (image)" },
    { flags: "--file <path>", description: "deploy parameters file (deploy-params)" },
  ],
  examples: ['eval "$(lanes ci inputs)"', "lanes ci deploy"],
  exitCodes: ["usage", "lowerLayerMissing", "locked", "unhealthy", "refused", "unknownLane", "canaryRolledBack", "regression", "undecided"],
  async run(input, ctx) {
    const phase = input.args[0] as (typeof PHASES)[number];
    const env = ctx.env;
    switch (phase) {
      case "inputs":
        return ok(inputExports(inputs(env, ctx.params)));
      case "image": {
        const account = option(input, "account");
        if (!account) throw new UsageError("ci image needs --account (aws sts get-caller-identity --query Account)");
        return ok(imageExports(inputs(env, ctx.params), account, env.COMMIT ?? ""));
      }
      case "images-found":
        return ok(String(imagesFound(readFileSync(0, "utf8"))));
      case "deploy-params": {
        const file = option(input, "file");
        if (!file) throw new UsageError("ci deploy-params needs --file");
        writeFileSync(file, `${JSON.stringify(deployParams(inputs(env, ctx.params), env), null, 2)}\n`);
        return ok(`wrote ${file}`);
      }
      case "deploy": {
        const run = inputs(env, ctx.params);
        const outdir = env.LANES_SYNTH_DIR?.trim() || mkdtempSync(join(tmpdir(), "lanes-synth-"));
        mkdirSync(outdir, { recursive: true });
        const argv = actionArgv(run, { outdir, dryRun: env.LANES_DRY_RUN === "1", ...(env.IMAGE_URI ? { imageUri: env.IMAGE_URI } : {}) });
        ctx.progress(`ACTION=${run.action}: lanes ${argv.join(" ")}`);
        // The same table and code an operator runs; loaded here to keep the module graph acyclic.
        const { run: lanes } = require("../lanes") as typeof import("../lanes");
        const outcome = await lanes(argv, env, { ...ctx.deps, progress: ctx.progress });
        return { ...outcome, text: outcome.code === 0 ? `${run.stack}: ${outcome.text}` : outcome.text };
      }
      case "verify": {
        const run = inputs(env, ctx.params);
        if (env.LANES_DRY_RUN === "1") return ok("verify skipped: dry run (LANES_DRY_RUN=1) deployed nothing");
        const ops = ctx.ops(run.env, { dryRun: false });
        // Loaded here: the other phases (every build runs four of them) start without the AWS SDK and cdktf.
        const { verifyRun } = require("../../ci/verify") as typeof import("../../ci/verify");
        const { probeStatus } = require("../../ci/probe") as typeof import("../../ci/probe");
        const text = await verifyRun(run, {
          params: ctx.params,
          clients: ops.clients,
          cluster: ops.cluster,
          progress: ctx.progress,
          healthTimeoutMs: Number(env.VERIFY_ATTEMPTS ?? 30) * Math.max(1, Number(env.VERIFY_INTERVAL ?? 10)) * 1000,
          healthIntervalMs: Number(env.VERIFY_INTERVAL ?? 10) * 1000,
          healthChecks: Number(env.VERIFY_ATTEMPTS ?? 30),
          probeAttempts: Number(env.HEALTHZ_ATTEMPTS ?? 10),
          probeIntervalMs: Number(env.HEALTHZ_INTERVAL ?? 5) * 1000,
          sleep: (ms) => ctx.clock().sleep(ms),
          probe: probeStatus,
          elb: ctx.elb(ctx.params.infra(run.env).region),
          ...(ctx.params.hasEdge(run.env) ? { edgeTable: ctx.edgeTable(ctx.params.infra(run.env).region) } : {}),
        });
        return ok(`verify: ${text}`);
      }
    }
  },
};
