import { describe, expect, it } from "vitest";
import type { MarketCatalogEntry } from "../ports/MarketCatalog.js";
import { parseTradePolicy } from "./parseTradePolicy.js";
import { policyWidening } from "./policyWidening.js";
import { type TradePolicy, defaultTradePolicy } from "./tradePolicySchema.js";

const markets = new Map<string, MarketCatalogEntry>(
  [
    ["BTC/USDT", "USDT", 8],
    ["ETH/USDT", "USDT", 8],
    ["ETH/BTC", "BTC", 8],
  ].map(([symbol, quote, quotePrecision]) => [symbol as string, { symbol: symbol as string, quote: quote as string, quotePrecision: quotePrecision as number }]),
);

const valid: TradePolicy = { ...defaultTradePolicy(), symbols: ["BTC/USDT"], minOrderNotional: "5" };

const fieldsOf = (input: unknown, m: ReadonlyMap<string, MarketCatalogEntry> | null = markets): unknown => {
  try {
    parseTradePolicy(input, m);
    return "accepted";
  } catch (error) {
    expect(error).toMatchObject({ code: "INVALID_INPUT" });
    return (error as { details?: { fields?: unknown } }).details?.fields;
  }
};

describe("trade policy validation", () => {
  it("accepts the default policy and a narrowed one", () => {
    expect(fieldsOf(defaultTradePolicy())).toBe("accepted");
    expect(fieldsOf(valid)).toBe("accepted");
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ["a negative cap", { maxOrderNotional: "-1" }, ["policy.maxOrderNotional"]],
    ["a zero cap", { maxOrderNotional: "0" }, ["policy.maxOrderNotional"]],
    ["text as a cap", { maxOrderNotional: "abc" }, ["policy.maxOrderNotional"]],
    ["a list where a string belongs", { quoteCurrency: ["USDT"], sides: "buy" }, ["policy.quoteCurrency", "policy.sides"]],
    ["a zero window cap", { window: { seconds: 60, maxNotional: "0.0" } }, ["policy.window"]],
    ["a window of zero seconds", { window: { seconds: 0, maxNotional: "10" } }, ["policy.window"]],
    ["a fractional window", { window: { seconds: 1.5, maxNotional: "10" } }, ["policy.window"]],
    ["a float instead of a decimal string", { maxOrderNotional: 100 }, ["policy.maxOrderNotional"]],
    ["an exponent", { maxOrderNotional: "1e3" }, ["policy.maxOrderNotional"]],
    ["an empty side list", { sides: [] }, ["policy.sides"]],
    ["an empty order-type list", { orderTypes: [] }, ["policy.orderTypes"]],
    ["a duplicate side", { sides: ["buy", "buy"] }, ["policy.sides"]],
    ["a min above the max", { minOrderNotional: "200", maxOrderNotional: "100" }, ["policy.minOrderNotional"]],
    ["a window cap below the smallest order", { minOrderNotional: "50", window: { seconds: 60, maxNotional: "10" } }, ["policy.window"]],
    ["reduce-only without sells", { reduceOnly: true, sides: ["buy"] }, ["policy.reduceOnly"]],
    ["a symbol quoted in another currency", { symbols: ["ETH/BTC"] }, ["policy.symbols"]],
    ["a malformed symbol", { symbols: ["btc-usdt"] }, ["policy.symbols"]],
    ["a band over 100%", { priceBandPercent: "150" }, ["policy.priceBandPercent"]],
    ["an unknown fund movement", { fundMovement: ["bridge"] }, ["policy.fundMovement"]],
    ["an unknown field (never echoed)", { sk_live_secretish: true }, ["(unknown)"]],
  ])("refuses %s, naming the field", (_name, patch, fields) => {
    expect(fieldsOf({ ...valid, ...patch })).toEqual(fields);
  });

  it("refuses a missing field: a policy is given whole", () => {
    const { window: _w, ...partial } = valid;
    expect(fieldsOf(partial)).toEqual(["policy.window"]);
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ["a symbol the venue does not list", { symbols: ["BTC/USDT", "PEPE/USDT"] }, ["policy.symbols"]],
    ["a quote currency the venue does not list", { symbols: "*", quoteCurrency: "EUR" }, ["policy.quoteCurrency"]],
    ["a cap finer than the venue's precision", { maxOrderNotional: "10.123456789" }, ["policy.maxOrderNotional"]],
    ["a window cap finer than the venue's precision", { window: { seconds: 60, maxNotional: "10.000000001" } }, ["policy.window"]],
  ])("refuses %s against the venue's markets", (_name, patch, fields) => {
    expect(fieldsOf({ ...valid, ...patch })).toEqual(fields);
    // Without a catalog only the shape is checked.
    expect(fieldsOf({ ...valid, ...patch }, null)).toBe("accepted");
  });
});

describe("policyWidening", () => {
  const p = defaultTradePolicy();
  it.each<[string, Partial<TradePolicy>, string[]]>([
    ["the same policy", {}, []],
    ["a lower cap, a narrower band, fewer sides", { maxOrderNotional: "50", priceBandPercent: "1", sides: ["sell"] }, []],
    ["a higher per-order cap", { maxOrderNotional: "500" }, ["maxOrderNotional"]],
    ["removing the per-order cap", { maxOrderNotional: null }, ["maxOrderNotional"]],
    ["a higher window cap", { window: { seconds: 86_400, maxNotional: "2000" } }, ["window"]],
    ["a shorter window with the same cap", { window: { seconds: 3600, maxNotional: "1000" } }, ["window"]],
    ["removing the window", { window: null }, ["window"]],
    ["market orders", { orderTypes: ["limit", "market"] }, ["orderTypes"]],
    ["a wider band", { priceBandPercent: "5" }, ["priceBandPercent"]],
    ["fund movement", { fundMovement: ["withdraw"] }, ["fundMovement"]],
    ["another quote currency", { quoteCurrency: "USDC" }, ["quoteCurrency"]],
  ])("%s", (_name, patch, fields) => {
    expect(policyWidening(p, { ...p, ...patch })).toEqual(fields);
  });

  it("a list of symbols widened to '*' or to a new symbol; a minimum lowered; reduce-only lifted", () => {
    const narrow: TradePolicy = { ...p, symbols: ["BTC/USDT"], minOrderNotional: "10", reduceOnly: true };
    expect(policyWidening(narrow, { ...narrow, symbols: "*" })).toEqual(["symbols"]);
    expect(policyWidening(narrow, { ...narrow, symbols: ["BTC/USDT", "ETH/USDT"] })).toEqual(["symbols"]);
    expect(policyWidening(narrow, { ...narrow, minOrderNotional: "5" })).toEqual(["minOrderNotional"]);
    expect(policyWidening(narrow, { ...narrow, reduceOnly: false })).toEqual(["reduceOnly"]);
    expect(policyWidening({ ...p, symbols: "*" }, narrow)).toEqual([]);
  });
});
