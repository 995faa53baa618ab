/**
 * The per-hop fallback's trigger in the boot layer (constructs/lane-fallback.ts): the synthesized
 * EventBridge rule, Lambda, permission and role (judged request by request with
 * @cloud-copilot/iam-simulate), and the bundled handler (lib/fallback/bundle.ts) run as Lambda
 * would run it, in its own process, against a local ELBv2 query-protocol endpoint.
 */
import { isWildcardOnlyAction } from "@cloud-copilot/iam-simulate";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { bundleFallback } from "../lib/fallback/bundle";
import { MANAGED_BY } from "../lib/policies/needs";
import { synthBoot, synthState } from "./helpers/stacks";
import { alarmEvent } from "./helpers/alarm-event";
import type { Json } from "./helpers/project";
import { decideWithResourcePolicy, stackResolver } from "./iam/resource-policy";
import { ACCOUNT, PARTITION, REGION, SimulatedPrincipal, policyFromAttribute, rolePolicies, type ReferenceResolver } from "./iam/simulate";

const userApi = synthBoot("user-api");
const ref = (type: string, s = userApi) => {
  const found = s.resources(type);
  expect(found).toHaveLength(1);
  return found[0]!;
};

describe("synthesized (boot-user-api-dev: behind the edge, so lane rules sit on two listeners)", () => {
  const [fnId, fn] = ref("aws_lambda_function");
  const [ruleId, rule] = ref("aws_cloudwatch_event_rule");
  const [albId] = userApi.resources("aws_lb")[0]!;
  const listener = (idPrefix: string) => userApi.resources("aws_lb_listener").find(([id]) => id.startsWith(idPrefix))![0];

  test("the rule matches this ALB's lanes' healthy-hosts alarms going to ALARM or OK, nothing else", () => {
    expect(rule.name).toBe("user-api-dev-lane-health");
    expect(JSON.parse(rule.event_pattern as string)).toEqual({
      source: ["aws.cloudwatch"],
      "detail-type": ["CloudWatch Alarm State Change"],
      detail: {
        state: { value: ["ALARM", "OK"] },
        configuration: {
          metrics: {
            metricStat: { metric: { namespace: ["AWS/ApplicationELB"], name: ["HealthyHostCount"], dimensions: { LoadBalancer: [`\${aws_lb.${albId}.arn_suffix}`] } } },
          },
        },
      },
    });
  });

  test("the rule invokes the function, and only that rule may (source_arn)", () => {
    expect(ref("aws_cloudwatch_event_target")[1]).toEqual({ rule: `\${aws_cloudwatch_event_rule.${ruleId}.name}`, arn: `\${aws_lambda_function.${fnId}.arn}` });
    expect(ref("aws_lambda_permission")[1]).toEqual({
      statement_id: "lane-health",
      action: "lambda:InvokeFunction",
      function_name: `\${aws_lambda_function.${fnId}.function_name}`,
      principal: "events.amazonaws.com",
      source_arn: `\${aws_cloudwatch_event_rule.${ruleId}.arn}`,
    });
  });

  test("the function: nodejs22.x, the bundle, both listeners, default's group and the ALB in its environment, its own log group first", () => {
    const [tgId] = userApi.resources("aws_lb_target_group")[0]!;
    const [logsId, logs] = userApi.resources("aws_cloudwatch_log_group").find(([, c]) => (c.name as string).startsWith("/aws/lambda/"))!;
    expect(logs.name).toBe("/aws/lambda/user-api-dev-fallback");
    expect(fn).toEqual(
      expect.objectContaining({
        function_name: "user-api-dev-fallback",
        runtime: "nodejs22.x",
        handler: "index.handler",
        depends_on: [`aws_cloudwatch_log_group.${logsId}`],
        environment: {
          variables: {
            LISTENER_ARNS: `\${jsonencode([aws_lb_listener.${listener("alb_http_")}.arn, aws_lb_listener.${listener("alb_internal_")}.arn])}`,
            DEFAULT_TARGET_GROUP_ARN: `\${aws_lb_target_group.${tgId}.arn}`,
            LOAD_BALANCER: `\${aws_lb.${albId}.arn_suffix}`,
          },
        },
      }),
    );
    expect(fn.filename).toMatch(/archive\.zip$/);
  });

  test("a service with one listener passes that one; a worker (no ALB) gets no fallback", () => {
    const orderApi = synthBoot("order-api");
    const [listenerId] = orderApi.resources("aws_lb_listener")[0]!;
    expect(orderApi.resources("aws_lb_listener")).toHaveLength(1);
    expect((orderApi.resources("aws_lambda_function")[0]![1].environment as Json).variables).toEqual(expect.objectContaining({ LISTENER_ARNS: `\${jsonencode([aws_lb_listener.${listenerId}.arn])}` }));
    const worker = synthBoot("order-worker");
    for (const type of ["aws_lambda_function", "aws_cloudwatch_event_rule", "aws_lambda_permission"]) expect(worker.resources(type)).toEqual([]);
  });

  describe("its role, request by request (iam-simulate)", () => {
    const ALB = `arn:${PARTITION}:elasticloadbalancing:${REGION}:${ACCOUNT}:loadbalancer/app/user-api-dev-alb/50dc6c495c0c9188`;
    const base = stackResolver(userApi);
    const resolve: ReferenceResolver = (expression) => (expression === `aws_lb.${albId}.arn_suffix` ? ALB.slice(ALB.indexOf("app/")) : base(expression));
    const state = synthState();
    const [, boundaryPolicy] = state.resources("aws_iam_policy").find(([, c]) => c.name === "lanes-task-boundary-dev")!;
    const boundary = [{ name: "lanes-task-boundary-dev", document: policyFromAttribute(state, boundaryPolicy.policy, stackResolver(state), "boundary") }];
    const role = new SimulatedPrincipal(`arn:${PARTITION}:iam::${ACCOUNT}:role/user-api-dev-fallback`, rolePolicies(userApi, "user-api-dev-fallback", resolve), boundary);
    const laneRuleTags = (env: string) => ({ "aws:ResourceTag/env": env, "aws:ResourceTag/managed-by": MANAGED_BY, "aws:ResourceTag/lane": "gray" });
    const elb = (resource: string) => `arn:${PARTITION}:elasticloadbalancing:${REGION}:${ACCOUNT}:${resource}`;
    const logs = `arn:${PARTITION}:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/user-api-dev-fallback`;

    test("DescribeRules and DescribeTags have no resource-level permission (Service Authorization Reference): granted on *", async () => {
      expect(await isWildcardOnlyAction("elasticloadbalancing", "DescribeRules")).toBe(true);
      expect(await isWildcardOnlyAction("elasticloadbalancing", "DescribeTags")).toBe(true);
      expect(await isWildcardOnlyAction("elasticloadbalancing", "ModifyRule")).toBe(false);
    });

    test("within the env's boundary: ModifyRule on this ALB's rule only when a lanes stack of the env tagged it", async () => {
      const gray = elb("listener-rule/app/user-api-dev-alb/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee");
      expect(await role.decision({ action: "elasticloadbalancing:ModifyRule", resource: gray, context: laneRuleTags("dev") })).toBe("Allowed");
      expect(await role.decision({ action: "elasticloadbalancing:ModifyRule", resource: gray, context: laneRuleTags("prod") })).toBe("ImplicitlyDenied");
      expect(await role.decision({ action: "elasticloadbalancing:ModifyRule", resource: gray })).toBe("ImplicitlyDenied");
    });

    test("only the rule may invoke the function (the permission as Lambda's resource policy)", async () => {
      const permission = ref("aws_lambda_permission")[1];
      const fnArn = `arn:${PARTITION}:lambda:${REGION}:${ACCOUNT}:function:user-api-dev-fallback`;
      const ruleArn = `arn:${PARTITION}:events:${REGION}:${ACCOUNT}:rule/user-api-dev-lane-health`;
      expect(base((permission.source_arn as string).slice(2, -1))).toBe(ruleArn);
      const statement = {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow" as const, Principal: { Service: permission.principal as string }, Action: permission.action as string, Resource: fnArn, Condition: { ArnLike: { "aws:SourceArn": ruleArn } } }],
      };
      const invoke = (principal: string, sourceArn: string) => decideWithResourcePolicy(statement, { principal, action: "lambda:InvokeFunction", resource: fnArn, context: { "aws:SourceArn": sourceArn, "aws:SourceAccount": ACCOUNT } });
      expect(await invoke("events.amazonaws.com", ruleArn)).toBe("Allowed");
      expect(await invoke("events.amazonaws.com", `arn:${PARTITION}:events:${REGION}:${ACCOUNT}:rule/order-api-dev-lane-health`)).toBe("ImplicitlyDenied");
      expect(await invoke("sns.amazonaws.com", ruleArn)).toBe("ImplicitlyDenied");
    });

    test.each<[string, string, string]>([
      ["elasticloadbalancing:DescribeRules", "*", "Allowed"],
      ["elasticloadbalancing:DescribeTags", "*", "Allowed"],
      ["elasticloadbalancing:ModifyRule", elb("listener-rule/app/user-api-dev-alb/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee"), "Allowed"],
      ["elasticloadbalancing:ModifyRule", elb("listener-rule/app/user-api-dev-alb/50dc6c495c0c9188/0467ef3c8400ae65/1a2b3c4d5e6f7a8b"), "Allowed"],
      ["elasticloadbalancing:ModifyRule", elb("listener-rule/app/order-api-dev-alb/7e1f2a3b4c5d6e7f/f2f7dc8efc522ab2/9683b2d02a6cabee"), "ImplicitlyDenied"],
      ["elasticloadbalancing:ModifyRule", elb("listener-rule/app/user-api-dev-alb/0000000000000000/f2f7dc8efc522ab2/9683b2d02a6cabee"), "ImplicitlyDenied"],
      ["elasticloadbalancing:DeleteRule", elb("listener-rule/app/user-api-dev-alb/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee"), "ImplicitlyDenied"],
      ["elasticloadbalancing:CreateRule", elb("listener/app/user-api-dev-alb/50dc6c495c0c9188/f2f7dc8efc522ab2"), "ImplicitlyDenied"],
      ["elasticloadbalancing:ModifyListener", elb("listener/app/user-api-dev-alb/50dc6c495c0c9188/f2f7dc8efc522ab2"), "ImplicitlyDenied"],
      ["elasticloadbalancing:RegisterTargets", elb("targetgroup/user-api-dev-gray-tg/6d0ecf831eec9f09"), "ImplicitlyDenied"],
      ["logs:PutLogEvents", `${logs}:log-stream:2026/12/02/[$LATEST]abc`, "Allowed"],
      ["logs:CreateLogStream", `${logs}:log-stream:2026/12/02/[$LATEST]abc`, "Allowed"],
      ["logs:PutLogEvents", `arn:${PARTITION}:logs:${REGION}:${ACCOUNT}:log-group:/ecs/dev/user-api:log-stream:gray/x`, "ImplicitlyDenied"],
      ["iam:PassRole", `arn:${PARTITION}:iam::${ACCOUNT}:role/user-api-dev-fallback`, "ImplicitlyDenied"],
    ])("%s on %s: %s", async (action, resource, expected) => {
      const context = action === "elasticloadbalancing:ModifyRule" ? laneRuleTags("dev") : {};
      expect(await role.decision({ action, resource, context })).toBe(expected);
    });
  });
});

