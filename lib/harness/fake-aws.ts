/**
 * A local stand-in for the AWS APIs a deployed lane is checked with (test harness, not
 * operator code): ECS DescribeServices (JSON 1.1 protocol) and Elastic Load Balancing v2
 * DescribeTargetHealth (query protocol, XML), on 127.0.0.1; with `alb` in the script, also
 * DescribeListeners, DescribeRules and DescribeTargetGroups of any load balancer (one listener
 * holding that many lane rules and its default rule, that many target groups). Service Quotas
 * is pointed here too and refused, as when it is not reachable. Processes reach it through the SDK's
 * service endpoint variables (`env`), so the real SDK clients are exercised end to end.
 * Target health answers follow a script (the last state repeats); every call is recorded.
 * Without `alb`, DescribeRules answers the scripted lane rules (`rules`, none by default) of any
 * listener, DescribeTags their tags, and ModifyRule changes where one forwards (the fallback
 * switch's calls, made by verify).
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeAwsCall {
  readonly api: "ecs" | "elbv2";
  readonly action: string;
  /** The region of the request's SigV4 credential scope. */
  readonly region: string;
  readonly params: Readonly<Record<string, unknown>>;
}

export interface FakeAwsScript {
  /** Target states returned by successive DescribeTargetHealth calls (the last one repeats). */
  targetHealth: string[];
  /** What DescribeServices says of every service. */
  service: { desired: number; running: number; rolloutState: string };
  /** Rules (besides the default one) and target groups every load balancer has; unset: not served. */
  alb?: { rules: number; targetGroups: number };
  /** Lane rules of every listener when `alb` is unset: ARN, the group they forward to, their tags. */
  rules?: FakeRule[];
}

export interface FakeRule {
  readonly arn: string;
  forward: string;
  readonly tags: Readonly<Record<string, string>>;
}

export interface FakeAws {
  readonly env: Record<string, string>;
  readonly calls: FakeAwsCall[];
  readonly script: FakeAwsScript;
  /** Forgets the calls and starts the target health script again. */
  reset(script?: Partial<FakeAwsScript>): void;
  stop(): Promise<void>;
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (text += chunk));
    req.on("end", () => resolve(text));
    req.on("error", reject);
  });
}

const xml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;");

