import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLoopbackVenue } from "./startLoopbackVenue.js";
import { ccxtFor, loadCcxt, rejection, type CcxtModule } from "./testSupport.js";
import type { LoopbackVenue } from "./types.js";

const credentials = { apiKey: "bg_loopback_key_1", secret: "bitget-secret-1", password: "bitget-pass-1" };
let venue: LoopbackVenue;
let ccxt: CcxtModule;
let skew = 0;

beforeAll(async () => {
  ccxt = await loadCcxt();
  venue = await startLoopbackVenue("bitget", {
    clock: () => Date.now() + skew,
    credentials,
    permissions: { trade: true, withdraw: false },
    balances: { BTC: { free: "0.5", locked: "0.25" }, USDT: { free: "1000", locked: "0" } },
    trades: [{ symbol: "BTC/USDT", id: "1234567890", side: "sell", price: "60000.5", amount: "0.1", fee: "6.00005", feeAsset: "USDT", time: 1_700_000_000_000, maker: true }],
    accounts: [
      { credentials: { apiKey: "bg_withdraw", secret: "s2", password: "p2" }, permissions: { withdraw: true, ips: ["127.0.0.1"] } },
      { credentials: { apiKey: "bg_elsewhere", secret: "s3", password: "p3" }, permissions: { ips: ["203.0.113.9"] } },
    ],
  });
});

afterAll(async () => {
  await venue.close();
});

describe("loopback Bitget v2 with the real ccxt client", () => {
  it("serves spot symbols and the spot assets balance", async () => {
    const bitget = await ccxtFor(venue, credentials);
    const markets = await bitget.loadMarkets();
    expect(markets["BTC/USDT"]).toMatchObject({ id: "BTCUSDT", spot: true, active: true });
    const balance = await bitget.fetchBalance();
    expect(balance["BTC"]).toMatchObject({ free: 0.5, used: 0.25, total: 0.75 });
    expect(balance["USDT"]).toMatchObject({ total: 1000 });
  });

  it("serves my trades from the spot fills", async () => {
    const trades = await (await ccxtFor(venue, credentials)).fetchMyTrades("BTC/USDT");
    expect(trades).toHaveLength(1);
    expect(trades[0]).toMatchObject({ id: "1234567890", symbol: "BTC/USDT", side: "sell", price: 60000.5, amount: 0.1, timestamp: 1_700_000_000_000, takerOrMaker: "maker" });
    expect(trades[0]?.fee).toMatchObject({ cost: 6.00005, currency: "USDT" });
  });

  it("places, lists and cancels a limit order, and records what reached it", async () => {
    const bitget = await ccxtFor(venue, credentials);
    const placed = await bitget.createOrder("ETH/USDT", "limit", "buy", 0.5, 3000);
    expect((await bitget.fetchOpenOrders("ETH/USDT")).map((o) => [o.id, o.price, o.amount])).toEqual([[placed.id, 3000, 0.5]]);
    await bitget.cancelOrder(String(placed.id), "ETH/USDT");
    expect(await bitget.fetchOpenOrders("ETH/USDT")).toEqual([]);
    const recorded = venue.orders(credentials.apiKey).find((o) => o.id === placed.id);
    expect(recorded).toMatchObject({ symbol: "ETH/USDT", side: "buy", type: "limit", amount: "0.5", price: "3000", status: "canceled" });
    expect(recorded?.request).toMatchObject({ symbol: "ETHUSDT", side: "buy", orderType: "limit", size: "0.5", price: "3000" });
  });

  it("reports authorities in Bitget's permission codes and ips through spot account info", async () => {
    const info = (await (await ccxtFor(venue, credentials)).privateSpotGetV2SpotAccountInfo()) as { data: Record<string, unknown> };
    expect(info.data).toMatchObject({ authorities: ["stor", "stow", "wtor"], ips: "" });
    const withdraw = (await (await ccxtFor(venue, { apiKey: "bg_withdraw", secret: "s2", password: "p2" })).privateSpotGetV2SpotAccountInfo()) as { data: Record<string, unknown> };
    expect(withdraw.data).toMatchObject({ authorities: ["stor", "stow", "wtor", "wwow"], ips: "127.0.0.1" });
  });

  it("refuses a wrong secret (40009) and a wrong passphrase (40012) as AuthenticationError", async () => {
    const badSecret = await rejection((await ccxtFor(venue, { ...credentials, secret: "bitget-secret-X" })).privateSpotGetV2SpotAccountInfo());
    expect(badSecret).toBeInstanceOf(ccxt.AuthenticationError);
    expect(badSecret.message).toContain("40009");
    const badPass = await rejection((await ccxtFor(venue, { ...credentials, password: "wrong" })).privateSpotGetV2SpotAccountInfo());
    expect(badPass).toBeInstanceOf(ccxt.AuthenticationError);
    expect(badPass.message).toContain("40012");
  });

  it("refuses a timestamp more than 30 s off (40008) and a key bound to other IPs (40018)", async () => {
    const bitget = await ccxtFor(venue, credentials);
    skew = -31_000;
    try {
      const stale = await rejection(bitget.privateSpotGetV2SpotAccountInfo());
      expect(stale).toBeInstanceOf(ccxt.InvalidNonce);
      expect(stale.message).toContain("40008");
    } finally {
      skew = 0;
    }
    expect(await rejection((await ccxtFor(venue, { apiKey: "bg_elsewhere", secret: "s3", password: "p3" })).privateSpotGetV2SpotAccountInfo())).toBeInstanceOf(ccxt.PermissionDenied);
  });
});
