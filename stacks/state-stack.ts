import { LocalBackend } from "cdktf";
import { StateOutputs } from "../lib/contract";
import type { Construct } from "constructs";
import { StateBackend } from "../constructs/state-backend";
import { TaskRoleBoundary } from "../constructs/task-role-boundary";
import { stateNames, taskRoleBoundaryName } from "../lib/naming";
import type { InfraConfig } from "../lib/params/config";
import { LanesStack } from "./lanes-stack";

/**
 * `state-{env}`: creates the state bucket and lock table every other stack of the env uses.
 * Its own state is local (`state/state-{env}.tfstate`): it cannot live in the bucket it creates.
 * Deploy it first, once per env (README: first-time order).
 */
export class StateStack extends LanesStack {
  readonly backend: StateBackend;
  readonly boundary: TaskRoleBoundary;

  constructor(scope: Construct, infra: InfraConfig) {
    const name = stateNames(infra.env).stack;
    super(scope, name, { infra, tags: { env: infra.env, service: "shared", lane: "shared" } });
    new LocalBackend(this, { path: `../../../state/${name}.tfstate` });
    this.backend = new StateBackend(this, "state", { state: infra.state });
    this.boundary = new TaskRoleBoundary(this, "boundary", { env: infra.env, region: infra.region, name: taskRoleBoundaryName(infra.env) });
    this.declareOutputs(StateOutputs, { bucket: this.backend.bucket.bucket, lockTable: this.backend.lockTable?.name ?? "", taskRoleBoundaryArn: this.boundary.policy.arn });
  }
}
