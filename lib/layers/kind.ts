import type { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { OutputContract } from "../contract";
import type { ParamsRepository } from "../params/load";
import type { StateAddress } from "../state";
import type { Layer, PlanOf, StackPlan } from "./plan";

/** What a synth run knows besides params: the one lane's release, where bundles go. */
export interface BuildContext {
  readonly params: ParamsRepository;
  /** Set when the run builds exactly one lane (IMAGE_URI, LANES_IMAGE_HISTORY, LANES_CHANGED_BY). */
  readonly release?: SelectedRelease;
  /** Where synth-time bundles (the edge rules sync, the lanes' fallback switch) are written before cdktf packs them. */
  readonly bundleRoot: string;
}

/** A release as the selector variables give it: the image may be left to params. */
export interface SelectedRelease {
  readonly imageUri?: string;
  readonly previousImages: readonly string[];
  readonly changedBy?: string;
  /** LANES_RAMP=1: the lane's weighted catch-all rule. */
  readonly ramp?: boolean;
  /** LANES_TTL / LANES_EXPIRES_AT: the lane's time to live and when it expires. */
  readonly ttl?: string;
  readonly expiresAt?: string;
}

/**
 * One layer kind: how a plan of that layer becomes a stack name, a state address, the lower
 * layers it reads, the variables that select it, and the stack itself. The stack classes are
 * loaded only by `build`, so operator commands that need names and addresses never load synth code.
 */
export interface LayerKind<L extends Layer> {
  readonly layer: L;
  /** The root outputs every stack of this layer declares (and readers read). */
  readonly outputs: OutputContract;
  stackName(plan: PlanOf<L>): string;
  /** Where the stack keeps its state; undefined for local state (the state bootstrap). */
  stateAddress(plan: PlanOf<L>): StateAddress | undefined;
  /** The stacks whose outputs it reads, lowest first (params say which, e.g. the edge's origins). */
  lowerLayers(plan: PlanOf<L>, params: ParamsRepository): StackPlan[];
  /** The command that creates it, shown when a stack above finds it missing. */
  howToCreate(plan: PlanOf<L>): string;
  /** What a run holding its lock is changing, e.g. "lane 'gray' of user-api in dev". */
  subject(plan: PlanOf<L>): string;
  /** ENV/LAYER/SERVICE/LANE values that make main.ts build exactly this stack. */
  selector(plan: PlanOf<L>): Readonly<Record<string, string>>;
  build(app: Construct, plan: PlanOf<L>, ctx: BuildContext): TerraformStack;
}
