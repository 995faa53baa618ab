/**
 * The Terraform side of the lanes commands: deploy or destroy exactly one stack. `CdktfSteps`
 * runs `cdktf deploy|destroy` with the selector that synthesizes only that stack; `DryRunSteps`
 * synthesizes and validates it instead (for machines without AWS), saying what it would run.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { StackPlan } from "../layers/plan";
import { stackNameOf } from "../layers/registry";
import { selectorVars, synthEnvironment } from "../layers/selector";
import type { LaneRelease } from "../params/config";
import { PROJECT_ROOT, TS_NODE_ARGS, runAsync } from "../process";
import { terraformEnv } from "../terraform";
import { elapsed } from "./cluster";

/** How often a long cdktf run says it is still running. */
export const TICK_MS = 30_000;

/** Runs `work`, saying every `tickMs` how long it has been running and, at the end, how long it took. */
export async function withElapsed(what: string, log: (line: string) => void, work: () => Promise<void>, tickMs = TICK_MS): Promise<void> {
  const started = Date.now();
  const ticker = setInterval(() => log(`  still ${what} (${elapsed(Date.now() - started)} elapsed)`), tickMs);
  try {
    await work();
    log(`${what}: done in ${elapsed(Date.now() - started)}`);
  } finally {
    clearInterval(ticker);
  }
}

/** What a lane deploy releases (the image, the lane's history, who changed it). */
export type Release = LaneRelease;

export interface StepRecord {
  readonly action: "deploy" | "destroy";
  readonly stack: string;
  readonly image?: string;
  readonly dryRun: boolean;
}

export interface Steps {
  readonly dryRun: boolean;
  deploy(plan: StackPlan, release?: Release): Promise<void>;
  destroy(plan: StackPlan): Promise<void>;
  /** Everything done, in order. */
  readonly done: StepRecord[];
}

export class StepError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StepError";
  }
}

/** Stack names in `<outdir>/manifest.json` of a synth. */
export function synthesizedStacks(outdir: string): string[] {
  const manifest = join(outdir, "manifest.json");
  if (!existsSync(manifest)) throw new StepError(`${manifest} not found: the synth wrote nothing.`);
  const parsed = JSON.parse(readFileSync(manifest, "utf8")) as { stacks?: Record<string, unknown> };
  return Object.keys(parsed.stacks ?? {}).sort();
}

/** Fails unless the synth in `outdir` produced exactly `stack`. */
export function assertOnlyStack(outdir: string, stack: string): void {
  const stacks = synthesizedStacks(outdir);
  if (stacks.length !== 1 || stacks[0] !== stack) {
    throw new StepError(
      `the synth in ${outdir} produced ${stacks.length} stack(s) [${stacks.join(", ")}], expected exactly [${stack}]: refusing to deploy. Check the selector variables (ENV, SERVICE, LANE, LAYER) passed to main.ts.`,
    );
  }
}

export class CdktfSteps implements Steps {
  readonly dryRun = false;
  readonly done: StepRecord[] = [];

