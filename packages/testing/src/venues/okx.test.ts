import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLoopbackVenue } from "./startLoopbackVenue.js";
import { ccxtFor, loadCcxt, rejection, type CcxtModule } from "./testSupport.js";
import type { LoopbackVenue } from "./types.js";

const credentials = { apiKey: "okx-key-1", secret: "okx-secret-1", password: "okx-pass-1" };
let venue: LoopbackVenue;
let ccxt: CcxtModule;
let skew = 0;

beforeAll(async () => {
  ccxt = await loadCcxt();
  venue = await startLoopbackVenue("okx", {
    clock: () => Date.now() + skew,
    credentials,
    permissions: { trade: true, withdraw: false, ips: [] },
    balances: { BTC: { free: "0.5", locked: "0.25" }, USDT: { free: "1000", locked: "0" } },
    trades: [{ symbol: "BTC/USDT", id: "7001", side: "buy", price: "60000.5", amount: "0.1", fee: "0.0001", feeAsset: "BTC", time: 1_700_000_000_000 }],
    accounts: [
      { credentials: { apiKey: "okx-withdraw", secret: "s2", password: "p2" }, permissions: { withdraw: true, ips: ["127.0.0.1", "203.0.113.9"] } },
      { credentials: { apiKey: "okx-elsewhere", secret: "s3", password: "p3" }, permissions: { ips: ["203.0.113.9"] } },
      { credentials: { apiKey: "okx-readonly", secret: "s4", password: "p4" }, permissions: { trade: false } },
    ],
  });
});

afterAll(async () => {
  await venue.close();
});

describe("loopback OKX with the real ccxt client", () => {
  it("serves spot markets and the trading balance", async () => {
    const okx = await ccxtFor(venue, credentials);
    const markets = await okx.loadMarkets();
    expect(markets["BTC/USDT"]).toMatchObject({ id: "BTC-USDT", spot: true, active: true });
    expect(Object.keys(markets).sort()).toEqual(["BTC/USDT", "ETH/BTC", "ETH/USDT", "SOL/USDT"]);
    const balance = await okx.fetchBalance();
    expect(balance["BTC"]).toMatchObject({ free: 0.5, used: 0.25, total: 0.75 });
    expect(balance["USDT"]).toMatchObject({ free: 1000, total: 1000 });
  });

  it("serves my trades from the fills history", async () => {
    const trades = await (await ccxtFor(venue, credentials)).fetchMyTrades("BTC/USDT");
    expect(trades).toHaveLength(1);
    expect(trades[0]).toMatchObject({ id: "7001", symbol: "BTC/USDT", side: "buy", price: 60000.5, amount: 0.1, timestamp: 1_700_000_000_000, takerOrMaker: "taker" });
    expect(trades[0]?.fee).toMatchObject({ cost: 0.0001, currency: "BTC" });
  });

  it("places, lists and cancels a limit order, and records what reached it", async () => {
    const okx = await ccxtFor(venue, credentials);
    const placed = await okx.createOrder("ETH/USDT", "limit", "buy", 0.5, 3000);
    expect(placed.id).toMatch(/^\d+$/);
    expect((await okx.fetchOpenOrders("ETH/USDT")).map((o) => o.id)).toEqual([placed.id]);
    await okx.cancelOrder(String(placed.id), "ETH/USDT");
    expect(await okx.fetchOpenOrders("ETH/USDT")).toEqual([]);
    const recorded = venue.orders(credentials.apiKey).find((o) => o.id === placed.id);
    expect(recorded).toMatchObject({ symbol: "ETH/USDT", side: "buy", type: "limit", amount: "0.5", price: "3000", status: "canceled" });
    expect(recorded?.request).toMatchObject({ instId: "ETH-USDT", tdMode: "cash", ordType: "limit", sz: "0.5", px: "3000" });
  });

  it("fills a market order at the last price", async () => {
    const okx = await ccxtFor(venue, credentials);
    const placed = await okx.createOrder("BTC/USDT", "market", "sell", 0.01);
    expect(venue.orders().find((o) => o.id === placed.id)).toMatchObject({ type: "market", status: "closed", filled: "0.01", price: "65000.1" });
  });

  it("reports the key's permissions and IP list through account/config", async () => {
    const config = (await (await ccxtFor(venue, credentials)).privateGetAccountConfig()) as { data: Array<Record<string, unknown>> };
    expect(config.data[0]).toMatchObject({ perm: "read_only,trade", ip: "" });
    const withdraw = (await (await ccxtFor(venue, { apiKey: "okx-withdraw", secret: "s2", password: "p2" })).privateGetAccountConfig()) as { data: Array<Record<string, unknown>> };
    expect(withdraw.data[0]).toMatchObject({ perm: "read_only,trade,withdraw", ip: "127.0.0.1,203.0.113.9" });
  });

  it("refuses a wrong secret (50113) and a wrong passphrase (50105) as AuthenticationError", async () => {
    const badSecret = await rejection((await ccxtFor(venue, { ...credentials, secret: "okx-secret-X" })).fetchBalance());
    expect(badSecret).toBeInstanceOf(ccxt.AuthenticationError);
    expect(badSecret.message).toContain("50113");
    const badPass = await rejection((await ccxtFor(venue, { ...credentials, password: "wrong" })).fetchBalance());
    expect(badPass).toBeInstanceOf(ccxt.AuthenticationError);
    expect(badPass.message).toContain("50105");
    const unknown = await rejection((await ccxtFor(venue, { ...credentials, apiKey: "nobody" })).fetchBalance());
    expect(unknown).toBeInstanceOf(ccxt.AuthenticationError);
  });

  it("refuses a timestamp more than 30 s off its clock (50102)", async () => {
    const okx = await ccxtFor(venue, credentials);
    await okx.loadMarkets();
    skew = 31_000;
    try {
      const stale = await rejection(okx.fetchBalance());
      expect(stale).toBeInstanceOf(ccxt.InvalidNonce);
      expect(stale.message).toContain("50102");
    } finally {
      skew = 0;
    }
    skew = 25_000;
    try {
      await expect(okx.fetchBalance()).resolves.toBeDefined();
    } finally {
      skew = 0;
    }
  });

  it("refuses a key bound to other IPs (50110) and orders from a read-only key", async () => {
    const elsewhere = await rejection((await ccxtFor(venue, { apiKey: "okx-elsewhere", secret: "s3", password: "p3" })).fetchBalance());
    expect(elsewhere).toBeInstanceOf(ccxt.PermissionDenied);
    const readOnly = await ccxtFor(venue, { apiKey: "okx-readonly", secret: "s4", password: "p4" });
    await expect(readOnly.fetchBalance()).resolves.toBeDefined();
    expect(await rejection(readOnly.createOrder("BTC/USDT", "limit", "buy", 0.001, 50_000))).toBeInstanceOf(ccxt.ExchangeError);
    expect(venue.orders("okx-readonly")).toEqual([]);
  });
});
