import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLoopbackExchange } from "./startLoopbackExchange.js";
import type { LoopbackExchange } from "./types.js";

type CcxtModule = typeof import("ccxt");
type Binance = InstanceType<CcxtModule["binance"]>;

let exchange: LoopbackExchange;
let ccxt: CcxtModule;
let offset = 0;
const contacted: string[] = [];

function client(apiKey: string, secret: string): Binance {
  const instance = new ccxt.binance({
    apiKey,
    secret,
    enableRateLimit: false,
    options: { fetchMarkets: { types: ["spot"] }, fetchMargins: false, fetchCurrencies: false },
  });
  const api = instance.urls.api as Record<string, string>;
  for (const [name, url] of Object.entries(api)) api[name] = exchange.origin + new URL(url).pathname;
  const original = instance.fetch.bind(instance);
  instance.fetch = (url: string, ...rest: unknown[]) => {
    contacted.push(new URL(url).origin);
    if (!url.startsWith(exchange.origin + "/")) throw new Error("refused: not the loopback exchange");
    return (original as (...args: unknown[]) => Promise<unknown>)(url, ...rest);
  };
  return instance;
}

async function signedGet(path: string, apiKey: string, secret: string, query = `timestamp=${Date.now()}`): Promise<{ status: number; body: unknown; headers: Headers }> {
  const signature = createHmac("sha256", secret).update(query).digest("hex");
  const response = await fetch(`${exchange.origin}${path}?${query}&signature=${signature}`, { headers: { "X-MBX-APIKEY": apiKey } });
  const text = await response.text();
  return { status: response.status, body: text.startsWith("{") || text.startsWith("[") ? JSON.parse(text) : text, headers: response.headers };
}

beforeAll(async () => {
  ccxt = await import("ccxt");
  exchange = await startLoopbackExchange({ clock: () => Date.now() + offset });
  exchange.addAccount({
    apiKey: "loop-key-1",
    secret: "loop-secret-1",
    balances: { BTC: { free: "0.50000000", locked: "0.25000000" }, USDT: { free: "1000.00", locked: "0" }, ETH: { free: "0", locked: "0" } },
    permissions: { enableSpotAndMarginTrading: true, tradingAuthorityExpirationTime: 1_900_000_000_000 },
    trades: [
      { symbol: "BTCUSDT", id: 1, price: "60000.00", qty: "0.10000000", commission: "0.0001", commissionAsset: "BTC", time: 1_700_000_000_000, isBuyer: true },
      { symbol: "ETHUSDT", id: 2, price: "3000.00", qty: "1.00000000", commission: "3", commissionAsset: "USDT", time: 1_700_000_100_000, isBuyer: false },
    ],
    deposits: [{ coin: "USDT", amount: "1000", txId: "0xdep1", insertTime: 1_699_000_000_000 }],
    withdrawals: [{ id: "w1", coin: "BTC", amount: "0.01", transactionFee: "0.0005", txId: "btc-tx-1", applyTime: 1_701_000_000_000 }],
  });
});

afterAll(async () => {
  await exchange.close();
});

