import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TcpProxy, startTcpProxy } from "./tcpProxy.js";

/** One round trip through the proxy: "ok:<bytes>" or "error:<code>" or "timeout". */
async function roundTrip(port: number, payload: string, timeoutMs = 300): Promise<string> {
  const { connect } = await import("node:net");
  return new Promise((resolve) => {
    const s = connect(port, "127.0.0.1");
    const timer = setTimeout(() => (s.destroy(), resolve("timeout")), timeoutMs);
    s.on("connect", () => s.write(payload));
    s.on("data", (d) => (clearTimeout(timer), s.destroy(), resolve(`ok:${d.toString("latin1")}`)));
    s.on("error", (e: NodeJS.ErrnoException) => (clearTimeout(timer), resolve(`error:${e.code ?? "?"}`)));
    s.on("close", () => (clearTimeout(timer), resolve("closed")));
  });
}

describe("security TCP proxy", () => {
  const echo = createServer((s) => s.on("error", () => s.destroy()).on("data", (d) => s.write(d)));
  let proxy: TcpProxy;
  beforeAll(async () => {
    await new Promise<void>((r) => echo.listen(0, "127.0.0.1", r));
    const port = (echo.address() as { port: number }).port;
    proxy = await startTcpProxy({ host: "127.0.0.1", port });
  });
  afterAll(async () => {
    await proxy.close();
    echo.close();
  });

  it("forwards, cuts, hangs, corrupts and recovers on command", async () => {
    expect(await roundTrip(proxy.port, "ping")).toBe("ok:ping");
    proxy.setMode("cut");
    expect(await roundTrip(proxy.port, "ping")).toMatch(/^(error:ECONNRESET|closed)$/);
    proxy.setMode("hang");
    expect(await roundTrip(proxy.port, "ping")).toBe("timeout");
    proxy.setMode("corrupt");
    const corrupted = await roundTrip(proxy.port, "pingpong");
    expect(corrupted.startsWith("ok:")).toBe(true);
    expect(corrupted).not.toBe("ok:pingpong");
    proxy.setMode("forward");
    proxy.setDelay(120);
    const started = performance.now();
    expect(await roundTrip(proxy.port, "ping", 1000)).toBe("ok:ping");
    expect(performance.now() - started).toBeGreaterThanOrEqual(200);
    proxy.setDelay(0);
  });
});
