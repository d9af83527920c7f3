import { z } from "zod";
import { DECIMAL_PATTERN, dec } from "./policyDecimal.js";

/** A ccxt unified symbol such as `BTC/USDT` or `BTC/USDT:USDT` (the same rule the exchange proxy applies). */
export const policySymbolSchema = z.string().min(3).max(32).regex(/^[A-Z0-9]{1,16}\/[A-Z0-9]{1,16}(:[A-Z0-9]{1,16})?$/);

/** A currency code such as `USDT`. */
const currencySchema = z.string().min(1).max(16).regex(/^[A-Z0-9]{1,16}$/);

/** A cap in the quote currency: a plain decimal string, strictly positive, at most 18 decimals. */
const capSchema = z
  .string()
  .max(43)
  .regex(DECIMAL_PATTERN)
  // Guarded: zod runs refinements after a failed regex too, and big.js throws on non-decimals.
  .refine((v) => DECIMAL_PATTERN.test(v) && dec(v).gt("0"), { message: "must be positive" });

/** Movements of funds the policy can name. The exchange proxy runs none of them; the policy denies them anyway. */
export const fundMovements = ["withdraw", "transfer", "subAccount", "convert"] as const;

/** Longest rolling window: 30 days. */
export const MAX_WINDOW_SECONDS = 30 * 86_400;

/** The fields of a trade policy, before the cross-field rules. */
const tradePolicyShape = z.strictObject({
  /** Markets orders may be placed on (ccxt unified symbols), or `"*"` for any market quoted in `quoteCurrency`. */
  symbols: z.union([z.literal("*"), z.array(policySymbolSchema).min(1).max(200)]),
  /** The currency every notional below is measured in (e.g. `USDT`). */
  quoteCurrency: currencySchema,
  sides: z.array(z.enum(["buy", "sell"])).min(1).max(2),
  orderTypes: z.array(z.enum(["market", "limit"])).min(1).max(2),
  /** Smallest order value allowed, or `null`. */
  minOrderNotional: capSchema.nullable(),
  /** Largest order value allowed, or `null` for no per-order cap. */
  maxOrderNotional: capSchema.nullable(),
  /** At most `maxNotional` of orders within any `seconds`-long rolling window, or `null`. */
  window: z.strictObject({ seconds: z.number().int().min(1).max(MAX_WINDOW_SECONDS), maxNotional: capSchema }).nullable(),
  /** A limit price must lie within this many percent of the venue's last price (e.g. `"2"`), or `null`. */
  priceBandPercent: capSchema.refine((v) => DECIMAL_PATTERN.test(v) && dec(v).lte("100"), { message: "at most 100" }).nullable(),
  /** Only orders that reduce a position: on spot markets, sells only. */
  reduceOnly: z.boolean(),
  /** Fund movements allowed (default none). */
  fundMovement: z.array(z.enum(fundMovements)).max(fundMovements.length),
});

/**
 * A trade policy: what orders a stored exchange credential (or a bot token using it) may place
 * through the exchange proxy. Every notional is in `quoteCurrency`, as a decimal string, valued
 * with the venue's own prices; orders quoted in another currency are refused.
 *
 * Contradictions are refused: an empty side or order-type list, `minOrderNotional` above
 * `maxOrderNotional`, a window cap below the smallest order allowed, a duplicate entry.
 */
export const tradePolicySchema = tradePolicyShape.superRefine((p, ctx) => {
  // Cross-field rules only once every field is valid on its own (zod still runs this after field issues).
  if (!tradePolicyShape.safeParse(p).success) return;
  const duplicate = (list: readonly string[]) => new Set(list).size !== list.length;
  if (Array.isArray(p.symbols) && duplicate(p.symbols)) ctx.addIssue({ code: "custom", path: ["symbols"], message: "duplicate" });
  if (duplicate(p.sides)) ctx.addIssue({ code: "custom", path: ["sides"], message: "duplicate" });
  if (duplicate(p.orderTypes)) ctx.addIssue({ code: "custom", path: ["orderTypes"], message: "duplicate" });
  if (duplicate(p.fundMovement)) ctx.addIssue({ code: "custom", path: ["fundMovement"], message: "duplicate" });
  if (Array.isArray(p.symbols)) {
    // A market quoted in another currency could never be valued against the caps.
    for (const symbol of p.symbols) {
      if (quoteOf(symbol) !== p.quoteCurrency) ctx.addIssue({ code: "custom", path: ["symbols"], message: "quote differs from quoteCurrency" });
    }
  }
  if (p.minOrderNotional !== null && p.maxOrderNotional !== null && dec(p.minOrderNotional).gt(dec(p.maxOrderNotional))) {
    ctx.addIssue({ code: "custom", path: ["minOrderNotional"], message: "above maxOrderNotional" });
  }
  if (p.window !== null && p.minOrderNotional !== null && dec(p.window.maxNotional).lt(dec(p.minOrderNotional))) {
    ctx.addIssue({ code: "custom", path: ["window"], message: "below minOrderNotional" });
  }
  if (p.reduceOnly && !p.sides.includes("sell")) {
    ctx.addIssue({ code: "custom", path: ["reduceOnly"], message: "reduce-only spot orders are sells" });
  }
});

/** A valid trade policy. */
export type TradePolicy = z.output<typeof tradePolicySchema>;

/** The quote currency of a ccxt unified symbol (`BTC/USDT:USDT` -> `USDT`). */
export function quoteOf(symbol: string): string {
  const pair = symbol.split(":")[0] ?? symbol;
  return pair.slice(pair.indexOf("/") + 1);
}

/**
 * The policy a credential has until its owner sets one: limit orders only, both sides, any
 * market quoted in `quoteCurrency`, at most 100 per order and 1,000 per 24 hours, limit prices
 * within 2% of the venue's last price, no fund movement. Bounded enough that a leaked key
 * cannot empty an account into an illiquid coin in one go; the owner widens it (a step-up action).
 *
 * @param quoteCurrency - the currency caps are counted in; default `USDT`.
 * @returns a fresh policy object.
 */
export function defaultTradePolicy(quoteCurrency = "USDT"): TradePolicy {
  return {
    symbols: "*",
    quoteCurrency,
    sides: ["buy", "sell"],
    orderTypes: ["limit"],
    minOrderNotional: null,
    maxOrderNotional: "100",
    window: { seconds: 86_400, maxNotional: "1000" },
    priceBandPercent: "2",
    reduceOnly: false,
    fundMovement: [],
  };
}
