/**
 * Entry point in a container (or a local process): SERVICE and LANE (set by the platform for
 * every lane), PORT (the container port, default 8080), `{CALLEE}_URL` variables (params
 * `calls`), LANE_PROPAGATION=otel to use OpenTelemetry's propagation API instead of the package
 * middleware, LANE_UNHEALTHY=1 to fail the health check. Prints `listening <url>` when ready.
 */
import { startLaneApp } from "./app";

const env = process.env;
startLaneApp({
  service: env.SERVICE ?? "lane-app",
  lane: env.LANE ?? "default",
  environment: env,
  propagation: env.LANE_PROPAGATION === "otel" ? "otel" : "package",
  port: Number(env.PORT ?? 8080),
  host: env.HOST ?? "0.0.0.0",
  unhealthy: env.LANE_UNHEALTHY === "1",
}).then(
  (app) => {
    process.stdout.write(`listening ${app.url}\n`);
    const stop = () => void app.close().then(() => process.exit(0));
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
  },
  (err: unknown) => {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  },
);
