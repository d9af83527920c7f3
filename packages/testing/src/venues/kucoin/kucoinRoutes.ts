import type { VenueOrder } from "../types.js";
import { addDecimals, divideDecimals, isDecimal, marketById, multiplyDecimals, spotMarkets, type SpotMarket } from "../shared/spotMarkets.js";
import { jsonObject } from "../shared/signatures.js";
import { accountOf, type VenueContext, type VenueReply, type VenueRoute } from "../shared/venueServer.js";

// KuCoin spot REST (https://www.kucoin.com/docs-new/authentication): `{ code, data }` with
// code "200000" for success; errors `{ code, msg }`.
const ok = (data: unknown): VenueReply => ({ status: 200, body: { code: "200000", data } });
/** A KuCoin error answer. */
export const fail = (status: number, code: string, msg: string): VenueReply => ({ status, body: { code, msg } });

const symbolId = (m: SpotMarket): string => `${m.base}-${m.quote}`;

function hfOrder(o: VenueOrder): Record<string, unknown> {
  const market = spotMarkets.find((m) => m.symbol === o.symbol);
  const dealFunds = o.filled === "0" ? "0" : multiplyDecimals(o.price, o.filled);
  const open = o.status === "open";
  return {
    id: o.id,
    clientOid: o.clientOrderId,
    symbol: market === undefined ? o.symbol : symbolId(market),
    opType: "DEAL",
    type: o.type,
    side: o.side,
    price: o.type === "limit" ? o.price : "0",
    size: o.amount,
    funds: o.quoteAmount ?? "0",
    dealSize: o.filled,
    dealFunds,
    fee: "0",
    feeCurrency: market?.quote ?? "",
    stp: "",
    timeInForce: "GTC",
    postOnly: false,
    hidden: false,
    iceberg: false,
    visibleSize: "0",
    cancelAfter: 0,
    channel: "API",
    remark: "",
    tags: "",
    cancelExist: o.status === "canceled",
    tradeType: "TRADE",
    inOrderBook: open,
    active: open,
    cancelledSize: o.status === "canceled" ? o.amount : "0",
    cancelledFunds: "0",
    remainSize: open ? o.amount : "0",
    remainFunds: "0",
    createdAt: o.time,
    lastUpdatedAt: o.updateTime,
  };
}

/** Places an order from the JSON body (HF and classic endpoints take the same fields). */
function placeOrder(c: VenueContext, answer: (order: VenueOrder) => Record<string, unknown>): VenueReply {
  const body = jsonObject(c.request.rawBody);
  if (body === undefined) return fail(400, "400100", "Invalid JSON");
  const market = marketById(typeof body.symbol === "string" ? body.symbol : undefined, symbolId);
  if (market === undefined) return fail(200, "400100", "Unsupported trading pair.");
  const side = body.side;
  const type = body.type ?? "limit";
  if (side !== "buy" && side !== "sell") return fail(200, "400100", "side is invalid");
  if (type !== "limit" && type !== "market") return fail(200, "400100", "type is invalid");
  const clientOid = typeof body.clientOid === "string" && body.clientOid !== "" ? body.clientOid : undefined;
  if (clientOid !== undefined && c.state.findOrder(accountOf(c), { clientOrderId: clientOid }) !== undefined) return fail(200, "400100", "The clientOid is duplicated");
  let amount: string;
  let quoteAmount: string | undefined;
  if (type === "limit") {
    if (!isDecimal(body.size) || !isDecimal(body.price)) return fail(200, "400100", "size or price is invalid");
    amount = body.size;
  } else if (isDecimal(body.size)) {
    amount = body.size;
  } else if (isDecimal(body.funds)) {
    quoteAmount = body.funds;
    amount = divideDecimals(body.funds, c.state.prices.get(market.symbol) ?? "1");
  } else {
    return fail(200, "400100", "size or funds is required");
  }
  const order = c.state.placeOrder(accountOf(c), c.now, {
    symbol: market.symbol,
    side,
    type,
    amount,
    ...(quoteAmount === undefined ? {} : { quoteAmount }),
    ...(type === "limit" ? { price: body.price as string } : {}),
    ...(clientOid === undefined ? {} : { clientOrderId: clientOid }),
    request: body,
  });
  return ok(answer(order));
}

