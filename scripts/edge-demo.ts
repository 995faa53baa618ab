/**
 * Shows the edge and the ALB meeting: runs the real viewer-request function (as CloudFront calls
 * it) on a few viewers with example rules, then asks which lane's ALB rule its `tracestate`
 * matches, with the lane rules' own header values. Run: npm run edge:demo
 */
import { join } from "node:path";
import { cloudfrontCrypto, cloudfrontModule, loadCloudFrontFunction, memoryKvs, type CfEvent, type CfRequest } from "../lib/edge/function-runtime";
import { albHeaderMatches, laneHeaderValues } from "../lib/routing";

const rules = {
  version: 3,
  lanes: ["default", "gray"],
  userId: { header: "x-user-id", cookie: "uid" },
  testerHeader: "x-lane",
  users: { gray: ["u-1001"] },
  percentages: [{ lane: "gray", percent: 10 }],
  cookie: { name: "lane", maxAgeSeconds: 86400 },
};

const fn = loadCloudFrontFunction<CfRequest>(join(__dirname, "..", "edge", "viewer-request.js"), {
  cloudfront: cloudfrontModule(memoryKvs({ rules: JSON.stringify(rules) })),
  crypto: cloudfrontCrypto,
});

function event(headers: Record<string, string>, cookies: Record<string, string> = {}): CfEvent {
  const values = (m: Record<string, string>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, { value: v }]));
  return {
    version: "1.0",
    context: { distributionDomainName: "d111111abcdef8.cloudfront.net", distributionId: "EDEMO", eventType: "viewer-request", requestId: "demo" },
    viewer: { ip: "198.51.100.11" },
    request: { method: "GET", uri: "/api/users/me", querystring: {}, headers: values({ host: "app.example.com", ...headers }), cookies: values(cookies) },
  };
}

/** The ALB's choice: the lane whose rule matches, else the default target group. */
function albLane(tracestate: string | undefined): string {
  const match = rules.lanes.filter((l) => l !== "default").find((l) => laneHeaderValues(l).some((v) => albHeaderMatches(v, tracestate ?? "")));
  return match ?? "default (no rule matched)";
}

async function main(): Promise<void> {
  const viewers: [string, Record<string, string>, Record<string, string>?][] = [
    [
      "user u-1001 (listed for gray), already traced",
      { "x-user-id": "u-1001", traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", tracestate: "rojo=00f067aa0ba902b7" },
    ],
    ["user u-3 (not listed, outside gray's 10%)", { "x-user-id": "u-3" }],
    ["a tester asking for gray", { "x-lane": "gray" }],
    ["a returning viewer with the gray cookie", {}, { lane: "gray" }],
  ];
  for (const [who, headers, cookies] of viewers) {
    const out = await fn.handler(event(headers, cookies));
    const tracestate = out.headers.tracestate?.value;
    process.stdout.write(
      `${who}\n  edge:  lane ${out.headers["x-lanes-lane"]?.value}, tracestate: ${tracestate ?? "(none)"}, traceparent: ${out.headers.traceparent?.value}\n  ALB:   ${albLane(tracestate)}\n`,
    );
  }
}

main().catch((err: Error) => {
  process.stderr.write(`${err.stack ?? err.message}\n`);
  process.exit(1);
});
