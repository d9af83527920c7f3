import { WalletAuthError } from "../errors/index.js";
import type { MarketCatalogEntry } from "../ports/MarketCatalog.js";
import { parseInput } from "../validation/parseInput.js";
import { decimalPlaces } from "./policyDecimal.js";
import { type TradePolicy, tradePolicySchema } from "./tradePolicySchema.js";

/**
 * Parses a whole policy and, when the venue's markets are known, checks it against them:
 * every listed symbol must be a market of the venue, and no cap may carry more decimals than
 * the venue keeps for the quote currency.
 *
 * @param input - untrusted policy.
 * @param markets - the venue's markets by unified symbol, or `null` to check the shape only.
 * @param root - name of the argument in error fields (default `policy`).
 * @returns the policy.
 * @throws `INVALID_INPUT` with `details.fields` naming each offending field (e.g. `["policy.window"]`).
 */
export function parseTradePolicy(input: unknown, markets: ReadonlyMap<string, MarketCatalogEntry> | null, root = "policy"): TradePolicy {
  const policy = parseInput(tradePolicySchema, input, root);
  if (markets === null) return policy;
  const fields = new Set<string>();
  if (policy.symbols !== "*" && policy.symbols.some((s) => !markets.has(s))) fields.add("symbols");
  const quoted = [...markets.values()].filter((m) => m.quote === policy.quoteCurrency);
  if (quoted.length === 0) fields.add("quoteCurrency");
  else {
    // The venue's precision for the quote currency: the finest any of its markets keeps.
    const places = Math.max(...quoted.map((m) => m.quotePrecision));
    const caps: [string, string | null][] = [
      ["minOrderNotional", policy.minOrderNotional],
      ["maxOrderNotional", policy.maxOrderNotional],
      ["window", policy.window?.maxNotional ?? null],
    ];
    for (const [field, value] of caps) if (value !== null && decimalPlaces(value) > places) fields.add(field);
  }
  if (fields.size > 0) {
    throw new WalletAuthError("INVALID_INPUT", { reason: "policy-markets", details: { fields: [...fields].map((f) => `${root}.${f}`).sort() } });
  }
  return policy;
}
