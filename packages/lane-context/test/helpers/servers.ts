import { type AddressInfo, type Socket, connect } from "node:net";
import { type RequestListener, type Server, createServer } from "node:http";

/** A real http server on 127.0.0.1, port 0; close it with `close()`. */
export async function listen(listener: RequestListener): Promise<{ server: Server; port: number; close: () => Promise<void> }> {
  const server = createServer({ keepAlive: true }, listener);
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const close = async () => {
    const closed = new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    await Promise.all([...sockets].map((socket) => new Promise<void>((resolve) => (socket.once("close", () => resolve()), socket.destroy()))));
    await closed;
  };
  return { server, port, close };
}

/**
 * Writes `raw` (one or more pipelined HTTP/1.1 requests) on ONE TCP connection and resolves
 * with everything the server sent once `responses` responses have arrived (counted by their
 * status lines; bodies must not contain "HTTP/1.1 ").
 */
export function rawExchange(port: number, raw: string, responses: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let received = "";
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`timed out; received so far:\n${received}`));
    }, 10_000);
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      received += chunk;
      const count = received.split("HTTP/1.1 ").length - 1;
      const complete = count >= responses && endsWithBody(received, responses);
      if (complete) {
        clearTimeout(timer);
        socket.end();
        resolve(received);
      }
    });
    socket.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.write(raw);
  });
}

/** True once the last of `n` responses (with content-length) has its whole body. */
function endsWithBody(text: string, n: number): boolean {
  const parts = text.split("HTTP/1.1 ").slice(1);
  if (parts.length < n) return false;
  const last = parts[parts.length - 1]!;
  const head = last.indexOf("\r\n\r\n");
  if (head < 0) return false;
  const length = /content-length: (\d+)/i.exec(last.slice(0, head));
  if (!length) return false;
  return Buffer.byteLength(last.slice(head + 4)) >= Number(length[1]);
}

/** Bodies of the responses in `text`, in order. */
export function bodies(text: string): string[] {
  return text
    .split("HTTP/1.1 ")
    .slice(1)
    .map((part) => part.slice(part.indexOf("\r\n\r\n") + 4));
}
