/**
 * What the app pipeline's ACTION variable may run, and how. Each entry is the `pipelineAction`
 * of the lanes command of the same name (lib/cli/commands/<action>.ts declares it from here, and
 * a test checks that the two lists agree). Plain data: the pipeline stack reads it at synth time.
 */
import { CANARY_LANE } from "../naming";

/** How the app pipeline runs a command as its ACTION (ci/build.sh → lanes ci deploy). */
export interface PipelineAction {
  /** Shown in the pipeline variable's description. */
  readonly summary: string;
  /** The run builds and pushes an image first, and passes it as --image. */
  readonly buildsImage: boolean;
  /** The lane comes from the LANE variable, or the action always runs one fixed lane (LANE must name it). */
  readonly lane: "variable" | { readonly fixed: string };
  /** LANE=default is refused in the pipeline, with this reason (an operator can still act by hand). */
  readonly refusesDefault?: string;
  /** Only for services of this kind. */
  readonly kind?: "http" | "worker";
  /** Which lane the verify step checks afterwards: the run's lane, default (it now serves the image), or none. */
  readonly verifies: "lane" | "default" | "none";
}

export const PIPELINE_ACTIONS = {
  deploy: { summary: "build and deploy LANE", buildsImage: true, lane: "variable", verifies: "lane" },
  promote: {
    summary: "LANE into default",
    buildsImage: false,
    lane: "variable",
    refusesDefault: "promote takes the lane to promote into default",
    verifies: "default",
  },
  rollback: { summary: "LANE back to its previous image", buildsImage: false, lane: "variable", verifies: "lane" },
  destroy: {
    summary: "remove LANE",
    buildsImage: false,
    lane: "variable",
    refusesDefault: "the default lane serves every request without a lane (an operator can force it with lanes destroy default --force)",
    verifies: "none",
  },
  ramp: {
    summary: "http: LANE's share of the requests without a lane raised step by step (laneDefaults.ramp), each step judged against default, then promoted",
    buildsImage: false,
    lane: "variable",
    refusesDefault: "ramp moves requests from default to another lane",
    kind: "http",
    verifies: "default",
  },
  canary: { summary: `workers: build, bake LANE=${CANARY_LANE}, then default`, buildsImage: true, lane: { fixed: CANARY_LANE }, kind: "worker", verifies: "default" },
} as const satisfies Record<string, PipelineAction>;

export type PipelineActionName = keyof typeof PIPELINE_ACTIONS;
export const DEFAULT_ACTION: PipelineActionName = "deploy";
export const PIPELINE_ACTION_NAMES = Object.keys(PIPELINE_ACTIONS) as PipelineActionName[];

export function isPipelineAction(name: string): name is PipelineActionName {
  return Object.prototype.hasOwnProperty.call(PIPELINE_ACTIONS, name);
}

/** The ACTION variable's description: every action and what it does. */
export function actionVariableDescription(): string {
  return PIPELINE_ACTION_NAMES.map((name) => `${name} (${PIPELINE_ACTIONS[name].summary})`).join(", ");
}
