/**
 * Faults injected through a TCP proxy of the suite's own (never by touching the machine's
 * services): the exchange timing out, cut, answering garbage or 5xx, a deleted key; PostgreSQL
 * cut mid-run (with DATABASE_URL); Redis cut under the shared rate limits (with REDIS_URL).
 * Runs against the router in-process (securityHarness.ts).
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type SecurityHarness, startSecurityHarness } from "./securityHarness.js";
import { type TcpProxy, startTcpProxy } from "./tcpProxy.js";

const portOf = (url: string) => Number(new URL(url).port);

async function call(h: SecurityHarness, token: string, method: string, path: string, body?: unknown) {
  const started = performance.now();
  const response = await fetch(`${h.base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: response.status, json, text, ms: performance.now() - started };
}

describe("exchange faults through a TCP proxy", () => {
  let h: SecurityHarness;
  let proxy!: TcpProxy;
  let token: string;
  let id: string;
  let bot: string;
  const TIMEOUT_MS = 1_500;
  const account = { apiKey: `FAULTKEY${randomBytes(24).toString("hex")}`.slice(0, 64), secret: randomBytes(32).toString("hex") };

  beforeAll(async () => {
    h = await startSecurityHarness({
      store: { kind: "memory" },
      exchangeTimeoutMs: TIMEOUT_MS,
      exchangeOrigin: async (exchange) => {
        proxy = await startTcpProxy({ host: "127.0.0.1", port: portOf(exchange.origin) });
        return `http://127.0.0.1:${proxy.port}`;
      },
    });
    h.exchange.addAccount({ ...account, balances: { USDT: { free: "10", locked: "0" } } });
    token = await h.token("user_faults");
    const created = await call(h, token, "POST", "/v1/credentials", { exchange: "binance", label: "faults", ...account });
    expect(created.status).toBe(201);
    id = created.json.id;
    const minted = await call(h, token, "POST", "/v1/tokens", { label: "faults", scopes: ["exchange:read", "balances:read"], credentialIds: [id] });
    bot = minted.json.token;
  });
  afterAll(async () => {
    await h.close();
    await proxy.close();
  });

  const faults: Array<{ name: string; apply: () => void }> = [
    { name: "connection refused/reset (cut)", apply: () => proxy.setMode("cut") },
    { name: "no answer (hang past the timeout)", apply: () => proxy.setMode("hang") },
    { name: "garbage bytes (corrupt)", apply: () => proxy.setMode("corrupt") },
    { name: "HTTP 5xx (exchange down)", apply: () => h.exchange.setMode("down") },
    { name: "maintenance", apply: () => h.exchange.setMode("maintenance") },
    { name: "rate limited (429/418)", apply: () => h.exchange.setMode("rate-limited") },
  ];

  it.each(faults)("$name: transient statuses within a bounded time, the credential stays active", async ({ apply }) => {
    apply();
    try {
      for (const [method, path, body, auth] of [
        ["POST", `/v1/credentials/${id}/validate`, {}, token],
        ["POST", "/v1/balances/refresh", { source: `exchange:${id}` }, token],
        ["POST", `/v1/credentials/${id}/exchange/fetchBalance`, {}, bot],
      ] as const) {
        const r = await call(h, auth, method, path, body);
        expect(r.status, `${path}: ${r.text}`).not.toBe(500);
        if (r.status >= 400) expect(["EXCHANGE_UNAVAILABLE", "EXCHANGE_RATE_LIMITED", "RATE_LIMITED"], path).toContain(r.json?.error?.code);
        // Bounded: a client timeout plus ccxt's own retries, never the default minute.
        expect(r.ms, path).toBeLessThan(TIMEOUT_MS * 4 + 2_000);
      }
    } finally {
      proxy.setMode("forward");
      h.exchange.setMode("ok");
    }
    const after = await call(h, token, "GET", `/v1/credentials/${id}`);
    expect(after.json.status).toBe("active");
    expect((await call(h, token, "POST", `/v1/credentials/${id}/validate`, {})).status).toBe(200);
  });

  it("a key the exchange no longer knows (wrong signature/deleted) is marked invalid, and only then", async () => {
    h.exchange.removeAccount(account.apiKey);
    const r = await call(h, token, "POST", `/v1/credentials/${id}/validate`, {});
    expect(r.status).toBeLessThan(500);
    expect((await call(h, token, "GET", `/v1/credentials/${id}`)).json.status).toBe("invalid");
  });
});

describe.skipIf(!process.env.DATABASE_URL)("PostgreSQL cut mid-run (real server through a TCP proxy)", () => {
  let h: SecurityHarness;
  let proxy: TcpProxy;
  let token: string;
  beforeAll(async () => {
    const url = new URL(process.env.DATABASE_URL as string);
    proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.hostname = "127.0.0.1";
    url.port = String(proxy.port);
    h = await startSecurityHarness({ store: { kind: "postgres", connectionString: url.toString() } });
    token = await h.token("user_pg_fault");
  });
  afterAll(async () => {
    proxy.setMode("forward");
    await h.close();
    await proxy.close();
  });

  it("answers 503 with the generic body within a bounded time, writes nothing half, keeps the chain, and recovers by itself", async () => {
    const acknowledged: string[] = [];
    const statuses = new Map<number, number>();
    let slowest = 0;
    let n = 0;
    const create = async () => {
      n += 1;
      const apiKey = `PGFAULT${n}${randomBytes(24).toString("hex")}`.slice(0, 64);
      h.exchange.addAccount({ apiKey, secret: "s".repeat(64), balances: { USDT: { free: "1", locked: "0" } } });
      const r = await call(h, token, "POST", "/v1/credentials", { exchange: "binance", label: `c${n}`, apiKey, secret: "s".repeat(64) });
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      slowest = Math.max(slowest, r.ms);
      if (r.status === 201) acknowledged.push(r.json.id);
      else {
        expect(r.status, r.text).toBe(503);
        expect(Object.keys(r.json.error).sort()).toEqual(["code", "message", "requestId"]);
      }
      return r.status;
    };
    for (let i = 0; i < 5; i++) expect(await create()).toBe(201);
    // Cut while writers are in flight, keep it down for 3 s, then bring it back.
    const writers = Array.from({ length: 4 }, async () => {
      const until = Date.now() + 6_000;
      while (Date.now() < until) await create();
    });
    await new Promise((r) => setTimeout(r, 500));
    proxy.setMode("cut");
    await new Promise((r) => setTimeout(r, 3_000));
    proxy.setMode("forward");
    await Promise.all(writers);
    // Recovery by itself: no restart, the next requests succeed.
    let recovered = false;
    for (let i = 0; i < 40 && !recovered; i++) {
      recovered = (await call(h, token, "GET", "/v1/credentials")).status === 200;
      if (!recovered) await new Promise((r) => setTimeout(r, 250));
    }
    expect(recovered).toBe(true);
    expect(await create()).toBe(201);
    console.log(`[faults] PostgreSQL cut 3 s under 4 writers: statuses ${[...statuses].map(([s, c]) => `${s}: ${c}`).join(", ")}; slowest answer ${Math.round(slowest)} ms`);
    expect(statuses.get(503) ?? 0).toBeGreaterThan(0);
    expect(slowest).toBeLessThan(15_000);
    // Every acknowledged create is stored and readable over the API.
    const ids = new Set((await h.knex!("api_credentials").select("id")).map((r: { id: string }) => r.id));
    for (const ack of acknowledged) expect(ids.has(ack), `acknowledged ${ack}`).toBe(true);
    for (const ack of acknowledged.slice(-5)) expect((await call(h, token, "GET", `/v1/credentials/${ack}`)).status).toBe(200);
    // No half-written row: every stored credential has its committed create event, and the chain verifies.
    const creates = (await h.knex!("audit_events").where({ action: "credential.create", outcome: "success" }).count<{ count: string }[]>("* as count"))[0]!.count;
    const rows = (await h.knex!("api_credentials").count<{ count: string }[]>("* as count"))[0]!.count;
    expect(Number(creates)).toBe(Number(rows));
    expect((await call(h, token, "GET", "/v1/audit/verify")).json.ok).toBe(true);
  }, 120_000);
});

describe.skipIf(!process.env.REDIS_URL)("Redis cut under the shared rate limits (real Redis through a TCP proxy)", () => {
  let h: SecurityHarness;
  let proxy: TcpProxy;
  let redis: import("ioredis").Redis;
  beforeAll(async () => {
    const url = new URL(process.env.REDIS_URL as string);
    proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 6379) });
    const { Redis } = await import("ioredis");
    // The reference server's client settings (examples/reference-server/src/server.ts).
    redis = new Redis({ host: "127.0.0.1", port: proxy.port, maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false });
    await new Promise<void>((resolve) => redis.once("ready", () => resolve()));
    redis.on("error", () => {});
    const prefix = `wa:sec:${randomBytes(4).toString("hex")}:`;
    h = await startSecurityHarness({
      store: { kind: "memory" },
      router: { rateLimit: { prefix, sendCommand: (...args: string[]) => redis.call(args[0]!, ...args.slice(1)) as never, perUser: { limit: 5, windowMs: 60_000 } } },
    });
  });
  afterAll(async () => {
    proxy.setMode("forward");
    await h.close();
    redis.disconnect();
    await proxy.close();
  });

  it("fails open as documented: while Redis is unreachable requests are served (no 5xx, no hang); limits return with it", async () => {
    const token = await h.token("user_redis_fault");
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await call(h, token, "GET", "/v1/me")).status);
    expect(statuses.slice(0, 5).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(5)).toEqual([429, 429]);
    proxy.setMode("cut");
    const consoleError = vi.spyOn(console, "error");
    const consoleWarn = vi.spyOn(console, "warn");
    const during = [];
    for (let i = 0; i < 10; i++) during.push(await call(h, await h.token(`user_redis_cut_${i % 2}`), "GET", "/v1/me"));
    // The outage goes to the router's logger (an error name, no stack), never to the console.
    expect(consoleError).not.toHaveBeenCalled();
    expect(consoleWarn).not.toHaveBeenCalled();
    consoleError.mockRestore();
    consoleWarn.mockRestore();
    const storeLines = h.logger.lines.filter((l) => l.includes("rate_limit_store_error"));
    expect(storeLines.length).toBeGreaterThan(0);
    expect(storeLines.join("\n")).not.toMatch(/\n\s+at |stack/);
    console.log(`[faults] Redis cut: statuses ${during.map((r) => r.status).join(",")}; slowest ${Math.round(Math.max(...during.map((r) => r.ms)))} ms`);
    for (const r of during) {
      expect(r.status).toBe(200);
      expect(r.ms).toBeLessThan(2_000);
    }
    proxy.setMode("forward");
    let limited = false;
    for (let i = 0; i < 60 && !limited; i++) {
      limited = (await call(h, token, "GET", "/v1/me")).status === 429;
      if (!limited) await new Promise((r) => setTimeout(r, 250));
    }
    expect(limited).toBe(true);
  }, 60_000);
});
