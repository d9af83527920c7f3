import type { VenueOrder } from "../types.js";
import { decimalsOf, divideDecimals, isDecimal, marketById, multiplyDecimals, spotMarkets, type SpotMarket } from "../shared/spotMarkets.js";
import { digest, hmac, jsonObject, sameText } from "../shared/signatures.js";
import { accountOf, type VenueContext, type VenueDefinition, type VenueReply, type VenueRoute } from "../shared/venueServer.js";

// Gate API v4 (https://www.gate.io/docs/developers/apiv4/#authentication): plain JSON bodies;
// errors are `{ label, message }`.
const ok = (body: unknown): VenueReply => ({ status: 200, body });
const fail = (status: number, label: string, message: string): VenueReply => ({ status, body: { label, message } });

/** Gate refuses a `Timestamp` (seconds) more than 60 s from its clock. */
const TIMESTAMP_WINDOW_S = 60;

const pairId = (m: SpotMarket): string => `${m.base}_${m.quote}`;
const seconds = (ms: number): string => String(Math.floor(ms / 1000));

function orderBody(o: VenueOrder): Record<string, unknown> {
  const market = spotMarkets.find((m) => m.symbol === o.symbol);
  const filledTotal = o.filled === "0" ? "0" : multiplyDecimals(o.price, o.filled);
  return {
    id: o.id,
    text: o.clientOrderId,
    amend_text: "-",
    create_time: seconds(o.time),
    update_time: seconds(o.updateTime),
    create_time_ms: o.time,
    update_time_ms: o.updateTime,
    status: o.status === "open" ? "open" : o.status === "closed" ? "closed" : "cancelled",
    currency_pair: market === undefined ? o.symbol : pairId(market),
    type: o.type,
    account: "spot",
    side: o.side,
    amount: o.quoteAmount ?? o.amount,
    price: o.type === "limit" ? o.price : "0",
    time_in_force: o.type === "limit" ? "gtc" : "ioc",
    iceberg: "0",
    left: o.status === "open" ? o.amount : "0",
    filled_amount: o.filled,
    fill_price: filledTotal,
    filled_total: filledTotal,
    avg_deal_price: o.filled === "0" ? "0" : o.price,
    fee: "0",
    fee_currency: market?.base ?? "",
    point_fee: "0",
    gt_fee: "0",
    gt_maker_fee: "0",
    gt_taker_fee: "0",
    gt_discount: false,
    rebated_fee: "0",
    rebated_fee_currency: market?.quote ?? "",
    finish_as: o.status === "open" ? "open" : o.status === "closed" ? "filled" : "cancelled",
  };
}

/** `perms` as Gate reports them: `spot` (trading), `wallet` (transfers and withdrawals), read-only where not allowed. */
function perms(c: VenueContext): Array<{ name: string; read_only: boolean }> {
  const p = accountOf(c).permissions;
  return [
    { name: "spot", read_only: !p.trade },
    { name: "wallet", read_only: !(p.withdraw || p.transfer) },
    { name: "account", read_only: true },
  ];
}

const codes = (): string[] => [...new Set(spotMarkets.flatMap((m) => [m.base, m.quote]))];
const empty: VenueRoute = { private: false, handle: () => ok([]) };

