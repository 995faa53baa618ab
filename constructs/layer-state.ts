/**
 * Typed readers of the lower layers' outputs through their S3 state (never cdktf cross-stack
 * references, which would put every stack into one run and break `cdktf deploy <one stack>`).
 */
import { Fn, type DataTerraformRemoteStateS3 } from "cdktf";
import { Construct } from "constructs";
import { BootOutputs, InfraOutputs } from "../lib/contract";
import type { StateConfig } from "../lib/params/config";
import { readS3State } from "../lib/state";

export class InfraState extends Construct {
  readonly remote: DataTerraformRemoteStateS3;

  constructor(scope: Construct, id: string, state: StateConfig, env: string) {
    super(scope, id);
    this.remote = readS3State(this, "remote", state, { layer: "infra", env });
  }

  get vpcId(): string {
    return this.remote.getString(InfraOutputs.vpcId.name);
  }
  get privateSubnetIds(): string[] {
    return this.remote.getList(InfraOutputs.privateSubnetIds.name);
  }
  get publicSubnetIds(): string[] {
    return this.remote.getList(InfraOutputs.publicSubnetIds.name);
  }
  get clusterArn(): string {
    return this.remote.getString(InfraOutputs.clusterArn.name);
  }
  get clusterName(): string {
    return this.remote.getString(InfraOutputs.clusterName.name);
  }
  get namespaceId(): string {
    return this.remote.getString(InfraOutputs.namespaceId.name);
  }
  get accountId(): string {
    return this.remote.getString(InfraOutputs.accountId.name);
  }
  get logBucket(): string {
    return this.remote.getString(InfraOutputs.logBucket.name);
  }
  get cloudfrontPrefixListId(): string {
    return this.remote.getString(InfraOutputs.cloudfrontPrefixListId.name);
  }
  /** The origin secret of `generation`; the plan fails when infra does not hold it (deploy infra first). */
  originSecret(generation: number): string {
    return Fn.lookup(this.remote.get(InfraOutputs.originSecrets.name), String(generation));
  }
}

export class BootState extends Construct {
  readonly remote: DataTerraformRemoteStateS3;

  constructor(scope: Construct, id: string, state: StateConfig, env: string, service: string) {
    super(scope, id);
    this.remote = readS3State(this, "remote", state, { layer: "boot", env, service });
  }

  get albSecurityGroupId(): string {
    return this.remote.getString(BootOutputs.albSecurityGroupId.name);
  }
  get albArnSuffix(): string {
    return this.remote.getString(BootOutputs.albArnSuffix.name);
  }
  get defaultTargetGroupArnSuffix(): string {
    return this.remote.getString(BootOutputs.defaultTargetGroupArnSuffix.name);
  }
  get alarmTopicArn(): string {
    return this.remote.getString(BootOutputs.alarmTopicArn.name);
  }
  get queueUrl(): string {
    return this.remote.getString(BootOutputs.queueUrl.name);
  }
  get queueName(): string {
    return this.remote.getString(BootOutputs.queueName.name);
  }
  get deadLetterQueueName(): string {
    return this.remote.getString(BootOutputs.deadLetterQueueName.name);
  }
  get albDnsName(): string {
    return this.remote.getString(BootOutputs.albDnsName.name);
  }
  get listenerArn(): string {
    return this.remote.getString(BootOutputs.listenerArn.name);
  }
  get defaultTargetGroupArn(): string {
    return this.remote.getString(BootOutputs.defaultTargetGroupArn.name);
  }
  get sdServiceArn(): string {
    return this.remote.getString(BootOutputs.sdServiceArn.name);
  }
  get taskExecutionRoleArn(): string {
    return this.remote.getString(BootOutputs.taskExecutionRoleArn.name);
  }
  get taskRoleArn(): string {
    return this.remote.getString(BootOutputs.taskRoleArn.name);
  }
  get taskSecurityGroupId(): string {
    return this.remote.getString(BootOutputs.taskSecurityGroupId.name);
  }
  get logGroupName(): string {
    return this.remote.getString(BootOutputs.logGroupName.name);
  }
  get callUrl(): string {
    return this.remote.getString(BootOutputs.callUrl.name);
  }
  get callListenerArn(): string {
    return this.remote.getString(BootOutputs.callListenerArn.name);
  }
}
