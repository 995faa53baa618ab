import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { ScalingConfig } from "../lib/params/config";

/** A worker scales on its queue's backlog per running task instead of CPU. */
export interface BacklogTarget {
  readonly queueName: string;
  readonly messagesPerTask: number;
}

export interface LaneScalingProps {
  readonly clusterName: string;
  readonly ecsServiceName: string;
  readonly scaling: ScalingConfig;
  /** Scale on queue backlog per task; CPU target tracking when absent. */
  readonly backlog?: BacklogTarget;
  /** The ECS service: registered as a scalable target only once it exists. */
  readonly service: ITerraformDependable;
}

/** Target tracking of a lane's ECS service between min and max tasks: on CPU, or on queue backlog per task. */
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
    const common = {
      policyType: "TargetTrackingScaling",
      serviceNamespace: this.target.serviceNamespace,
      scalableDimension: this.target.scalableDimension,
      resourceId: this.target.resourceId,
    };
    const cooldowns = { scaleInCooldown: 120, scaleOutCooldown: 60 };
    const backlog = props.backlog;
    this.policy = backlog
      ? new AppautoscalingPolicy(this, "backlog", {
          ...common,
          name: `${props.ecsServiceName}-backlog`,
          targetTrackingScalingPolicyConfiguration: {
            targetValue: backlog.messagesPerTask,
            ...cooldowns,
            customizedMetricSpecification: {
              metrics: [
                {
                  id: "visible",
                  returnData: false,
                  metricStat: {
                    stat: "Sum",
                    metric: { namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", dimensions: [{ name: "QueueName", value: backlog.queueName }] },
                  },
                },
                {
                  id: "running",
                  returnData: false,
                  metricStat: {
                    stat: "Average",
                    metric: {
                      namespace: "ECS/ContainerInsights",
                      metricName: "RunningTaskCount",
                      dimensions: [
                        { name: "ClusterName", value: props.clusterName },
                        { name: "ServiceName", value: props.ecsServiceName },
                      ],
                    },
                  },
                },
                { id: "backlog_per_task", expression: "visible / IF(running > 0, running, 1)", label: "visible messages per running task", returnData: true },
              ],
            },
          },
        })
      : new AppautoscalingPolicy(this, "cpu", {
          ...common,
          name: `${props.ecsServiceName}-cpu`,
          targetTrackingScalingPolicyConfiguration: {
            targetValue: props.scaling.cpuTargetPercent,
            predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
            ...cooldowns,
          },
        });
  }
}
