import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { Construct } from "constructs";
import { taskRoleBoundaryPolicy } from "../lib/policies/roles";

export interface TaskRoleBoundaryProps {
  readonly env: string;
  readonly region: string;
  /** lib/naming.ts taskRoleBoundaryName. */
  readonly name: string;
}

/**
 * The env's permissions boundary for every role the bootstrap pipeline creates (the services'
 * task and execution roles): whatever policy those roles get, they can do no more than pull the
 * env's images, write the env's service logs and consume the env's queues. Created by an admin
 * with the state backend, before any pipeline runs; the bootstrap role may create a role only
 * with it and may never remove it (lib/policies/roles.ts).
 */
export class TaskRoleBoundary extends Construct {
  readonly policy: IamPolicy;

  constructor(scope: Construct, id: string, props: TaskRoleBoundaryProps) {
    super(scope, id);
    const account = new DataAwsCallerIdentity(this, "account");
    const partition = new DataAwsPartition(this, "partition");
    this.policy = new IamPolicy(this, "policy", {
      name: props.name,
      description: `Permissions boundary of the ${props.env} services' task roles (lanes)`,
      policy: JSON.stringify(taskRoleBoundaryPolicy({ partition: partition.partition, account: account.accountId, region: props.region, env: props.env })),
    });
  }
}
