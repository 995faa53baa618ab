/**
 * `lanes`: plan or deploy one stack the safe way. Before Terraform runs it checks that the
 * lower layers the stack reads exist and that its own state is not locked (lib/preflight.ts),
 * then runs `cdktf diff|deploy` with the selector that synthesizes only that stack.
 *
 *   npm run lanes -- plan   --env dev --service user-api --lane gray
 *   npm run lanes -- deploy --env dev --service user-api --lane gray [--image URI]
 *   npm run lanes -- check  --env dev --service user-api --layer boot
 *
 * Exit codes: 0 done; 2 bad input; 3 a lower layer is missing; 4 the stack is locked;
 * otherwise cdktf's own exit code.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { StateConfig } from "../params/config";
import { ParamsRepository, overridesFromEnv } from "../params/load";
import { PreflightError, checkLowerLayers, checkNotLocked, type StateClients } from "../preflight";
import { planStacks, selectionFromEnv, stackNameOf, type StackPlan } from "../selection";
import { findProviderMirror, terraformEnv } from "../terraform";

export const EXIT = { ok: 0, usage: 2, lowerLayerMissing: 3, locked: 4 } as const;

const ROOT = join(__dirname, "..", "..");
const USAGE = `usage: lanes <plan|deploy|check> --env ENV [--service SERVICE] [--lane LANE | --layer infra|boot] [--image URI] [--output DIR]`;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** SDK clients for the state bucket and lock table, honouring custom endpoints. */
export function stateClients(state: StateConfig): StateClients {
  const s3 = new S3Client({ region: state.region, ...(state.endpoints ? { endpoint: state.endpoints.s3, forcePathStyle: true } : {}) });
  const withTable = state.lock === "dynamodb" || state.lock === "both";
  const dynamodb = withTable
    ? new DynamoDBClient({ region: state.region, ...(state.endpoints?.dynamodb ? { endpoint: state.endpoints.dynamodb } : {}) })
    : undefined;
  return { s3, ...(dynamodb ? { dynamodb } : {}) };
}

interface Invocation {
  readonly command: "plan" | "deploy" | "check";
  readonly vars: Record<string, string>;
  readonly output: string;
}

export function parseInvocation(argv: readonly string[]): Invocation {
  const { positionals, values } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      env: { type: "string" },
      service: { type: "string" },
      lane: { type: "string" },
      layer: { type: "string" },
      image: { type: "string" },
      output: { type: "string" },
    },
  });
  const [command] = positionals;
  if (command !== "plan" && command !== "deploy" && command !== "check") throw new UsageError(USAGE);
  if (!values.env) throw new UsageError(`--env is required. ${USAGE}`);
  const layer = values.layer ?? (values.lane ? "app" : undefined);
  if (!layer) throw new UsageError(`give --lane (a lane stack) or --layer infra|boot. ${USAGE}`);
  const vars: Record<string, string> = { ENV: values.env, LAYER: layer };
  if (values.service) vars.SERVICE = values.service;
  if (values.lane) vars.LANE = values.lane;
  if (values.image) vars.IMAGE_URI = values.image;
  return { command, vars, output: values.output ?? join(ROOT, "cdktf.out") };
}

/** The one stack an invocation targets. */
export function targetOf(params: ParamsRepository, vars: Record<string, string>): StackPlan {
  const plans = planStacks(params, selectionFromEnv(vars));
  if (plans.length !== 1) throw new UsageError(`the options select ${plans.length} stacks (${plans.map(stackNameOf).join(", ")}); select exactly one`);
  return plans[0]!;
}

export async function run(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const invocation = parseInvocation(argv);
  const params = new ParamsRepository(env.LANES_PARAMS_DIR ?? join(ROOT, "params"), overridesFromEnv(env));
  const target = targetOf(params, invocation.vars);
  const stack = stackNameOf(target);
  const { state } = params.infra(target.env);
  const clients = stateClients(state);
  try {
    await checkLowerLayers(clients, state, target);
    await checkNotLocked(clients, state, target);
  } finally {
    clients.s3.destroy();
    clients.dynamodb?.destroy();
  }
  process.stderr.write(`lanes: ${stack}: lower layers present, state not locked\n`);
  if (invocation.command === "check") return EXIT.ok;

  const args = invocation.command === "plan" ? ["diff", stack] : ["deploy", stack, "--auto-approve"];
  // With a local mirror, cdktf's extra `terraform providers lock` would ask the registry.
  if (findProviderMirror(env)) args.push("--skip-provider-lock");
  if (!process.stdout.isTTY) args.push("--no-color");
  const result = spawnSync(join(ROOT, "node_modules", ".bin", "cdktf"), [...args, "--output", invocation.output], {
    cwd: ROOT,
    stdio: "inherit",
    env: { ...env, ...selectorEnv(invocation.vars), ...terraformEnv(ROOT, env) },
  });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

/** Exactly the selector variables of the invocation (others from the caller's environment are cleared). */
function selectorEnv(vars: Record<string, string>): Record<string, string> {
  return { ENV: "", SERVICE: "", SERVICE_NAME: "", LANE: "", LAYER: "", IMAGE_URI: "", ...vars };
}

if (require.main === module) {
  run(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: Error) => {
      process.stderr.write(`lanes: ${err.message}\n`);
      if (err instanceof PreflightError) process.exit(err.reason === "locked" ? EXIT.locked : EXIT.lowerLayerMissing);
      const parseError = (err as NodeJS.ErrnoException).code?.startsWith("ERR_PARSE_ARGS") ?? false;
      const known = parseError || ["UsageError", "ParamsError", "NamingError", "SelectionError"].includes(err.name);
      process.exit(known ? EXIT.usage : 1);
    },
  );
}
