import { type LoopbackExchange, startLoopbackExchange } from "@wallet-auth/testing/exchange";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isWalletAuthError } from "../errors/index.js";
import { createCcxtPriceSource } from "./CcxtPriceSource.js";

let loop: LoopbackExchange;
let now = Date.UTC(2026, 2, 1);
const clock = { now: () => new Date(now) };

beforeAll(async () => {
  loop = await startLoopbackExchange();
  loop.setPrices({ BTCUSDT: "60000.5", ETHUSDT: "3000.25" });
});
afterAll(() => loop.close());

describe("createCcxtPriceSource against the loopback Binance", () => {
  it("prices assets against USDT, USD quotes at 1, unknown assets absent", async () => {
    const prices = createCcxtPriceSource({ urls: { binance: loop.origin }, enableRateLimit: false, clock });
    expect(await prices.getUsdPrices(["btc", "ETH", "USDT", "NOPE"])).toEqual({ BTC: "60000.5", ETH: "3000.25", USDT: "1" });
  });

  it("collapses concurrent lookups into one ticker request and caches them for the TTL", async () => {
    const prices = createCcxtPriceSource({ urls: { binance: loop.origin }, enableRateLimit: false, clock, cacheTtlMs: 60_000 });
    await prices.getUsdPrices(["BTC"]); // markets loaded
    now += 61_000;
    loop.resetCounts();
    const results = await Promise.all(Array.from({ length: 20 }, () => prices.getUsdPrices(["BTC", "ETH"])));
    expect(new Set(results.map((r) => JSON.stringify(r))).size).toBe(1);
    expect(loop.requestCount("/api/v3/ticker/price")).toBe(1);
    await prices.getUsdPrices(["ETH"]);
    expect(loop.requestCount("/api/v3/ticker/price")).toBe(1);
  });

  it("reports an unreachable exchange as EXCHANGE_UNAVAILABLE", async () => {
    const prices = createCcxtPriceSource({ urls: { binance: loop.origin }, enableRateLimit: false, clock, timeoutMs: 2000 });
    loop.setMode("down");
    try {
      await expect(prices.getUsdPrices(["BTC"])).rejects.toSatisfy((e) => isWalletAuthError(e, "EXCHANGE_UNAVAILABLE"));
    } finally {
      loop.setMode("ok");
    }
  });
});
