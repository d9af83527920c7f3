import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLoopbackVenue } from "./startLoopbackVenue.js";
import { ccxtFor, loadCcxt, rejection, type CcxtModule } from "./testSupport.js";
import type { LoopbackVenue } from "./types.js";

const credentials = { apiKey: "6717422b-kucoin-key-1", secret: "kucoin-secret-1", password: "kucoin-pass-1" };
let venue: LoopbackVenue;
let ccxt: CcxtModule;
let skew = 0;

beforeAll(async () => {
  ccxt = await loadCcxt();
  venue = await startLoopbackVenue("kucoin", {
    clock: () => Date.now() + skew,
    credentials,
    permissions: { trade: true, withdraw: false },
    balances: { BTC: { free: "0.5", locked: "0.25" }, USDT: { free: "1000", locked: "0" } },
    trades: [{ symbol: "BTC/USDT", id: "11401", side: "buy", price: "60000.5", amount: "0.1", fee: "6.00005", feeAsset: "USDT", time: 1_700_000_000_000 }],
    accounts: [
      { credentials: { apiKey: "kucoin-withdraw", secret: "s2", password: "p2" }, permissions: { withdraw: true, transfer: true, ips: ["127.0.0.1", "203.0.113.9"] } },
      { credentials: { apiKey: "kucoin-elsewhere", secret: "s3", password: "p3" }, permissions: { ips: ["203.0.113.9"] } },
    ],
  });
});

afterAll(async () => {
  await venue.close();
});

