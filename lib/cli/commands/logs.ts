import { assertLane } from "../../naming";
import { laneLogLocation, streamLaneLogs } from "../../ops/logs";
import { durationMs } from "../../ttl";
import type { CommandSpec } from "../command";
import { UsageError } from "../exit-codes";
import { ENV, SERVICE_REQUIRED, flag, option, required } from "../options";

export const command: CommandSpec = {
  name: "logs",
  summary: "a lane's log events (streams {lane}/… of the service's log group), newest last; --follow keeps reading",
  arguments: [{ name: "lane", description: "the lane, e.g. gray", required: true }],
  options: [
    ENV,
    SERVICE_REQUIRED,
    { flags: "--since <duration>", description: "events from this long ago, e.g. 10m, 2h, 1d (default 10m)" },
    { flags: "--follow", description: "keep printing new events until interrupted (Ctrl-C)" },
  ],
  examples: ["lanes logs gray --service user-api --env dev --since 1h", "lanes logs gray --service user-api --env dev --follow"],
  exitCodes: ["usage"],
  async run(input, ctx) {
    const env = required(input, "env", "--env dev");
    const service = required(input, "service", "--service user-api");
    const lane = assertLane(input.args[0] ?? "", "lane");
    ctx.params.service(service, env);
    const since = option(input, "since") ?? "10m";
    const sinceMs = durationMs(since);
    if (sinceMs === undefined) throw new UsageError(`--since='${since}' is not a duration. Allowed: a number with m, h, d or w, e.g. 10m, 2h, 1d.`);
    const region = ctx.params.infra(env).region;
    const clock = ctx.clock();
    const where = laneLogLocation(service, env, lane);
    ctx.progress(`${where.logGroupName}, streams ${where.logStreamNamePrefix}*, since ${since} ago${flag(input, "follow") ? " (following; Ctrl-C stops)" : ""}`);
    const printed = await streamLaneLogs(
      ctx.logs(region),
      { service, env, lane, startTime: clock.now() - sinceMs },
      {
        follow: flag(input, "follow"),
        intervalMs: Number(ctx.env.LANES_LOGS_INTERVAL_SECONDS ?? 2) * 1000,
        sleep: (ms) => clock.sleep(ms),
        write: (line) => ctx.output(line),
        ...(ctx.deps.signal ? { signal: ctx.deps.signal } : {}),
      },
    );
    return { code: 0, result: { service, env, lane, ...where, events: printed }, text: printed === 0 ? `no events from lane ${lane} in the last ${since}` : "" };
  },
};