export async function startFakeAws(): Promise<FakeAws> {
  const calls: FakeAwsCall[] = [];
  const script: FakeAwsScript = { targetHealth: ["healthy"], service: { desired: 1, running: 1, rolloutState: "COMPLETED" } };
  let healthCalls = 0;
  const server: Server = createServer((req, res) => {
    void body(req).then((text) => {
      const region = /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(String(req.headers.authorization ?? ""))?.[1] ?? "";
      const target = String(req.headers["x-amz-target"] ?? "");
      if (target.startsWith("ServiceQuotasV20190624.")) {
        res.statusCode = 400;
        res.setHeader("content-type", "application/x-amz-json-1.1");
        res.end(JSON.stringify({ __type: "ServiceException", message: "fake: Service Quotas is not served" }));
        return;
      }
      if (target.startsWith("AmazonEC2ContainerServiceV20141113.")) {
        const action = target.split(".")[1]!;
        const params = JSON.parse(text || "{}") as { services?: string[] };
        calls.push({ api: "ecs", action, region, params });
        res.setHeader("content-type", "application/x-amz-json-1.1");
        if (action !== "DescribeServices") {
          res.statusCode = 400;
          res.end(JSON.stringify({ __type: "InvalidParameterException", message: `fake: ${action} is not served` }));
          return;
        }
        const { desired, running, rolloutState } = script.service;
        res.end(
          JSON.stringify({
            services: (params.services ?? []).map((serviceName) => ({
              serviceName,
              desiredCount: desired,
              runningCount: running,
              deployments: [{ status: "PRIMARY", rolloutState, desiredCount: desired, runningCount: running }],
            })),
            failures: [],
          }),
        );
        return;
      }
      const form = Object.fromEntries(new URLSearchParams(text));
      calls.push({ api: "elbv2", action: form.Action ?? "", region, params: form });
      res.setHeader("content-type", "text/xml");
      const ns = `xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"`;
      const alb = script.alb;
      if (alb && form.Action === "DescribeListeners") {
        const lb = form.LoadBalancerArn ?? "";
        res.end(`<DescribeListenersResponse ${ns}><DescribeListenersResult><Listeners><member><ListenerArn>${xml(lb.replace(":loadbalancer/", ":listener/"))}/f2f7dc8efc522ab2</ListenerArn><LoadBalancerArn>${xml(lb)}</LoadBalancerArn><Port>80</Port><Protocol>HTTP</Protocol></member></Listeners></DescribeListenersResult></DescribeListenersResponse>`);
        return;
      }
      if (alb && form.Action === "DescribeRules") {
        const rules = [...Array.from({ length: alb.rules }, (_, i) => `<member><RuleArn>rule-${i}</RuleArn><Priority>${10000 + i}</Priority><IsDefault>false</IsDefault></member>`), `<member><RuleArn>default</RuleArn><Priority>default</Priority><IsDefault>true</IsDefault></member>`];
        res.end(`<DescribeRulesResponse ${ns}><DescribeRulesResult><Rules>${rules.join("")}</Rules></DescribeRulesResult></DescribeRulesResponse>`);
        return;
      }
      if (alb && form.Action === "DescribeTargetGroups") {
        const groups = Array.from({ length: alb.targetGroups }, (_, i) => `<member><TargetGroupArn>arn:aws:elasticloadbalancing:${region}:123456789012:targetgroup/tg-${i}/0123456789abcdef</TargetGroupArn></member>`);
        res.end(`<DescribeTargetGroupsResponse ${ns}><DescribeTargetGroupsResult><TargetGroups>${groups.join("")}</TargetGroups></DescribeTargetGroupsResult></DescribeTargetGroupsResponse>`);
        return;
      }
      const rules = script.rules ?? [];
      if (!alb && form.Action === "DescribeRules") {
        const members = rules.map((r) => `<member><RuleArn>${xml(r.arn)}</RuleArn><Priority>100</Priority><IsDefault>false</IsDefault><Actions><member><Type>forward</Type><TargetGroupArn>${xml(r.forward)}</TargetGroupArn></member></Actions></member>`);
        res.end(`<DescribeRulesResponse ${ns}><DescribeRulesResult><Rules>${members.join("")}<member><RuleArn>default</RuleArn><Priority>default</Priority><IsDefault>true</IsDefault></member></Rules></DescribeRulesResult></DescribeRulesResponse>`);
        return;
      }
      if (form.Action === "DescribeTags") {
        const asked = Object.entries(form).filter(([k]) => k.startsWith("ResourceArns.member.")).map(([, v]) => v);
        const members = asked.map((arn) => {
          const tags = Object.entries(rules.find((r) => r.arn === arn)?.tags ?? {}).map(([k, v]) => `<member><Key>${xml(k)}</Key><Value>${xml(v)}</Value></member>`);
          return `<member><ResourceArn>${xml(arn)}</ResourceArn><Tags>${tags.join("")}</Tags></member>`;
        });
        res.end(`<DescribeTagsResponse ${ns}><DescribeTagsResult><TagDescriptions>${members.join("")}</TagDescriptions></DescribeTagsResult></DescribeTagsResponse>`);
        return;
      }
      if (form.Action === "ModifyRule") {
        const rule = rules.find((r) => r.arn === form.RuleArn);
        if (rule && form["Actions.member.1.Type"] === "forward") rule.forward = form["Actions.member.1.TargetGroupArn"] ?? "";
        res.end(`<ModifyRuleResponse ${ns}><ModifyRuleResult><Rules/></ModifyRuleResult></ModifyRuleResponse>`);
        return;
      }
      if (form.Action !== "DescribeTargetHealth") {
        res.statusCode = 400;
        res.end(`<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>fake: ${xml(form.Action ?? "")} is not served</Message></Error></ErrorResponse>`);
        return;
      }
      const states = script.targetHealth;
      const state = states[Math.min(healthCalls++, states.length - 1)]!;
      res.end(
        `<DescribeTargetHealthResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"><DescribeTargetHealthResult><TargetHealthDescriptions>` +
          `<member><Target><Id>10.20.1.5</Id><Port>8080</Port></Target><TargetHealth><State>${xml(state)}</State></TargetHealth></member>` +
          `</TargetHealthDescriptions></DescribeTargetHealthResult><ResponseMetadata><RequestId>fake-${healthCalls}</RequestId></ResponseMetadata></DescribeTargetHealthResponse>`,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    // Any credentials sign the requests (it checks none): the state harness's are used alongside.
    env: { AWS_ENDPOINT_URL_ECS: url, AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2: url, AWS_ENDPOINT_URL_SERVICE_QUOTAS: url },
    calls,
    script,
    reset(next = {}) {
      calls.length = 0;
      healthCalls = 0;
      script.targetHealth = next.targetHealth ?? ["healthy"];
      script.service = next.service ?? { desired: 1, running: 1, rolloutState: "COMPLETED" };
      script.rules = next.rules ?? [];
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
