import type { Construct } from "constructs";
import { LaneAlarms } from "../constructs/lane-alarms";
import { LaneRamp } from "../constructs/lane-ramp";
import { LaneRoute } from "../constructs/lane-route";
import { LaneScaling } from "../constructs/lane-scaling";
import { LaneService } from "../constructs/lane-service";
import { BootState, InfraState } from "../constructs/layer-state";
import { LaneOutputs } from "../lib/contract";
import { imageHistory } from "../lib/image";
import { DEFAULT_LANE, laneNames, originSecretHeader, serviceNames } from "../lib/naming";
import type { LaneStackConfig } from "../lib/params/config";
import { callListener } from "../lib/routing";
import { useS3State } from "../lib/state";
import { LanesStack } from "./lanes-stack";

/**
 * `app-{service}-{env}-{lane}` (lane level): task definition, ECS service and,
 * for every lane but `default`, the lane's target group and `tracestate` listener rule (and,
 * while `lanes ramp` ramps it, the weighted catch-all rule); the lane's alarms and autoscaling; and outputs recording its image history (rollback). It only
 * reads infra and boot (remote state) and owns nothing they own, so lanes deploy in parallel,
 * each under its own state key and lock.
 */
export class AppLaneStack extends LanesStack {
  readonly route?: LaneRoute;
  readonly ramp?: LaneRamp;
  readonly laneService: LaneService;
  readonly scaling?: LaneScaling;
  readonly alarms: LaneAlarms;