const routes: Record<string, VenueRoute> = {
  "GET /api/v4/spot/time": { private: false, handle: (c) => ok({ server_time: c.now }) },
  "GET /api/v4/spot/currency_pairs": {
    private: false,
    handle: () =>
      ok(
        spotMarkets.map((m) => ({
          id: pairId(m),
          base: m.base,
          base_name: m.base,
          quote: m.quote,
          quote_name: m.quote,
          fee: "0.2",
          min_base_amount: m.minAmount,
          min_quote_amount: m.minNotional,
          max_base_amount: "",
          max_quote_amount: "5000000",
          amount_precision: decimalsOf(m.lotSize),
          precision: decimalsOf(m.tickSize),
          trade_status: "tradable",
          sell_start: 1_516_378_650,
          buy_start: 1_516_378_650,
          delisting_time: 0,
          type: "normal",
          trade_url: "",
          st_tag: false,
        })),
      ),
  },
  "GET /api/v4/spot/currencies": {
    private: false,
    handle: () =>
      ok(
        codes().map((currency) => ({
          currency,
          name: currency,
          delisted: false,
          withdraw_disabled: false,
          withdraw_delayed: false,
          deposit_disabled: false,
          trade_disabled: false,
          fixed_rate: "",
          chain: currency === "BTC" ? "BTC" : "ETH",
          chains: [{ name: currency === "BTC" ? "BTC" : "ETH", addr: "", withdraw_disabled: false, withdraw_delayed: false, deposit_disabled: false }],
        })),
      ),
  },
  // Margin, futures, delivery and options listings: this stand-in is spot only.
  "GET /api/v4/margin/currency_pairs": empty,
  "GET /api/v4/futures/:settle/contracts": empty,
  "GET /api/v4/delivery/:settle/contracts": empty,
  "GET /api/v4/options/underlyings": empty,
  "GET /api/v4/options/contracts": empty,
  "GET /api/v4/account/detail": {
    private: true,
    handle: (c) => {
      const a = accountOf(c);
      return ok({ user_id: 1_667_201_533, ip_whitelist: [...a.permissions.ips], currency_pairs: [], key: { mode: 1 }, tier: 0, tier_expire_time: "0001-01-01T00:00:00Z", copy_trading_role: 0, ...a.introspection });
    },
  },
  "GET /api/v4/account/main_keys": {
    private: true,
    handle: (c) => {
      const a = accountOf(c);
      return ok([
        {
          state: 1,
          mode: 1,
          name: "loopback",
          currency_pairs: [],
          user_id: 1_667_201_533,
          ip_whitelist: [...a.permissions.ips],
          perms: perms(c),
          key: a.credentials.apiKey,
          created_at: "1704164645",
          updated_at: "1704164645",
          last_access: seconds(c.now),
          ...a.introspection,
        },
      ]);
    },
  },
  "GET /api/v4/spot/accounts": {
    private: true,
    handle: (c) => {
      const currency = c.request.query.get("currency");
      return ok(
        Object.entries(accountOf(c).balances)
          .filter(([code]) => currency === null || code === currency)
          .map(([code, b], i) => ({ currency: code, available: b.free, locked: b.locked, update_id: i + 1 })),
      );
    },
  },
  "POST /api/v4/spot/orders": {
    private: true,
    trade: true,
    handle: (c) => {
      const body = jsonObject(c.request.rawBody);
      if (body === undefined) return fail(400, "INVALID_PARAM_VALUE", "Invalid request body");
      const market = marketById(typeof body.currency_pair === "string" ? body.currency_pair : undefined, pairId);
      if (market === undefined) return fail(400, "INVALID_CURRENCY_PAIR", "Invalid currency pair");
      const side = body.side;
      const type = body.type ?? "limit";
      if (side !== "buy" && side !== "sell") return fail(400, "INVALID_PARAM_VALUE", "Invalid side");
      if (type !== "limit" && type !== "market") return fail(400, "INVALID_PARAM_VALUE", "Invalid type");
      if (!isDecimal(body.amount)) return fail(400, "INVALID_PARAM_VALUE", "Invalid amount");
      if (type === "limit" && !isDecimal(body.price)) return fail(400, "INVALID_PARAM_VALUE", "Invalid price");
      const text = typeof body.text === "string" && body.text !== "" ? body.text : undefined;
      if (text !== undefined && !text.startsWith("t-")) return fail(400, "INVALID_PARAM_VALUE", "text must start with t-");
      // A market buy is sized in quote currency.
      const quoteSized = type === "market" && side === "buy";
      const order = c.state.placeOrder(accountOf(c), c.now, {
        symbol: market.symbol,
        side,
        type,
        amount: quoteSized ? divideDecimals(body.amount, c.state.prices.get(market.symbol) ?? "1") : body.amount,
        ...(quoteSized ? { quoteAmount: body.amount } : {}),
        ...(type === "limit" ? { price: body.price as string } : {}),
        ...(text === undefined ? {} : { clientOrderId: text }),
        request: body,
      });
      return { status: 201, body: orderBody(order) };
    },
  },
  "DELETE /api/v4/spot/orders/:order_id": {
    private: true,
    trade: true,
    handle: (c) => {
      const pair = c.request.query.get("currency_pair");
      if (pair === null) return fail(400, "MISSING_REQUIRED_PARAM", "Missing required parameter: currency_pair");
      const id = c.params.order_id ?? "";
      const order = c.state.findOrder(accountOf(c), id.startsWith("t-") ? { clientOrderId: id } : { id });
      if (order === undefined || marketById(pair, pairId)?.symbol !== order.symbol) return fail(404, "ORDER_NOT_FOUND", "Order not found");
      if (order.status !== "open") return fail(400, "ORDER_CLOSED", "Order has been filled or cancelled");
      order.status = "canceled";
      order.updateTime = c.now;
      return ok(orderBody(order));
    },
  },
  "GET /api/v4/spot/orders": {
    private: true,
    handle: (c) => {
      const q = c.request.query;
      const pair = q.get("currency_pair");
      const status = q.get("status");
      if (pair === null || status === null) return fail(400, "MISSING_REQUIRED_PARAM", "Missing required parameter: currency_pair or status");
      const market = marketById(pair, pairId);
      const wanted = (o: VenueOrder): boolean => (status === "open" ? o.status === "open" : o.status !== "open");
      return ok(c.state.orders.filter((o) => o.apiKey === accountOf(c).credentials.apiKey && o.symbol === market?.symbol && wanted(o)).reverse().map(orderBody));
    },
  },
  "GET /api/v4/spot/open_orders": {
    private: true,
    handle: (c) => {
      const open = c.state.orders.filter((o) => o.apiKey === accountOf(c).credentials.apiKey && o.status === "open");
      const pairs = [...new Set(open.map((o) => o.symbol))];
      return ok(
        pairs.map((symbol) => {
          const orders = open.filter((o) => o.symbol === symbol).reverse().map(orderBody);
          const market = spotMarkets.find((m) => m.symbol === symbol);
          return { currency_pair: market === undefined ? symbol : pairId(market), total: orders.length, orders };
        }),
      );
    },
  },
  "GET /api/v4/spot/orders/:order_id": {
    private: true,
    handle: (c) => {
      const order = c.state.findOrder(accountOf(c), { id: c.params.order_id });
      return order === undefined ? fail(404, "ORDER_NOT_FOUND", "Order not found") : ok(orderBody(order));
    },
  },
  // The stand-in's accounts have no deposits or withdrawals: the history endpoints answer empty lists in the venue's shape.
  "GET /api/v4/spot/tickers": {
    private: false,
    handle: (c) => {
      const market = marketById(c.request.query.get("currency_pair"), pairId);
      return ok(
        (market === undefined ? spotMarkets : [market]).map((m) => {
          const last = c.state.prices.get(m.symbol) ?? "1";
          return { currency_pair: pairId(m), last, lowest_ask: last, highest_bid: last, change_percentage: "0", base_volume: "0", quote_volume: "0", high_24h: last, low_24h: last };
        }),
      );
    },
  },
  "GET /api/v4/wallet/deposits": { private: true, handle: () => ok([]) },
  "GET /api/v4/wallet/withdrawals": { private: true, handle: () => ok([]) },
  "GET /api/v4/spot/my_trades": {
    private: true,
    handle: (c) => {
      const q = c.request.query;
      const pair = q.get("currency_pair");
      const from = q.get("from") === null ? 0 : Number(q.get("from")) * 1000;
      const limit = Math.min(Number(q.get("limit") ?? "100"), 1000);
      return ok(
        accountOf(c)
          .trades.filter((t) => (pair === null || marketById(pair, pairId)?.symbol === t.symbol) && t.time >= from)
          .sort((a, b) => b.time - a.time)
          .slice(0, limit)
          .map((t) => {
            const market = spotMarkets.find((m) => m.symbol === t.symbol);
            return {
              id: t.id,
              create_time: seconds(t.time),
              create_time_ms: `${t.time}.000`,
              currency_pair: market === undefined ? t.symbol : pairId(market),
              side: t.side,
              role: t.maker === true ? "maker" : "taker",
              amount: t.amount,
              price: t.price,
              order_id: t.orderId ?? `1${t.id}`,
              fee: t.fee,
              fee_currency: t.feeAsset,
              point_fee: "0",
              gt_fee: "0",
              amend_text: "-",
              sequence_id: "588018",
              text: "t-loopback",
            };
          }),
      );
    },
  },
};

