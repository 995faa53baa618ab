/** The deploy phase of a pipeline run: its ACTION as a lanes command line (one mapping, tested). */
import { PIPELINE_ACTIONS } from "./actions";
import { CiInputError, type CiInputs } from "./inputs";

export interface DeployOptions {
  /** The image the build pushed (actions that build one). */
  readonly imageUri?: string;
  /** Where the synth goes, kept for the artifacts. */
  readonly outdir: string;
  /** LANES_DRY_RUN=1: synthesize and validate each stack instead of applying it. */
  readonly dryRun: boolean;
}

/** The lanes command line that carries out the run: `deploy --layer …` for infra and boot, the ACTION for lanes. */
export function actionArgv(inputs: CiInputs, options: DeployOptions): string[] {
  const tail = ["--env", inputs.env, "--output", options.outdir, ...(options.dryRun ? ["--dry-run"] : [])];
  if (inputs.layer === "gc" || inputs.action === "gc") return ["gc", ...tail];
  if (inputs.layer !== "app") {
    return ["deploy", "--layer", inputs.layer, ...(inputs.service ? ["--service", inputs.service] : []), ...tail];
  }
  const spec = PIPELINE_ACTIONS[inputs.action];
  const argv: string[] = [inputs.action];
  if (spec.lane === "variable") argv.push(inputs.lane!);
  argv.push("--service", inputs.service!);
  if (spec.buildsImage) {
    if (!options.imageUri) throw new CiInputError(`IMAGE_URI is empty: the build phase did not push an image; refusing to run ACTION=${inputs.action} for ${inputs.stack}`);
    argv.push("--image", options.imageUri);
  }
  if (inputs.ttl) argv.push("--ttl", inputs.ttl);
  return [...argv, ...tail];
}