/** A classic (non-HF) order: the HF shape with `isActive` for `active`, plus the stop fields. */
function classicOrder(o: VenueOrder): Record<string, unknown> {
  const { active, inOrderBook: _inBook, lastUpdatedAt: _updated, ...rest } = hfOrder(o);
  return { ...rest, isActive: active, stop: "", stopTriggered: false, stopPrice: "0" };
}

/** KuCoin's classic pagination envelope. */
function page(items: unknown[], q: URLSearchParams): Record<string, unknown> {
  const pageSize = Math.min(Number(q.get("pageSize") ?? "50"), 500);
  const currentPage = Math.max(Number(q.get("currentPage") ?? "1"), 1);
  return { currentPage, pageSize, totalNum: items.length, totalPage: Math.max(1, Math.ceil(items.length / pageSize)), items: items.slice((currentPage - 1) * pageSize, currentPage * pageSize) };
}

/** The account's fills for `symbol` (optional on the classic endpoint), newest first. */
function fills(c: VenueContext): Array<Record<string, unknown>> {
  const q = c.request.query;
  const symbol = q.get("symbol");
  const start = Number(q.get("startAt") ?? "0");
  return accountOf(c)
    .trades.filter((t) => (symbol === null || marketById(symbol, symbolId)?.symbol === t.symbol) && t.time >= start)
    .sort((a, b) => b.time - a.time)
    .map((t) => {
      const market = spotMarkets.find((m) => m.symbol === t.symbol);
      return {
        id: Number(t.id.replace(/\D/g, "") || "1"),
        orderId: t.orderId ?? `6717422bd51c29000775${t.id}`,
        counterOrderId: "67174228135f9e000709da8c",
        tradeId: t.id,
        symbol: market === undefined ? t.symbol : symbolId(market),
        side: t.side,
        liquidity: t.maker === true ? "maker" : "taker",
        type: "limit",
        forceTaker: false,
        price: t.price,
        size: t.amount,
        funds: multiplyDecimals(t.price, t.amount),
        fee: t.fee,
        feeRate: "0.001",
        feeCurrency: t.feeAsset,
        stop: "",
        tradeType: "TRADE",
        taxRate: "0",
        tax: "0",
        createdAt: t.time,
      };
    });
}

const codes = (): string[] => [...new Set(spotMarkets.flatMap((m) => [m.base, m.quote]))];

function apiKeyInfo(c: VenueContext): Record<string, unknown> {
  const a = accountOf(c);
  const p = a.permissions;
  // KuCoin's names: "Transfer" is the withdrawal permission, "InnerTransfer" moves funds between own accounts.
  const permission = ["General", ...(p.trade ? ["Spot"] : []), ...(p.transfer ? ["InnerTransfer"] : []), ...(p.withdraw ? ["Transfer"] : [])].join(",");
  return {
    remark: "loopback",
    apiKey: a.credentials.apiKey,
    apiVersion: 3,
    permission,
    ipWhitelist: p.ips.join(","),
    createdAt: 1_704_164_645_000,
    uid: 165_000_215,
    isMaster: true,
    ...a.introspection,
  };
}

