/**
 * A TCP proxy a test puts between the code under test and a dependency (PostgreSQL, Redis, the
 * exchange) to inject faults without touching the machine's own services: cut every connection
 * and refuse new ones, hold connections open without forwarding (a hang), add latency, or
 * corrupt the bytes coming back.
 *
 * @module
 */
import { type Server, type Socket, connect, createServer } from "node:net";

/** What the proxy does with traffic right now. */
export type ProxyMode =
  /** Forward both ways. */
  | "forward"
  /** Reset every open connection; new ones are accepted and reset at once (a dead host or port). */
  | "cut"
  /** Accept and hold: nothing is forwarded or answered (a black hole, a hung peer). */
  | "hang"
  /** Forward, but flip bytes of every chunk coming back from the dependency. */
  | "corrupt";

/** A running proxy. */
export interface TcpProxy {
  /** The local port to point the client at. */
  readonly port: number;
  /** Current mode. */
  readonly mode: ProxyMode;
  /** Switches mode; `cut` also resets the connections open now. */
  setMode(mode: ProxyMode): void;
  /** Extra delay in ms before each chunk is passed on, both ways (0 = none). */
  setDelay(ms: number): void;
  /** Connections accepted so far. */
  connections(): number;
  /** Stops listening and resets every connection. */
  close(): Promise<void>;
}

/**
 * Starts a proxy on 127.0.0.1 (a free port) in front of `target`.
 *
 * @param target - host and port of the dependency
 * @returns the proxy, in `forward` mode
 */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let mode: ProxyMode = "forward";
  let delayMs = 0;
  let accepted = 0;
  const open = new Set<Socket>();
  const track = (s: Socket) => {
    open.add(s);
    s.on("close", () => open.delete(s));
    s.on("error", () => s.destroy());
  };
  const pass = (from: Socket, to: Socket, corruptible: boolean) => {
    from.on("data", (chunk: Buffer) => {
      const send = () => {
        if (mode === "cut" || to.destroyed) return;
        if (mode === "hang") return;
        if (corruptible && mode === "corrupt") {
          const bad = Buffer.from(chunk);
          for (let i = 0; i < bad.length; i += 7) bad[i] = (bad[i] as number) ^ 0x5a;
          to.write(bad);
        } else to.write(chunk);
      };
      if (delayMs > 0) setTimeout(send, delayMs);
      else send();
    });
    from.on("end", () => to.end());
  };
  const server: Server = createServer((client) => {
    accepted += 1;
    track(client);
    if (mode === "cut") {
      client.resetAndDestroy();
      return;
    }
    if (mode === "hang") return;
    const upstream = connect(target.port, target.host);
    track(upstream);
    upstream.on("close", () => client.destroy());
    client.on("close", () => upstream.destroy());
    pass(client, upstream, false);
    pass(upstream, client, true);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("proxy did not bind");
  return {
    port: address.port,
    get mode() {
      return mode;
    },
    setMode(next) {
      mode = next;
      if (next === "cut") for (const s of open) s.resetAndDestroy();
    },
    setDelay(ms) {
      delayMs = ms;
    },
    connections: () => accepted,
    close: async () => {
      for (const s of open) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
