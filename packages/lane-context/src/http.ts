/**
 * Server middleware: Node's `http` request listeners and Express (or Connect-style) middleware.
 *
 * Each request gets its own LaneContext read from its headers and runs in it. Events of the
 * request and response streams (`data`, `end`, `finish`, `close`, ...) are emitted from the
 * connection's async context, not the request's (a body read with `req.on("end")` would lose
 * the lane, or on a keep-alive connection see whatever the connection was created in), so
 * `req.emit` and `res.emit` of that one request are made to run in the request's context too.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { LaneContext, laneStorage } from "./context";
import { SERVED_BY_HEADER } from "./protocol";
import type { ReadOptions } from "./read";

type Emit = (event: string | symbol, ...args: unknown[]) => boolean;
interface Emitter {
  emit: Emit;
}

/** Makes every event `emitter` emits from now on run in `context`. */
function emitInContext(emitter: Emitter, context: LaneContext): void {
  const emit = emitter.emit;
  emitter.emit = function emitWithLane(this: unknown, event: string | symbol, ...args: unknown[]): boolean {
    return laneStorage.run(context, () => emit.call(this, event, ...args));
  };
}

/**
 * Marks the response with the lane this process runs in (`x-lanes-served-by`, from `LANE` in its
 * environment), so a caller can tell which lane answered. Nothing is set outside a lane (no LANE).
 */
export function markServedBy(res: Pick<ServerResponse, "setHeader" | "headersSent">, lane: string | undefined = process.env.LANE): void {
  if (lane && !res.headersSent) res.setHeader(SERVED_BY_HEADER, lane);
}

function enter(req: IncomingMessage, res: ServerResponse | undefined, options: ReadOptions | undefined): LaneContext {
  const context = LaneContext.fromHeaders(req.headers, options);
  emitInContext(req, context);
  if (res !== undefined) {
    emitInContext(res, context);
    markServedBy(res);
  }
  return context;
}

/** Wraps an `http.createServer` request listener so each request runs in its lane context. */
export function withLaneContext<Req extends IncomingMessage, Res extends ServerResponse>(
  listener: (req: Req, res: Res) => void,
  options?: ReadOptions,
): (req: Req, res: Res) => void {
  return function laneRequestListener(this: unknown, req: Req, res: Res): void {
    const context = enter(req, res, options);
    laneStorage.run(context, () => listener.call(this, req, res));
  };
}

/** Express / Connect middleware: `app.use(laneMiddleware())`, before the routes that call other services. */
export function laneMiddleware(
  options?: ReadOptions,
): (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void {
  return function laneContextMiddleware(req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void): void {
    const context = enter(req, res, options);
    laneStorage.run(context, next);
  };
}