/** Routes by `"METHOD /path"`. */
export const kucoinRoutes: Record<string, VenueRoute> = {
  "GET /api/v1/timestamp": { private: false, handle: (c) => ok(c.now) },
  "GET /api/v1/status": { private: false, handle: () => ok({ status: "open", msg: "" }) },
  "GET /api/v2/symbols": {
    private: false,
    handle: () =>
      ok(
        spotMarkets.map((m) => ({
          symbol: symbolId(m),
          name: symbolId(m),
          baseCurrency: m.base,
          quoteCurrency: m.quote,
          feeCurrency: m.quote,
          market: m.quote === "USDT" ? "USDS" : m.quote,
          baseMinSize: m.minAmount,
          quoteMinSize: m.minNotional,
          baseMaxSize: "10000000000",
          quoteMaxSize: "99999999",
          baseIncrement: m.lotSize,
          quoteIncrement: m.tickSize,
          priceIncrement: m.tickSize,
          priceLimitRate: "0.1",
          minFunds: m.minNotional,
          isMarginEnabled: false,
          enableTrading: true,
          feeCategory: 1,
          makerFeeCoefficient: "1.00",
          takerFeeCoefficient: "1.00",
          st: false,
          callauctionIsEnabled: false,
          callauctionPriceFloor: null,
          callauctionPriceCeiling: null,
          callauctionFirstStageStartTime: null,
          callauctionSecondStageStartTime: null,
          callauctionThirdStageStartTime: null,
          tradingStartTime: null,
        })),
      ),
  },
  "GET /api/v1/market/allTickers": {
    private: false,
    handle: (c) =>
      ok({
        time: c.now,
        ticker: spotMarkets.map((m) => {
          const last = c.state.prices.get(m.symbol) ?? "1";
          return {
            symbol: symbolId(m),
            symbolName: symbolId(m),
            buy: last,
            bestBidSize: "1",
            sell: last,
            bestAskSize: "1",
            changeRate: "0",
            changePrice: "0",
            high: last,
            low: last,
            vol: "100",
            volValue: multiplyDecimals(last, "100"),
            last,
            averagePrice: last,
            takerFeeRate: "0.001",
            makerFeeRate: "0.001",
            takerCoefficient: "1",
            makerCoefficient: "1",
          };
        }),
      }),
  },
  "GET /api/v3/currencies": {
    private: false,
    handle: () =>
      ok(
        codes().map((currency) => ({
          currency,
          name: currency,
          fullName: currency,
          precision: 8,
          confirms: null,
          contractAddress: null,
          isMarginEnabled: false,
          isDebitEnabled: false,
          chains: [
            {
              chainName: currency === "BTC" ? "BTC" : "ERC20",
              withdrawalMinSize: "0.001",
              depositMinSize: "0.0001",
              withdrawFeeRate: "0",
              withdrawalMinFee: "0.0005",
              isWithdrawEnabled: true,
              isDepositEnabled: true,
              confirms: 3,
              preConfirms: 1,
              contractAddress: "",
              withdrawPrecision: 8,
              maxWithdraw: null,
              maxDeposit: null,
              needTag: false,
              chainId: currency === "BTC" ? "btc" : "eth",
            },
          ],
        })),
      ),
  },
  // Futures and margin listings: this stand-in is spot only.
  "GET /api/v1/contracts/active": { private: false, handle: () => ok([]) },
  "GET /api/v3/margin/symbols": { private: true, handle: (c) => ok({ timestamp: c.now, items: [] }) },
  "GET /api/v1/isolated/symbols": { private: true, handle: () => ok([]) },
  "GET /api/v1/hf/accounts/opened": { private: true, handle: () => ok(true) },
  "GET /api/ua/v1/account/mode": { private: true, handle: () => ok({ selfAccountMode: "CLASSIC", unifiedAccountStatus: "CLASSIC" }) },
  "GET /api/v1/user/api-key": { private: true, handle: (c) => ok(apiKeyInfo(c)) },
  "GET /api/v1/accounts": {
    private: true,
    handle: (c) => {
      const q = c.request.query;
      const type = q.get("type");
      const currency = q.get("currency");
      // One pool of spot funds, shown as the classic `trade` account and as the high-frequency
      // `trade_hf` one, so a client on either system (ccxt picks by hf/accounts/opened) sees it.
      if (type !== null && type !== "trade" && type !== "trade_hf") return ok([]);
      return ok(
        Object.entries(accountOf(c).balances)
          .filter(([code]) => currency === null || code === currency)
          .map(([code, b], i) => ({ id: `5bd6e9286d99522a52e458d${i}`, currency: code, type: type ?? "trade", balance: addDecimals(b.free, b.locked), available: b.free, holds: b.locked })),
      );
    },
  },
  "POST /api/v1/hf/orders": { private: true, trade: true, handle: (c) => placeOrder(c, (o) => ({ orderId: o.id, clientOid: o.clientOrderId })) },
  "POST /api/v1/orders": { private: true, trade: true, handle: (c) => placeOrder(c, (o) => ({ orderId: o.id })) },
  "DELETE /api/v1/orders/:orderId": {
    private: true,
    trade: true,
    handle: (c) => {
      const order = c.state.findOrder(accountOf(c), { id: c.params.orderId });
      if (order === undefined || order.status !== "open") return fail(200, "400100", "order_not_exist_or_not_allow_to_cancel");
      order.status = "canceled";
      order.updateTime = c.now;
      return ok({ cancelledOrderIds: [order.id] });
    },
  },
  "DELETE /api/v1/order/client-order/:clientOid": {
    private: true,
    trade: true,
    handle: (c) => {
      const order = c.state.findOrder(accountOf(c), { clientOrderId: c.params.clientOid });
      if (order === undefined || order.status !== "open") return fail(200, "400100", "order_not_exist_or_not_allow_to_cancel");
      order.status = "canceled";
      order.updateTime = c.now;
      return ok({ cancelledOrderId: order.id, clientOid: order.clientOrderId });
    },
  },
  "GET /api/v1/orders": {
    private: true,
    handle: (c) => {
      const q = c.request.query;
      const status = q.get("status");
      const symbol = q.get("symbol");
      const market = symbol === null ? undefined : marketById(symbol, symbolId);
      const items = c.state.orders
        .filter((o) => o.apiKey === accountOf(c).credentials.apiKey && (symbol === null || o.symbol === market?.symbol) && (status === null || (status === "active") === (o.status === "open")))
        .reverse()
        .map(classicOrder);
      return ok(page(items, q));
    },
  },
  // The stand-in's accounts have no deposits or withdrawals: the history endpoints answer empty pages in the venue's shape.
  "GET /api/v1/market/stats": {
    private: false,
    handle: (c) => {
      const market = marketById(c.request.query.get("symbol"), symbolId);
      const last = market === undefined ? null : (c.state.prices.get(market.symbol) ?? "1");
      return ok({ time: c.now, symbol: c.request.query.get("symbol"), buy: last, sell: last, changeRate: "0", changePrice: "0", high: last, low: last, vol: "0", volValue: "0", last, averagePrice: last, takerFeeRate: "0.001", makerFeeRate: "0.001" });
    },
  },
  "GET /api/v1/deposits": { private: true, handle: () => ok({ currentPage: 1, pageSize: 50, totalNum: 0, totalPage: 0, items: [] }) },
  "GET /api/v1/withdrawals": { private: true, handle: () => ok({ currentPage: 1, pageSize: 50, totalNum: 0, totalPage: 0, items: [] }) },
  "GET /api/v1/fills": {
    private: true,
    handle: (c) => ok(page(fills(c), c.request.query)),
  },
  "DELETE /api/v1/hf/orders/:orderId": {
    private: true,
    trade: true,
    handle: (c) => {
      const order = c.state.findOrder(accountOf(c), { id: c.params.orderId });
      const symbol = c.request.query.get("symbol");
      if (order === undefined || order.status !== "open" || (symbol !== null && marketById(symbol, symbolId)?.symbol !== order.symbol)) {
        return fail(200, "400100", "order not exist.");
      }
      order.status = "canceled";
      order.updateTime = c.now;
      return ok({ orderId: order.id });
    },
  },
  "DELETE /api/v1/hf/orders/client-order/:clientOid": {
    private: true,
    trade: true,
    handle: (c) => {
      const order = c.state.findOrder(accountOf(c), { clientOrderId: c.params.clientOid });
      if (order === undefined || order.status !== "open") return fail(200, "400100", "order not exist.");
      order.status = "canceled";
      order.updateTime = c.now;
      return ok({ clientOid: order.clientOrderId });
    },
  },
  "GET /api/v1/hf/orders/active": {
    private: true,
    handle: (c) => {
      const symbol = c.request.query.get("symbol");
      if (symbol === null) return fail(200, "400100", "symbol is required");
      const market = marketById(symbol, symbolId);
      return ok(c.state.orders.filter((o) => o.apiKey === accountOf(c).credentials.apiKey && o.status === "open" && o.symbol === market?.symbol).reverse().map(hfOrder));
    },
  },
  "GET /api/v1/hf/orders/:orderId": {
    private: true,
    handle: (c) => {
      const order = c.state.findOrder(accountOf(c), { id: c.params.orderId });
      return order === undefined ? fail(200, "400100", "order not exist.") : ok(hfOrder(order));
    },
  },
  "GET /api/v1/hf/fills": {
    private: true,
    handle: (c) => {
      const q = c.request.query;
      if (q.get("symbol") === null) return fail(200, "400100", "symbol is required");
      const items = fills(c).slice(0, Math.min(Number(q.get("limit") ?? "20"), 100));
      return ok({ items, lastId: items.length === 0 ? 0 : (items[items.length - 1]?.id ?? 0) });
    },
  },
};
