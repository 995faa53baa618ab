/**
 * Changes the roles depend on that live outside lib/policies (constructs and stacks, owned by
 * others): marked `failing` until they land, so that landing them turns these red as a reminder
 * to drop the marker. Until then the bootstrap role (which requires the boundary on every role
 * it creates) cannot deploy a boot stack's task roles: land both together.
 */
import { taskRoleBoundaryName } from "../../lib/policies/needs";
import { synthBoot } from "../helpers/stacks";
import { synthesizedPipeline } from "./simulate";

test.failing("boot stacks' task roles carry permissions_boundary = the env's lanes-task-boundary policy (constructs/service-identity.ts)", () => {
  const roles = synthBoot("user-api").resources("aws_iam_role");
  expect(roles.length).toBe(2);
  for (const [, role] of roles) expect(String(role.permissions_boundary)).toMatch(new RegExp(`:policy/${taskRoleBoundaryName("dev")}$`));
});

test.failing("the bootstrap pipeline stack creates the boundary policy from taskRoleBoundaryPolicy (stacks/pipeline-stack.ts)", () => {
  const policies = synthesizedPipeline("bootstrap").resources("aws_iam_policy");
  expect(policies.map(([, p]) => p.name)).toContain(taskRoleBoundaryName("dev"));
});
