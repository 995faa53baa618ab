/**
 * Shows the edge and the ALB meeting: runs the real viewer-request function (as CloudFront calls
 * it, with requireSigned on as outside dev) on a few viewers with example rules and keys, then
 * asks which lane's ALB rule its `tracestate` matches, with the lane rules' own header values
 * (judged by the ALB model the tests use, lib/harness/alb-match.ts).
 * Run: npm run edge:demo
 */
import { createHmac } from "node:crypto";
import { join } from "node:path";
import { cloudfrontCrypto, cloudfrontModule, loadCloudFrontFunction, memoryKvs, type CfEvent, type CfRequest } from "../lib/edge/function-runtime";
import { albHeaderConditionMatches } from "../lib/harness/alb-match";
import { laneHeaderValues } from "../lib/routing";

const keysModule = require("../edge/keys.js") as typeof import("../edge/keys");

const rules = {
  version: 3,
  lanes: ["default", "gray"],
  userId: { header: "authorization", cookie: "session" },
  testerHeader: "x-lane",
  users: { gray: ["u-1001"] },
  percentages: [{ lane: "gray", percent: 10 }],
  cookie: { name: "lane", maxAgeSeconds: 86400 },
  changed: { default: 3, gray: 3 },
};
// Demo keys: the sync makes the edge key, the identity provider owns the user key.
const edgeKey = { id: "e20261202t070000", key: "Zr3Yq0c7mH2v5S1xW9pL4tK8nB6dF0gJ2hQ7aE1uC3o" };
const userKey = { id: "idp-2026", key: "the identity provider's HS256 secret, 40+ characters" };
const keys = { edge: [edgeKey], user: [userKey] };

const fn = loadCloudFrontFunction<CfRequest>(
  join(__dirname, "..", "edge", "viewer-request.js"),
  { cloudfront: cloudfrontModule(memoryKvs({ rules: JSON.stringify(rules), keys: JSON.stringify(keys) })), crypto: cloudfrontCrypto },
  { requireSigned: true },
);

const now = Math.floor(Date.now() / 1000);
const b64 = (s: string) => Buffer.from(s).toString("base64url");
/** What the identity provider issues: an HS256 JWT whose `sub` is the user id. */
function jwt(sub: string): string {
  const input = `${b64(JSON.stringify({ alg: "HS256", typ: "JWT", kid: userKey.id }))}.${b64(JSON.stringify({ sub, exp: now + 3600 }))}`;
  return `${input}.${createHmac("sha256", userKey.key).update(input).digest("base64url")}`;
}
/** The sticky cookie the edge set for gray on an earlier visit. */
function grayCookie(): string {
  const payload = `gray.3.${now + 3600}.${edgeKey.id}`;
  return `${payload}.${createHmac("sha256", edgeKey.key).update(`c.${payload}`).digest("base64url")}`;
}

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
  const match = rules.lanes.filter((l) => l !== "default").find((l) => albHeaderConditionMatches(laneHeaderValues(l), tracestate));
  return match ?? "default (no rule matched)";
}

async function main(): Promise<void> {
  const viewers: [string, Record<string, string>, Record<string, string>?][] = [
    [
      "user u-1001 (signed in, listed for gray), already traced",
      { authorization: `Bearer ${jwt("u-1001")}`, traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", tracestate: "rojo=00f067aa0ba902b7" },
    ],
    ["user u-3 (signed in, not listed, outside gray's 10%)", { authorization: `Bearer ${jwt("u-3")}` }],
    ["a tester with a token from `lanes edge token gray`", { "x-lane": keysModule.mintToken("gray", now + 7200, edgeKey) }],
    ["someone asking for gray without a token", { "x-lane": "gray" }],
    ["someone claiming to be u-1001 without a signature", { authorization: "u-1001" }],
    ["a self-made gray cookie", {}, { lane: "gray" }],
    ["a returning viewer with the gray cookie the edge signed", {}, { lane: grayCookie() }],
  ];
  const log = console.log;
  for (const [who, headers, cookies] of viewers) {
    // What the function logs (CloudWatch Logs in us-east-1, counted by the metric filters).
    const logged: string[] = [];
    console.log = (line: unknown) => void logged.push(String(line));
    const out = await fn.handler(event(headers, cookies)).finally(() => (console.log = log));
    const tracestate = out.headers.tracestate?.value;
    process.stdout.write(
      `${who}\n  edge:  lane ${out.headers["x-lanes-lane"]?.value}, tracestate: ${tracestate ?? "(none)"}${logged.map((l) => `\n  log:   ${l}`).join("")}\n  ALB:   ${albLane(tracestate)}\n`,
    );
  }
}

main().catch((err: Error) => {
  process.stderr.write(`${err.stack ?? err.message}\n`);
  process.exit(1);
});
