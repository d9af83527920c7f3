import { dec } from "./policyDecimal.js";
import type { TradePolicy } from "./tradePolicySchema.js";

const gains = <T>(before: readonly T[], after: readonly T[]) => after.some((v) => !before.includes(v));

/** `true` when cap `after` admits more than `before` (`null` is no cap). */
const looser = (before: string | null, after: string | null) => before !== null && (after === null || dec(after).gt(dec(before)));

/**
 * The fields in which `next` allows something `current` does not: widening a policy is a
 * sensitive action (the caller must have verified recently), narrowing is not.
 *
 * @param current - the policy in force.
 * @param next - the proposed replacement.
 * @returns the widened fields, sorted; empty when `next` is as strict or stricter everywhere.
 * @example
 * ```ts
 * import { defaultTradePolicy, policyWidening } from "@wallet-auth/core";
 * policyWidening(defaultTradePolicy(), { ...defaultTradePolicy(), maxOrderNotional: "500" }); // ["maxOrderNotional"]
 * ```
 */
export function policyWidening(current: TradePolicy, next: TradePolicy): string[] {
  const fields: string[] = [];
  if (current.symbols !== "*" && (next.symbols === "*" || gains(current.symbols, next.symbols))) fields.push("symbols");
  if (next.quoteCurrency !== current.quoteCurrency) fields.push("quoteCurrency");
  if (gains(current.sides, next.sides)) fields.push("sides");
  if (gains(current.orderTypes, next.orderTypes)) fields.push("orderTypes");
  if (current.minOrderNotional !== null && (next.minOrderNotional === null || dec(next.minOrderNotional).lt(dec(current.minOrderNotional)))) {
    fields.push("minOrderNotional");
  }
  if (looser(current.maxOrderNotional, next.maxOrderNotional)) fields.push("maxOrderNotional");
  if (current.window !== null && (next.window === null || next.window.seconds < current.window.seconds || looser(current.window.maxNotional, next.window.maxNotional))) {
    fields.push("window");
  }
  if (looser(current.priceBandPercent, next.priceBandPercent)) fields.push("priceBandPercent");
  if (current.reduceOnly && !next.reduceOnly) fields.push("reduceOnly");
  if (gains(current.fundMovement, next.fundMovement)) fields.push("fundMovement");
  return fields.sort();
}
