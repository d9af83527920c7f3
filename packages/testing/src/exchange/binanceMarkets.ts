/** Spot pairs the loopback exchange lists, as `[base, quote]`. */
export const loopbackSpotPairs: ReadonlyArray<readonly [string, string]> = [
  ["BTC", "USDT"],
  ["ETH", "USDT"],
  ["BNB", "USDT"],
  ["SOL", "USDT"],
  ["XRP", "USDT"],
  ["ADA", "USDT"],
  ["DOGE", "USDT"],
  ["LTC", "USDT"],
  ["USDC", "USDT"],
  ["ETH", "BTC"],
  ["BNB", "BTC"],
];

/** One `symbols[]` entry of `GET /api/v3/exchangeInfo`, shaped like Binance's. */
function spotSymbol(base: string, quote: string): Record<string, unknown> {
  return {
    symbol: base + quote,
    status: "TRADING",
    baseAsset: base,
    baseAssetPrecision: 8,
    quoteAsset: quote,
    quotePrecision: 8,
    quoteAssetPrecision: 8,
    baseCommissionPrecision: 8,
    quoteCommissionPrecision: 8,
    orderTypes: ["LIMIT", "LIMIT_MAKER", "MARKET", "STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT"],
    icebergAllowed: true,
    ocoAllowed: true,
    otoAllowed: true,
    quoteOrderQtyMarketAllowed: true,
    allowTrailingStop: true,
    cancelReplaceAllowed: true,
    isSpotTradingAllowed: true,
    isMarginTradingAllowed: false,
    filters: [
      { filterType: "PRICE_FILTER", minPrice: "0.00000100", maxPrice: "1000000.00000000", tickSize: "0.00000100" },
      { filterType: "LOT_SIZE", minQty: "0.00001000", maxQty: "9000.00000000", stepSize: "0.00001000" },
      { filterType: "NOTIONAL", minNotional: "5.00000000", applyMinToMarket: true, maxNotional: "9000000.00000000", applyMaxToMarket: false, avgPriceMins: 5 },
      { filterType: "MAX_NUM_ORDERS", maxNumOrders: 200 },
    ],
    permissions: [],
    permissionSets: [["SPOT"]],
    defaultSelfTradePreventionMode: "EXPIRE_MAKER",
    allowedSelfTradePreventionModes: ["EXPIRE_TAKER", "EXPIRE_MAKER", "EXPIRE_BOTH"],
  };
}

/** Body of `GET /api/v3/exchangeInfo`. */
export function exchangeInfoBody(serverTime: number): Record<string, unknown> {
  return {
    timezone: "UTC",
    serverTime,
    rateLimits: [
      { rateLimitType: "REQUEST_WEIGHT", interval: "MINUTE", intervalNum: 1, limit: 6000 },
      { rateLimitType: "ORDERS", interval: "SECOND", intervalNum: 10, limit: 100 },
      { rateLimitType: "ORDERS", interval: "DAY", intervalNum: 1, limit: 200000 },
    ],
    exchangeFilters: [],
    symbols: loopbackSpotPairs.map(([base, quote]) => spotSymbol(base, quote)),
  };
}
