import type { Exchange, Market } from "ccxt";
import { toPlainDecimal } from "../balances/decimal.js";
import { WalletAuthError } from "../errors/index.js";
import { type Clock, systemClock } from "../ports/Clock.js";
import type { MarketCatalog, MarketCatalogEntry } from "../ports/MarketCatalog.js";
import { buildCcxtClient, type CcxtClientSettings } from "./buildCcxtClient.js";
import { type CcxtModule, hasCcxtExchange, loadCcxt } from "./loadCcxt.js";
import { mapCcxtError } from "./mapCcxtError.js";

/** Options for {@link createCcxtMarketCatalog}. */
export interface CcxtMarketCatalogOptions extends CcxtClientSettings {
  /** Venues offered; others are `EXCHANGE_UNSUPPORTED`. Default: any ccxt exchange. */
  exchanges?: readonly string[] | undefined;
  /** How long a venue's markets are reused. Default 1 hour. */
  ttlMs?: number | undefined;
  clock?: Clock | undefined;
}

/** Decimal places of a ccxt precision value under the client's precision mode (tick size or places). */
function places(ccxt: CcxtModule, client: Exchange, value: unknown): number | null {
  if (value === undefined || value === null) return null;
  const mode = (client as unknown as { precisionMode?: unknown }).precisionMode;
  const ticks = (ccxt as unknown as { TICK_SIZE?: unknown }).TICK_SIZE;
  if (mode === ticks) {
    const plain = toPlainDecimal(String(value));
    if (plain === null) return null;
    const dot = plain.indexOf(".");
    return dot === -1 ? 0 : plain.replace(/0+$/, "").length - dot - 1;
  }
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 && n <= 30 ? n : null;
}

/**
 * A {@link MarketCatalog} from ccxt's public market lists (no API key): each venue's markets
 * load once per `ttlMs`, concurrent loads of one venue share one request.
 *
 * @param options - venues offered, cache TTL, and the usual client settings (`urls` for a loopback).
 * @returns the catalog.
 * @throws (from `markets`) WalletAuthError `EXCHANGE_UNSUPPORTED`, `EXCHANGE_UNAVAILABLE`, `EXCHANGE_RATE_LIMITED`.
 * @example
 * ```ts
 * import { createCcxtMarketCatalog } from "@wallet-auth/core/ccxt";
 * const catalog = createCcxtMarketCatalog({ exchanges: ["binance"] });
 * (await catalog.markets("binance")).get("BTC/USDT"); // { symbol: "BTC/USDT", quote: "USDT", quotePrecision: 8 }
 * ```
 */
export function createCcxtMarketCatalog(options: CcxtMarketCatalogOptions = {}): MarketCatalog {
  const ttlMs = options.ttlMs ?? 3_600_000;
  const clock = options.clock ?? systemClock;
  const cache = new Map<string, { at: number; markets: Promise<ReadonlyMap<string, MarketCatalogEntry>> }>();

  const load = async (exchange: string): Promise<ReadonlyMap<string, MarketCatalogEntry>> => {
    const ccxt = await loadCcxt();
    if (!hasCcxtExchange(ccxt, exchange)) throw new WalletAuthError("EXCHANGE_UNSUPPORTED", { reason: "unknown-exchange" });
    const client = buildCcxtClient(ccxt, exchange, options);
    let markets: Record<string, Market>;
    try {
      markets = (await client.loadMarkets()) as Record<string, Market>;
    } catch (error) {
      throw mapCcxtError({ ccxt, error });
    }
    const out = new Map<string, MarketCatalogEntry>();
    for (const m of Object.values(markets)) {
      if (typeof m?.symbol !== "string" || typeof m.quote !== "string") continue;
      const precision = m.precision as { quote?: unknown; price?: unknown } | undefined;
      const quotePrecision = places(ccxt, client, precision?.quote) ?? places(ccxt, client, precision?.price) ?? 8;
      out.set(m.symbol, { symbol: m.symbol, quote: m.quote, quotePrecision });
    }
    return out;
  };

  return {
    async markets(exchange) {
      if (typeof exchange !== "string" || (options.exchanges !== undefined && !options.exchanges.includes(exchange))) {
        throw new WalletAuthError("EXCHANGE_UNSUPPORTED", { reason: "not-offered" });
      }
      const now = clock.now().getTime();
      const hit = cache.get(exchange);
      if (hit !== undefined && now - hit.at < ttlMs) return hit.markets;
      const markets = load(exchange);
      cache.set(exchange, { at: now, markets });
      // A failed load is not cached: the next call tries again.
      markets.catch(() => cache.get(exchange)?.markets === markets && cache.delete(exchange));
      return markets;
    },
  };
}
