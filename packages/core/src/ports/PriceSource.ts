/**
 * USD prices for assets (ccxt implementation `createCcxtPriceSource` in `@wallet-auth/core/ccxt`).
 */
export interface PriceSource {
  /**
   * Last USD price per asset symbol (upper case, e.g. `"BTC"`), as decimal strings. Assets the
   * source cannot price are absent from the result (never `"0"`). Throws `EXCHANGE_UNAVAILABLE`
   * when the source cannot be reached at all; callers treat that as "no prices".
   */
  getUsdPrices(assets: readonly string[]): Promise<Record<string, string>>;
}
