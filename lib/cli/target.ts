/** The one stack a command acts on, validated by the same selection main.ts uses. */
import type { StackPlan } from "../layers/plan";
import { stackNameOf } from "../layers/registry";
import { SELECTOR } from "../layers/selector";
import type { ParamsRepository } from "../params/load";
import { planStacks, selectionFromEnv } from "../selection";
import type { CommandInput } from "./command";
import { UsageError } from "./exit-codes";
import { laneOf, option, required } from "./options";

export function targetOf(params: ParamsRepository, input: CommandInput, command: string): StackPlan {
  const env = required(input, "env", "--env dev");
  const lane = laneOf(input);
  const layer = option(input, "layer");
  const service = option(input, "service");
  if (layer && lane) throw new UsageError("give a lane or --layer, not both");
  if (!lane && !layer) throw new UsageError(`${command} needs a lane (lanes ${command} gray --service S --env ${env}) or --layer infra|boot`);
  const vars: Record<string, string> = { [SELECTOR.env]: env, [SELECTOR.layer]: layer ?? "app" };
  if (service) vars[SELECTOR.service] = service;
  if (lane) vars[SELECTOR.lane] = lane;
  const plans = planStacks(params, selectionFromEnv(vars));
  if (plans.length !== 1) throw new UsageError(`the options select ${plans.length} stacks (${plans.map(stackNameOf).join(", ")}); select exactly one`);
  return plans[0]!;
}
