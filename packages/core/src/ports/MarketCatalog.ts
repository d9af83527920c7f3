/** One market of a venue, as a trade policy needs it. */
export interface MarketCatalogEntry {
  /** ccxt unified symbol, e.g. `BTC/USDT`. */
  symbol: string;
  /** Quote currency, e.g. `USDT`. */
  quote: string;
  /** Decimal places the venue keeps for amounts of the quote currency (e.g. 8). */
  quotePrecision: number;
}

/**
 * The markets each venue lists, so a trade policy can refuse unknown symbols and caps finer
 * than the venue counts (ccxt implementation `createCcxtMarketCatalog` in `@wallet-auth/core/ccxt`).
 */
export interface MarketCatalog {
  /**
   * The venue's markets by unified symbol. Read-only; may be cached by the implementation.
   * @throws WalletAuthError `EXCHANGE_UNSUPPORTED` for an unknown venue, `EXCHANGE_UNAVAILABLE` when it cannot be reached.
   */
  markets(exchange: string): Promise<ReadonlyMap<string, MarketCatalogEntry>>;
}
