import { LRUCache } from "lru-cache";
import type { Exchange } from "ccxt";
import { WalletAuthError } from "../errors/index.js";
import { toPlainDecimal } from "../balances/decimal.js";
import { type Clock, systemClock } from "../ports/Clock.js";
import type { PriceSource } from "../ports/PriceSource.js";
import { buildCcxtClient, type CcxtClientSettings } from "./buildCcxtClient.js";
import { hasCcxtExchange, loadCcxt } from "./loadCcxt.js";
import { mapCcxtError } from "./mapCcxtError.js";

/** Options for {@link createCcxtPriceSource}. */
export interface CcxtPriceSourceOptions extends CcxtClientSettings {
  /** ccxt exchange id whose public last prices are used. Default `"binance"`. */
  exchange?: string | undefined;
  /** Quote currencies taken as 1 USD, tried in order. Default `["USDT", "USDC", "USD"]`. */
  usdQuotes?: readonly string[] | undefined;
  /** How long fetched prices are reused. Default 60 seconds. */
  cacheTtlMs?: number | undefined;
  /** At most this many assets' prices are kept (least recently used evicted). Default 5000. */
  maxCachedAssets?: number | undefined;
  clock?: Clock | undefined;
}

/**
 * A {@link PriceSource} from an exchange's public last prices (no API key): an asset's USD
 * price is its last price against the first USD-like quote with a market. The USD-like quotes
 * themselves are priced at 1. ccxt loads on the first call; markets load once; prices are
 * cached for `cacheTtlMs` (one upstream call for concurrent misses).
 *
 * @param options - Exchange, quotes, cache TTL and the usual client settings (`urls` for a loopback).
 * @returns The price source.
 * @throws (from `getUsdPrices`) WalletAuthError `EXCHANGE_UNSUPPORTED`, `EXCHANGE_UNAVAILABLE`, `EXCHANGE_RATE_LIMITED`.
 * @example
 * ```ts
 * import { createCcxtPriceSource } from "@wallet-auth/core/ccxt";
 * const prices = createCcxtPriceSource({ exchange: "binance" });
 * await prices.getUsdPrices(["BTC", "ETH"]); // { BTC: "65000.1", ETH: "3200.5" }
 * ```
 */
export function createCcxtPriceSource(options: CcxtPriceSourceOptions = {}): PriceSource {
  const exchange = options.exchange ?? "binance";
  const quotes = (options.usdQuotes ?? ["USDT", "USDC", "USD"]).map((q) => q.toUpperCase());
  const ttlMs = options.cacheTtlMs ?? 60_000;
  const clock = options.clock ?? systemClock;
  let client: Promise<Exchange> | undefined;
  // Bounded: asset names come from callers, so an unbounded map would grow with every unknown symbol.
  const cache = new LRUCache<string, { price: string | null; at: number }>({ max: options.maxCachedAssets ?? 5_000 });
  let inFlight: Promise<void> | undefined;
  let pending = new Set<string>();

  const getClient = (): Promise<Exchange> => {
    client ??= (async () => {
      const ccxt = await loadCcxt();
      if (!hasCcxtExchange(ccxt, exchange)) throw new WalletAuthError("EXCHANGE_UNSUPPORTED", { reason: "unknown-exchange" });
      const c = buildCcxtClient(ccxt, exchange, options);
      try {
        await c.loadMarkets();
      } catch (error) {
        throw mapCcxtError({ ccxt, error });
      }
      return c;
    })().catch((error: unknown) => {
      client = undefined;
      throw error;
    });
    return client;
  };

  const fetchPending = async (): Promise<void> => {
    const assets = [...pending];
    pending = new Set();
    const c = await getClient();
    const symbolFor = new Map<string, string>();
    for (const asset of assets) {
      const quote = quotes.find((q) => c.markets?.[`${asset}/${q}`] !== undefined);
      if (quote) symbolFor.set(asset, `${asset}/${quote}`);
    }
    const now = clock.now().getTime();
    let last: Record<string, { price?: unknown }> = {};
    if (symbolFor.size > 0) {
      try {
        last = (await c.fetchLastPrices([...symbolFor.values()])) as Record<string, { price?: unknown }>;
      } catch (error) {
        throw mapCcxtError({ ccxt: await loadCcxt(), error });
      }
    }
    for (const asset of assets) {
      const symbol = symbolFor.get(asset);
      const raw = symbol === undefined ? undefined : last[symbol]?.price;
      const price = raw === undefined || raw === null ? null : toPlainDecimal(String(raw));
      // A zero or negative "price" is a missing price, not a valuation.
      cache.set(asset, { price: price !== null && /^\d/.test(price) && price !== "0" ? price : null, at: now });
    }
  };

  return {
    async getUsdPrices(assets) {
      const wanted = [...new Set(assets.map((a) => a.toUpperCase()))];
      const fresh = (a: string) => quotes.includes(a) || (cache.get(a)?.at ?? -Infinity) > clock.now().getTime() - ttlMs;
      // Callers arriving while a fetch runs wait for it, then fetch what is still missing.
      for (let round = 0; round < 3; round++) {
        const missing = wanted.filter((a) => !fresh(a));
        if (missing.length === 0) break;
        if (inFlight) {
          await inFlight.catch(() => undefined);
          continue;
        }
        for (const a of missing) pending.add(a);
        inFlight = fetchPending().finally(() => {
          inFlight = undefined;
        });
        await inFlight;
      }
      const out: Record<string, string> = {};
      for (const asset of wanted) {
        if (quotes.includes(asset)) out[asset] = "1";
        else {
          const price = cache.get(asset)?.price;
          if (price) out[asset] = price;
        }
      }
      return out;
    },
  };
}
