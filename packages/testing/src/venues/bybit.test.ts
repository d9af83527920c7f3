import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLoopbackVenue } from "./startLoopbackVenue.js";
import { ccxtFor, loadCcxt, rejection, type CcxtModule } from "./testSupport.js";
import type { LoopbackVenue } from "./types.js";

const credentials = { apiKey: "bybit-key-1", secret: "bybit-secret-1" };
const rsaPem = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
const rsa = { apiKey: "bybit-rsa", secret: rsaPem };
const expiry = Date.UTC(2031, 5, 1);
let venue: LoopbackVenue;
let ccxt: CcxtModule;
let skew = 0;

beforeAll(async () => {
  ccxt = await loadCcxt();
  venue = await startLoopbackVenue("bybit", {
    clock: () => Date.now() + skew,
    credentials,
    permissions: { trade: true, withdraw: false, expiresAt: expiry },
    balances: { BTC: { free: "0.5", locked: "0.25" }, USDT: { free: "1000", locked: "0" } },
    trades: [{ symbol: "BTC/USDT", id: "exec-1", side: "sell", price: "61000", amount: "0.2", fee: "12.2", feeAsset: "USDT", time: 1_700_000_000_000, maker: true }],
    accounts: [
      { credentials: rsa, permissions: { withdraw: true, transfer: true, ips: ["127.0.0.1"] }, balances: { ETH: { free: "2", locked: "0" } } },
      { credentials: { apiKey: "bybit-elsewhere", secret: "s3" }, permissions: { ips: ["203.0.113.9"] } },
      { credentials: { apiKey: "bybit-expired", secret: "s4" }, permissions: { expiresAt: Date.UTC(2020, 0, 1) } },
    ],
  });
});

afterAll(async () => {
  await venue.close();
});

describe("loopback Bybit v5 with the real ccxt client", () => {
  it("serves spot markets and the unified wallet balance", async () => {
    const bybit = await ccxtFor(venue, credentials);
    const markets = await bybit.loadMarkets();
    expect(markets["ETH/USDT"]).toMatchObject({ id: "ETHUSDT", spot: true, active: true });
    const balance = await bybit.fetchBalance();
    expect(balance["BTC"]).toMatchObject({ free: 0.5, used: 0.25, total: 0.75 });
    expect(balance["USDT"]).toMatchObject({ free: 1000, total: 1000 });
  });

  it("serves my trades from the execution list", async () => {
    const trades = await (await ccxtFor(venue, credentials)).fetchMyTrades("BTC/USDT");
    expect(trades).toHaveLength(1);
    expect(trades[0]).toMatchObject({ id: "exec-1", symbol: "BTC/USDT", side: "sell", price: 61000, amount: 0.2, takerOrMaker: "maker", timestamp: 1_700_000_000_000 });
    expect(trades[0]?.fee).toMatchObject({ cost: 12.2, currency: "USDT" });
  });

  it("places, lists and cancels a limit order, and records what reached it", async () => {
    const bybit = await ccxtFor(venue, credentials);
    const placed = await bybit.createOrder("BTC/USDT", "limit", "buy", 0.001, 50000);
    expect((await bybit.fetchOpenOrders("BTC/USDT")).map((o) => o.id)).toEqual([placed.id]);
    await bybit.cancelOrder(String(placed.id), "BTC/USDT");
    expect(await bybit.fetchOpenOrders("BTC/USDT")).toEqual([]);
    const recorded = venue.orders(credentials.apiKey).find((o) => o.id === placed.id);
    expect(recorded).toMatchObject({ symbol: "BTC/USDT", side: "buy", type: "limit", amount: "0.001", price: "50000", status: "canceled" });
    expect(recorded?.request).toMatchObject({ category: "spot", symbol: "BTCUSDT", side: "Buy", orderType: "Limit", qty: "0.001", price: "50000" });
  });

  it("reports readOnly, permissions, ips and expiredAt through query-api", async () => {
    const info = (await (await ccxtFor(venue, credentials)).privateGetV5UserQueryApi()) as { result: Record<string, unknown> };
    expect(info.result).toMatchObject({ readOnly: 0, ips: ["*"], expiredAt: "2031-06-01T00:00:00Z", permissions: { Spot: ["SpotTrade"], Wallet: [] } });
    const rsaInfo = (await (await ccxtFor(venue, rsa)).privateGetV5UserQueryApi()) as { result: Record<string, unknown> };
    expect(rsaInfo.result).toMatchObject({ ips: ["127.0.0.1"], expiredAt: "", deadlineDay: -1, permissions: { Wallet: ["AccountTransfer", "SubMemberTransfer", "Withdraw"] } });
  });

  it("verifies an RSA key's signature with its public key", async () => {
    const bybit = await ccxtFor(venue, rsa);
    expect((await bybit.fetchBalance())["ETH"]).toMatchObject({ total: 2 });
    const otherPem = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const forged = await rejection((await ccxtFor(venue, { apiKey: rsa.apiKey, secret: otherPem })).privateGetV5UserQueryApi());
    expect(forged).toBeInstanceOf(ccxt.AuthenticationError);
    expect(forged.message).toContain("10004");
  });

  it("refuses a wrong secret (10004) and an unknown key (10003) as AuthenticationError", async () => {
    const badSecret = await rejection((await ccxtFor(venue, { ...credentials, secret: "bybit-secret-X" })).privateGetV5UserQueryApi());
    expect(badSecret).toBeInstanceOf(ccxt.AuthenticationError);
    expect(badSecret.message).toContain("10004");
    const unknown = await rejection((await ccxtFor(venue, { ...credentials, apiKey: "nobody" })).privateGetV5UserQueryApi());
    expect(unknown).toBeInstanceOf(ccxt.AuthenticationError);
  });

  it("refuses a timestamp outside recvWindow or 1 s ahead (10002, InvalidNonce)", async () => {
    const bybit = await ccxtFor(venue, credentials);
    skew = 6_000;
    try {
      const stale = await rejection(bybit.privateGetV5UserQueryApi());
      expect(stale).toBeInstanceOf(ccxt.InvalidNonce);
      expect(stale.message).toContain("10002");
    } finally {
      skew = 0;
    }
    skew = -1_500;
    try {
      expect(await rejection(bybit.privateGetV5UserQueryApi())).toBeInstanceOf(ccxt.InvalidNonce);
    } finally {
      skew = 0;
    }
  });

  it("refuses a key bound to other IPs (10010) and an expired key (33004)", async () => {
    expect(await rejection((await ccxtFor(venue, { apiKey: "bybit-elsewhere", secret: "s3" })).privateGetV5UserQueryApi())).toBeInstanceOf(ccxt.PermissionDenied);
    const expired = await rejection((await ccxtFor(venue, { apiKey: "bybit-expired", secret: "s4" })).privateGetV5UserQueryApi());
    expect(expired).toBeInstanceOf(ccxt.AuthenticationError);
    expect(expired.message).toContain("33004");
  });
});
