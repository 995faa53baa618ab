/**
 * A direct call (params `discovery`): the caller's task role, as synthesized, under the env's task
 * role boundary, may DiscoverInstances in the env's namespace only, and gains nothing else.
 * Judged by @cloud-copilot/iam-simulate.
 */
import type { PolicyDocument } from "../../lib/policies/document";
import { taskRoleBoundaryPolicy } from "../../lib/policies/roles";
import { TempParams, exampleFile } from "../helpers/project";
import { synthBoot } from "../helpers/stacks";
import { ACCOUNT, PARTITION, REGION, SimulatedPrincipal } from "./simulate";

describe("the task role of a service with a direct call", () => {
  let temp: TempParams;
  let role: SimulatedPrincipal;
  let plain: SimulatedPrincipal;
  beforeAll(() => {
    temp = new TempParams({ "user-api-dev.json": exampleFile("user-api-dev.json", (j) => void (j.discovery = ["order-api"])) });
    const boundary = [{ name: "lanes-task-boundary-dev", document: taskRoleBoundaryPolicy({ partition: PARTITION, account: ACCOUNT, region: REGION, env: "dev" }) }];
    // The task role's own policies (the boot stack's other roles, e.g. the fallback switch's, are not the task's).
    const policies = (service: string, repo = temp.repo()) => {
      const s = synthBoot(service, "dev", repo);
      const taskRole = s.resources("aws_iam_role").find(([, c]) => c.name === `${service}-dev-task`)![0];
      return s
        .resources("aws_iam_role_policy")
        .filter(([, c]) => c.role === `\${aws_iam_role.${taskRole}.name}`)
        .map(([, c]) => ({ name: String(c.name), document: JSON.parse(String(c.policy)) as PolicyDocument }));
    };
    role = new SimulatedPrincipal(`arn:aws:iam::${ACCOUNT}:role/user-api-dev-task`, policies("user-api"), boundary);
    plain = new SimulatedPrincipal(`arn:aws:iam::${ACCOUNT}:role/web-bff-dev-task`, policies("web-bff"), boundary);
  });
  afterAll(() => temp.cleanup());

  const discover = (namespace: string) => ({ action: "servicediscovery:DiscoverInstances", resource: "*", context: { "servicediscovery:NamespaceName": namespace } });

  test("DiscoverInstances in dev.local: allowed; in another namespace: denied", async () => {
    expect(await role.decision(discover("dev.local"))).toBe("Allowed");
    expect(await role.decision(discover("prod.local"))).toBe("ImplicitlyDenied");
  });

  test("a service that declares no direct call may not DiscoverInstances", async () => {
    expect(await plain.decision(discover("dev.local"))).toBe("ImplicitlyDenied");
  });

  test("nothing else comes with it: registering instances or changing rules stays denied", async () => {
    expect(
      await role.decision({ action: "servicediscovery:RegisterInstance", resource: `arn:aws:servicediscovery:${REGION}:${ACCOUNT}:service/srv-0123456789abcdef` }),
    ).toBe("ImplicitlyDenied");
    expect(
      await role.decision({
        action: "elasticloadbalancing:ModifyRule",
        resource: `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:listener-rule/app/user-api-dev-alb/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee`,
      }),
    ).toBe("ImplicitlyDenied");
  });
});