describe("loopback KuCoin with the real ccxt client", () => {
  it("serves spot symbols and the trade_hf account balance", async () => {
    const kucoin = await ccxtFor(venue, credentials);
    const markets = await kucoin.loadMarkets();
    expect(markets["BTC/USDT"]).toMatchObject({ id: "BTC-USDT", spot: true, active: true });
    const balance = await kucoin.fetchBalance();
    expect(balance["BTC"]).toMatchObject({ free: 0.5, used: 0.25, total: 0.75 });
    expect(balance["USDT"]).toMatchObject({ total: 1000 });
  });

  it("serves my trades from the HF fills", async () => {
    const trades = await (await ccxtFor(venue, credentials)).fetchMyTrades("BTC/USDT");
    expect(trades).toHaveLength(1);
    expect(trades[0]).toMatchObject({ id: "11401", symbol: "BTC/USDT", side: "buy", price: 60000.5, amount: 0.1, timestamp: 1_700_000_000_000, takerOrMaker: "taker" });
    expect(trades[0]?.fee).toMatchObject({ cost: 6.00005, currency: "USDT" });
  });

  it("places, lists and cancels a limit order, and records what reached it", async () => {
    const kucoin = await ccxtFor(venue, credentials);
    const placed = await kucoin.createOrder("ETH/USDT", "limit", "buy", 0.5, 3000);
    expect((await kucoin.fetchOpenOrders("ETH/USDT")).map((o) => [o.id, o.price, o.amount])).toEqual([[placed.id, 3000, 0.5]]);
    await kucoin.cancelOrder(String(placed.id), "ETH/USDT");
    expect(await kucoin.fetchOpenOrders("ETH/USDT")).toEqual([]);
    const recorded = venue.orders(credentials.apiKey).find((o) => o.id === placed.id);
    expect(recorded).toMatchObject({ symbol: "ETH/USDT", side: "buy", type: "limit", amount: "0.5", price: "3000", status: "canceled" });
    expect(recorded?.request).toMatchObject({ symbol: "ETH-USDT", side: "buy", type: "limit", size: "0.5", price: "3000" });
  });

  it("serves a client on KuCoin's classic (non-HF) endpoints too: trade account, orders, fills", async () => {
    // ccxt uses the classic endpoints until it has asked hf/accounts/opened (e.g. markets loaded without a key).
    venue.resetCounts();
    const kucoin = await ccxtFor(venue, credentials, { options: { hf: false } });
    expect((await kucoin.fetchBalance())["BTC"]).toMatchObject({ free: 0.5, used: 0.25, total: 0.75 });
    expect((await kucoin.fetchMyTrades("BTC/USDT")).map((t) => [t.id, t.price, t.amount])).toEqual([["11401", 60000.5, 0.1]]);
    const placed = await kucoin.createOrder("SOL/USDT", "limit", "sell", 2, 180);
    expect((await kucoin.fetchOpenOrders("SOL/USDT")).map((o) => [o.id, o.price, o.amount])).toEqual([[placed.id, 180, 2]]);
    await kucoin.cancelOrder(String(placed.id), "SOL/USDT");
    expect(await kucoin.fetchOpenOrders("SOL/USDT")).toEqual([]);
    expect(venue.requests().filter((r) => r.path.startsWith("/api/v1/hf/"))).toEqual([]);
    expect(venue.orders(credentials.apiKey).find((o) => o.id === placed.id)).toMatchObject({ symbol: "SOL/USDT", side: "sell", status: "canceled" });
  });

  it("reports permission and ipWhitelist through user/api-key", async () => {
    const info = (await (await ccxtFor(venue, credentials)).privateGetUserApiKey()) as { data: Record<string, unknown> };
    expect(info.data).toMatchObject({ apiKey: credentials.apiKey, permission: "General,Spot", ipWhitelist: "" });
    const other = (await (await ccxtFor(venue, { apiKey: "kucoin-withdraw", secret: "s2", password: "p2" })).privateGetUserApiKey()) as { data: Record<string, unknown> };
    expect(other.data).toMatchObject({ permission: "General,Spot,InnerTransfer,Transfer", ipWhitelist: "127.0.0.1,203.0.113.9" });
  });

  it("refuses a wrong secret or a wrong passphrase as AuthenticationError (400004: the passphrase is HMAC'd by the secret)", async () => {
    const badSecret = await rejection((await ccxtFor(venue, { ...credentials, secret: "kucoin-secret-X" })).privateGetUserApiKey());
    expect(badSecret).toBeInstanceOf(ccxt.AuthenticationError);
    // With a wrong secret the HMAC'd passphrase is wrong too: KuCoin checks the passphrase first.
    expect(badSecret.message).toContain("400004");
    const badPass = await rejection((await ccxtFor(venue, { ...credentials, password: "wrong" })).privateGetUserApiKey());
    expect(badPass).toBeInstanceOf(ccxt.AuthenticationError);
    expect(badPass.message).toContain("400004");
    const unknown = await rejection((await ccxtFor(venue, { ...credentials, apiKey: "nobody" })).privateGetUserApiKey());
    expect(unknown.message).toContain("400003");
  });

  it("refuses a signature over another body (400005) and a timestamp more than 5 s off (400002)", async () => {
    const { createHmac } = await import("node:crypto");
    const ts = String(Date.now());
    const sign = (payload: string) => createHmac("sha256", credentials.secret).update(payload).digest("base64");
    const headers = {
      "KC-API-KEY": credentials.apiKey,
      "KC-API-TIMESTAMP": ts,
      "KC-API-KEY-VERSION": "2",
      "KC-API-PASSPHRASE": sign(credentials.password),
      "KC-API-SIGN": sign(`${ts}GET/api/v1/accounts`),
    };
    const wrongPath = await fetch(`${venue.origin}/api/v1/user/api-key`, { headers });
    expect(wrongPath.status).toBe(401);
    expect(await wrongPath.json()).toEqual({ code: "400005", msg: "Invalid KC-API-SIGN" });
    expect((await fetch(`${venue.origin}/api/v1/accounts`, { headers })).status).toBe(200);
    const kucoin = await ccxtFor(venue, credentials);
    skew = 6_000;
    try {
      const stale = await rejection(kucoin.privateGetUserApiKey());
      expect(stale).toBeInstanceOf(ccxt.InvalidNonce);
      expect(stale.message).toContain("400002");
    } finally {
      skew = 0;
    }
  });

  it("refuses a key bound to other IPs (400006)", async () => {
    const elsewhere = await rejection((await ccxtFor(venue, { apiKey: "kucoin-elsewhere", secret: "s3", password: "p3" })).privateGetUserApiKey());
    expect(elsewhere).toBeInstanceOf(ccxt.AuthenticationError);
    expect(elsewhere.message).toContain("400006");
  });
});
