/**
 * Entry point of `cdktf synth|deploy`: reads params/, builds the selected stacks, synthesizes.
 * Selection by environment variables (ENV, SERVICE, LANE, LAYER, IMAGE_URI): see lib/selection.ts.
 * State endpoints and offline provider checks (LANES_STATE_*_ENDPOINT, LANES_SKIP_AWS_VALIDATION):
 * see overridesFromEnv in lib/params/load.ts.
 */
import { App } from "cdktf";
import { join } from "node:path";
import { ParamsRepository, overridesFromEnv } from "./lib/params/load";
import { selectionFromEnv } from "./lib/selection";
import { buildStacks } from "./stacks/build";

function main(): void {
  const app = new App();
  const params = new ParamsRepository(process.env.LANES_PARAMS_DIR ?? join(__dirname, "params"), overridesFromEnv(process.env));
  buildStacks(app, params, selectionFromEnv(process.env));
  app.synth();
}

try {
  main();
} catch (err) {
  const error = err as Error;
  const known = ["ParamsError", "NamingError", "SelectionError"].includes(error.name);
  process.stderr.write(`lanes: ${known ? error.message : (error.stack ?? String(error))}\n`);
  process.exit(1);
}
