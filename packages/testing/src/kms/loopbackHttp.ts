import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { Socket } from "node:net";

/** A small JSON server on 127.0.0.1 that can be told to stop answering (to test timeouts). */
export interface LoopbackHttp {
  readonly origin: string;
  /** While `true`, requests are read and then left unanswered until `stall(false)` or `close()`. */
  stall(on: boolean): void;
  close(): Promise<void>;
}

export type JsonHandler = (request: { method: string; url: string; headers: IncomingMessage["headers"]; body: Buffer }, response: ServerResponse) => void;

/** Starts `handler` on 127.0.0.1 (random port); bodies are read whole (at most 1 MiB). */
export async function startLoopbackHttp(handler: JsonHandler): Promise<LoopbackHttp> {
  const sockets = new Set<Socket>();
  const held: ServerResponse[] = [];
  let stalled = false;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > 1024 * 1024) req.destroy();
      else chunks.push(chunk);
    });
    req.on("end", () => {
      if (stalled) {
        held.push(res);
        return;
      }
      try {
        handler({ method: req.method ?? "GET", url: req.url ?? "/", headers: req.headers, body: Buffer.concat(chunks) }, res);
      } catch {
        if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
        res.end('{"errors":["internal error"]}');
      }
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  return {
    origin: `http://127.0.0.1:${address.port}`,
    stall(on) {
      stalled = on;
      if (!on) for (const res of held.splice(0)) res.destroy();
    },
    async close() {
      for (const res of held.splice(0)) res.destroy();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Writes a JSON answer. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}
