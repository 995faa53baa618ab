/**
 * The permissions boundary of the roles the bootstrap pipeline creates: the state stack (an admin
 * deploys it first) creates the env's boundary policy from taskRoleBoundaryPolicy; every boot
 * stack sets it on both task roles, in the env's account read from infra's state.
 */
import { InfraOutputs } from "../../lib/contract";
import { taskRoleBoundaryName } from "../../lib/naming";
import { taskRoleBoundaryPolicy } from "../../lib/policies/roles";
import { synthBoot, synthInfra, synthState } from "../helpers/stacks";

test("boot stacks' roles (task, execution, and with an ALB the fallback switch's) carry permissions_boundary = the env's lanes-task-boundary policy in the account infra reports", () => {
  for (const [service, names] of [
    ["user-api", ["user-api-dev-fallback", "user-api-dev-task", "user-api-dev-task-exec"]],
    ["order-worker", ["order-worker-dev-task", "order-worker-dev-task-exec"]],
  ] as const) {
    const s = synthBoot(service);
    const roles = s.resources("aws_iam_role");
    expect(roles.map(([, r]) => r.name).sort()).toEqual(names);
    for (const [, role] of roles) {
      expect(String(role.permissions_boundary)).toMatch(
        new RegExp(`^arn:\\$\\{data\\.aws_partition\\.[A-Za-z0-9_]+\\.partition\\}:iam::\\$\\{data\\.terraform_remote_state\\.infra_remote_[0-9A-F]+\\.outputs\\.${InfraOutputs.accountId.name}\\}:policy/lanes-task-boundary-dev$`),
      );
    }
  }
});

test("the state stack creates the boundary policy lanes-task-boundary-{env} with taskRoleBoundaryPolicy as its document", () => {
  const s = synthState();
  const policy = s.only("aws_iam_policy");
  expect(policy.name).toBe(taskRoleBoundaryName("dev"));
  // What an operator sees in the IAM console next to the name.
  expect(policy.description).toBe("Permissions boundary of the dev services' task roles (lanes)");
  const doc = JSON.parse(String(policy.policy)) as { Statement: { Action: string[] }[] };
  const expected = taskRoleBoundaryPolicy({ partition: "P", account: "A", region: "ap-southeast-2", env: "dev" });
  expect(doc.Statement.map((st) => st.Action)).toEqual((expected.Statement as { Action: string[] }[]).map((st) => st.Action));
});

test("infra reports the env's account for it", () => {
  const s = synthInfra();
  expect(String(s.outputs()[InfraOutputs.accountId.name]!.value)).toMatch(/^\$\{data\.aws_caller_identity\.[a-z0-9_]+\.account_id\}$/);
});
