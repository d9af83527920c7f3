import type { VenueOrder } from "../types.js";
import { decimalsOf, divideDecimals, isDecimal, marketById, multiplyDecimals, spotMarkets, type SpotMarket } from "../shared/spotMarkets.js";
import { hmac, jsonObject, sameText } from "../shared/signatures.js";
import { accountOf, type VenueContext, type VenueDefinition, type VenueReply, type VenueRoute } from "../shared/venueServer.js";

// Bitget API v2 (https://www.bitget.com/api-doc/common/signature): `{ code, msg, requestTime,
// data }`, code "00000" for success.
const ok = (data: unknown, now: number): VenueReply => ({ status: 200, body: { code: "00000", msg: "success", requestTime: now, data } });
const fail = (status: number, code: string, msg: string, now: number): VenueReply => ({ status, body: { code, msg, requestTime: now, data: null } });

/** Bitget refuses an ACCESS-TIMESTAMP more than 30 s from its clock. */
const TIMESTAMP_WINDOW_MS = 30_000;

const symbolId = (m: SpotMarket): string => m.base + m.quote;

function orderBody(o: VenueOrder): Record<string, unknown> {
  const market = spotMarkets.find((m) => m.symbol === o.symbol);
  return {
    userId: "1065386543",
    symbol: market === undefined ? o.symbol : symbolId(market),
    orderId: o.id,
    clientOid: o.clientOrderId,
    // Bitget's spot order shape: `priceAvg` is the order's price, `basePrice` the average fill price.
    priceAvg: o.type === "limit" ? o.price : "0",
    size: o.quoteAmount ?? o.amount,
    orderType: o.type,
    side: o.side,
    status: o.status === "open" ? "live" : o.status === "closed" ? "filled" : "cancelled",
    basePrice: o.filled === "0" ? "0" : o.price,
    baseVolume: o.filled,
    quoteVolume: o.filled === "0" ? "0" : multiplyDecimals(o.price, o.filled),
    enterPointSource: "API",
    orderSource: o.type === "limit" ? "normal" : "market",
    force: o.type === "limit" ? "gtc" : "ioc",
    cTime: String(o.time),
    uTime: String(o.updateTime),
    tpslType: "normal",
    triggerPrice: null,
  };
}

const codes = (): string[] => [...new Set(spotMarkets.flatMap((m) => [m.base, m.quote]))];

