import type { Construct } from "constructs";
import { AlarmTopic } from "../constructs/alarm-topic";
import { CallPath } from "../constructs/call-path";
import { ImageRepository } from "../constructs/image-repository";
import { LaneFallback } from "../constructs/lane-fallback";
import { BootState, InfraState } from "../constructs/layer-state";
import { LoadBalancer } from "../constructs/load-balancer";
import { ServiceDashboard } from "../constructs/service-dashboard";
import { ServiceIdentity } from "../constructs/service-identity";
import { ServiceLogs } from "../constructs/service-logs";
import { ServiceRegistry } from "../constructs/service-registry";
import { TaskSecurityGroup } from "../constructs/task-security-group";
import { WorkQueue } from "../constructs/work-queue";
import { BootOutputs } from "../lib/contract";
import { bundleFallback } from "../lib/fallback/bundle";
import { accessLogPrefix, infraNames, laneTargetGroupPrefix, originSecretHeader, serviceNames, taskRoleBoundaryName } from "../lib/naming";
import type { BootConfig, InfraConfig } from "../lib/params/config";
import { callListener } from "../lib/routing";
import { useS3State } from "../lib/state";
import { LanesStack } from "./lanes-stack";

/**
 * `boot-{service}-{env}` (service level): the access layer every lane of the
 * service shares: ALB + listener(s) + default target group (http) or the SQS queue and its
 * dead-letter queue (worker), log group, Cloud Map service, ECR repository, task roles,
 * task security group and the alarm topic. Reads infra from its state; lanes read this. A service
 * behind the edge (an origin of edge-{env}.json) admits CloudFront only, with the origin secret.
 * With an ALB, the lanes' per-hop fallback trigger (constructs/lane-fallback.ts).
 */
export class BootStack extends LanesStack {
  readonly loadBalancer?: LoadBalancer;
  readonly logs?: ServiceLogs;
  readonly registry?: ServiceRegistry;
  readonly images: ImageRepository;
  readonly identity: ServiceIdentity;
  readonly taskSecurityGroup: TaskSecurityGroup;
  readonly alarms: AlarmTopic;
  readonly queue?: WorkQueue;
  readonly dashboard: ServiceDashboard;
  /** One per service it calls: the callee's ALB admits this service's tasks. */
  readonly callPaths: CallPath[] = [];
  /** With an ALB: the lanes' fallback switch on their healthy-hosts alarms. */
  readonly fallback?: LaneFallback;

