import type { VenueOrder } from "../types.js";
import { addDecimals, divideDecimals, isDecimal, marketById, multiplyDecimals, spotMarkets, type SpotMarket } from "../shared/spotMarkets.js";
import { jsonObject } from "../shared/signatures.js";
import { accountOf, type VenueContext, type VenueReply, type VenueRoute } from "../shared/venueServer.js";

// Coinbase Advanced Trade API v3 (and the v2 endpoints ccxt also reads) in Coinbase's JSON shapes.
const ok = (body: unknown): VenueReply => ({ status: 200, body });
const invalid = (message: string): VenueReply => ({ status: 400, body: { error: "INVALID_ARGUMENT", error_details: message, message } });

const productId = (m: SpotMarket): string => `${m.base}-${m.quote}`;
const iso = (ms: number): string => new Date(ms).toISOString();

function orderBody(o: VenueOrder): Record<string, unknown> {
  const market = spotMarkets.find((m) => m.symbol === o.symbol);
  const filledValue = o.filled === "0" ? "0" : multiplyDecimals(o.price, o.filled);
  const configuration =
    o.type === "limit"
      ? { limit_limit_gtc: { base_size: o.amount, limit_price: o.price, post_only: false } }
      : { market_market_ioc: o.quoteAmount === undefined ? { base_size: o.amount } : { quote_size: o.quoteAmount } };
  return {
    order_id: o.id,
    product_id: market === undefined ? o.symbol : productId(market),
    user_id: "loopback-user",
    order_configuration: configuration,
    side: o.side.toUpperCase(),
    client_order_id: o.clientOrderId,
    status: o.status === "open" ? "OPEN" : o.status === "closed" ? "FILLED" : "CANCELLED",
    time_in_force: o.type === "limit" ? "GOOD_UNTIL_CANCELLED" : "IMMEDIATE_OR_CANCEL",
    created_time: iso(o.time),
    completion_percentage: o.filled === "0" ? "0" : "100",
    filled_size: o.filled,
    average_filled_price: o.filled === "0" ? "0" : o.price,
    fee: "",
    number_of_fills: o.filled === "0" ? "0" : "1",
    filled_value: filledValue,
    pending_cancel: false,
    size_in_quote: o.quoteAmount !== undefined,
    total_fees: "0",
    size_inclusive_of_fees: false,
    total_value_after_fees: filledValue,
    trigger_status: "INVALID_ORDER_TYPE",
    order_type: o.type === "limit" ? "LIMIT" : "MARKET",
    reject_reason: "REJECT_REASON_UNSPECIFIED",
    settled: o.status === "closed",
    product_type: "SPOT",
    reject_message: "",
    cancel_message: o.status === "canceled" ? "User requested cancel" : "",
    order_placement_source: "RETAIL_ADVANCED",
    outstanding_hold_amount: o.status === "open" ? multiplyDecimals(o.price, o.amount) : "0",
    is_liquidation: false,
    last_fill_time: o.filled === "0" ? null : iso(o.updateTime),
    edit_history: [],
    leverage: "",
    margin_type: "UNKNOWN_MARGIN_TYPE",
    retail_portfolio_id: "loopback-portfolio",
  };
}

function product(m: SpotMarket, price: string): Record<string, unknown> {
  return {
    product_id: productId(m),
    price,
    price_percentage_change_24h: "0",
    volume_24h: "1000",
    volume_percentage_change_24h: "0",
    base_increment: m.lotSize,
    quote_increment: m.tickSize,
    quote_min_size: m.minNotional,
    quote_max_size: "150000000",
    base_min_size: m.minAmount,
    base_max_size: "3400",
    base_name: m.base,
    quote_name: m.quote,
    watched: false,
    is_disabled: false,
    new: false,
    status: "online",
    cancel_only: false,
    limit_only: false,
    post_only: false,
    trading_disabled: false,
    auction_mode: false,
    product_type: "SPOT",
    quote_currency_id: m.quote,
    base_currency_id: m.base,
    fcm_trading_session_details: null,
    mid_market_price: "",
    alias: "",
    alias_to: [],
    base_display_symbol: m.base,
    quote_display_symbol: m.quote,
    view_only: false,
    price_increment: m.tickSize,
    display_name: `${m.base}-${m.quote}`,
    product_venue: "CBE",
    approximate_quote_24h_volume: "0",
  };
}

