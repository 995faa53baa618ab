import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { ScalingConfig } from "../lib/params/config";

export interface LaneScalingProps {
  readonly clusterName: string;
  readonly ecsServiceName: string;
  readonly scaling: ScalingConfig;
  /** The ECS service: registered as a scalable target only once it exists. */
  readonly service: ITerraformDependable;
}

/** CPU target tracking of a lane's ECS service between min and max tasks. */
export class LaneScaling extends Construct {
  readonly target: AppautoscalingTarget;
  readonly policy: AppautoscalingPolicy;

  constructor(scope: Construct, id: string, props: LaneScalingProps) {
    super(scope, id);
    this.target = new AppautoscalingTarget(this, "target", {
      serviceNamespace: "ecs",
      scalableDimension: "ecs:service:DesiredCount",
      resourceId: `service/${props.clusterName}/${props.ecsServiceName}`,
      minCapacity: props.scaling.minCount,
      maxCapacity: props.scaling.maxCount,
      dependsOn: [props.service],
    });
    this.policy = new AppautoscalingPolicy(this, "cpu", {
      name: `${props.ecsServiceName}-cpu`,
      policyType: "TargetTrackingScaling",
      serviceNamespace: this.target.serviceNamespace,
      scalableDimension: this.target.scalableDimension,
      resourceId: this.target.resourceId,
      targetTrackingScalingPolicyConfiguration: {
        targetValue: props.scaling.cpuTargetPercent,
        predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
        scaleInCooldown: 120,
        scaleOutCooldown: 60,
      },
    });
  }
}