/** A local ELBv2 endpoint (query protocol, XML) holding one listener's rules; records ModifyRule. */
async function startElb(rules: { arn: string; forward: string; tags: Record<string, string> }[]) {
  const modified: Record<string, string>[] = [];
  const ns = `xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"`;
  const server: Server = createServer((req, res) => {
    let text = "";
    req.on("data", (c: Buffer) => (text += c.toString()));
    req.on("end", () => {
      const form = Object.fromEntries(new URLSearchParams(text));
      res.setHeader("content-type", "text/xml");
      if (form.Action === "DescribeRules") {
        const members = rules.map((r) => `<member><RuleArn>${r.arn}</RuleArn><Priority>100</Priority><IsDefault>false</IsDefault><Actions><member><Type>forward</Type><TargetGroupArn>${r.forward}</TargetGroupArn></member></Actions></member>`);
        res.end(`<DescribeRulesResponse ${ns}><DescribeRulesResult><Rules>${members.join("")}</Rules></DescribeRulesResult></DescribeRulesResponse>`);
      } else if (form.Action === "DescribeTags") {
        const asked = Object.entries(form).filter(([k]) => k.startsWith("ResourceArns.member.")).map(([, v]) => v);
        const members = asked.map((arn) => {
          const tags = Object.entries(rules.find((r) => r.arn === arn)?.tags ?? {}).map(([k, v]) => `<member><Key>${k}</Key><Value>${v}</Value></member>`);
          return `<member><ResourceArn>${arn}</ResourceArn><Tags>${tags.join("")}</Tags></member>`;
        });
        res.end(`<DescribeTagsResponse ${ns}><DescribeTagsResult><TagDescriptions>${members.join("")}</TagDescriptions></DescribeTagsResult></DescribeTagsResponse>`);
      } else if (form.Action === "ModifyRule") {
        modified.push(form);
        res.end(`<ModifyRuleResponse ${ns}><ModifyRuleResult><Rules/></ModifyRuleResult></ModifyRuleResponse>`);
      } else {
        res.statusCode = 400;
        res.end(`<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>not served</Message></Error></ErrorResponse>`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, modified, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe("the bundle", () => {
  const root = mkdtempSync(join(tmpdir(), "lanes-fallback-bundle-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test("built once per content: named after the hash of its bytes, the same directory on a second synth", () => {
    const first = bundleFallback(root);
    const second = bundleFallback(root);
    expect(second).toBe(first);
    // The bundle and the manifest of what its build read (lib/bundle.ts); no temporary file left.
    expect(readdirSync(root).sort()).toEqual([first.slice(root.length + 1), "lane-fallback.inputs.json"].sort());
    const code = readFileSync(join(first, "index.js"));
    expect(first).toBe(join(root, `lane-fallback-${createHash("sha256").update(code).digest("hex").slice(0, 12)}`));
  });

  test("its handler, run as Lambda runs it (own process, SDK inside the bundle), switches the lane's rule on ALARM through ELBv2's API", async () => {
    const dir = bundleFallback(root);
    const ELB = "arn:aws:elasticloadbalancing:ap-southeast-2:123456789012";
    const listener = `${ELB}:listener/app/user-api-dev-alb/50dc6c495c0c9188/f2f7dc8efc522ab2`;
    const grayRule = `${ELB}:listener-rule/app/user-api-dev-alb/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee`;
    const blueRule = `${ELB}:listener-rule/app/user-api-dev-alb/50dc6c495c0c9188/f2f7dc8efc522ab2/1111111111111111`;
    const fake = await startElb([
      { arn: grayRule, forward: `${ELB}:targetgroup/user-api-dev-gray-tg/6d0ecf831eec9f09`, tags: { Name: "user-api-dev-gray-rule", "lanes:lane": "gray", "lanes:target-group": "targetgroup/user-api-dev-gray-tg/6d0ecf831eec9f09", "lanes:on-unhealthy": "default" } },
      { arn: blueRule, forward: `${ELB}:targetgroup/user-api-dev-blue-tg/2222222222222222`, tags: { Name: "user-api-dev-blue-rule", "lanes:lane": "blue", "lanes:target-group": "targetgroup/user-api-dev-blue-tg/2222222222222222" } },
    ]);
    try {
      const event = alarmEvent("ALARM");
      const script = `require(${JSON.stringify(join(dir, "index.js"))}).handler(${JSON.stringify(event)}).then((r) => process.stdout.write(JSON.stringify(r)), (e) => { console.error(e); process.exit(1); })`;
      const { stdout } = await promisify(execFile)(process.execPath, ["-e", script], {
        env: {
          PATH: process.env.PATH ?? "",
          AWS_REGION: "ap-southeast-2",
          AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
          AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
          AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2: fake.url,
          LISTENER_ARNS: JSON.stringify([listener]),
          DEFAULT_TARGET_GROUP_ARN: `${ELB}:targetgroup/user-api-dev-default-tg/943f017f100becff`,
          LOAD_BALANCER: "app/user-api-dev-alb/50dc6c495c0c9188",
        },
      });
      const result = JSON.parse(stdout.slice(stdout.indexOf('{"healthy"'))) as Json;
      expect(result.rules).toEqual([{ ruleArn: grayRule, name: "user-api-dev-gray-rule", lane: "gray", onUnhealthy: "default", modified: true }]);
      expect(fake.modified).toEqual([
        expect.objectContaining({
          Action: "ModifyRule",
          RuleArn: grayRule,
          "Actions.member.1.Type": "forward",
          "Actions.member.1.TargetGroupArn": `${ELB}:targetgroup/user-api-dev-default-tg/943f017f100becff`,
        }),
      ]);
    } finally {
      await fake.stop();
    }
  });
});