  /**
   * `output`: the synth directory to use (kept, e.g. for the pipeline's verify step). Without it
   * every run synthesizes into a directory of its own under `.lanes/runs/`, removed afterwards:
   * cdktf removes the stack directories of a shared output directory that its own synth did not
   * produce, so two runs sharing one (two lanes deployed from one machine) would delete each
   * other's working directories mid-run.
   */
  constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly log: (line: string) => void,
    private readonly output?: string,
  ) {}

  private async cdktf(args: string[], vars: Record<string, string>): Promise<void> {
    const tfEnv = await terraformEnv(PROJECT_ROOT, this.env);
    // The provider comes from a local mirror (lib/terraform.ts); cdktf's own lock-file step would ask the registry.
    args.push("--skip-provider-lock");
    if (!process.stderr.isTTY) args.push("--no-color");
    let outdir = this.output;
    if (!outdir) {
      const runs = join(PROJECT_ROOT, ".lanes", "runs");
      mkdirSync(runs, { recursive: true });
      outdir = mkdtempSync(join(runs, `${args[1] ?? "run"}-`));
    }
    try {
      await this.spawnCdktf([...args, "--output", outdir], { ...synthEnvironment(this.env, vars), ...tfEnv });
    } finally {
      if (!this.output) rmSync(outdir, { recursive: true, force: true });
    }
  }

  private timed(what: string, work: () => Promise<void>): Promise<void> {
    return withElapsed(what, this.log, work);
  }

  private async spawnCdktf(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
    const child = spawn(join(PROJECT_ROOT, "node_modules", ".bin", "cdktf"), args, {
      cwd: PROJECT_ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    // cdktf's progress goes to stderr so that --json output on stdout stays parseable.
    child.stdout.on("data", (chunk: Buffer) => process.stderr.write(chunk));
    child.stderr.on("data", (chunk: Buffer) => process.stderr.write(chunk));
    const code = await new Promise<number>((resolve, reject) => {
      child.on("error", reject);
      child.on("close", (c) => resolve(c ?? 1));
    });
    if (code !== 0) throw new StepError(`cdktf ${args[0]} ${args[1]} failed (exit ${code})`);
  }

  async deploy(plan: StackPlan, release?: Release): Promise<void> {
    const stack = stackNameOf(plan);
    this.log(`deploying ${stack}${release ? ` with ${release.image}` : ""}`);
    await this.timed(`deploying ${stack}`, () => this.cdktf(["deploy", stack, "--auto-approve"], selectorVars(plan, release)));
    this.done.push({ action: "deploy", stack, ...(release ? { image: release.image } : {}), dryRun: false });
  }

  /** `cdktf diff`: plans the stack against its real state. */
  async diff(plan: StackPlan): Promise<void> {
    await this.cdktf(["diff", stackNameOf(plan)], selectorVars(plan));
  }

  async destroy(plan: StackPlan): Promise<void> {
    const stack = stackNameOf(plan);
    this.log(`destroying ${stack}`);
    await this.timed(`destroying ${stack}`, () => this.cdktf(["destroy", stack, "--auto-approve"], selectorVars(plan)));
    this.done.push({ action: "destroy", stack, dryRun: false });
  }
}

export class DryRunSteps implements Steps {
  readonly dryRun = true;
  readonly done: StepRecord[] = [];

  /** `output`: synthesize there and keep it (the pipeline's artifacts); default: a temporary directory per stack. */
  constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly log: (line: string) => void,
    private readonly output?: string,
  ) {}

  /** Synthesizes exactly the stack and validates it with Terraform; returns nothing on success. */
  private async synthAndValidate(plan: StackPlan, release?: Release): Promise<void> {
    const stack = stackNameOf(plan);
    const outdir = this.output ?? mkdtempSync(join(tmpdir(), "lanes-dry-run-"));
    try {
      const synth = await runAsync(process.execPath, [...TS_NODE_ARGS, "main.ts"], {
        env: synthEnvironment(this.env, selectorVars(plan, release), { outdir }),
      });
      if (synth.code !== 0) throw new StepError(`synth of ${stack} failed: ${synth.stderr}`);
      assertOnlyStack(outdir, stack);
      const tfEnv = { ...this.env, ...(await terraformEnv(PROJECT_ROOT, this.env)) };
      const dir = join(outdir, "stacks", stack);
      const init = await runAsync("terraform", ["init", "-backend=false", "-input=false", "-no-color"], { cwd: dir, env: tfEnv });
      if (init.code !== 0) throw new StepError(`terraform init of ${stack} failed: ${init.stderr}`);
      const validate = await runAsync("terraform", ["validate", "-no-color"], { cwd: dir, env: tfEnv });
      if (validate.code !== 0) throw new StepError(`terraform validate of ${stack} failed: ${validate.stdout}${validate.stderr}`);
    } finally {
      if (!this.output) rmSync(outdir, { recursive: true, force: true });
    }
  }

  async deploy(plan: StackPlan, release?: Release): Promise<void> {
    const stack = stackNameOf(plan);
    await this.synthAndValidate(plan, release);
    this.log(`dry run: ${stack} synthesized${release ? ` with ${release.image}` : ""} and valid; would run: cdktf deploy ${stack} --auto-approve`);
    this.done.push({ action: "deploy", stack, ...(release ? { image: release.image } : {}), dryRun: true });
  }

  async destroy(plan: StackPlan): Promise<void> {
    const stack = stackNameOf(plan);
    await this.synthAndValidate(plan);
    this.log(`dry run: would run: cdktf destroy ${stack} --auto-approve`);
    this.done.push({ action: "destroy", stack, dryRun: true });
  }
}
