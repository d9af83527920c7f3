import { dec, plain } from "./policyDecimal.js";
import { type TradePolicy, fundMovements, quoteOf } from "./tradePolicySchema.js";

/** The rule that refused a request: stable ids, shown to the caller and written to the audit log. */
export type PolicyRule =
  | "fund_movement"
  | "symbol"
  | "quote_currency"
  | "side"
  | "order_type"
  | "reduce_only"
  | "price_unavailable"
  | "price_band"
  | "notional_min"
  | "notional_max"
  | "window";

/** An order as the proxy is about to send it. Amounts and prices are decimal strings. */
export interface PolicyOrder {
  symbol: string;
  side: "buy" | "sell";
  type: "market" | "limit";
  /** Base-currency amount. */
  amount: string;
  /** Limit price; absent for market orders. */
  price?: string | undefined;
}

/** What is being asked of the exchange. */
export type PolicyRequest =
  | { kind: "read" }
  | { kind: "cancel" }
  | { kind: "fund"; movement: (typeof fundMovements)[number] }
  /** `referencePrice`: the venue's last (spot) or mark (contracts) price for the symbol, `null` when unknown. */
  | { kind: "order"; order: PolicyOrder; referencePrice: string | null };

/** Amount to count against a rolling window once the rest of the policy allowed the order. */
export interface WindowCharge {
  seconds: number;
  cap: string;
  amount: string;
}

/** The engine's answer. */
export type PolicyDecision =
  | { allowed: true; notional: string | null; window: WindowCharge | null }
  | { allowed: false; rule: PolicyRule };

const deny = (rule: PolicyRule): PolicyDecision => ({ allowed: false, rule });

/**
 * Decides one request against one policy, with no I/O: the rolling window is only *priced*
 * here (`window` in the result); admitting it against what was already spent is the store's
 * atomic reserve, so parallel orders cannot overshoot together.
 *
 * Rules run in a fixed order and the first that refuses is named: fund movement, symbol, quote
 * currency, side, order type, reduce-only, then the valued rules (price known, price band,
 * minimum and maximum notional). A market order is valued at the reference price; a limit
 * order at its own price. Reads and cancellations are allowed (they cannot move value).
 *
 * @param policy - a parsed {@link TradePolicy}.
 * @param request - the request (see {@link PolicyRequest}).
 * @returns allowed with the order's notional and window charge, or the refusing rule.
 * @example
 * ```ts
 * import { decideTradePolicy, defaultTradePolicy } from "@wallet-auth/core";
 * const d = decideTradePolicy(defaultTradePolicy(), {
 *   kind: "order", referencePrice: "100",
 *   order: { symbol: "SOL/USDT", side: "buy", type: "limit", amount: "0.5", price: "100.5" },
 * });
 * // { allowed: true, notional: "50.25", window: { seconds: 86400, cap: "1000", amount: "50.25" } }
 * ```
 */
export function decideTradePolicy(policy: TradePolicy, request: PolicyRequest): PolicyDecision {
  if (request.kind === "read" || request.kind === "cancel") return { allowed: true, notional: null, window: null };
  if (request.kind === "fund") return policy.fundMovement.includes(request.movement) ? { allowed: true, notional: null, window: null } : deny("fund_movement");
  const { order, referencePrice } = request;
  if (policy.symbols !== "*" && !policy.symbols.includes(order.symbol)) return deny("symbol");
  if (quoteOf(order.symbol) !== policy.quoteCurrency) return deny("quote_currency");
  if (!policy.sides.includes(order.side)) return deny("side");
  if (!policy.orderTypes.includes(order.type)) return deny("order_type");
  // Spot has no positions to reduce but holdings: only selling them reduces exposure.
  if (policy.reduceOnly && order.side !== "sell") return deny("reduce_only");

  const needsReference = order.type === "market" || policy.priceBandPercent !== null;
  if (needsReference && (referencePrice === null || !dec(referencePrice).gt("0"))) return deny("price_unavailable");
  if (order.type === "limit" && order.price === undefined) return deny("price_unavailable");
  const price = dec(order.type === "limit" ? (order.price as string) : (referencePrice as string));

  if (policy.priceBandPercent !== null && order.type === "limit") {
    const reference = dec(referencePrice as string);
    // |price - reference| * 100 <= band * reference: exact, no division.
    if (price.minus(reference).abs().times("100").gt(dec(policy.priceBandPercent).times(reference))) return deny("price_band");
  }
  const notional = price.times(dec(order.amount));
  if (policy.minOrderNotional !== null && notional.lt(dec(policy.minOrderNotional))) return deny("notional_min");
  if (policy.maxOrderNotional !== null && notional.gt(dec(policy.maxOrderNotional))) return deny("notional_max");
  const amount = plain(notional);
  if (policy.window !== null && notional.gt(dec(policy.window.maxNotional))) return deny("window");
  return {
    allowed: true,
    notional: amount,
    window: policy.window === null ? null : { seconds: policy.window.seconds, cap: policy.window.maxNotional, amount },
  };
}

/** One amount already admitted to a window, at epoch ms `at`. */
export interface WindowEntry {
  at: number;
  amount: string;
}

/**
 * Whether `amount` fits a rolling window: the entries of the last `seconds` (strictly after
 * `now - seconds`) plus `amount` stay at or under `cap`. Pure; the stores apply the same rule
 * atomically.
 *
 * @returns `{ admitted, used }`, `used` being the window's sum before this amount.
 */
export function windowAdmits(entries: readonly WindowEntry[], now: number, seconds: number, cap: string, amount: string): { admitted: boolean; used: string } {
  const since = now - seconds * 1000;
  let used = dec("0");
  // Entries stamped ahead of `now` (another replica's clock) still count: erring towards refusing.
  for (const e of entries) if (e.at > since) used = used.plus(dec(e.amount));
  return { admitted: used.plus(dec(amount)).lte(dec(cap)), used: plain(used) };
}
