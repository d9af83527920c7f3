import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLoopbackVenue } from "./startLoopbackVenue.js";
import { ccxtFor, loadCcxt, rejection, type CcxtModule } from "./testSupport.js";
import type { LoopbackVenue } from "./types.js";

const credentials = { apiKey: "gate-key-1", secret: "gate-secret-1" };
let venue: LoopbackVenue;
let ccxt: CcxtModule;
let skew = 0;

beforeAll(async () => {
  ccxt = await loadCcxt();
  venue = await startLoopbackVenue("gate", {
    clock: () => Date.now() + skew,
    credentials,
    permissions: { trade: true, withdraw: false },
    balances: { BTC: { free: "0.5", locked: "0.25" }, USDT: { free: "1000", locked: "0" } },
    trades: [{ symbol: "BTC/USDT", id: "5736713", side: "buy", price: "60000.5", amount: "0.1", fee: "0.0002", feeAsset: "BTC", time: 1_700_000_000_000 }],
    accounts: [
      { credentials: { apiKey: "gate-withdraw", secret: "s2" }, permissions: { withdraw: true, ips: ["127.0.0.1"] } },
      { credentials: { apiKey: "gate-elsewhere", secret: "s3" }, permissions: { ips: ["203.0.113.9"] } },
      { credentials: { apiKey: "gate-readonly", secret: "s4" }, permissions: { trade: false } },
    ],
  });
});

afterAll(async () => {
  await venue.close();
});

describe("loopback Gate v4 with the real ccxt client", () => {
  it("serves spot currency pairs and the spot balance", async () => {
    const gate = await ccxtFor(venue, credentials);
    const markets = await gate.loadMarkets();
    expect(markets["BTC/USDT"]).toMatchObject({ id: "BTC_USDT", spot: true, active: true });
    const balance = await gate.fetchBalance();
    expect(balance["BTC"]).toMatchObject({ free: 0.5, used: 0.25, total: 0.75 });
    expect(balance["USDT"]).toMatchObject({ total: 1000 });
  });

  it("serves my trades", async () => {
    const trades = await (await ccxtFor(venue, credentials)).fetchMyTrades("BTC/USDT");
    expect(trades).toHaveLength(1);
    expect(trades[0]).toMatchObject({ id: "5736713", symbol: "BTC/USDT", side: "buy", price: 60000.5, amount: 0.1, timestamp: 1_700_000_000_000, takerOrMaker: "taker" });
    expect(trades[0]?.fee).toMatchObject({ cost: 0.0002, currency: "BTC" });
  });

  it("places, lists and cancels a limit order, and records what reached it", async () => {
    const gate = await ccxtFor(venue, credentials);
    const placed = await gate.createOrder("ETH/USDT", "limit", "buy", 0.5, 3000);
    expect((await gate.fetchOpenOrders("ETH/USDT")).map((o) => [o.id, o.price, o.amount])).toEqual([[placed.id, 3000, 0.5]]);
    expect((await gate.fetchOpenOrders()).map((o) => o.id)).toEqual([placed.id]);
    await gate.cancelOrder(String(placed.id), "ETH/USDT");
    expect(await gate.fetchOpenOrders("ETH/USDT")).toEqual([]);
    const recorded = venue.orders(credentials.apiKey).find((o) => o.id === placed.id);
    expect(recorded).toMatchObject({ symbol: "ETH/USDT", side: "buy", type: "limit", amount: "0.5", price: "3000", status: "canceled" });
    expect(recorded?.request).toMatchObject({ currency_pair: "ETH_USDT", side: "buy", type: "limit", amount: "0.5", price: "3000" });
  });

  it("reports ip_whitelist through account/detail and perms through account/main_keys", async () => {
    const gate = await ccxtFor(venue, { apiKey: "gate-withdraw", secret: "s2" });
    expect(await gate.privateAccountGetDetail()).toMatchObject({ ip_whitelist: ["127.0.0.1"], key: { mode: 1 } });
    const keys = (await gate.privateAccountGetMainKeys()) as unknown as Array<Record<string, unknown>>;
    expect(keys[0]).toMatchObject({ key: "gate-withdraw", ip_whitelist: ["127.0.0.1"], perms: expect.arrayContaining([{ name: "spot", read_only: false }, { name: "wallet", read_only: false }]) });
    const own = (await (await ccxtFor(venue, credentials)).privateAccountGetMainKeys()) as unknown as Array<Record<string, unknown>>;
    expect(own[0]?.perms).toContainEqual({ name: "wallet", read_only: true });
  });

  it("refuses a wrong secret (INVALID_SIGNATURE) and an unknown key (INVALID_KEY) as AuthenticationError", async () => {
    const badSecret = await rejection((await ccxtFor(venue, { ...credentials, secret: "gate-secret-X" })).privateAccountGetDetail());
    expect(badSecret).toBeInstanceOf(ccxt.AuthenticationError);
    expect(badSecret.message).toContain("INVALID_SIGNATURE");
    const unknown = await rejection((await ccxtFor(venue, { ...credentials, apiKey: "nobody" })).privateAccountGetDetail());
    expect(unknown.message).toContain("INVALID_KEY");
  });

  it("refuses a timestamp more than 60 s off (REQUEST_EXPIRED), a key bound to other IPs and orders from a read-only key", async () => {
    const gate = await ccxtFor(venue, credentials);
    skew = 61_000;
    try {
      const stale = await rejection(gate.privateAccountGetDetail());
      expect(stale).toBeInstanceOf(ccxt.AuthenticationError);
      expect(stale.message).toContain("REQUEST_EXPIRED");
    } finally {
      skew = 0;
    }
    expect(await rejection((await ccxtFor(venue, { apiKey: "gate-elsewhere", secret: "s3" })).privateAccountGetDetail())).toBeInstanceOf(ccxt.AuthenticationError);
    const readOnly = await ccxtFor(venue, { apiKey: "gate-readonly", secret: "s4" });
    expect(await rejection(readOnly.createOrder("BTC/USDT", "limit", "buy", 0.001, 50000))).toBeInstanceOf(ccxt.PermissionDenied);
    expect(venue.orders("gate-readonly")).toEqual([]);
  });
});
