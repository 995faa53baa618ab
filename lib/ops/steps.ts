/**
 * The Terraform side of the lanes commands: deploy or destroy exactly one stack. `CdktfSteps`
 * runs `cdktf deploy|destroy` with the selector that synthesizes only that stack; `DryRunSteps`
 * synthesizes and validates it instead (for machines without AWS), saying what it would run.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT, runAsync, synthEnv } from "../harness/run";
import { stackNameOf, type StackPlan } from "../selection";
import { terraformEnv } from "../terraform";

export interface Release {
  readonly image: string;
  readonly previousImages: readonly string[];
  readonly changedBy: string;
}

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

/** The selector (and release) variables that make main.ts build exactly `plan`. */
export function selectorVars(plan: StackPlan, release?: Release): Record<string, string> {
  const vars: Record<string, string> = { ENV: plan.env, LAYER: plan.layer };
  if (plan.layer === "boot" || plan.layer === "app") vars.SERVICE = plan.service;
  if (plan.layer === "app") vars.LANE = plan.lane;
  if (release) {
    vars.IMAGE_URI = release.image;
    vars.LANES_IMAGE_HISTORY = JSON.stringify(release.previousImages);
    vars.LANES_CHANGED_BY = release.changedBy;
  }
  return vars;
}

const CLEARED = { ENV: "", SERVICE: "", SERVICE_NAME: "", LANE: "", LAYER: "", IMAGE_URI: "", LANES_IMAGE_HISTORY: "", LANES_CHANGED_BY: "" };

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
      await this.spawnCdktf([...args, "--output", outdir], { ...this.env, ...CLEARED, ...vars, ...tfEnv });
    } finally {
      if (!this.output) rmSync(outdir, { recursive: true, force: true });
    }
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
    await this.cdktf(["deploy", stack, "--auto-approve"], selectorVars(plan, release));
    this.done.push({ action: "deploy", stack, ...(release ? { image: release.image } : {}), dryRun: false });
  }

  /** `cdktf diff`: plans the stack against its real state. */
  async diff(plan: StackPlan): Promise<void> {
    await this.cdktf(["diff", stackNameOf(plan)], selectorVars(plan));
  }

  async destroy(plan: StackPlan): Promise<void> {
    const stack = stackNameOf(plan);
    this.log(`destroying ${stack}`);
    await this.cdktf(["destroy", stack, "--auto-approve"], selectorVars(plan));
    this.done.push({ action: "destroy", stack, dryRun: false });
  }
}

export class DryRunSteps implements Steps {
  readonly dryRun = true;
  readonly done: StepRecord[] = [];

  constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly log: (line: string) => void,
  ) {}

  /** Synthesizes exactly the stack and validates it with Terraform; returns nothing on success. */
  private async synthAndValidate(plan: StackPlan, release?: Release): Promise<void> {
    const stack = stackNameOf(plan);
    const outdir = mkdtempSync(join(tmpdir(), "lanes-dry-run-"));
    try {
      const synth = await runAsync(process.execPath, ["--import", "tsx", "main.ts"], {
        env: synthEnv({ ...selectorVars(plan, release) }, outdir, this.env.LANES_PARAMS_DIR),
      });
      if (synth.code !== 0) throw new StepError(`synth of ${stack} failed: ${synth.stderr}`);
      const tfEnv = { ...this.env, ...(await terraformEnv(PROJECT_ROOT, this.env)) };
      const dir = join(outdir, "stacks", stack);
      const init = await runAsync("terraform", ["init", "-backend=false", "-input=false", "-no-color"], { cwd: dir, env: tfEnv });
      if (init.code !== 0) throw new StepError(`terraform init of ${stack} failed: ${init.stderr}`);
      const validate = await runAsync("terraform", ["validate", "-no-color"], { cwd: dir, env: tfEnv });
      if (validate.code !== 0) throw new StepError(`terraform validate of ${stack} failed: ${validate.stdout}${validate.stderr}`);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
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
