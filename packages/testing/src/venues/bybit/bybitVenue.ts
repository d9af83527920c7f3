import { verify } from "node:crypto";
import type { VenueOrder } from "../types.js";
import { addDecimals, divideDecimals, isDecimal, marketById, multiplyDecimals, spotMarkets, type SpotMarket } from "../shared/spotMarkets.js";
import { hmac, jsonObject, sameText } from "../shared/signatures.js";
import { accountOf, type VenueContext, type VenueDefinition, type VenueReply, type VenueRoute } from "../shared/venueServer.js";

// Bybit v5 (https://bybit-exchange.github.io/docs/v5/guide): `{ retCode, retMsg, result,
// retExtInfo, time }`; business and most authentication errors come with HTTP 200.
const reply = (retCode: number, retMsg: string, result: unknown, now: number, status = 200): VenueReply => ({
  status,
  body: { retCode, retMsg, result, retExtInfo: {}, time: now },
});
const ok = (result: unknown, now: number): VenueReply => reply(0, "OK", result, now);

const symbolId = (m: SpotMarket): string => m.base + m.quote;

const capitalised = (side: string): string => side.charAt(0).toUpperCase() + side.slice(1);

function orderBody(o: VenueOrder): Record<string, unknown> {
  const market = spotMarkets.find((m) => m.symbol === o.symbol);
  const value = o.filled === "0" ? "0" : multiplyDecimals(o.price, o.filled);
  return {
    orderId: o.id,
    orderLinkId: o.clientOrderId,
    blockTradeId: "",
    symbol: market === undefined ? o.symbol : symbolId(market),
    price: o.type === "limit" ? o.price : "0",
    qty: o.quoteAmount ?? o.amount,
    side: capitalised(o.side),
    isLeverage: "0",
    positionIdx: 0,
    orderStatus: o.status === "open" ? "New" : o.status === "closed" ? "Filled" : "Cancelled",
    cancelType: o.status === "canceled" ? "CancelByUser" : "UNKNOWN",
    rejectReason: "EC_NoError",
    avgPrice: o.filled === "0" ? "" : o.price,
    leavesQty: o.status === "open" ? o.amount : "0",
    leavesValue: o.status === "open" ? multiplyDecimals(o.price, o.amount) : "0",
    cumExecQty: o.filled,
    cumExecValue: value,
    cumExecFee: "0",
    timeInForce: o.type === "market" ? "IOC" : "GTC",
    orderType: capitalised(o.type),
    stopOrderType: "",
    orderIv: "",
    marketUnit: o.quoteAmount === undefined ? "" : "quoteCoin",
    triggerPrice: "0.00",
    takeProfit: "0.00",
    stopLoss: "0.00",
    tpslMode: "",
    tpLimitPrice: "",
    slLimitPrice: "",
    tpTriggerBy: "",
    slTriggerBy: "",
    triggerDirection: 0,
    triggerBy: "",
    lastPriceOnCreated: "",
    reduceOnly: false,
    closeOnTrigger: false,
    placeType: "",
    smpType: "None",
    smpGroup: 0,
    smpOrderId: "",
    createdTime: String(o.time),
    updatedTime: String(o.updateTime),
  };
}

function queryApiBody(c: VenueContext): Record<string, unknown> {
  const a = accountOf(c);
  const p = a.permissions;
  return {
    id: "13770661",
    note: "loopback",
    apiKey: a.credentials.apiKey,
    readOnly: p.trade || p.withdraw || p.transfer ? 0 : 1,
    secret: "",
    permissions: {
      ContractTrade: p.trade ? ["Order", "Position"] : [],
      Spot: p.trade ? ["SpotTrade"] : [],
      Wallet: [...(p.transfer ? ["AccountTransfer", "SubMemberTransfer"] : []), ...(p.withdraw ? ["Withdraw"] : [])],
      Options: [],
      Derivatives: [],
      CopyTrading: [],
      BlockTrade: [],
      Exchange: ["ExchangeHistory"],
      NFT: [],
      Affiliate: [],
      Earn: [],
    },
    ips: p.ips.length === 0 ? ["*"] : [...p.ips],
    type: 1,
    deadlineDay: p.expiresAt === null ? -1 : Math.max(0, Math.ceil((p.expiresAt - c.now) / 86_400_000)),
    expiredAt: p.expiresAt === null ? "" : new Date(p.expiresAt).toISOString().replace(/\.\d{3}Z$/, "Z"),
    createdAt: "2024-01-02T03:04:05Z",
    unified: 0,
    uta: 1,
    userID: 24600000,
    inviterID: 0,
    vipLevel: "No VIP",
    mktMakerLevel: "0",
    affiliateID: 0,
    rsaPublicKey: a.publicKey === undefined ? "" : a.publicKey.export({ type: "spki", format: "pem" }).toString(),
    isMaster: true,
    parentUid: "0",
    kycLevel: "LEVEL_1",
    kycRegion: "",
    ...a.introspection,
  };
}