const routes: Record<string, VenueRoute> = {
  "GET /api/v2/public/time": { private: false, handle: (c) => ok({ serverTime: String(c.now) }, c.now) },
  "GET /api/v2/spot/public/symbols": {
    private: false,
    handle: (c) =>
      ok(
        spotMarkets.map((m) => ({
          symbol: symbolId(m),
          baseCoin: m.base,
          quoteCoin: m.quote,
          minTradeAmount: "0",
          maxTradeAmount: "10000000000",
          takerFeeRate: "0.001",
          makerFeeRate: "0.001",
          pricePrecision: String(decimalsOf(m.tickSize)),
          quantityPrecision: String(decimalsOf(m.lotSize)),
          quotePrecision: "8",
          status: "online",
          minTradeUSDT: m.minNotional,
          buyLimitPriceRatio: "0.05",
          sellLimitPriceRatio: "0.05",
          areaSymbol: "no",
          orderQuantity: "200",
          openTime: "1532454360000",
          offTime: "",
        })),
        c.now,
      ),
  },
  // Futures and margin listings: this stand-in is spot only.
  "GET /api/v2/mix/market/contracts": { private: false, handle: (c) => ok([], c.now) },
  "GET /api/v2/margin/currencies": { private: false, handle: (c) => ok([], c.now) },
  "GET /api/v2/spot/public/coins": {
    private: false,
    handle: (c) =>
      ok(
        codes().map((coin, i) => ({
          coinId: String(i + 1),
          coin,
          transfer: "true",
          chains: [
            {
              chain: coin === "BTC" ? "BTC" : "ERC20",
              needTag: "false",
              withdrawable: "true",
              rechargeable: "true",
              withdrawFee: "0.0005",
              extraWithdrawFee: "0",
              depositConfirm: "1",
              withdrawConfirm: "1",
              minDepositAmount: "0.0001",
              minWithdrawAmount: "0.001",
              browserUrl: "",
              contractAddress: "",
              withdrawStep: "0",
              withdrawMinScale: "8",
              congestion: "normal",
            },
          ],
          areaCoin: "no",
        })),
        c.now,
      ),
  },
  "GET /api/v2/spot/account/info": {
    private: true,
    handle: (c) => {
      const a = accountOf(c);
      const p = a.permissions;
      // Bitget's permission codes: "...or" read only, "...ow" read and write (stor/stow spot trade,
      // wtor/wtow wallet transfer, wwow wallet withdrawal).
      const authorities = ["stor", p.trade ? "stow" : undefined, p.transfer ? "wtow" : "wtor", p.withdraw ? "wwow" : undefined].filter((a): a is string => a !== undefined);
      return ok(
        {
          userId: "1065386543",
          inviterId: "0",
          ips: p.ips.join(","),
          authorities,
          parentId: 1065386543,
          traderType: "",
          channelCode: "",
          channel: "",
          regisTime: "1695808949356",
          ...a.introspection,
        },
        c.now,
      );
    },
  },
  "GET /api/v2/spot/account/assets": {
    private: true,
    handle: (c) => {
      const coin = c.request.query.get("coin");
      return ok(
        Object.entries(accountOf(c).balances)
          .filter(([code]) => coin === null || coin === code)
          .map(([code, b]) => ({ coin: code, available: b.free, frozen: b.locked, locked: "0", limitAvailable: "0", uTime: String(c.now) })),
        c.now,
      );
    },
  },
  "POST /api/v2/spot/trade/place-order": {
    private: true,
    trade: true,
    handle: (c) => {
      const body = jsonObject(c.request.rawBody);
      if (body === undefined) return fail(400, "40019", "Parameter cannot be empty", c.now);
      const market = marketById(typeof body.symbol === "string" ? body.symbol : undefined, symbolId);
      if (market === undefined) return fail(400, "40034", "Parameter symbol does not exist", c.now);
      const side = body.side;
      const type = body.orderType;
      if (side !== "buy" && side !== "sell") return fail(400, "40017", "Parameter side error", c.now);
      if (type !== "limit" && type !== "market") return fail(400, "40017", "Parameter orderType error", c.now);
      if (!isDecimal(body.size)) return fail(400, "40017", "Parameter size error", c.now);
      if (type === "limit" && !isDecimal(body.price)) return fail(400, "40017", "Parameter price error", c.now);
      const clientOid = typeof body.clientOid === "string" && body.clientOid !== "" ? body.clientOid : undefined;
      if (clientOid !== undefined && c.state.findOrder(accountOf(c), { clientOrderId: clientOid }) !== undefined) return fail(400, "43118", "clientOid duplicate", c.now);
      // A market buy is sized in quote currency.
      const quoteSized = type === "market" && side === "buy";
      const order = c.state.placeOrder(accountOf(c), c.now, {
        symbol: market.symbol,
        side,
        type,
        amount: quoteSized ? divideDecimals(body.size, c.state.prices.get(market.symbol) ?? "1") : body.size,
        ...(quoteSized ? { quoteAmount: body.size } : {}),
        ...(type === "limit" ? { price: body.price as string } : {}),
        ...(clientOid === undefined ? {} : { clientOrderId: clientOid }),
        request: body,
      });
      return ok({ orderId: order.id, clientOid: order.clientOrderId }, c.now);
    },
  },
  "POST /api/v2/spot/trade/cancel-order": {
    private: true,
    trade: true,
    handle: (c) => {
      const body = jsonObject(c.request.rawBody);
      if (body === undefined) return fail(400, "40019", "Parameter cannot be empty", c.now);
      const order = c.state.findOrder(accountOf(c), { id: typeof body.orderId === "string" ? body.orderId : undefined, clientOrderId: typeof body.clientOid === "string" ? body.clientOid : undefined });
      if (order === undefined || order.status !== "open") return fail(400, "43001", "The order does not exist", c.now);
      order.status = "canceled";
      order.updateTime = c.now;
      return ok({ orderId: order.id, clientOid: order.clientOrderId }, c.now);
    },
  },
  "GET /api/v2/spot/trade/unfilled-orders": {
    private: true,
    handle: (c) => {
      const symbol = c.request.query.get("symbol");
      const market = symbol === null ? undefined : marketById(symbol, symbolId);
      return ok(
        c.state.orders.filter((o) => o.apiKey === accountOf(c).credentials.apiKey && o.status === "open" && (symbol === null || o.symbol === market?.symbol)).reverse().map(orderBody),
        c.now,
      );
    },
  },
  "GET /api/v2/spot/trade/orderInfo": {
    private: true,
    handle: (c) => {
      const q = c.request.query;
      const order = c.state.findOrder(accountOf(c), { id: q.get("orderId"), clientOrderId: q.get("clientOid") });
      return order === undefined ? fail(400, "43001", "The order does not exist", c.now) : ok([orderBody(order)], c.now);
    },
  },
  // The stand-in's accounts have no deposits or withdrawals: the history endpoints answer empty lists in the venue's shape.
  "GET /api/v2/spot/market/tickers": {
    private: false,
    handle: (c) => {
      const market = marketById(c.request.query.get("symbol"), symbolId);
      const data = (market === undefined ? spotMarkets : [market]).map((m) => {
        const last = c.state.prices.get(m.symbol) ?? "1";
        return { symbol: symbolId(m), high24h: last, open: last, low24h: last, lastPr: last, quoteVolume: "0", baseVolume: "0", usdtVolume: "0", bidPr: last, askPr: last, bidSz: "1", askSz: "1", openUtc: last, ts: String(c.now), changeUtc24h: "0", change24h: "0" };
      });
      return ok(data, c.now);
    },
  },
  "GET /api/v2/spot/wallet/deposit-records": { private: true, handle: (c) => ok([], c.now) },
  "GET /api/v2/spot/wallet/withdrawal-records": { private: true, handle: (c) => ok([], c.now) },
  "GET /api/v2/spot/trade/fills": {
    private: true,
    handle: (c) => {
      const q = c.request.query;
      const symbol = q.get("symbol");
      if (symbol === null) return fail(400, "40019", "Parameter symbol cannot be empty", c.now);
      const start = Number(q.get("startTime") ?? "0");
      const limit = Math.min(Number(q.get("limit") ?? "100"), 100);
      return ok(
        accountOf(c)
          .trades.filter((t) => marketById(symbol, symbolId)?.symbol === t.symbol && t.time >= start)
          .sort((a, b) => b.time - a.time)
          .slice(0, limit)
          .map((t) => ({
            userId: "1065386543",
            symbol,
            orderId: t.orderId ?? `12${t.id}`,
            tradeId: t.id,
            orderType: "limit",
            side: t.side,
            priceAvg: t.price,
            size: t.amount,
            amount: multiplyDecimals(t.price, t.amount),
            feeDetail: { deduction: "no", feeCoin: t.feeAsset, totalDeductionFee: "0", totalFee: t.fee === "0" ? "0" : `-${t.fee}` },
            tradeScope: t.maker === true ? "maker" : "taker",
            cTime: String(t.time),
            uTime: String(t.time),
          })),
        c.now,
      );
    },
  },
};

