import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { TaskHardening } from "../lib/params/config";
import { containerSecrets, type ContainerSecret } from "../lib/secrets";

export interface LaneServiceProps {
  readonly env: string;
  readonly lane: string;
  readonly region: string;
  readonly family: string;
  readonly serviceName: string;
  readonly containerName: string;
  readonly image: string;
  readonly cpu: number;
  readonly memory: number;
  readonly containerPort: number;
  readonly environment: Readonly<Record<string, string>>;
  /** Secrets ECS reads at task start with the execution role (references only, never values). */
  readonly secrets?: readonly ContainerSecret[];
  /** Read-only root filesystem with scratch volumes, and the user; undefined: the image's defaults. */
  readonly hardening?: TaskHardening;
  readonly logGroupName: string;
  readonly logStreamPrefix: string;
  readonly executionRoleArn: string;
  readonly taskRoleArn: string;
  readonly clusterArn: string;
  readonly subnetIds: string[];
  readonly securityGroupIds: string[];
  readonly desiredCount: number;
  /** Target group the service registers its tasks in; none when the service has no ALB. */
  readonly targetGroupArn?: string;
  /** Cloud Map service to register in; none when disabled. */
  readonly registryArn?: string;
  /** Created before the service (ECS needs the target group attached to a listener first). */
  readonly dependsOn?: ITerraformDependable[];
  /** CloudWatch alarms that roll a deployment back (ECS deployment alarms); none: the circuit breaker only. */
  readonly deploymentAlarms?: readonly string[];
  /** Leave desired_count to autoscaling after creation. */
  readonly ignoreDesiredCount?: boolean;
}

/** The container's environment: params first, then the platform's ENV and LANE (which win). */
export function containerEnvironment(props: Pick<LaneServiceProps, "environment" | "env" | "lane">): { name: string; value: string }[] {
  const merged: Record<string, string> = { ...props.environment, ENV: props.env, LANE: props.lane };
  return Object.keys(merged)
    .sort()
    .map((name) => ({ name, value: merged[name]! }));
}

/** Volume name of the n-th scratch path (task ephemeral storage). */
export function scratchVolumeName(index: number): string {
  return `scratch-${index}`;
}

/**
 * One lane's Fargate task definition and ECS service: private subnets without public IPs,
 * deployment circuit breaker with rollback, awslogs to the service's group under `{lane}/`.
 */
export class LaneService extends Construct {
  readonly taskDefinition: EcsTaskDefinition;
  readonly service: EcsService;

  constructor(scope: Construct, id: string, props: LaneServiceProps) {
    super(scope, id);
    const hardening = props.hardening;
    const scratch = hardening?.readonlyRootFilesystem ? hardening.scratchPaths : [];
    const secrets = props.secrets ?? [];
    const container = {
      name: props.containerName,
      image: props.image,
      essential: true,
      portMappings: [{ containerPort: props.containerPort, protocol: "tcp" }],
      environment: containerEnvironment(props),
      ...(secrets.length > 0 ? { secrets: containerSecrets(secrets) } : {}),
      ...(hardening?.readonlyRootFilesystem ? { readonlyRootFilesystem: true } : {}),
      ...(scratch.length > 0 ? { mountPoints: scratch.map((containerPath, i) => ({ sourceVolume: scratchVolumeName(i), containerPath, readOnly: false })) } : {}),
      ...(hardening?.user !== undefined ? { user: hardening.user } : {}),
      logConfiguration: {
        logDriver: "awslogs",
        options: {
          "awslogs-group": props.logGroupName,
          "awslogs-region": props.region,
          "awslogs-stream-prefix": props.logStreamPrefix,
        },
      },
    };
    this.taskDefinition = new EcsTaskDefinition(this, "task", {
      family: props.family,
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      cpu: String(props.cpu),
      memory: String(props.memory),
      executionRoleArn: props.executionRoleArn,
      taskRoleArn: props.taskRoleArn,
      runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
      containerDefinitions: JSON.stringify([container]),
      // Fargate's bind-mount volumes live on the task's ephemeral storage.
      ...(scratch.length > 0 ? { volume: scratch.map((_, i) => ({ name: scratchVolumeName(i) })) } : {}),
    });
    this.service = new EcsService(this, "service", {
      name: props.serviceName,
      cluster: props.clusterArn,
      taskDefinition: this.taskDefinition.arn,
      desiredCount: props.desiredCount,
      launchType: "FARGATE",
      platformVersion: "LATEST",
      networkConfiguration: {
        subnets: props.subnetIds,
        securityGroups: props.securityGroupIds,
        assignPublicIp: false,
      },
      deploymentController: { type: "ECS" },
      deploymentCircuitBreaker: { enable: true, rollback: true },
      ...(props.deploymentAlarms && props.deploymentAlarms.length > 0 ? { alarms: { alarmNames: [...props.deploymentAlarms], enable: true, rollback: true } } : {}),
      deploymentMinimumHealthyPercent: 100,
      deploymentMaximumPercent: 200,
      enableEcsManagedTags: true,
      propagateTags: "SERVICE",
      ...(props.targetGroupArn
        ? {
            loadBalancer: [
              { targetGroupArn: props.targetGroupArn, containerName: props.containerName, containerPort: props.containerPort },
            ],
            healthCheckGracePeriodSeconds: 30,
          }
        : {}),
      ...(props.registryArn ? { serviceRegistries: { registryArn: props.registryArn } } : {}),
      ...(props.dependsOn ? { dependsOn: props.dependsOn } : {}),
      ...(props.ignoreDesiredCount ? { lifecycle: { ignoreChanges: ["desired_count"] } } : {}),
    });
  }
}