/**
 * Gate API v4 stand-in. Signing as Gate documents it: `SIGN` = hex HMAC-SHA512 (secret) of
 * `METHOD\n/api/v4/path\nqueryString\nhex(SHA512(body))\ntimestamp`, with `KEY` and `Timestamp`
 * (seconds, within 60 s). Refusals (`{ label, message }`): MISSING_REQUIRED_HEADER,
 * INVALID_KEY, REQUEST_EXPIRED, INVALID_SIGNATURE (HTTP 401); IP_FORBIDDEN, READ_ONLY, FORBIDDEN (403).
 * ccxt maps REQUEST_EXPIRED to AuthenticationError. Key introspection: `GET /api/v4/account/detail`
 * (`ip_whitelist`, `key.mode`) and `GET /api/v4/account/main_keys` (`perms` `[{ name, read_only }]`:
 * `spot` for trading, `wallet` for transfers and withdrawals; `ip_whitelist`). Gate reports no expiry.
 */
export const gateVenue: VenueDefinition = {
  id: "gate",
  routes,
  orderId: (n) => String(300_000_000_000 + n),
  authenticate(request, findAccount, now) {
    const key = request.header("KEY");
    const sign = request.header("SIGN");
    const timestamp = request.header("Timestamp");
    if (key === undefined || sign === undefined || timestamp === undefined) return fail(401, "MISSING_REQUIRED_HEADER", "Missing required authentication header");
    const found = findAccount(key);
    if (found === undefined) return fail(401, "INVALID_KEY", "Invalid key provided");
    if (!/^\d+(\.\d+)?$/.test(timestamp) || Math.abs(now / 1000 - Number(timestamp)) > TIMESTAMP_WINDOW_S) {
      return fail(401, "REQUEST_EXPIRED", "gap between request Timestamp and server time exceeds 60");
    }
    const bodyHash = digest("sha512", request.rawBody, "hex") as string;
    const signed = (query: string): string => hmac("sha512", found.credentials.secret, [request.method, request.path, query, bodyHash, timestamp].join("\n"), "hex");
    // Gate signs the query string as sent; it also accepts it URL-decoded.
    let decoded: string;
    try {
      decoded = decodeURIComponent(request.rawQuery);
    } catch {
      decoded = request.rawQuery;
    }
    if (!sameText(sign, signed(request.rawQuery)) && !sameText(sign, signed(decoded))) return fail(401, "INVALID_SIGNATURE", "Signature mismatch");
    return found;
  },
  refuse(reason, request) {
    if (reason === "ip") return fail(403, "IP_FORBIDDEN", `Request IP ${request.remoteAddress} not in whitelist`);
    if (reason === "expired") return fail(401, "INVALID_KEY", "Invalid key provided");
    if (reason === "trade") return fail(403, "READ_ONLY", "API key has no trading permission");
    return fail(403, "FORBIDDEN", "API key does not have the required permission");
  },
  notFound: () => fail(404, "NOT_FOUND", "Not Found"),
};