const routes: Record<string, VenueRoute> = {
  "GET /v5/market/time": {
    private: false,
    handle: (c) => ok({ timeSecond: String(Math.floor(c.now / 1000)), timeNano: `${c.now}000000` }, c.now),
  },
  "GET /v5/market/instruments-info": {
    private: false,
    handle: (c) => {
      const category = c.request.query.get("category");
      if (category === null || !["spot", "linear", "inverse", "option"].includes(category)) return reply(10001, "params error: category is invalid", {}, c.now);
      const list =
        category === "spot"
          ? spotMarkets.map((m) => ({
              symbol: symbolId(m),
              baseCoin: m.base,
              quoteCoin: m.quote,
              innovation: "0",
              status: "Trading",
              marginTrading: "none",
              stTag: "0",
              lotSizeFilter: { basePrecision: m.lotSize, quotePrecision: m.tickSize, minOrderQty: m.minAmount, maxOrderQty: "10000", minOrderAmt: m.minNotional, maxOrderAmt: "2000000" },
              priceFilter: { tickSize: m.tickSize },
              riskParameters: { priceLimitRatioX: "0.05", priceLimitRatioY: "0.05" },
            }))
          : [];
      return ok({ category, list, nextPageCursor: "" }, c.now);
    },
  },
  "GET /v5/asset/coin/query-info": {
    private: true,
    handle: (c) => {
      const coins = [...new Set(spotMarkets.flatMap((m) => [m.base, m.quote]))];
      return ok(
        {
          rows: coins.map((coin) => ({
            name: coin,
            coin,
            remainAmount: "150000",
            chains: [
              {
                chainType: coin === "BTC" ? "BTC" : "ETH",
                confirmation: "10000",
                withdrawFee: "0.0005",
                depositMin: "0",
                withdrawMin: "0.001",
                chain: coin === "BTC" ? "BTC" : "ETH",
                chainDeposit: "1",
                chainWithdraw: "1",
                minAccuracy: "8",
                withdrawPercentageFee: "0",
                contractAddress: "",
              },
            ],
          })),
        },
        c.now,
      );
    },
  },
  "GET /v5/user/query-api": { private: true, handle: (c) => ok(queryApiBody(c), c.now) },
  "GET /v5/account/info": {
    private: true,
    handle: (c) => ok({ marginMode: "REGULAR_MARGIN", updatedTime: "1697078946000", unifiedMarginStatus: 6, dcpStatus: "OFF", timeWindow: 10, smpGroup: 0, isMasterTrader: false, spotHedgingStatus: "OFF" }, c.now),
  },
  "GET /v5/account/wallet-balance": {
    private: true,
    handle: (c) => {
      const type = c.request.query.get("accountType");
      if (type !== "UNIFIED") return reply(10001, "accountType only support UNIFIED.", {}, c.now);
      const wanted = c.request.query.get("coin")?.split(",");
      const coin = Object.entries(accountOf(c).balances)
        .filter(([name]) => wanted === undefined || wanted.includes(name))
        .map(([name, b]) => ({
          coin: name,
          equity: addDecimals(b.free, b.locked),
          usdValue: "",
          walletBalance: addDecimals(b.free, b.locked),
          free: "",
          locked: b.locked,
          spotHedgingQty: "0",
          borrowAmount: "0",
          availableToWithdraw: "",
          accruedInterest: "0",
          totalOrderIM: "0",
          totalPositionIM: "0",
          totalPositionMM: "0",
          unrealisedPnl: "0",
          cumRealisedPnl: "0",
          bonus: "0",
          marginCollateral: true,
          collateralSwitch: true,
          availableToBorrow: "",
        }));
      return ok(
        {
          list: [
            {
              accountType: "UNIFIED",
              accountIMRate: "0",
              accountMMRate: "0",
              totalEquity: "0",
              totalWalletBalance: "0",
              totalMarginBalance: "0",
              totalAvailableBalance: "0",
              totalPerpUPL: "0",
              totalInitialMargin: "0",
              totalMaintenanceMargin: "0",
              accountLTV: "0",
              coin,
            },
          ],
        },
        c.now,
      );
    },
  },
  "POST /v5/order/create": {
    private: true,
    trade: true,
    handle: (c) => {
      const body = jsonObject(c.request.rawBody);
      if (body === undefined) return reply(10001, "Request parameter error.", {}, c.now);
      if (body.category !== "spot") return reply(10001, "params error: category only support spot here", {}, c.now);
      const market = marketById(typeof body.symbol === "string" ? body.symbol : undefined, symbolId);
      if (market === undefined) return reply(170121, "Invalid symbol.", {}, c.now);
      const side = body.side === "Buy" ? "buy" : body.side === "Sell" ? "sell" : undefined;
      const type = body.orderType === "Limit" ? "limit" : body.orderType === "Market" ? "market" : undefined;
      if (side === undefined || type === undefined || !isDecimal(body.qty)) return reply(10001, "params error: side, orderType or qty invalid", {}, c.now);
      if (type === "limit" && !isDecimal(body.price)) return reply(10001, "params error: price invalid", {}, c.now);
      const link = typeof body.orderLinkId === "string" && body.orderLinkId !== "" ? body.orderLinkId : undefined;
      if (link !== undefined && c.state.findOrder(accountOf(c), { clientOrderId: link }) !== undefined) return reply(170141, "Duplicate clientOrderId", {}, c.now);
      // A spot market buy is sized in quote coin unless marketUnit says baseCoin.
      const quoteSized = type === "market" && side === "buy" && body.marketUnit !== "baseCoin";
      const qty = body.qty as string;
      const order = c.state.placeOrder(accountOf(c), c.now, {
        symbol: market.symbol,
        side,
        type,
        amount: quoteSized ? divideDecimals(qty, c.state.prices.get(market.symbol) ?? "1") : qty,
        ...(quoteSized ? { quoteAmount: qty } : {}),
        ...(type === "limit" ? { price: body.price as string } : {}),
        ...(link === undefined ? {} : { clientOrderId: link }),
        request: body,
      });
      return ok({ orderId: order.id, orderLinkId: link ?? "" }, c.now);
    },
  },
  "POST /v5/order/cancel": {
    private: true,
    trade: true,
    handle: (c) => {
      const body = jsonObject(c.request.rawBody);
      if (body === undefined) return reply(10001, "Request parameter error.", {}, c.now);
      const orderId = typeof body.orderId === "string" ? body.orderId : undefined;
      const orderLinkId = typeof body.orderLinkId === "string" ? body.orderLinkId : undefined;
      if (orderId === undefined && orderLinkId === undefined) return reply(10001, "params error: orderId or orderLinkId is required", {}, c.now);
      const order = c.state.findOrder(accountOf(c), { id: orderId, clientOrderId: orderLinkId });
      if (order === undefined || order.status !== "open") return reply(170213, "Order does not exist.", {}, c.now);
      order.status = "canceled";
      order.updateTime = c.now;
      return ok({ orderId: order.id, orderLinkId: order.clientOrderId }, c.now);
    },
  },
  "GET /v5/order/realtime": {
    private: true,
    handle: (c) => {
      const q = c.request.query;
      const category = q.get("category") ?? "";
      const symbol = q.get("symbol");
      const market = symbol === null ? undefined : marketById(symbol, symbolId);
      const list = c.state.orders
        .filter((o) => o.apiKey === accountOf(c).credentials.apiKey && o.status === "open" && (symbol === null || o.symbol === market?.symbol))
        .reverse()
        .map(orderBody);
      return ok({ category, list: category === "spot" ? list : [], nextPageCursor: "" }, c.now);
    },
  },
  // The stand-in's accounts have no deposits or withdrawals: the history endpoints answer empty pages in the venue's shape.
  "GET /v5/market/tickers": {
    private: false,
    handle: (c) => {
      const market = marketById(c.request.query.get("symbol"), symbolId);
      const list = (market === undefined ? spotMarkets : [market]).map((m) => {
        const last = c.state.prices.get(m.symbol) ?? "1";
        return { symbol: symbolId(m), bid1Price: last, bid1Size: "1", ask1Price: last, ask1Size: "1", lastPrice: last, prevPrice24h: last, price24hPcnt: "0", highPrice24h: last, lowPrice24h: last, turnover24h: "0", volume24h: "0" };
      });
      return ok({ category: c.request.query.get("category") ?? "spot", list }, c.now);
    },
  },
  "GET /v5/asset/deposit/query-record": { private: true, handle: (c) => ok({ rows: [], nextPageCursor: "" }, c.now) },
  "GET /v5/asset/withdraw/query-record": { private: true, handle: (c) => ok({ rows: [], nextPageCursor: "" }, c.now) },
  "GET /v5/execution/list": {
    private: true,
    handle: (c) => {
      const q = c.request.query;
      const category = q.get("category") ?? "";
      const symbol = q.get("symbol");
      const start = Number(q.get("startTime") ?? "0");
      const limit = Math.min(Number(q.get("limit") ?? "50"), 100);
      const list = accountOf(c)
        .trades.filter((t) => (symbol === null || marketById(symbol, symbolId)?.symbol === t.symbol) && t.time >= start)
        .sort((a, b) => b.time - a.time)
        .slice(0, limit)
        .map((t) => {
          const market = spotMarkets.find((m) => m.symbol === t.symbol);
          return {
            symbol: market === undefined ? t.symbol : symbolId(market),
            orderType: "Limit",
            underlyingPrice: "",
            orderLinkId: "",
            orderId: t.orderId ?? `${t.id}0`,
            stopOrderType: "",
            execTime: String(t.time),
            feeCurrency: t.feeAsset,
            createType: "",
            feeRate: "0.001",
            tradeIv: "",
            blockTradeId: "",
            markPrice: "",
            execPrice: t.price,
            markIv: "",
            orderQty: t.amount,
            orderPrice: t.price,
            execValue: multiplyDecimals(t.price, t.amount),
            closedSize: "",
            execType: "Trade",
            seq: 1,
            side: capitalised(t.side),
            indexPrice: "",
            leavesQty: "0",
            isMaker: t.maker === true,
            execFee: t.fee,
            execId: t.id,
            marketUnit: "",
            execQty: t.amount,
            nextPageCursor: "",
          };
        });
      return ok({ category, list: category === "spot" ? list : [], nextPageCursor: "" }, c.now);
    },
  },
};

