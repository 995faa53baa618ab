/**
 * A local stand-in for the two AWS APIs a deployed lane is checked with (test harness, not
 * operator code): ECS DescribeServices (JSON 1.1 protocol) and Elastic Load Balancing v2
 * DescribeTargetHealth (query protocol, XML), on 127.0.0.1. Processes reach it through the SDK's
 * service endpoint variables (`env`), so the real SDK clients are exercised end to end.
 * Target health answers follow a script (the last state repeats); every call is recorded.
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
    env: { AWS_ENDPOINT_URL_ECS: url, AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2: url },
    calls,
    script,
    reset(next = {}) {
      calls.length = 0;
      healthCalls = 0;
      script.targetHealth = next.targetHealth ?? ["healthy"];
      script.service = next.service ?? { desired: 1, running: 1, rolloutState: "COMPLETED" };
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
