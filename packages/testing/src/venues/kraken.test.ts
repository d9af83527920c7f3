import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLoopbackVenue } from "./startLoopbackVenue.js";
import { ccxtFor, loadCcxt, rejection, type CcxtModule } from "./testSupport.js";
import type { LoopbackVenue } from "./types.js";

const b64 = (text: string): string => Buffer.from(text).toString("base64");
const credentials = { apiKey: "kraken-key-1", secret: b64("kraken-secret-1") };
let venue: LoopbackVenue;
let ccxt: CcxtModule;

beforeAll(async () => {
  ccxt = await loadCcxt();
  venue = await startLoopbackVenue("kraken", {
    credentials,
    permissions: { trade: true, withdraw: false },
    balances: { BTC: { free: "0.5", locked: "0.25" }, USDT: { free: "1000", locked: "0" } },
    trades: [{ symbol: "BTC/USDT", id: "TXID01-AAAAA-BBBBBB", side: "buy", price: "60000.5", amount: "0.1", fee: "15.6", feeAsset: "USDT", time: 1_700_000_000_000 }],
    accounts: [
      { credentials: { apiKey: "kraken-withdraw", secret: b64("s2") }, permissions: { withdraw: true, ips: ["127.0.0.1"], expiresAt: Date.UTC(2031, 0, 1) } },
      { credentials: { apiKey: "kraken-elsewhere", secret: b64("s3") }, permissions: { ips: ["203.0.113.9"] } },
    ],
  });
});

afterAll(async () => {
  await venue.close();
});

describe("loopback Kraken with the real ccxt client", () => {
  it("serves asset pairs and the extended balance, with Kraken's asset ids", async () => {
    const kraken = await ccxtFor(venue, credentials);
    const markets = await kraken.loadMarkets();
    expect(markets["BTC/USDT"]).toMatchObject({ id: "XBTUSDT", spot: true, active: true });
    expect(markets["ETH/BTC"]).toMatchObject({ id: "XETHXXBT" });
    const balance = await kraken.fetchBalance();
    expect(balance["BTC"]).toMatchObject({ free: 0.5, used: 0.25, total: 0.75 });
    expect(balance["USDT"]).toMatchObject({ total: 1000 });
  });

  it("serves my trades from TradesHistory", async () => {
    const trades = await (await ccxtFor(venue, credentials)).fetchMyTrades("BTC/USDT");
    expect(trades).toHaveLength(1);
    expect(trades[0]).toMatchObject({ id: "TXID01-AAAAA-BBBBBB", symbol: "BTC/USDT", side: "buy", price: 60000.5, amount: 0.1, timestamp: 1_700_000_000_000 });
  });

  it("places, lists and cancels a limit order, and records what reached it", async () => {
    const kraken = await ccxtFor(venue, credentials);
    const placed = await kraken.createOrder("BTC/USDT", "limit", "buy", 0.001, 50000);
    expect(placed.id).toMatch(/^O\w{5}-KRKNL-\w{6}$/);
    expect((await kraken.fetchOpenOrders("BTC/USDT")).map((o) => [o.id, o.symbol, o.price])).toEqual([[placed.id, "BTC/USDT", 50000]]);
    await kraken.cancelOrder(String(placed.id), "BTC/USDT");
    expect(await kraken.fetchOpenOrders("BTC/USDT")).toEqual([]);
    const recorded = venue.orders(credentials.apiKey).find((o) => o.id === placed.id);
    expect(recorded).toMatchObject({ symbol: "BTC/USDT", side: "buy", type: "limit", amount: "0.001", price: "50000", status: "canceled" });
    expect(recorded?.request).toMatchObject({ pair: "XBTUSDT", type: "buy", ordertype: "limit", volume: "0.001", price: "50000" });
  });

  it("reports permissions, IP allowlist and validUntil through GetApiKeyInfo", async () => {
    const info = (await (await ccxtFor(venue, credentials)).privatePostGetApiKeyInfo()) as { result: Record<string, unknown> };
    expect(info.result).toMatchObject({ apiKey: "kraken-key-1", ipAllowlist: [], validUntil: "0" });
    expect(info.result.permissions).toContain("modify-trades");
    expect(info.result.permissions).not.toContain("withdraw-funds");
    const withdraw = (await (await ccxtFor(venue, { apiKey: "kraken-withdraw", secret: b64("s2") })).privatePostGetApiKeyInfo()) as { result: Record<string, unknown> };
    expect(withdraw.result).toMatchObject({ ipAllowlist: ["127.0.0.1"], validUntil: String(Date.UTC(2031, 0, 1) / 1000) });
    expect(withdraw.result.permissions).toContain("withdraw-funds");
  });

  it("refuses a wrong secret with EAPI:Invalid signature (ccxt: ExchangeError) and an unknown key with EAPI:Invalid key (AuthenticationError)", async () => {
    const badSecret = await rejection((await ccxtFor(venue, { ...credentials, secret: b64("kraken-secret-X") })).privatePostGetApiKeyInfo());
    expect(badSecret).toBeInstanceOf(ccxt.ExchangeError);
    expect(badSecret.message).toContain("EAPI:Invalid signature");
    const unknown = await rejection((await ccxtFor(venue, { ...credentials, apiKey: "nobody" })).privatePostGetApiKeyInfo());
    expect(unknown).toBeInstanceOf(ccxt.AuthenticationError);
  });

  it("refuses a nonce not above the key's last one (replay), but not after a refused signature", async () => {
    const kraken = await ccxtFor(venue, credentials);
    await kraken.privatePostGetApiKeyInfo();
    const replay = await ccxtFor(venue, credentials, { nonce: () => 1_000 });
    const stale = await rejection(replay.privatePostGetApiKeyInfo());
    expect(stale).toBeInstanceOf(ccxt.InvalidNonce);
    expect(stale.message).toContain("EAPI:Invalid nonce");
    // A forged request with a huge nonce must not raise the bar for the real key holder.
    const forged = await ccxtFor(venue, { ...credentials, secret: b64("forged") }, { nonce: () => 9_999_999_999_999 });
    expect((await rejection(forged.privatePostGetApiKeyInfo())).message).toContain("EAPI:Invalid signature");
    await expect(kraken.privatePostGetApiKeyInfo()).resolves.toBeDefined();
  });

  it("refuses a key bound to other IPs with EGeneral:Permission denied", async () => {
    expect(await rejection((await ccxtFor(venue, { apiKey: "kraken-elsewhere", secret: b64("s3") })).fetchBalance())).toBeInstanceOf(ccxt.PermissionDenied);
  });
});