/**
 * Bybit v5 stand-in. Signing as Bybit documents it: `X-BAPI-SIGN` over
 * `timestamp + apiKey + recvWindow + (queryString | jsonBody)`, HMAC-SHA256 hex with the secret,
 * or (a PEM `secret`) RSA-SHA256 base64 verified with the key's public half; headers
 * `X-BAPI-API-KEY`, `X-BAPI-TIMESTAMP`, `X-BAPI-RECV-WINDOW` (default 5000). A request is fresh when
 * `serverTime - recvWindow <= timestamp < serverTime + 1000`. Refusals: 10003 (key, HTTP 401),
 * 10004 (signature), 10002 (timestamp), 10010 (IP), 33004 (expired key), 10005 (permission).
 * `GET /v5/user/query-api` reports `readOnly`, `permissions` (Spot `SpotTrade`, Wallet
 * `AccountTransfer`/`SubMemberTransfer`/`Withdraw`), `ips` (`["*"]` when unbound) and
 * `expiredAt`/`deadlineDay` (`""`/`-1` for a key that does not expire).
 */
export const bybitVenue: VenueDefinition = {
  id: "bybit",
  routes,
  authenticate(request, findAccount, now) {
    const key = request.header("X-BAPI-API-KEY");
    const sign = request.header("X-BAPI-SIGN");
    const timestamp = request.header("X-BAPI-TIMESTAMP");
    const recvWindowHeader = request.header("X-BAPI-RECV-WINDOW");
    if (key === undefined || key === "") return reply(10003, "API key is invalid.", {}, now, 401);
    const found = findAccount(key);
    if (found === undefined) return reply(10003, "API key is invalid.", {}, now, 401);
    const recvWindow = recvWindowHeader === undefined ? 5000 : Number(recvWindowHeader);
    const ts = Number(timestamp);
    if (timestamp === undefined || !/^\d+$/.test(timestamp) || !Number.isSafeInteger(recvWindow) || recvWindow <= 0) {
      return reply(10001, "params error: X-BAPI-TIMESTAMP or X-BAPI-RECV-WINDOW invalid", {}, now);
    }
    if (!(now - recvWindow <= ts && ts < now + 1000)) {
      return reply(10002, `invalid request, please check your server timestamp or recv_window param. req_timestamp[${ts}],server_timestamp[${now}],recv_window[${recvWindow}]`, {}, now);
    }
    const payload = timestamp + key + (recvWindowHeader ?? "") + (request.method === "GET" ? request.rawQuery : request.rawBody);
    let valid: boolean;
    if (found.publicKey !== undefined) {
      valid = sign !== undefined && verify("RSA-SHA256", Buffer.from(payload), found.publicKey, Buffer.from(sign, "base64"));
    } else {
      valid = sameText(sign, hmac("sha256", found.credentials.secret, payload, "hex"));
    }
    if (!valid) return reply(10004, "Error sign, please check your signature generation algorithm.", {}, now);
    return found;
  },
  refuse(reason, request, now) {
    if (reason === "ip") return reply(10010, `Unmatched IP, please check your API key's bound IP addresses. request ip: ${request.remoteAddress}`, {}, now);
    if (reason === "expired") return reply(33004, "Your api key has expired.", {}, now);
    return reply(10005, "Permission denied, please check your API key permissions.", {}, now);
  },
  notFound: () => ({ status: 404, body: "404 page not found" }),
};
