import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type PolicyOrder, type PolicyRule, decideTradePolicy, windowAdmits } from "./decideTradePolicy.js";
import { type TradePolicy, defaultTradePolicy } from "./tradePolicySchema.js";

const base: TradePolicy = {
  symbols: ["BTC/USDT", "ETH/USDT"],
  quoteCurrency: "USDT",
  sides: ["buy", "sell"],
  orderTypes: ["limit", "market"],
  minOrderNotional: "10",
  maxOrderNotional: "1000",
  window: { seconds: 3600, maxNotional: "5000" },
  priceBandPercent: "2",
  reduceOnly: false,
  fundMovement: [],
};

const order = (o: Partial<PolicyOrder> = {}): PolicyOrder => ({ symbol: "BTC/USDT", side: "buy", type: "limit", amount: "0.01", price: "50000", ...o });

type Row = [name: string, policy: Partial<TradePolicy>, order: Partial<PolicyOrder>, reference: string | null, expected: "allow" | PolicyRule];

// Each dimension (symbol, side, type, notional, price offset, window) x allow/deny. Reference price 50,000 unless noted.
const table: Row[] = [
  ["symbol listed", {}, {}, "50000", "allow"],
  ["symbol not listed", {}, { symbol: "SOL/USDT", price: "100", amount: "1" }, "100", "symbol"],
  ["any symbol with '*'", { symbols: "*" }, { symbol: "SOL/USDT", price: "100", amount: "1" }, "100", "allow"],
  ["'*' still refuses another quote currency", { symbols: "*" }, { symbol: "ETH/BTC", price: "0.05", amount: "1" }, "0.05", "quote_currency"],
  ["side allowed (sell)", {}, { side: "sell" }, "50000", "allow"],
  ["side refused (buy on a sell-only policy)", { sides: ["sell"] }, {}, "50000", "side"],
  ["type allowed (market)", {}, { type: "market", price: undefined }, "50000", "allow"],
  ["type refused (market on a limit-only policy)", { orderTypes: ["limit"] }, { type: "market", price: undefined }, "50000", "order_type"],
  ["reduce-only allows a sell", { reduceOnly: true }, { side: "sell" }, "50000", "allow"],
  ["reduce-only refuses a buy", { reduceOnly: true }, {}, "50000", "reduce_only"],
  ["notional at the per-order cap (1000)", {}, { amount: "0.02" }, "50000", "allow"],
  ["notional one unit over the per-order cap", {}, { amount: "0.02000002" }, "50000", "notional_max"],
  ["notional at the minimum (10)", {}, { amount: "0.0002" }, "50000", "allow"],
  ["notional under the minimum", {}, { amount: "0.00019" }, "50000", "notional_min"],
  ["market order valued at the venue price: over the cap", {}, { type: "market", price: undefined, amount: "0.03" }, "50000", "notional_max"],
  ["no per-order cap", { maxOrderNotional: null }, { amount: "0.09" }, "50000", "allow"],
  ["price 2% above the last price (band edge)", {}, { price: "51000", amount: "0.001" }, "50000", "allow"],
  ["price just past the band above", {}, { price: "51000.01", amount: "0.001" }, "50000", "price_band"],
  ["price 2% below the last price (band edge)", {}, { price: "49000", amount: "0.001" }, "50000", "allow"],
  ["price far below the last price (dumping)", {}, { side: "sell", price: "25000", amount: "0.001" }, "50000", "price_band"],
  ["no band: any limit price", { priceBandPercent: null }, { price: "99999", amount: "0.001" }, null, "allow"],
  ["band but no venue price", {}, {}, null, "price_unavailable"],
  ["market order but no venue price", { priceBandPercent: null }, { type: "market", price: undefined }, null, "price_unavailable"],
  ["an order alone larger than the window cap", { maxOrderNotional: null }, { amount: "0.2" }, "50000", "window"],
];

