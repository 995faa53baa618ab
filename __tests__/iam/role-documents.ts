/**
 * Every policy document lib/policies/roles.ts writes, by name, each computed inside the test that
 * reads it (so that a mutant's throw fails that test, not the module's load): the app role (a build
 * outside and one in the VPC), the VPC build's policy, bootstrap, infra, gc, the task roles'
 * boundary and the CodePipeline service role, in the example's context (`roleContext`).
 */
import type { PolicyDocument } from "../../lib/policies/document";
import { appRolePolicy, bootstrapRolePolicy, buildVpcPolicy, gcRolePolicy, infraRolePolicy, pipelineServicePolicy, taskRoleBoundaryPolicy } from "../../lib/policies/roles";
import { BUILD_VPC, roleContext } from "./simulate";

export function roleDocuments(): [name: string, document: () => PolicyDocument][] {
  const role = roleContext();
  return [
    ["app (user-api)", () => appRolePolicy(role, "user-api")],
    ["app (order-api, its build in the VPC)", () => appRolePolicy(role, "order-api", BUILD_VPC)],
    ["the build's VPC policy", () => buildVpcPolicy(role, BUILD_VPC)],
    ["bootstrap", () => bootstrapRolePolicy(role)],
    ["infra", () => infraRolePolicy(role)],
    ["gc", () => gcRolePolicy(role)],
    ["the task roles' boundary", () => taskRoleBoundaryPolicy(role)],
    ["the CodePipeline service role", () => pipelineServicePolicy(role)],
  ];
}
