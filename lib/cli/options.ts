/** Arguments and options several commands share, and reading them back typed. */
import { checkImageReference } from "../image";
import type { OpsContext } from "../ops/commands";
import type { ArgumentSpec, CommandInput, OptionSpec } from "./command";
import type { CommandContext } from "./context";
import { parseDuration } from "../analysis/ramp-input";
import { UsageError } from "./exit-codes";

export const ENV: OptionSpec = { flags: "--env <env>", description: "env with params/infra-{env}.json, e.g. dev", required: true };
export const SERVICE: OptionSpec = { flags: "--service <service>", description: "service with params/{service}-{env}.json" };
export const SERVICE_REQUIRED: OptionSpec = { ...SERVICE, required: true };
export const LANE_OPTION: OptionSpec = { flags: "--lane <lane>", description: "the lane, instead of the positional argument" };
export const JSON_OUTPUT: OptionSpec = { flags: "--json", description: "print the result as JSON on stdout" };
export const DRY_RUN: OptionSpec = { flags: "--dry-run", description: "synthesize and validate each stack instead of deploying it" };
export const OUTPUT: OptionSpec = { flags: "--output <dir>", description: "synthesize into DIR and keep it (default: a directory of its own per run, removed afterwards)" };
export const IMAGE: OptionSpec = { flags: "--image <uri>", description: "image to deploy (registry/repository:tag or @digest)" };
export const TTL: OptionSpec = { flags: "--ttl <duration>", description: "time to live after this deploy, e.g. 72h or 7d ('none': never expires); default: the lane's, else params" };
export const LAYER: OptionSpec = { flags: "--layer <layer>", description: "a shared layer instead of a lane", choices: ["infra", "boot"] };

export const WINDOW: OptionSpec = { flags: "--window <duration>", description: "minutes of metrics to judge, ending now, e.g. 15m (default: laneDefaults.analysis.windowMinutes)" };

export const LANE_ARGUMENT: ArgumentSpec = { name: "lane", description: "the lane, e.g. gray", required: false };

/** A string option, or undefined. */
export function option(input: CommandInput, name: string): string | undefined {
  const v = input.options[name];
  return typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;
}

export function flag(input: CommandInput, name: string): boolean {
  return input.options[name] === true;
}

/** A required string option, or a usage error saying how to give it. */
export function required(input: CommandInput, name: string, example: string): string {
  const v = option(input, name);
  if (!v) throw new UsageError(`--${name} is required: ${input.command} needs --${name} (e.g. ${example}).`);
  return v;
}

/** The lane: the positional argument, else --lane. */
export function laneOf(input: CommandInput): string | undefined {
  return input.args[0] ?? option(input, "lane");
}

/** The lane operations' context for the command line's --env, --dry-run and --output. */
export function opsOf(ctx: CommandContext, input: CommandInput): OpsContext {
  const output = option(input, "output");
  return ctx.ops(required(input, "env", "--env dev"), { dryRun: flag(input, "dryRun"), ...(output ? { output } : {}) });
}

/** A duration option in seconds ("10m", "90s", "1h", plain seconds), or undefined; a malformed one is exit 2. */
export function durationOption(input: CommandInput, name: string): number | undefined {
  const text = option(input, name);
  return text === undefined ? undefined : parseDuration(text, `--${name}`);
}

/** --window in whole minutes, or undefined. */
export function windowMinutes(input: CommandInput): number | undefined {
  const seconds = durationOption(input, "window");
  if (seconds === undefined) return undefined;
  if (seconds < 60 || seconds % 60 !== 0) {
    throw new UsageError(`--window ${option(input, "window")}: the analysis reads whole minutes of metrics (the metric period is 60 s); give 1m or more, e.g. --window 15m.`);
  }
  return seconds / 60;
}

/** --image, checked as an image reference (a bad one is exit 2 before anything runs). */
export function imageOption(input: CommandInput): string | undefined {
  const image = option(input, "image");
  return image === undefined ? undefined : checkImageReference(image, "--image");
}

/** LANES_BUILD_TIMEOUT_MINUTES: set by the app pipeline to its CodeBuild project's timeout (ramp and canary refuse to outlast it). */
export function buildBudgetMinutes(env: NodeJS.ProcessEnv): number | undefined {
  const text = env.LANES_BUILD_TIMEOUT_MINUTES?.trim();
  if (!text) return undefined;
  const minutes = Number(text);
  if (!Number.isInteger(minutes) || minutes < 1) throw new UsageError(`LANES_BUILD_TIMEOUT_MINUTES='${text}' is not a whole number of minutes.`);
  return minutes;
}
