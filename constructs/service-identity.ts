import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Construct } from "constructs";
import type { FittedName } from "../lib/naming";
import { arns } from "../lib/policies/arns";
import { serviceTrustPolicy } from "../lib/policies/trust";
import { secretReadStatements, type SecretSource } from "../lib/secrets";

export interface ServiceIdentityProps {
  readonly executionRoleName: FittedName;
  readonly taskRoleName: FittedName;
  /** A worker's queue: the task role may consume this queue and nothing else. */
  readonly consumesQueueArn?: string;
  /** The env's Cloud Map namespace, when the service calls some callee directly (params `discovery`): the task role may DiscoverInstances there. */
  readonly discoversIn?: string;
  /** The env's boundary policy (constructs/task-role-boundary.ts) in the env's account, set on both roles. */
  readonly boundary: { readonly account: string; readonly policyName: string };
  /** The service's secret references: the execution role may read exactly these (and decrypt with their keys). */
  readonly secrets?: readonly SecretSource[];
  /** The env's region (SSM parameter ARNs, the KMS via-service condition). */
  readonly region: string;
}

/**
 * The service's two task roles, shared by its lanes: the execution role (pull images, write
 * logs, and read exactly the service's secrets) and the task role the application runs as (no
 * permissions until the team adds them).
 */
export class ServiceIdentity extends Construct {
  readonly executionRole: IamRole;
  readonly taskRole: IamRole;

  constructor(scope: Construct, id: string, props: ServiceIdentityProps) {
    super(scope, id);
    const partition = new DataAwsPartition(this, "partition");
    const permissionsBoundary = arns.iamPolicy({ partition: partition.partition, account: props.boundary.account }, props.boundary.policyName);
    // Both roles are assumed by ECS tasks of this account only (AWS's ECS task IAM role trust
    // policy: aws:SourceAccount, and aws:SourceArn ArnLike any ECS resource of the account in the
    // env's region; lib/policies/trust.ts cites the pages).
    const assume = JSON.stringify(
      serviceTrustPolicy({
        service: "ecs-tasks.amazonaws.com",
        account: props.boundary.account,
        sourceArn: `arn:${partition.partition}:ecs:${props.region}:${props.boundary.account}:*`,
      }),
    );
    this.executionRole = new IamRole(this, "execution", {
      name: props.executionRoleName.name,
      assumeRolePolicy: assume,
      permissionsBoundary,
      tags: { Name: props.executionRoleName.fullName },
    });
    new IamRolePolicyAttachment(this, "execution-policy", {
      role: this.executionRole.name,
      policyArn: `arn:${partition.partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy`,
    });
    const secrets = props.secrets ?? [];
    if (secrets.length > 0) {
      const account = { partition: partition.partition, account: props.boundary.account, region: props.region };
      new IamRolePolicy(this, "read-secrets", {
        role: this.executionRole.name,
        name: "read-secrets",
        policy: JSON.stringify({ Version: "2012-10-17", Statement: secretReadStatements(account, secrets) }),
      });
    }
    this.taskRole = new IamRole(this, "task", {
      name: props.taskRoleName.name,
      assumeRolePolicy: assume,
      permissionsBoundary,
      tags: { Name: props.taskRoleName.fullName },
    });
    if (props.consumesQueueArn) {
      new IamRolePolicy(this, "consume-queue", {
        role: this.taskRole.name,
        name: "consume-queue",
        policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "ConsumeServiceQueue",
              Effect: "Allow",
              Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"],
              Resource: props.consumesQueueArn,
            },
          ],
        }),
      });
    }
    if (props.discoversIn) {
      new IamRolePolicy(this, "discover-instances", {
        role: this.taskRole.name,
        name: "discover-instances",
        policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "DiscoverInstancesOfTheEnv",
              Effect: "Allow",
              Action: ["servicediscovery:DiscoverInstances"],
              Resource: "*",
              Condition: { StringEquals: { "servicediscovery:NamespaceName": props.discoversIn } },
            },
          ],
        }),
      });
    }
  }
}