  /** `bundleRoot`: where the fallback Lambda's bundle is written at synth (stacks/build.ts DEFAULT_BUNDLE_ROOT). */
  constructor(scope: Construct, infra: InfraConfig, boot: BootConfig, bundleRoot: string) {
    const names = serviceNames(boot.service, boot.env);
    super(scope, names.stack, { infra, tags: { env: boot.env, service: boot.service, lane: "shared" } });
    useS3State(this, infra.state, { layer: "boot", env: boot.env, service: boot.service });
    const infraState = new InfraState(this, "infra", infra.state, infra.env);
    const protect = boot.protectSharedResources;

    const forCallers = callListener(boot);
    if (boot.initAlb) {
      const guard = boot.originGuard;
      this.loadBalancer = new LoadBalancer(this, "alb", {
        name: names.alb,
        defaultTargetGroupName: names.defaultTargetGroup,
        securityGroupName: names.albSecurityGroup,
        vpcId: infraState.vpcId,
        subnetIds: boot.internal ? infraState.privateSubnetIds : infraState.publicSubnetIds,
        internal: boot.internal,
        httpPort: boot.httpPort,
        ...(boot.https ? { https: boot.https } : {}),
        targetGroup: { port: boot.containerPort, healthCheckPath: boot.healthCheckPath },
        deletionProtection: boot.deletionProtection,
        protect,
        ...(forCallers.separate ? { internalListener: { port: forCallers.port, name: names.internalListener } } : {}),
        ...(guard
          ? {
              edgeOnly: {
                prefixListId: infraState.cloudfrontPrefixListId,
                header: originSecretHeader(guard.generation),
                secret: infraState.originSecret(guard.generation),
                defaultRuleName: names.defaultRule,
              },
            }
          : {}),
        ...(infra.audit.accessLogs.enabled ? { accessLogs: { bucket: infraState.logBucket, prefix: accessLogPrefix(boot.service) } } : {}),
      });
    }
    if (this.loadBalancer) {
      const lb = this.loadBalancer;
      this.fallback = new LaneFallback(this, "fallback", {
        names: names.fallback,
        bundleDir: bundleFallback(bundleRoot),
        region: infra.region,
        loadBalancerArnSuffix: lb.alb.arnSuffix,
        listenerArns: [lb.routingListener.arn, ...(lb.internalListener ? [lb.internalListener.arn] : [])],
        defaultTargetGroupArn: lb.defaultTargetGroup.arn,
        logRetentionDays: boot.logRetentionDays,
        protect,
        boundary: { account: infraState.accountId, policyName: taskRoleBoundaryName(boot.env) },
      });
    }
    if (boot.initLog) {
      this.logs = new ServiceLogs(this, "logs", { name: names.logGroup, retentionDays: boot.logRetentionDays, protect });
    }
    if (boot.initCloudMap) {
      this.registry = new ServiceRegistry(this, "registry", {
        name: names.cloudMapService,
        namespaceId: infraState.namespaceId,
        protect,
      });
    }
    if (boot.worker) {
      this.queue = new WorkQueue(this, "queue", {
        name: names.queue,
        deadLetterName: names.deadLetterQueue,
        settings: boot.worker.queue,
        protect,
      });
    }
    this.images = new ImageRepository(this, "images", { name: names.ecrRepository, protect });
    this.identity = new ServiceIdentity(this, "identity", {
      executionRoleName: names.taskExecutionRole,
      taskRoleName: names.taskRole,
      boundary: { account: infraState.accountId, policyName: taskRoleBoundaryName(boot.env) },
      secrets: boot.secrets,
      region: infra.region,
      ...(this.queue ? { consumesQueueArn: this.queue.queue.arn } : {}),
      ...(boot.calls.some((c) => c.discovery) ? { discoversIn: infra.cloudMap.namespace } : {}),
    });
    this.taskSecurityGroup = new TaskSecurityGroup(this, "tasks", {
      name: names.taskSecurityGroup,
      vpcId: infraState.vpcId,
      containerPort: boot.containerPort,
      ...(this.loadBalancer ? { albSecurityGroupId: this.loadBalancer.securityGroup.id } : {}),
    });

    // Calls go through the callee's ALB (its lane rules pick the lane, default otherwise); the
    // callee's state gives its ALB security group, params the port.
    for (const call of boot.calls) {
      const callee = new BootState(this, `callee-${call.service}`, infra.state, boot.env, call.service);
      this.callPaths.push(
        new CallPath(this, `calls-${call.service}`, {
          caller: boot.service,
          callee: call.service,
          calleeAlbSecurityGroupId: callee.albSecurityGroupId,
          callerSecurityGroupId: this.taskSecurityGroup.securityGroup.id,
          port: call.port,
          ...(call.discovery ? { direct: { calleeTaskSecurityGroupId: callee.taskSecurityGroupId, containerPort: call.discovery.containerPort } } : {}),
        }),
      );
    }

    this.alarms = new AlarmTopic(this, "alarms", { name: names.alarmTopic });

    this.dashboard = new ServiceDashboard(this, "dashboard", {
      name: names.dashboard,
      region: infra.region,
      clusterName: infraNames(boot.env).cluster,
      ecsServicePrefix: `${boot.service}-${boot.env}`,
      ...(this.loadBalancer ? { loadBalancer: { arnSuffix: this.loadBalancer.alb.arnSuffix, targetGroupPrefix: laneTargetGroupPrefix(boot.service, boot.env) } } : {}),
      ...(this.queue ? { queueName: names.queue } : {}),
    });

    const lb = this.loadBalancer;
    this.declareOutputs(BootOutputs, {
      albArn: lb?.alb.arn ?? "",
      albArnSuffix: lb?.alb.arnSuffix ?? "",
      albDnsName: lb?.alb.dnsName ?? "",
      albSecurityGroupId: lb?.securityGroup.id ?? "",
      listenerArn: lb?.routingListener.arn ?? "",
      httpListenerArn: lb?.httpListener.arn ?? "",
      httpsListenerArn: lb?.httpsListener?.arn ?? "",
      defaultTargetGroupArn: lb?.defaultTargetGroup.arn ?? "",
      defaultTargetGroupArnSuffix: lb?.defaultTargetGroup.arnSuffix ?? "",
      alarmTopicArn: this.alarms.topic.arn,
      queueUrl: this.queue?.queue.url ?? "",
      queueArn: this.queue?.queue.arn ?? "",
      queueName: this.queue?.queue.name ?? "",
      deadLetterQueueName: this.queue?.deadLetter.name ?? "",
      logGroupName: names.logGroup,
      sdServiceArn: this.registry?.service.arn ?? "",
      sdServiceId: this.registry?.service.id ?? "",
      ecrRepositoryUrl: this.images.repository.repositoryUrl,
      taskExecutionRoleArn: this.identity.executionRole.arn,
      taskRoleArn: this.identity.taskRole.arn,
      taskSecurityGroupId: this.taskSecurityGroup.securityGroup.id,
      callUrl: lb ? `http://${lb.alb.dnsName}:${forCallers.port}` : "",
      callListenerArn: lb ? (lb.internalListener ?? lb.httpListener).arn : "",
    });
  }
}