  constructor(scope: Construct, config: LaneStackConfig) {
    const { infra, boot, service, lane } = config;
    const names = laneNames(service.service, service.env, lane.lane);
    const shared = serviceNames(service.service, service.env);
    super(scope, names.stack, { infra, tags: { env: lane.env, service: lane.service, lane: lane.lane } });
    useS3State(this, infra.state, { layer: "app", env: lane.env, service: lane.service, lane: lane.lane });
    const infraState = new InfraState(this, "infra", infra.state, infra.env);
    const bootState = new BootState(this, "boot", infra.state, service.env, service.service);

    const worker = boot.worker;
    // Behind the edge, every rule a lane adds requires the origin secret header.
    const originSecret = boot.originGuard
      ? { header: originSecretHeader(boot.originGuard.generation), value: infraState.originSecret(boot.originGuard.generation) }
      : undefined;
    if (boot.initAlb && lane.lane !== DEFAULT_LANE) {
      this.route = new LaneRoute(this, "route", {
        lane: lane.lane,
        targetGroupName: names.targetGroup,
        ruleName: names.listenerRule,
        listenerArn: bootState.listenerArn,
        priority: lane.priority,
        vpcId: infraState.vpcId,
        port: boot.containerPort,
        healthCheckPath: boot.healthCheckPath,
        onUnhealthy: lane.onUnhealthy,
        ...(originSecret ? { originSecret } : {}),
        ...(callListener(boot).separate ? { internalListener: { arn: bootState.callListenerArn, ruleName: names.internalListenerRule } } : {}),
      });
    }
    // Each callee's base URL, from its boot state (never a cross-stack reference): calls go
    // through the callee's ALB, whose lane rules pick the callee's lane or fall back to default.
    const calleeUrls: Record<string, string> = {};
    for (const call of service.calls) {
      calleeUrls[call.urlVariable] = new BootState(this, `callee-${call.service}`, infra.state, service.env, call.service).callUrl;
      // A direct call (params discovery): where LaneDiscovery of @lanes/lane-context looks the callee up.
      if (call.discovery) calleeUrls[call.discovery.variable] = `${call.discovery.namespace}/${call.discovery.cloudMapService}`;
    }
    if (config.release.ramp) {
      if (!this.route) throw new Error(`LANES_RAMP=1: lane '${lane.lane}' of ${lane.service} has no rule of its own to ramp (the default lane, or a service without an ALB).`);
      this.ramp = new LaneRamp(this, "ramp", {
        ruleName: names.rampRule,
        listenerArn: bootState.listenerArn,
        laneTargetGroup: this.route.targetGroup,
        defaultTargetGroupArn: bootState.defaultTargetGroupArn,
        ...(originSecret ? { originSecret } : {}),
      });
    }
    const targetGroupArn = boot.initAlb ? (this.route?.targetGroup.arn ?? bootState.defaultTargetGroupArn) : undefined;

    // Before the service: its 5xx-rate and unhealthy-target alarms are the service's deployment alarms.
    this.alarms = new LaneAlarms(this, "alarms", {
      names: names.alarms,
      thresholds: lane.alarms,
      topicArn: bootState.alarmTopicArn,
      clusterName: infraState.clusterName,
      ecsServiceName: names.ecsService,
      ...(worker
        ? {
            worker: {
              queueName: bootState.queueName,
              deadLetterQueueName: bootState.deadLetterQueueName,
              logGroupName: shared.logGroup,
              lane: lane.lane,
              oldestMessageAgeSeconds: worker.alarms.oldestMessageAgeSeconds,
              errorLogLines: worker.alarms.errorLogLines,
              processedMetricName: names.processedMetric,
            },
          }
        : {}),
      ...(boot.initAlb
        ? {
            loadBalancer: {
              arnSuffix: bootState.albArnSuffix,
              targetGroupArnSuffix: this.route?.targetGroup.arnSuffix ?? bootState.defaultTargetGroupArnSuffix,
            },
          }
        : {}),
    });

    this.laneService = new LaneService(this, "lane", {
      env: lane.env,
      lane: lane.lane,
      region: infra.region,
      family: names.taskFamily,
      serviceName: names.ecsService,
      containerName: shared.container,
      image: config.release.image,
      cpu: service.cpu,
      memory: service.memory,
      containerPort: boot.containerPort,
      // Each callee's URL; a worker finds its queue in QUEUE_URL (read from boot's state).
      environment: { ...lane.environment, ...calleeUrls, ...(worker ? { QUEUE_URL: bootState.queueUrl } : {}) },
      secrets: lane.secrets,
      hardening: service.task,
      logGroupName: shared.logGroup,
      logStreamPrefix: names.logStreamPrefix,
      executionRoleArn: bootState.taskExecutionRoleArn,
      taskRoleArn: bootState.taskRoleArn,
      clusterArn: infraState.clusterArn,
      subnetIds: infraState.privateSubnetIds,
      securityGroupIds: [bootState.taskSecurityGroupId],
      desiredCount: lane.desiredCount,
      ...(targetGroupArn ? { targetGroupArn } : {}),
      ...(boot.initCloudMap ? { registryArn: bootState.sdServiceArn } : {}),
      ...(this.route ? { dependsOn: [this.route.rule] } : {}),
      // With autoscaling, the scaler owns the running count; params set only the first one.
      ignoreDesiredCount: lane.scaling !== undefined,
      deploymentAlarms: this.alarms.deploymentAlarms,
    });
    if (lane.scaling) {
      this.scaling = new LaneScaling(this, "scaling", {
        clusterName: infraState.clusterName,
        ecsServiceName: names.ecsService,
        scaling: lane.scaling,
        service: this.laneService.service,
        ...(worker ? { backlog: { queueName: bootState.queueName, messagesPerTask: worker.backlogPerTask } } : {}),
      });
    }
    this.declareOutputs(LaneOutputs, {
      ecsServiceName: this.laneService.service.name,
      clusterName: infraState.clusterName,
      targetGroupArn: targetGroupArn ?? "",
      albDnsName: boot.initAlb ? bootState.albDnsName : "",
      image: config.release.image,
      imageHistory: imageHistory(config.release.image, config.release.previousImages),
      changedBy: config.release.changedBy ?? "",
      taskDefinitionArn: this.laneService.taskDefinition.arn,
      ttl: config.release.ttl ?? "",
      expiresAt: config.release.expiresAt ?? "",
    });
  }
}
