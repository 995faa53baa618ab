import { assertLane, assertService } from "../../naming";
import { curlLine, laneRequestHeaders, sendLaneRequest, serviceBaseUrl } from "../../ops/request";
import type { CommandSpec } from "../command";
import { UsageError } from "../exit-codes";
import { ENV, JSON_OUTPUT, flag, option, required } from "../options";

/** The longest body printed (the whole body is in --json). */
const BODY_PREVIEW = 2000;

export const command: CommandSpec = {
  name: "request",
  summary: "send a test request into a lane with the headers a real client sends: a valid traceparent, tracestate ctx=lane:{lane}, baggage lane={lane}",
  description:
    "Without --url the request goes to the service's ALB (from its boot state); a service behind the edge or with an internal ALB is refused with what to do instead. --print shows the curl command line and sends nothing.",
  arguments: [{ name: "service", description: "the service, e.g. user-api", required: true }],
  options: [
    ENV,
    { flags: "--lane <lane>", description: "the lane, e.g. gray", required: true },
    { flags: "--path <path>", description: "the request path (default /)" },
    { flags: "--url <url>", description: "base URL to send to instead of the service's ALB, e.g. http://localhost:8080" },
    { flags: "--print", description: "print the curl command line instead of sending" },
    JSON_OUTPUT,
  ],
  examples: ["lanes request user-api --lane gray --env dev --path /api/users/me", "lanes request user-api --lane gray --env dev --url http://localhost:8080 --print"],
  exitCodes: ["usage", "lowerLayerMissing"],
  async run(input, ctx) {
    const env = required(input, "env", "--env dev");
    const service = assertService(input.args[0] ?? "", "service", env);
    const lane = assertLane(required(input, "lane", "--lane gray"), "lane");
    const path = option(input, "path") ?? "/";
    if (!path.startsWith("/")) throw new UsageError(`--path='${path}' must start with '/'.`);
    const given = option(input, "url");
    if (given !== undefined && !/^https?:\/\/[^\s/]+/.test(given)) throw new UsageError(`--url='${given}' is not an http(s) URL such as http://localhost:8080.`);
    const base = given ?? (await serviceBaseUrl(ctx.ops(env, { dryRun: false }).clients.s3, ctx.params.infra(env).state, ctx.params.boot(service, env)));
    const url = `${base.replace(/\/+$/, "")}${path}`;
    const headers = laneRequestHeaders(lane);
    if (flag(input, "print")) return { code: 0, result: { url, headers }, text: curlLine(url, headers) };
    ctx.progress(`GET ${url} (${Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join("; ")})`);
    const res = await sendLaneRequest(url, headers);
    const body = res.body.length > BODY_PREVIEW ? `${res.body.slice(0, BODY_PREVIEW)}… (${res.body.length} characters)` : res.body;
    return { code: res.status < 400 ? 0 : 1, result: { url, headers, status: res.status, body: res.body }, text: `${res.status}\n${body}` };
  },
};
