/**
 * The per-hop fallback from the operator's side: the listeners and target groups of a lane's
 * switch, read from the boot and lane states, for `lanes fallback` (a manual override or repair)
 * and the post-deploy verify step. The switch itself is lib/fallback/switch.ts, the same one the
 * boot layer's fallback Lambda runs on the lane's healthy-hosts alarm (constructs/lane-fallback.ts).
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { BootOutputs, LaneOutputs } from "../contract";
import type { LaneHealthChange } from "../fallback/switch";
import { laneNames } from "../naming";
import type { StateConfig } from "../params/config";
import { stateKey } from "../state";
import { OpsError } from "./commands";
import { readStateOutputs } from "./lane-state";

/** The lane's alarm name whose state drives the switch. */
export function healthAlarmName(service: string, env: string, lane: string): string {
  return laneNames(service, env, lane).alarms.healthyHosts;
}

/** The listeners and target groups of a lane's switch, from the boot and lane states. */
export async function laneHealthTargets(
  s3: S3Client,
  state: StateConfig,
  plan: { readonly service: string; readonly env: string; readonly lane: string },
): Promise<Pick<LaneHealthChange, "listenerArns" | "laneTargetGroupArn" | "defaultTargetGroupArn">> {
  const { service, env, lane } = plan;
  const boot = await readStateOutputs(s3, state, stateKey({ layer: "boot", env, service }));
  if (!boot) throw new OpsError(`boot-${service}-${env} has no state: deploy it first.`, "lowerLayerMissing");
  const own = await readStateOutputs(s3, state, stateKey({ layer: "app", env, service, lane }));
  const laneTg = own?.[LaneOutputs.targetGroupArn.name];
  const defaultTg = boot[BootOutputs.defaultTargetGroupArn.name];
  if (typeof laneTg !== "string" || laneTg === "" || laneTg === defaultTg) {
    throw new OpsError(`lane '${lane}' of ${service} in ${env} has no target group of its own (not deployed, the default lane, or a worker): nothing to switch.`, "unknownLane");
  }
  const listeners = [boot[BootOutputs.listenerArn.name], boot[BootOutputs.callListenerArn.name]].filter((a): a is string => typeof a === "string" && a !== "");
  return { listenerArns: listeners, laneTargetGroupArn: laneTg, defaultTargetGroupArn: String(defaultTg) };
}