/**
 * Bitget API v2 stand-in. Signing as Bitget documents it: `ACCESS-SIGN` = base64 HMAC-SHA256
 * (secret) of `timestamp + METHOD + requestPath (+ "?" + queryString) + body`, with
 * `ACCESS-KEY`, `ACCESS-PASSPHRASE` and `ACCESS-TIMESTAMP` (ms, within 30 s). Refusals (HTTP
 * 400, `{ code, msg }`): 40006 (key), 40012 (passphrase), 40008 (timestamp), 40009 (signature),
 * 40018 (IP), 40014 (permission). `GET /api/v2/spot/account/info` reports `authorities` in
 * Bitget's documented codes (`stor`, plus `stow` with trade, `wtow` (else `wtor`) with transfer,
 * `wwow` with withdraw) and `ips` (comma-separated); Bitget reports no expiry. The older
 * `["trade", "readonly"]` form of its example can be served through `introspection`.
 */
export const bitgetVenue: VenueDefinition = {
  id: "bitget",
  routes,
  orderId: (n) => `12${String(n).padStart(16, "0")}`,
  authenticate(request, findAccount, now) {
    const key = request.header("ACCESS-KEY");
    const sign = request.header("ACCESS-SIGN");
    const timestamp = request.header("ACCESS-TIMESTAMP");
    const passphrase = request.header("ACCESS-PASSPHRASE");
    if (key === undefined || key === "") return fail(400, "40001", "ACCESS_KEY cannot be empty", now);
    if (sign === undefined || sign === "") return fail(400, "40002", "ACCESS_SIGN cannot be empty", now);
    if (timestamp === undefined || timestamp === "") return fail(400, "40003", "ACCESS_TIMESTAMP cannot be empty", now);
    if (passphrase === undefined || passphrase === "") return fail(400, "40011", "ACCESS_PASSPHRASE cannot be empty", now);
    const found = findAccount(key);
    if (found === undefined) return fail(400, "40006", "Invalid ACCESS_KEY", now);
    if (!/^\d+$/.test(timestamp)) return fail(400, "40005", "Invalid ACCESS_TIMESTAMP", now);
    if (Math.abs(now - Number(timestamp)) > TIMESTAMP_WINDOW_MS) return fail(400, "40008", "Request timestamp expired", now);
    if (!sameText(passphrase, found.credentials.password ?? "")) return fail(400, "40012", "apikey/password is incorrect", now);
    const requestPath = request.path + (request.rawQuery === "" ? "" : `?${request.rawQuery}`);
    const expected = hmac("sha256", found.credentials.secret, timestamp + request.method + requestPath + request.rawBody, "base64");
    if (!sameText(sign, expected)) return fail(400, "40009", "sign signature error", now);
    return found;
  },
  refuse(reason, request, now) {
    if (reason === "ip") return fail(400, "40018", `Invalid IP, your ip is ${request.remoteAddress}`, now);
    if (reason === "expired") return fail(400, "40037", "Apikey does not exist", now);
    return fail(400, "40014", "Incorrect permissions", now);
  },
  notFound: () => ({ status: 404, body: { code: "40404", msg: "Request URL NOT FOUND" } }),
};
