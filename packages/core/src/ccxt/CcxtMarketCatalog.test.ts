import { type LoopbackExchange, startLoopbackExchange } from "@wallet-auth/testing/exchange";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseTradePolicy } from "../policy/parseTradePolicy.js";
import { defaultTradePolicy } from "../policy/tradePolicySchema.js";
import { createCcxtMarketCatalog } from "./CcxtMarketCatalog.js";

let loop: LoopbackExchange;
beforeAll(async () => {
  loop = await startLoopbackExchange();
});
afterAll(() => loop.close());

describe("createCcxtMarketCatalog against the loopback Binance", () => {
  it("lists the venue's markets with the quote precision, loads them once, and refuses venues not offered", async () => {
    const catalog = createCcxtMarketCatalog({ urls: { binance: loop.origin }, enableRateLimit: false, exchanges: ["binance"] });
    loop.resetCounts();
    const [markets] = await Promise.all([catalog.markets("binance"), catalog.markets("binance")]);
    expect(markets.get("BTC/USDT")).toEqual({ symbol: "BTC/USDT", quote: "USDT", quotePrecision: 8 });
    expect(markets.get("ETH/BTC")).toMatchObject({ quote: "BTC" });
    expect(markets.has("PEPE/USDT")).toBe(false);
    expect(loop.requestCount("/api/v3/exchangeInfo")).toBe(1);
    await expect(catalog.markets("kraken")).rejects.toMatchObject({ code: "EXCHANGE_UNSUPPORTED" });
    // What the policy check makes of it: an unlisted symbol and a cap finer than 8 places are refused.
    expect(() => parseTradePolicy({ ...defaultTradePolicy(), symbols: ["PEPE/USDT"] }, markets)).toThrow(expect.objectContaining({ details: { fields: ["policy.symbols"] } }));
    expect(() => parseTradePolicy({ ...defaultTradePolicy(), maxOrderNotional: "1.000000001" }, markets)).toThrow(expect.objectContaining({ details: { fields: ["policy.maxOrderNotional"] } }));
  });
});