const codes = (): string[] => [...new Set(spotMarkets.flatMap((m) => [m.base, m.quote]))];

/** Routes by `"METHOD /path"`. */
export const coinbaseRoutes: Record<string, VenueRoute> = {
  "GET /v2/currencies": { private: false, handle: () => ok({ data: [{ id: "USD", name: "US Dollar", min_size: "0.01" }] }) },
  "GET /v2/currencies/crypto": {
    private: false,
    handle: () => ok({ data: codes().map((code, i) => ({ asset_id: `00000000-0000-4000-8000-00000000000${i}`, code, name: code, color: "#000000", sort_index: i, exponent: 8, type: "crypto", address_regex: "^.+$" })) }),
  },
  "GET /v2/exchange-rates": {
    private: false,
    handle: (c) => ok({ data: { currency: "USD", rates: Object.fromEntries(codes().map((code) => [code, code === "USDT" ? "1" : divideDecimals("1", c.state.prices.get(`${code}/USDT`) ?? "1", 12)])) } }),
  },
  "GET /api/v3/brokerage/time": {
    private: false,
    handle: (c) => ok({ iso: iso(c.now), epochSeconds: String(Math.floor(c.now / 1000)), epochMillis: String(c.now) }),
  },
  "GET /api/v3/brokerage/market/products": {
    private: false,
    handle: (c) => {
      const type = c.request.query.get("product_type");
      const products = type === null || type === "SPOT" ? spotMarkets.map((m) => product(m, c.state.prices.get(m.symbol) ?? "1")) : [];
      return ok({ products, num_products: products.length });
    },
  },
  "GET /api/v3/brokerage/transaction_summary": {
    private: true,
    handle: () =>
      ok({
        total_volume: 0,
        total_fees: 0,
        fee_tier: { pricing_tier: "Advanced 1", usd_from: "0", usd_to: "1000", taker_fee_rate: "0.012", maker_fee_rate: "0.006", aop_from: "", aop_to: "" },
        margin_rate: null,
        goods_and_services_tax: null,
        advanced_trade_only_volume: 0,
        advanced_trade_only_fees: 0,
        coinbase_pro_volume: 0,
        coinbase_pro_fees: 0,
        total_balance: "",
        has_promo_fee: false,
      }),
  },
  "GET /api/v3/brokerage/key_permissions": {
    private: true,
    handle: (c) => {
      const a = accountOf(c);
      const p = a.permissions;
      return ok({ can_view: p.read, can_trade: p.trade, can_transfer: p.withdraw || p.transfer, portfolio_uuid: "loopback-portfolio", portfolio_type: "DEFAULT", ...a.introspection });
    },
  },
  "GET /api/v3/brokerage/accounts": {
    private: true,
    handle: (c) => {
      const accounts = Object.entries(accountOf(c).balances).map(([currency, b], i) => ({
        uuid: `8bfc20d7-f7c6-4422-bf07-8243ca4169f${i}`,
        name: `${currency} Wallet`,
        currency,
        available_balance: { value: b.free, currency },
        default: true,
        active: true,
        created_at: "2024-01-02T03:04:05.000Z",
        updated_at: "2024-01-02T03:04:05.000Z",
        deleted_at: null,
        type: "ACCOUNT_TYPE_CRYPTO",
        ready: true,
        hold: { value: b.locked, currency },
        retail_portfolio_id: "loopback-portfolio",
        platform: "ACCOUNT_PLATFORM_CONSUMER",
      }));
      return ok({ accounts, has_next: false, cursor: "", size: accounts.length });
    },
  },
  "GET /v2/accounts": {
    private: true,
    handle: (c) => {
      const data = Object.entries(accountOf(c).balances).map(([code, b], i) => ({
        id: `94ad58bc-0f15-5309-b35a-a4c86d7bad6${i}`,
        name: `${code} Wallet`,
        primary: i === 0,
        type: "wallet",
        currency: { code, name: code, color: "#000000", sort_index: i, exponent: 8, type: "crypto", address_regex: "^.+$", asset_id: `00000000-0000-4000-8000-00000000000${i}` },
        balance: { amount: addDecimals(b.free, b.locked), currency: code },
        created_at: "2024-01-02T03:04:05Z",
        updated_at: "2024-01-02T03:04:05Z",
        resource: "account",
        resource_path: `/v2/accounts/94ad58bc-0f15-5309-b35a-a4c86d7bad6${i}`,
        allow_deposits: true,
        allow_withdrawals: true,
      }));
      const limit = Number(c.request.query.get("limit") ?? "25");
      return ok({
        pagination: { ending_before: null, starting_after: null, previous_ending_before: null, next_starting_after: null, limit, order: "desc", previous_uri: null, next_uri: null },
        data,
      });
    },
  },
  "POST /api/v3/brokerage/orders": {
    private: true,
    trade: true,
    handle: (c) => {
      const body = jsonObject(c.request.rawBody);
      if (body === undefined) return invalid("Invalid JSON body");
      const failure = (error: string, message: string): VenueReply =>
        ok({ success: false, failure_reason: "UNKNOWN_FAILURE_REASON", order_id: "", error_response: { error, message, error_details: message, preview_failure_reason: error, new_order_failure_reason: error } });
      const market = marketById(typeof body.product_id === "string" ? body.product_id : undefined, productId);
      if (market === undefined) return failure("INVALID_PRODUCT_ID", "Invalid product_id");
      const side = body.side === "BUY" ? "buy" : body.side === "SELL" ? "sell" : undefined;
      if (side === undefined) return failure("INVALID_SIDE", "Invalid side");
      const clientOrderId = typeof body.client_order_id === "string" ? body.client_order_id : "";
      if (clientOrderId === "") return invalid("client_order_id is required");
      const existing = c.state.findOrder(accountOf(c), { clientOrderId });
      // Coinbase answers a repeated client_order_id with the original order, placing nothing.
      if (existing !== undefined) return ok({ success: true, order_id: existing.id, success_response: { order_id: existing.id, product_id: productId(market), side: body.side, client_order_id: clientOrderId } });
      const config = (typeof body.order_configuration === "object" && body.order_configuration !== null ? body.order_configuration : {}) as Record<string, Record<string, unknown> | undefined>;
      const limit = config.limit_limit_gtc;
      const market_ = config.market_market_ioc;
      let placed: VenueOrder;
      if (limit !== undefined) {
        if (!isDecimal(limit.base_size) || !isDecimal(limit.limit_price)) return failure("INVALID_LIMIT_PRICE", "Invalid base_size or limit_price");
        placed = c.state.placeOrder(accountOf(c), c.now, { symbol: market.symbol, side, type: "limit", amount: limit.base_size, price: limit.limit_price, clientOrderId, request: body });
      } else if (market_ !== undefined) {
        const last = c.state.prices.get(market.symbol) ?? "1";
        if (isDecimal(market_.base_size)) {
          placed = c.state.placeOrder(accountOf(c), c.now, { symbol: market.symbol, side, type: "market", amount: market_.base_size, clientOrderId, request: body });
        } else if (isDecimal(market_.quote_size)) {
          placed = c.state.placeOrder(accountOf(c), c.now, { symbol: market.symbol, side, type: "market", amount: divideDecimals(market_.quote_size, last), quoteAmount: market_.quote_size, clientOrderId, request: body });
        } else {
          return failure("INVALID_SIZE", "Invalid base_size or quote_size");
        }
      } else {
        return failure("UNSUPPORTED_ORDER_CONFIGURATION", "Unsupported order configuration");
      }
      return ok({
        success: true,
        order_id: placed.id,
        success_response: { order_id: placed.id, product_id: productId(market), side: body.side, client_order_id: clientOrderId },
        order_configuration: body.order_configuration,
      });
    },
  },
  "POST /api/v3/brokerage/orders/batch_cancel": {
    private: true,
    trade: true,
    handle: (c) => {
      const body = jsonObject(c.request.rawBody);
      const ids = body?.order_ids;
      if (!Array.isArray(ids) || ids.length === 0) return invalid("order_ids is required");
      return ok({
        results: ids.map((id) => {
          const order = c.state.findOrder(accountOf(c), { id: String(id) });
          if (order === undefined) return { success: false, failure_reason: "UNKNOWN_CANCEL_ORDER", order_id: String(id) };
          if (order.status !== "open") return { success: false, failure_reason: "INVALID_CANCEL_REQUEST", order_id: order.id };
          order.status = "canceled";
          order.updateTime = c.now;
          return { success: true, failure_reason: "UNKNOWN_CANCEL_FAILURE_REASON", order_id: order.id };
        }),
      });
    },
  },
  "GET /api/v3/brokerage/orders/historical/batch": {
    private: true,
    handle: (c) => {
      const q = c.request.query;
      const statuses = q.getAll("order_status");
      const productIds = [...q.getAll("product_id"), ...q.getAll("product_ids")];
      const wanted = (o: VenueOrder): boolean => {
        const status = o.status === "open" ? "OPEN" : o.status === "closed" ? "FILLED" : "CANCELLED";
        const market = spotMarkets.find((m) => m.symbol === o.symbol);
        return (statuses.length === 0 || statuses.includes(status)) && (productIds.length === 0 || (market !== undefined && productIds.includes(productId(market))));
      };
      const limit = Number(q.get("limit") ?? "100");
      const orders = c.state.orders.filter((o) => o.apiKey === accountOf(c).credentials.apiKey && wanted(o)).reverse().slice(0, limit);
      return ok({ orders: orders.map(orderBody), sequence: "0", has_next: false, cursor: "" });
    },
  },
  "GET /api/v3/brokerage/orders/historical/:order_id": {
    private: true,
    handle: (c) => {
      const order = c.state.findOrder(accountOf(c), { id: c.params.order_id });
      return order === undefined ? { status: 404, body: { error: "NOT_FOUND", error_details: "order with this orderID was not found", message: "order with this orderID was not found" } } : ok({ order: orderBody(order) });
    },
  },
  "GET /api/v3/brokerage/market/products/:product_id/ticker": {
    private: false,
    handle: (c) => {
      const market = marketById(c.params.product_id, productId);
      if (market === undefined) return { status: 404, body: { error: "NOT_FOUND", message: "product not found" } };
      const last = c.state.prices.get(market.symbol) ?? "1";
      return ok({ trades: [{ trade_id: String(c.now), product_id: productId(market), price: last, size: "0.01", time: new Date(c.now).toISOString(), side: "BUY" }], best_bid: last, best_ask: last });
    },
  },
  "GET /api/v3/brokerage/orders/historical/fills": {
    private: true,
    handle: (c) => {
      const q = c.request.query;
      const productIds = [...q.getAll("product_id"), ...q.getAll("product_ids")];
      const start = q.get("start_sequence_timestamp");
      const from = start === null ? 0 : Date.parse(start);
      const limit = Number(q.get("limit") ?? "100");
      const fills = accountOf(c)
        .trades.filter((t) => {
          const market = spotMarkets.find((m) => m.symbol === t.symbol);
          return (productIds.length === 0 || (market !== undefined && productIds.includes(productId(market)))) && t.time >= from;
        })
        .sort((a, b) => b.time - a.time)
        .slice(0, limit)
        .map((t) => {
          const market = spotMarkets.find((m) => m.symbol === t.symbol);
          return {
            entry_id: `entry-${t.id}`,
            trade_id: t.id,
            order_id: t.orderId ?? `order-${t.id}`,
            trade_time: iso(t.time),
            trade_type: "FILL",
            price: t.price,
            size: t.amount,
            commission: t.fee,
            product_id: market === undefined ? t.symbol : productId(market),
            sequence_timestamp: iso(t.time),
            liquidity_indicator: t.maker === true ? "MAKER" : "TAKER",
            size_in_quote: false,
            user_id: "loopback-user",
            side: t.side.toUpperCase(),
            retail_portfolio_id: "loopback-portfolio",
          };
        });
      return ok({ fills, cursor: "" });
    },
  },
};
