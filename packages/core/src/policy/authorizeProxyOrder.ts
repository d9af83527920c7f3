import type { RequestContext } from "../context/RequestContext.js";
import { toPlainDecimal } from "../balances/decimal.js";
import { isWalletAuthError } from "../errors/index.js";
import type { ProxyArgs, ProxyCallInput } from "../ports/ExchangeGateway.js";
import type { PolicyPermit, PolicyService } from "./PolicyService.js";
import { tokenIdOf } from "./PolicyService.js";

/** Runs one more call through the gateway with the lease the order itself uses (a ticker read). */
export type LeasedProxyCall = (input: Pick<ProxyCallInput, "method" | "args">) => Promise<unknown>;

/**
 * The venue's own reference price from a ccxt ticker: the mark price for contracts
 * (`BTC/USDT:USDT`), the last price for spot; `null` when it has none.
 */
export function referencePriceOf(ticker: unknown, symbol: string): string | null {
  if (ticker === null || typeof ticker !== "object") return null;
  const t = ticker as { last?: unknown; markPrice?: unknown };
  const candidates = symbol.includes(":") ? [t.markPrice, t.last] : [t.last];
  for (const value of candidates) {
    if ((typeof value !== "number" && typeof value !== "string") || value === "") continue;
    const plain = toPlainDecimal(String(value));
    if (plain !== null && !plain.startsWith("-") && /[1-9]/.test(plain)) return plain;
  }
  return null;
}

/**
 * Checks a proxied `createOrder` against the trade policies of the credential and of the bot
 * token placing it (from `ctx.actor`), before the order is signed. The venue price is read
 * through `call` (the same lease) only when a rule needs it.
 *
 * @returns the permit to release if the order certainly did not reach the venue.
 * @throws `POLICY_DENIED` naming the rule (audited as `policy.deny`).
 */
export function authorizeProxyOrder(policies: PolicyService, ctx: RequestContext, credentialId: string, args: ProxyArgs, call: LeasedProxyCall): Promise<PolicyPermit> {
  const symbol = args.symbol as string;
  return policies.authorizeOrder(ctx, {
    credentialId,
    tokenId: tokenIdOf(ctx),
    method: "createOrder",
    order: { symbol, side: args.side as "buy" | "sell", type: args.type as "market" | "limit", amount: args.amount as string, price: args.price },
    referencePrice: async () => referencePriceOf(await call({ method: "fetchTicker", args: { symbol } }), symbol),
  });
}

/** Codes after which the venue certainly did not take the order; any other failure (a timeout) may have placed it. */
const NOT_SENT: ReadonlySet<string> = new Set([
  "INVALID_INPUT",
  "FORBIDDEN",
  "POLICY_DENIED",
  "CREDENTIAL_INVALID",
  "CREDENTIAL_IP_RESTRICTED",
  "CREDENTIAL_PERMISSION_INSUFFICIENT",
  "CREDENTIAL_DISABLED",
  "CREDENTIAL_EXPIRED",
  "CREDENTIAL_UNAVAILABLE",
  "EXCHANGE_RATE_LIMITED",
  "EXCHANGE_CLOCK_SKEW",
  "EXCHANGE_UNSUPPORTED",
]);

/** Gives the order's window reservations back when `error` proves it never reached the venue; keeps them otherwise. */
export async function releaseIfNotSent(permit: PolicyPermit | undefined, error: unknown): Promise<void> {
  if (permit !== undefined && isWalletAuthError(error) && NOT_SENT.has(error.code)) await permit.release();
}