describe("startLoopbackExchange with real ccxt (binance)", () => {
  it("serves fetchBalance from exchangeInfo plus the signed account call only", async () => {
    exchange.resetCounts();
    const balance = await client("loop-key-1", "loop-secret-1").fetchBalance();
    expect(balance["BTC"]).toMatchObject({ free: 0.5, used: 0.25, total: 0.75 });
    expect(balance["USDT"]).toMatchObject({ total: 1000 });
    expect(exchange.requestCount("/api/v3/exchangeInfo")).toBe(1);
    expect(exchange.requestCount("/api/v3/account")).toBe(1);
    expect(exchange.requestCount()).toBe(2);
  });

  it("reports key restrictions through the implicit sapi method", async () => {
    const restrictions = (await client("loop-key-1", "loop-secret-1").sapiGetAccountApiRestrictions()) as Record<string, unknown>;
    expect(restrictions.enableWithdrawals).toBe(false);
    expect(restrictions.enableSpotAndMarginTrading).toBe(true);
    expect(restrictions.tradingAuthorityExpirationTime).toBe(1_900_000_000_000);
  });

  it("serves trades, deposits and withdrawals in the shapes ccxt parses", async () => {
    const c = client("loop-key-1", "loop-secret-1");
    const trades = await c.fetchMyTrades("BTC/USDT");
    expect(trades.map((t) => [t.id, t.side, t.amount, t.price])).toEqual([["1", "buy", 0.1, 60000]]);
    const deposits = await c.fetchDeposits();
    expect(deposits.map((d) => [d.currency, d.amount, d.status, d.txid])).toEqual([["USDT", 1000, "ok", "0xdep1"]]);
    const withdrawals = await c.fetchWithdrawals();
    expect(withdrawals.map((w) => [w.currency, w.amount, w.status, w.timestamp])).toEqual([["BTC", 0.01, "ok", 1_701_000_000_000]]);
  });

  it("maps Binance error bodies to the ccxt errors a real exchange produces", async () => {
    await expect(client("loop-key-1", "wrong-secret").fetchBalance()).rejects.toBeInstanceOf(ccxt.AuthenticationError);
    await expect(client("unknown-key", "x").fetchBalance()).rejects.toBeInstanceOf(ccxt.AuthenticationError);
    offset = 120_000;
    try {
      await expect(client("loop-key-1", "loop-secret-1").fetchBalance()).rejects.toBeInstanceOf(ccxt.InvalidNonce);
    } finally {
      offset = 0;
    }
    exchange.setMode("rate-limited");
    await expect(client("loop-key-1", "loop-secret-1").fetchBalance()).rejects.toBeInstanceOf(ccxt.DDoSProtection);
    exchange.setMode("down");
    await expect(client("loop-key-1", "loop-secret-1").fetchBalance()).rejects.toBeInstanceOf(ccxt.ExchangeNotAvailable);
    exchange.setMode("maintenance");
    await expect(client("loop-key-1", "loop-secret-1").fetchBalance()).rejects.toBeInstanceOf(ccxt.OnMaintenance);
    exchange.setMode("ok");
  });

  it("never saw a host other than the loopback origin", () => {
    expect(new Set(contacted)).toEqual(new Set([exchange.origin]));
  });
});

describe("startLoopbackExchange protocol checks", () => {
  it("refuses unknown keys, bad signatures, stale timestamps and IP-restricted keys with Binance codes", async () => {
    expect(await signedGet("/api/v3/account", "nope", "x")).toMatchObject({ status: 401, body: { code: -2015 } });
    expect(await signedGet("/api/v3/account", "loop-key-1", "bad")).toMatchObject({ status: 400, body: { code: -1022 } });
    expect(await signedGet("/api/v3/account", "loop-key-1", "loop-secret-1", `timestamp=${Date.now() - 60_000}`)).toMatchObject({
      status: 400,
      body: { code: -1021 },
    });
    exchange.addAccount({ apiKey: "ip-key", secret: "ip-secret", permissions: { ipRestrict: true }, allowedIps: ["10.1.2.3"] });
    expect(await signedGet("/api/v3/account", "ip-key", "ip-secret")).toMatchObject({
      status: 401,
      body: { code: -2015, msg: "Invalid API-key, IP, or permissions for action." },
    });
    exchange.addAccount({ apiKey: "ip-key-ok", secret: "ip-secret", permissions: { ipRestrict: true }, allowedIps: ["127.0.0.1"] });
    expect((await signedGet("/api/v3/account", "ip-key-ok", "ip-secret")).status).toBe(200);
  });

  it("sends 429 with Retry-After while rate limited and counts requests per path", async () => {
    exchange.setMode("rate-limited");
    exchange.resetCounts();
    const response = await signedGet("/api/v3/account", "loop-key-1", "loop-secret-1");
    exchange.setMode("ok");
    expect(response).toMatchObject({ status: 429, body: { code: -1003 } });
    // No Retry-After unless asked for (one account's order limit); an IP limit names one.
    expect(response.headers.get("retry-after")).toBeNull();
    expect(exchange.requestCount("/api/v3/account")).toBe(1);
    const ipLimited = await startLoopbackExchange({ retryAfterSeconds: 9 });
    try {
      ipLimited.setMode("rate-limited");
      expect((await fetch(`${ipLimited.origin}/api/v3/exchangeInfo`)).headers.get("retry-after")).toBe("9");
    } finally {
      await ipLimited.close();
    }
  });

  it("serves prices set by the test", async () => {
    exchange.setPrices({ BTCUSDT: "70000.01" });
    const response = await fetch(`${exchange.origin}/api/v3/ticker/price?symbol=BTCUSDT`);
    expect(await response.json()).toEqual({ symbol: "BTCUSDT", price: "70000.01" });
  });
});
