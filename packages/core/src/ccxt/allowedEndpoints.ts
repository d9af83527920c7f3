/**
 * The REST endpoints (`METHOD /path`) that clients built for each exchange may call. A request to
 * anything else is refused before a socket opens, so that even a bug that let a method past the
 * proxy's allowlist could not send a withdrawal, a transfer or a sub-account call with a stored key.
 *
 * Binance (spot): exactly what the gateway's own calls use: markets, balances, the permission
 * probe (and the key's IP list), trade and deposit/withdrawal history (read only), tickers, the exchange proxy's order
 * methods, server time and status. Exchanges not listed here are held to their own API hosts only.
 */
export const defaultAllowedEndpoints: Readonly<Record<string, readonly string[]>> = {
  binance: [
    "GET /api/v3/ping",
    "GET /api/v3/time",
    "GET /sapi/v1/system/status",
    "GET /api/v3/exchangeInfo",
    "GET /api/v3/ticker/24hr",
    "GET /api/v3/ticker/price",
    "GET /api/v3/account",
    "GET /sapi/v1/account/apiRestrictions",
    "GET /sapi/v1/account/apiRestrictions/ipRestriction",
    "GET /api/v3/myTrades",
    "GET /sapi/v1/capital/deposit/hisrec",
    "GET /sapi/v1/capital/withdraw/history",
    "GET /api/v3/openOrders",
    "GET /api/v3/order",
    "POST /api/v3/order",
    "DELETE /api/v3/order",
  ],
};

/**
 * The endpoint allowlist for `exchange`: the setting when given (`"any"` lifts it), else the
 * default above, else none (`undefined`: any path on the exchange's own hosts).
 */
export function allowedEndpointsFor(exchange: string, setting: Readonly<Record<string, readonly string[] | "any">> | undefined): readonly string[] | undefined {
  const chosen = setting?.[exchange];
  if (chosen === "any") return undefined;
  return chosen ?? defaultAllowedEndpoints[exchange];
}
