import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLoopbackVenue } from "./startLoopbackVenue.js";
import { ccxtFor, loadCcxt, rejection, type CcxtModule } from "./testSupport.js";
import type { LoopbackVenue, VenueCredentials } from "./types.js";

const pem = (type: "ed25519" | "rsa"): string =>
  (type === "rsa" ? generateKeyPairSync("rsa", { modulusLength: 2048 }) : generateKeyPairSync("ed25519")).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
const hmacKey = { apiKey: "binance-hmac", secret: "binance-secret-1" };
const edKey = { apiKey: "binance-ed25519", secret: pem("ed25519") };
const rsaKey = { apiKey: "binance-rsa", secret: pem("rsa") };
// Binance fetchBalance without these options calls 7 endpoints (STACK.md).
const spotOnly = { options: { fetchMarkets: { types: ["spot"] }, fetchMargins: false, fetchCurrencies: false } };
let venue: LoopbackVenue;
let ccxt: CcxtModule;
let skew = 0;

const client = (credentials: VenueCredentials) => ccxtFor(venue, credentials, spotOnly);

beforeAll(async () => {
  ccxt = await loadCcxt();
  const balances = { BTC: { free: "0.5", locked: "0.25" }, USDT: { free: "1000", locked: "0" } };
  venue = await startLoopbackVenue("binance", {
    clock: () => Date.now() + skew,
    accounts: [
      { credentials: hmacKey, balances, permissions: { withdraw: false, expiresAt: Date.UTC(2031, 0, 1) } },
      { credentials: edKey, balances, permissions: { withdraw: true, ips: ["127.0.0.1"] }, trades: [{ symbol: "BTC/USDT", id: "77", side: "buy", price: "60000.5", amount: "0.1", fee: "0.0001", feeAsset: "BTC", time: 1_700_000_000_000 }] },
      { credentials: rsaKey, balances },
    ],
  });
});

afterAll(async () => {
  await venue.close();
});

describe("loopback Binance through the venue registry, with the real ccxt client", () => {
  it("serves markets and balance to HMAC, Ed25519 and RSA keys", async () => {
    for (const key of [hmacKey, edKey, rsaKey]) {
      const binance = await client(key);
      expect((await binance.loadMarkets())["BTC/USDT"]).toMatchObject({ id: "BTCUSDT", spot: true });
      expect((await binance.fetchBalance())["BTC"]).toMatchObject({ free: 0.5, used: 0.25, total: 0.75 });
    }
  });

  it("serves my trades to an Ed25519 key", async () => {
    const trades = await (await client(edKey)).fetchMyTrades("BTC/USDT");
    expect(trades.map((t) => [t.id, t.symbol, t.side, t.price, t.amount])).toEqual([["77", "BTC/USDT", "buy", 60000.5, 0.1]]);
  });

  it("places, lists and cancels an order signed with an RSA key, and records what reached it", async () => {
    const binance = await client(rsaKey);
    const placed = await binance.createOrder("ETH/USDT", "limit", "buy", 0.5, 3000);
    expect((await binance.fetchOpenOrders("ETH/USDT")).map((o) => [o.id, o.price, o.amount])).toEqual([[placed.id, 3000, 0.5]]);
    await binance.cancelOrder(String(placed.id), "ETH/USDT");
    expect(await binance.fetchOpenOrders("ETH/USDT")).toEqual([]);
    const recorded = venue.orders(rsaKey.apiKey).find((o) => o.id === placed.id);
    expect(recorded).toMatchObject({ symbol: "ETH/USDT", side: "buy", type: "limit", amount: "0.5", price: "3000", status: "canceled" });
    expect(recorded?.request).toMatchObject({ symbol: "ETHUSDT", side: "BUY", type: "LIMIT", quantity: "0.5", price: "3000" });
  });

  it("maps the permission model onto apiRestrictions", async () => {
    expect(await (await client(hmacKey)).sapiGetAccountApiRestrictions()).toMatchObject({ enableWithdrawals: false, ipRestrict: false, enableSpotAndMarginTrading: true, tradingAuthorityExpirationTime: Date.UTC(2031, 0, 1) });
    expect(await (await client(edKey)).sapiGetAccountApiRestrictions()).toMatchObject({ enableWithdrawals: true, ipRestrict: true });
  });

  it("refuses an Ed25519 or RSA signature made with another key (-1022, AuthenticationError)", async () => {
    for (const forged of [{ ...edKey, secret: pem("ed25519") }, { ...rsaKey, secret: pem("rsa") }, { ...edKey, secret: "an-hmac-secret" }]) {
      const error = await rejection((await client(forged)).sapiGetAccountApiRestrictions());
      expect(error).toBeInstanceOf(ccxt.AuthenticationError);
      expect(error.message).toContain("-1022");
    }
  });

  it("refuses a timestamp outside recvWindow (-1021, InvalidNonce) whatever the key type", async () => {
    const binance = await client(edKey);
    // ccxt sends recvWindow=10000.
    skew = 11_000;
    try {
      const stale = await rejection(binance.sapiGetAccountApiRestrictions());
      expect(stale).toBeInstanceOf(ccxt.InvalidNonce);
      expect(stale.message).toContain("-1021");
    } finally {
      skew = 0;
    }
  });
});