describe("decideTradePolicy: decision table", () => {
  it.each(table)("%s", (_name, patch, o, reference, expected) => {
    const decision = decideTradePolicy({ ...base, ...patch }, { kind: "order", order: order(o), referencePrice: reference });
    if (expected === "allow") expect(decision.allowed).toBe(true);
    else expect(decision).toEqual({ allowed: false, rule: expected });
  });

  it("values a limit order at its own price, exactly, and charges the window that amount", () => {
    const d = decideTradePolicy(base, { kind: "order", order: order({ amount: "0.0123", price: "50100.1" }), referencePrice: "50000" });
    expect(d).toEqual({ allowed: true, notional: "616.23123", window: { seconds: 3600, cap: "5000", amount: "616.23123" } });
  });

  it("reads and cancellations pass; fund movements are denied unless listed", () => {
    expect(decideTradePolicy(base, { kind: "read" }).allowed).toBe(true);
    expect(decideTradePolicy(base, { kind: "cancel" }).allowed).toBe(true);
    for (const movement of ["withdraw", "transfer", "subAccount", "convert"] as const) {
      expect(decideTradePolicy(base, { kind: "fund", movement })).toEqual({ allowed: false, rule: "fund_movement" });
    }
    expect(decideTradePolicy({ ...base, fundMovement: ["convert"] }, { kind: "fund", movement: "convert" }).allowed).toBe(true);
  });

  it("the default policy refuses market orders, wide prices and orders over 100 USDT", () => {
    const p = defaultTradePolicy();
    const at = (o: Partial<PolicyOrder>) => decideTradePolicy(p, { kind: "order", order: order(o), referencePrice: "50000" });
    expect(at({ amount: "0.002" }).allowed).toBe(true);
    expect(at({ type: "market", price: undefined, amount: "0.001" })).toEqual({ allowed: false, rule: "order_type" });
    expect(at({ amount: "0.001", price: "60000" })).toEqual({ allowed: false, rule: "price_band" });
    expect(at({ amount: "0.0021" })).toEqual({ allowed: false, rule: "notional_max" });
    expect(p.fundMovement).toEqual([]);
  });
});

describe("windowAdmits", () => {
  it("counts only entries strictly inside the last `seconds` and admits up to the cap inclusive", () => {
    const entries = [
      { at: 0, amount: "600" },
      { at: 1000, amount: "300" },
    ];
    expect(windowAdmits(entries, 3_600_000, 3600, "1000", "700")).toEqual({ admitted: true, used: "300" });
    expect(windowAdmits(entries, 3_599_999, 3600, "1000", "100")).toEqual({ admitted: true, used: "900" });
    expect(windowAdmits(entries, 3_599_999, 3600, "1000", "100.000001")).toEqual({ admitted: false, used: "900" });
  });

  it("property: whatever the sequence, the sum admitted within any window never exceeds the cap", () => {
    const cents = fc.integer({ min: 1, max: 40_000 }).map((n) => (n / 100).toFixed(2));
    fc.assert(
      fc.property(
        fc.array(fc.record({ gap: fc.integer({ min: 0, max: 900_000 }), amount: cents }), { minLength: 1, maxLength: 80 }),
        fc.integer({ min: 1, max: 7200 }),
        cents.filter((c) => Number(c) >= 1),
        (steps, seconds, cap) => {
          const admitted: { at: number; amount: string }[] = [];
          let now = 0;
          for (const step of steps) {
            now += step.gap;
            if (windowAdmits(admitted, now, seconds, cap, step.amount).admitted) admitted.push({ at: now, amount: step.amount });
          }
          // The heaviest window ends on an admitted entry, so checking each one's window covers them all.
          for (const end of admitted) {
            const inWindow = admitted.filter((e) => e.at > end.at - seconds * 1000 && e.at <= end.at);
            const cents = inWindow.reduce((sum, e) => sum + BigInt(e.amount.replace(".", "")), 0n);
            expect(cents <= BigInt(cap.replace(".", ""))).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
