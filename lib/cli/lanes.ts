/**
 * `lanes`: see and steer lanes without reading Terraform state by hand.
 *
 *   lanes status   <service> --env ENV [--json]
 *   lanes plan     <lane> --service S --env ENV          (or --layer infra|boot instead of a lane)
 *   lanes check    <lane> --service S --env ENV          (preflight only)
 *   lanes deploy   <lane> --service S --env ENV [--image URI] [--dry-run]
 *   lanes promote  <lane> --service S --env ENV [--dry-run]
 *   lanes rollback <lane> --service S --env ENV [--dry-run]
 *   lanes destroy  <lane> --service S --env ENV [--force] [--dry-run]
 *   lanes canary   --service S --env ENV --image URI [--dry-run]     (worker services)
 *   lanes edge     show --env ENV [--json]  |  lanes edge set --env ENV --file rules.json
 *
 * Progress goes to stderr; the result to stdout (`--json` for scripts). `--dry-run` synthesizes
 * and validates each stack instead of applying it. Exit codes: 0 done; 1 failure; 2 bad input;
 * 3 a lower layer is missing; 4 the stack is locked; 5 promotion stopped, default not healthy;
 * 6 refused (destroy default without --force, promote default); 7 unknown lane (no state);
 * 8 canary rolled back (an alarm fired during the bake).
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { readFileSync } from "node:fs";
import { hostname, userInfo } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { PROJECT_ROOT } from "../harness/run";
import { AwsClusterView, type ClusterView } from "../ops/cluster";
import { CloudWatchAlarmReader, realClock, type AlarmReader, type Clock } from "../ops/canary";
import { OpsError, canary, deployLane, destroyLane, preflight, promote, rollback, status, type LaneStatus, type OpsContext } from "../ops/commands";
import { setRules, showRules } from "../ops/edge-rules";
import { CdktfSteps, DryRunSteps, type Steps } from "../ops/steps";
import { edgeNames } from "../naming";
import type { StateConfig } from "../params/config";
import { ParamsRepository, overridesFromEnv } from "../params/load";
import { PreflightError, type StateClients } from "../preflight";
import { planStacks, selectionFromEnv, stackNameOf, type StackPlan } from "../selection";

export const EXIT = { ok: 0, failed: 1, usage: 2, lowerLayerMissing: 3, locked: 4 } as const;

const COMMANDS = ["status", "plan", "check", "deploy", "promote", "rollback", "destroy", "canary", "edge"] as const;
type Command = (typeof COMMANDS)[number];
const USAGE = `usage: lanes <${COMMANDS.join("|")}> [lane | service] --env ENV [--service S] [--lane L | --layer infra|boot] [--image URI] [--dry-run] [--force] [--json]`;

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

export interface Invocation {
  readonly command: Command;
  readonly env: string;
  readonly service?: string;
  readonly lane?: string;
  readonly layer?: string;
  readonly image?: string;
  readonly edgeAction?: "show" | "set";
  readonly file?: string;
  readonly dryRun: boolean;
  readonly force: boolean;
  readonly json: boolean;
  /** Synth directory (`--output`), kept after the run; default: a fresh one per run (see CdktfSteps). */
  readonly output?: string;
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
      file: { type: "string" },
      "dry-run": { type: "boolean", default: false },
      force: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
    },
  });
  const [command, subject, ...extra] = positionals;
  if (!command || !(COMMANDS as readonly string[]).includes(command)) throw new UsageError(USAGE);
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(" ")}. ${USAGE}`);
  if (!values.env) throw new UsageError(`--env is required (e.g. --env dev). ${USAGE}`);
  const isStatus = command === "status";
  const service = isStatus ? (subject ?? values.service) : values.service;
  const lane = isStatus || command === "canary" || command === "edge" ? undefined : (subject ?? values.lane);
  if (command === "edge" && subject !== "show" && subject !== "set") throw new UsageError(`edge takes show or set: lanes edge show --env ${values.env}`);
  if (isStatus && !service) throw new UsageError(`status needs a service: lanes status user-api --env ${values.env}`);
  if (values.layer && lane) throw new UsageError("give a lane or --layer, not both");
  return {
    command: command as Command,
    env: values.env,
    ...(service ? { service } : {}),
    ...(lane ? { lane } : {}),
    ...(values.layer ? { layer: values.layer } : {}),
    ...(values.image ? { image: values.image } : {}),
    ...(command === "edge" ? { edgeAction: subject as "show" | "set" } : {}),
    ...(values.file ? { file: values.file } : {}),
    dryRun: values["dry-run"] ?? false,
    force: values.force ?? false,
    json: values.json ?? false,
    ...(values.output ? { output: values.output } : {}),
  };
}

/** The one stack an invocation targets (validated by the same selection main.ts uses). */
export function targetOf(params: ParamsRepository, inv: Invocation): StackPlan {
  if (!inv.lane && !inv.layer) throw new UsageError(`${inv.command} needs a lane (lanes ${inv.command} gray --service S --env E) or --layer infra|boot`);
  const vars: Record<string, string> = { ENV: inv.env, LAYER: inv.layer ?? "app" };
  if (inv.service) vars.SERVICE = inv.service;
  if (inv.lane) vars.LANE = inv.lane;
  const plans = planStacks(params, selectionFromEnv(vars));
  if (plans.length !== 1) throw new UsageError(`the options select ${plans.length} stacks (${plans.map(stackNameOf).join(", ")}); select exactly one`);
  return plans[0]!;
}

export interface Dependencies {
  readonly clients?: StateClients;
  readonly cluster?: ClusterView;
  readonly steps?: Steps;
  readonly alarms?: AlarmReader;
  readonly clock?: Clock;
  /** DynamoDB holding the edge rules table. */
  readonly edgeTable?: DynamoDBClient;
  readonly progress?: (line: string) => void;
}

export interface Outcome {
  readonly code: number;
  /** What the command did, as printed with --json. */
  readonly result: Record<string, unknown>;
  readonly text: string;
}

function changedBy(env: NodeJS.ProcessEnv): string {
  if (env.PIPELINE_EXECUTION_ID) return `pipeline:${env.PIPELINE_EXECUTION_ID}`;
  let user = env.USER ?? "unknown";
  try {
    user = userInfo().username;
  } catch {
    /* keep USER */
  }
  return `${user}@${hostname()}`;
}

function statusText(service: string, env: string, lanes: readonly LaneStatus[]): string {
  if (lanes.length === 0) return `${service} in ${env}: no lanes deployed`;
  const rows = lanes.map((l) => [
    l.lane,
    l.image ?? "-",
    l.desired !== undefined ? `${l.running ?? "?"}/${l.desired}` : "unknown",
    l.lastModified ?? "-",
    l.changedBy ?? "-",
  ]);
  const header = ["LANE", "IMAGE", "RUNNING", "CHANGED", "BY"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

/** Runs one invocation; throws only for bugs (known failures become exit codes). */
export async function run(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, deps: Dependencies = {}): Promise<Outcome> {
  const progress = deps.progress ?? ((line: string) => process.stderr.write(`lanes: ${line}\n`));
  let clients: StateClients | undefined;
  let ownedCluster: AwsClusterView | undefined;
  let ownedAlarms: CloudWatchAlarmReader | undefined;
  let ownedEdgeTable: DynamoDBClient | undefined;
  try {
    const inv = parseInvocation(argv);
    const params = new ParamsRepository(env.LANES_PARAMS_DIR ?? join(PROJECT_ROOT, "params"), overridesFromEnv(env));
    const infra = params.infra(inv.env);
    clients = deps.clients ?? stateClients(infra.state);
    const cluster = deps.cluster ?? (ownedCluster = new AwsClusterView(infra.region));
    const steps = deps.steps ?? (inv.dryRun ? new DryRunSteps(env, progress) : new CdktfSteps(env, progress, inv.output));
    const ctx: OpsContext = {
      params,
      state: infra.state,
      clients,
      cluster,
      steps,
      progress,
      changedBy: changedBy(env),
      healthTimeoutMs: Number(env.LANES_HEALTH_TIMEOUT_SECONDS ?? 900) * 1000,
      healthIntervalMs: Number(env.LANES_HEALTH_INTERVAL_SECONDS ?? 15) * 1000,
    };
    const need = (what: "service" | "lane"): string => {
      const v = what === "service" ? inv.service : inv.lane;
      if (!v) throw new UsageError(`${inv.command} needs --${what}. ${USAGE}`);
      return v;
    };
    const doneSteps = () => steps.done.map((s) => ({ ...s }));

    switch (inv.command) {
      case "status": {
        const lanes = await status(ctx, inv.env, need("service"));
        return { code: 0, result: { service: inv.service, env: inv.env, lanes }, text: statusText(inv.service!, inv.env, lanes) };
      }
      case "check":
      case "plan": {
        const target = targetOf(params, inv);
        await preflight(ctx, target);
        const stack = stackNameOf(target);
        if (inv.command === "check") return { code: 0, result: { stack, ready: true }, text: `${stack}: lower layers present, state not locked` };
        progress(`${stack}: lower layers present, state not locked`);
        const cdktf = new CdktfSteps(env, progress, inv.output);
        await cdktf.diff(target);
        return { code: 0, result: { stack, planned: true }, text: `${stack}: planned` };
      }
      case "deploy": {
        if (inv.layer) {
          const target = targetOf(params, inv);
          await preflight(ctx, target);
          await steps.deploy(target);
          return { code: 0, result: { stack: stackNameOf(target), steps: doneSteps() }, text: `${stackNameOf(target)} deployed` };
        }
        const image = await deployLane(ctx, inv.env, need("service"), need("lane"), inv.image);
        return { code: 0, result: { lane: inv.lane, image, steps: doneSteps() }, text: `lane ${inv.lane} of ${inv.service} runs ${image}` };
      }
      case "promote": {
        const { image } = await promote(ctx, inv.env, need("service"), need("lane"));
        return { code: 0, result: { promoted: inv.lane, image, steps: doneSteps() }, text: `${inv.lane} promoted: default runs ${image}; lane ${inv.lane} removed` };
      }
      case "rollback": {
        const { from, to } = await rollback(ctx, inv.env, need("service"), need("lane"));
        return { code: 0, result: { lane: inv.lane, from, to, steps: doneSteps() }, text: `lane ${inv.lane} rolled back from ${from} to ${to}` };
      }
      case "destroy": {
        if (inv.layer) {
          throw new OpsError(`lanes destroys lane stacks only; the ${inv.layer} layer is shared and protected (destroy it with cdktf by hand if you really mean to).`, 6);
        }
        await destroyLane(ctx, inv.env, need("service"), need("lane"), inv.force);
        return { code: 0, result: { destroyed: inv.lane, steps: doneSteps() }, text: `lane ${inv.lane} of ${inv.service} destroyed` };
      }
      case "canary": {
        if (!inv.image) throw new UsageError(`canary needs --image (the build to release). ${USAGE}`);
        const reader = deps.alarms ?? (ownedAlarms = new CloudWatchAlarmReader(infra.region));
        const { polls } = await canary(ctx, inv.env, need("service"), inv.image, reader, deps.clock ?? realClock);
        return { code: 0, result: { released: inv.image, polls, steps: doneSteps() }, text: `canary release of ${inv.image} complete: default runs it` };
      }
      case "edge": {
        const dynamodb = deps.edgeTable ?? (ownedEdgeTable = new DynamoDBClient({ region: infra.region }));
        if (inv.edgeAction === "set") {
          if (!inv.file) throw new UsageError("edge set needs --file rules.json");
          const value = JSON.parse(readFileSync(inv.file, "utf8")) as unknown;
          const rules = await setRules(dynamodb, inv.env, value, ctx.changedBy);
          return {
            code: 0,
            result: { env: inv.env, stored: rules },
            text: `rules v${rules.version} stored for ${inv.env}; the sync writes them to the edge within ${params.hasEdge(inv.env) ? params.edge(inv.env).syncMinutes : 5} minutes (now: aws lambda invoke --function-name ${edgeNames(inv.env).syncFunction} /dev/stdout)`,
          };
        }
        const stored = await showRules(dynamodb, inv.env);
        if (!stored) return { code: 7, result: { env: inv.env, rules: null }, text: `no lane rules stored for ${inv.env} yet: everyone goes to default (set them with lanes edge set --env ${inv.env} --file rules.json)` };
        return {
          code: 0,
          result: { env: inv.env, ...stored },
          text: `${JSON.stringify(stored.rules, null, 2)}\n(updated ${stored.updatedAt ?? "?"} by ${stored.updatedBy ?? "?"})`,
        };
      }
      default:
        throw new UsageError(USAGE);
    }
  } catch (err) {
    const error = err as Error & { code?: string };
    const code =
      error instanceof OpsError
        ? error.exitCode
        : error instanceof PreflightError
          ? error.reason === "locked"
            ? EXIT.locked
            : EXIT.lowerLayerMissing
          : ["UsageError", "ParamsError", "NamingError", "SelectionError"].includes(error.name) || error.code?.startsWith("ERR_PARSE_ARGS")
            ? EXIT.usage
            : undefined;
    if (code === undefined) throw err;
    return { code, result: { error: error.message, exitCode: code }, text: error.message };
  } finally {
    if (!deps.clients && clients) {
      clients.s3.destroy();
      clients.dynamodb?.destroy();
    }
    ownedCluster?.destroy();
    ownedAlarms?.destroy();
    ownedEdgeTable?.destroy();
  }
}

if (require.main === module) {
  const json = process.argv.includes("--json");
  run(process.argv.slice(2)).then(
    (outcome) => {
      if (json) process.stdout.write(`${JSON.stringify(outcome.result, null, 2)}\n`);
      else if (outcome.code === 0) process.stdout.write(`${outcome.text}\n`);
      if (outcome.code !== 0) process.stderr.write(`lanes: ${outcome.text}\n`);
      process.exit(outcome.code);
    },
    (err: Error) => {
      process.stderr.write(`lanes: ${err.stack ?? err.message}\n`);
      process.exit(EXIT.failed);
    },
  );
}
