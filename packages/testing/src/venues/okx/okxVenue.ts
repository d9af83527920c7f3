import type { VenueOrder } from "../types.js";
import { addDecimals, divideDecimals, isDecimal, marketById, spotMarkets, type SpotMarket } from "../shared/spotMarkets.js";
import { hmac, jsonObject, sameText } from "../shared/signatures.js";
import { accountOf, type VenueContext, type VenueDefinition, type VenueReply, type VenueRoute } from "../shared/venueServer.js";

// OKX API v5 (https://www.okx.com/docs-v5/en/#overview-rest-authentication): every answer is
// `{ code, msg, data }` with `code` a string, "0" for success.
const ok = (data: unknown[]): VenueReply => ({ status: 200, body: { code: "0", msg: "", data } });
const fail = (status: number, code: string, msg: string): VenueReply => ({ status, body: { code, msg, data: [] } });

/** OKX refuses a timestamp more than 30 s from its clock. */
const TIMESTAMP_WINDOW_MS = 30_000;

const instId = (m: SpotMarket): string => `${m.base}-${m.quote}`;

function instrument(m: SpotMarket): Record<string, unknown> {
  return {
    alias: "",
    baseCcy: m.base,
    category: "1",
    ctMult: "",
    ctType: "",
    ctVal: "",
    ctValCcy: "",
    expTime: "",
    instFamily: "",
    instId: instId(m),
    instType: "SPOT",
    lever: "10",
    listTime: "1606468572000",
    lotSz: m.lotSize,
    maxIcebergSz: "9999999999.0000000000000000",
    maxLmtAmt: "20000000",
    maxLmtSz: "9999999999",
    maxMktAmt: "1000000",
    maxMktSz: "1000000",
    maxStopSz: "1000000",
    maxTriggerSz: "9999999999.0000000000000000",
    maxTwapSz: "9999999999.0000000000000000",
    minSz: m.minAmount,
    optType: "",
    quoteCcy: m.quote,
    settleCcy: "",
    state: "live",
    ruleType: "normal",
    stk: "",
    tickSz: m.tickSize,
    uly: "",
  };
}

function orderBody(o: VenueOrder): Record<string, unknown> {
  const market = spotMarkets.find((m) => m.symbol === o.symbol);
  return {
    accFillSz: o.filled,
    algoClOrdId: "",
    algoId: "",
    avgPx: o.filled === "0" ? "" : o.price,
    cTime: String(o.time),
    cancelSource: o.status === "canceled" ? "1" : "",
    category: "normal",
    ccy: "",
    clOrdId: o.clientOrderId,
    fee: "0",
    feeCcy: market?.quote ?? "",
    fillPx: o.filled === "0" ? "" : o.price,
    fillSz: o.filled,
    fillTime: o.filled === "0" ? "" : String(o.updateTime),
    instId: market === undefined ? "" : instId(market),
    instType: "SPOT",
    lever: "",
    ordId: o.id,
    ordType: o.type,
    pnl: "0",
    posSide: "net",
    px: o.type === "limit" ? o.price : "",
    rebate: "0",
    rebateCcy: market?.base ?? "",
    side: o.side,
    source: "",
    state: o.status === "open" ? "live" : o.status === "closed" ? "filled" : "canceled",
    sz: o.quoteAmount ?? o.amount,
    tag: typeof o.request.tag === "string" ? o.request.tag : "",
    tdMode: "cash",
    tgtCcy: o.quoteAmount === undefined ? "" : "quote_ccy",
    tradeId: "",
    uTime: String(o.updateTime),
  };
}

type OrderResult = { placed: VenueOrder } | { sCode: string; sMsg: string; clOrdId: string };

function placeOne(c: VenueContext, body: Record<string, unknown>): OrderResult {
  const clOrdId = typeof body.clOrdId === "string" ? body.clOrdId : "";
  const refuse = (sCode: string, sMsg: string): OrderResult => ({ sCode, sMsg, clOrdId });
  const market = marketById(typeof body.instId === "string" ? body.instId : undefined, instId);
  if (market === undefined) return refuse("51001", "Instrument ID does not exist");
  const side = body.side;
  const ordType = body.ordType;
  const sz = body.sz;
  if (side !== "buy" && side !== "sell") return refuse("51000", "Parameter side error");
  if (ordType !== "limit" && ordType !== "market") return refuse("51000", "Parameter ordType error");
  if (!isDecimal(sz)) return refuse("51000", "Parameter sz error");
  if (ordType === "limit" && !isDecimal(body.px)) return refuse("51000", "Parameter px error");
  // A spot market buy is sized in quote currency unless tgtCcy says base_ccy.
  const quoteSized = ordType === "market" && side === "buy" && body.tgtCcy !== "base_ccy";
  const last = c.state.prices.get(market.symbol) ?? "1";
  const placed = c.state.placeOrder(accountOf(c), c.now, {
    symbol: market.symbol,
    side,
    type: ordType,
    amount: quoteSized ? divideDecimals(sz, last) : sz,
    ...(quoteSized ? { quoteAmount: sz } : {}),
    ...(ordType === "limit" ? { price: body.px as string } : {}),
    ...(clOrdId === "" ? {} : { clientOrderId: clOrdId }),
    request: body,
  });
  return { placed };
}

function orderReply(results: OrderResult[], now: number): VenueReply {
  const data = results.map((r) =>
    "placed" in r
      ? { clOrdId: r.placed.clientOrderId, ordId: r.placed.id, sCode: "0", sMsg: "Order placed", tag: typeof r.placed.request.tag === "string" ? r.placed.request.tag : "", ts: String(now) }
      : { clOrdId: r.clOrdId, ordId: "", sCode: r.sCode, sMsg: r.sMsg, tag: "", ts: String(now) },
  );
  const failed = results.filter((r) => !("placed" in r)).length;
  if (failed === 0) return { status: 200, body: { code: "0", msg: "", data, inTime: String(now * 1000), outTime: String(now * 1000) } };
  return { status: 200, body: { code: failed === results.length ? "1" : "2", msg: failed === results.length ? "All operations failed" : "Bulk operation partially succeeded", data } };
}

const bodyInvalid = fail(400, "50002", "JSON syntax error");

function permString(c: VenueContext): string {
  const p = accountOf(c).permissions;
  return ["read_only", ...(p.trade ? ["trade"] : []), ...(p.withdraw ? ["withdraw"] : [])].join(",");
}

const routes: Record<string, VenueRoute> = {
  "GET /api/v5/public/time": { private: false, handle: (c) => ok([{ ts: String(c.now) }]) },
  "GET /api/v5/public/instruments": {
    private: false,
    handle: (c) => {
      const type = c.request.query.get("instType");
      if (type === null || type === "") return fail(400, "50014", "Parameter instType can not be empty");
      return ok(type === "SPOT" ? spotMarkets.map(instrument) : []);
    },
  },
  "GET /api/v5/asset/currencies": {
    private: true,
    handle: () => {
      const codes = [...new Set(spotMarkets.flatMap((m) => [m.base, m.quote]))];
      return ok(
        codes.map((ccy) => ({
          canDep: true,
          canInternal: true,
          canWd: true,
          ccy,
          chain: `${ccy}-${ccy === "USDT" ? "ERC20" : ccy === "BTC" ? "Bitcoin" : ccy === "ETH" ? "ERC20" : "Solana"}`,
          depQuotaFixed: "",
          depEstOpenTime: "",
          logoLink: "",
          mainNet: true,
          maxFee: "0.0005",
          maxFeeForCtAddr: "",
          maxWd: "500",
          minDep: "0.00005",
          minDepArrivalConfirm: "1",
          minFee: "0.0002",
          minFeeForCtAddr: "",
          minWd: "0.0005",
          minWdUnlockConfirm: "2",
          name: ccy,
          needTag: false,
          usedDepQuotaFixed: "",
          usedWdQuota: "0",
          wdQuota: "10000000",
          wdTickSz: "8",
          fee: "0.0002",
        })),
      );
    },
  },
  "GET /api/v5/account/balance": {
    private: true,
    handle: (c) => {
      const wanted = c.request.query.get("ccy")?.split(",");
      const details = Object.entries(accountOf(c).balances)
        .filter(([ccy]) => wanted === undefined || wanted.includes(ccy))
        .map(([ccy, b]) => {
          const total = addDecimals(b.free, b.locked);
          return {
            availBal: b.free,
            availEq: "",
            cashBal: total,
            ccy,
            disEq: "0",
            eq: total,
            eqUsd: "0",
            frozenBal: b.locked,
            ordFrozen: b.locked,
            uTime: String(c.now),
          };
        });
      return ok([{ adjEq: "", details, imr: "", isoEq: "0", mgnRatio: "", mmr: "", notionalUsd: "", ordFroz: "", totalEq: "0", uTime: String(c.now) }]);
    },
  },
  "GET /api/v5/account/config": {
    private: true,
    handle: (c) => {
      const a = accountOf(c);
      return ok([
        {
          acctLv: "1",
          acctStpMode: "cancel_maker",
          autoLoan: false,
          ctIsoMode: "automatic",
          enableSpotBorrow: false,
          greeksType: "PA",
          ip: a.permissions.ips.join(","),
          kycLv: "2",
          label: "loopback",
          level: "Lv1",
          levelTmp: "",
          liquidationGear: "-1",
          mainUid: "44705892343619584",
          mgnIsoMode: "automatic",
          opAuth: "0",
          perm: permString(c),
          posMode: "net_mode",
          roleType: "0",
          spotBorrowAutoRepay: false,
          spotOffsetType: "",
          spotRoleType: "0",
          spotTraderInsts: [],
          traderInsts: [],
          type: "0",
          uid: "44705892343619584",
          ...a.introspection,
        },
      ]);
    },
  },
  "POST /api/v5/trade/order": {
    private: true,
    trade: true,
    handle: (c) => {
      const body = jsonObject(c.request.rawBody);
      return body === undefined ? bodyInvalid : orderReply([placeOne(c, body)], c.now);
    },
  },
  "POST /api/v5/trade/batch-orders": {
    private: true,
    trade: true,
    handle: (c) => {
      let list: unknown;
      try {
        list = JSON.parse(c.request.rawBody);
      } catch {
        return bodyInvalid;
      }
      if (!Array.isArray(list) || list.length === 0 || list.length > 20) return fail(400, "51000", "Parameter batch-orders error");
      return orderReply(
        list.map((entry) => (typeof entry === "object" && entry !== null ? placeOne(c, entry as Record<string, unknown>) : { sCode: "51000", sMsg: "Parameter error", clOrdId: "" })),
        c.now,
      );
    },
  },
  "POST /api/v5/trade/cancel-order": {
    private: true,
    trade: true,
    handle: (c) => {
      const body = jsonObject(c.request.rawBody);
      if (body === undefined) return bodyInvalid;
      const ordId = typeof body.ordId === "string" ? body.ordId : undefined;
      const clOrdId = typeof body.clOrdId === "string" ? body.clOrdId : undefined;
      if (ordId === undefined && clOrdId === undefined) return fail(400, "51003", "Either client order ID or order ID is required");
      const order = c.state.findOrder(accountOf(c), { id: ordId, clientOrderId: clOrdId });
      const refused = (sCode: string, sMsg: string): VenueReply => ({
        status: 200,
        body: { code: "1", msg: "All operations failed", data: [{ clOrdId: clOrdId ?? "", ordId: ordId ?? "", sCode, sMsg, ts: String(c.now) }] },
      });
      if (order === undefined || (typeof body.instId === "string" && marketById(body.instId, instId)?.symbol !== order.symbol)) return refused("51603", "Order does not exist");
      if (order.status !== "open") return refused("51400", "Order cancellation failed as the order has been filled, canceled or does not exist");
      order.status = "canceled";
      order.updateTime = c.now;
      return ok([{ clOrdId: order.clientOrderId, ordId: order.id, sCode: "0", sMsg: "", ts: String(c.now) }]);
    },
  },
  "GET /api/v5/trade/order": {
    private: true,
    handle: (c) => {
      const order = c.state.findOrder(accountOf(c), { id: c.request.query.get("ordId"), clientOrderId: c.request.query.get("clOrdId") });
      return order === undefined ? fail(200, "51603", "Order does not exist") : ok([orderBody(order)]);
    },
  },
  "GET /api/v5/trade/orders-pending": {
    private: true,
    handle: (c) => {
      const id = c.request.query.get("instId");
      const symbol = id === null ? undefined : marketById(id, instId)?.symbol;
      const open = c.state.orders.filter((o) => o.apiKey === accountOf(c).credentials.apiKey && o.status === "open" && (id === null || o.symbol === symbol));
      return ok(open.reverse().map(orderBody));
    },
  },
  // The stand-in's accounts have no deposits or withdrawals: the history endpoints answer empty pages in the venue's shape.
  "GET /api/v5/market/ticker": {
    private: false,
    handle: (c) => {
      const market = marketById(c.request.query.get("instId"), instId);
      if (market === undefined) return fail(400, "51001", "Instrument ID does not exist");
      const last = c.state.prices.get(market.symbol) ?? "1";
      return ok([{ instType: "SPOT", instId: instId(market), last, lastSz: "0.01", askPx: last, askSz: "1", bidPx: last, bidSz: "1", open24h: last, high24h: last, low24h: last, vol24h: "0", volCcy24h: "0", ts: String(c.now) }]);
    },
  },
  "GET /api/v5/asset/deposit-history": { private: true, handle: () => ok([]) },
  "GET /api/v5/asset/withdrawal-history": { private: true, handle: () => ok([]) },
  "GET /api/v5/trade/fills-history": {
    private: true,
    handle: (c) => {
      const q = c.request.query;
      if (q.get("instType") === null) return fail(400, "50014", "Parameter instType can not be empty");
      const id = q.get("instId");
      const begin = Number(q.get("begin") ?? "0");
      const limit = Math.min(Number(q.get("limit") ?? "100"), 100);
      const fills = accountOf(c)
        .trades.filter((t) => (id === null || marketById(id, instId)?.symbol === t.symbol) && t.time >= begin)
        .sort((a, b) => b.time - a.time)
        .slice(0, limit);
      return ok(
        fills.map((t) => {
          const market = spotMarkets.find((m) => m.symbol === t.symbol);
          return {
            side: t.side,
            fillSz: t.amount,
            fillPx: t.price,
            fillPxVol: "",
            fillFwdPx: "",
            fee: t.fee === "0" ? "0" : `-${t.fee}`,
            fillPnl: "0",
            ordId: t.orderId ?? `${t.id}0`,
            feeRate: "-0.001",
            instType: "SPOT",
            fillPxUsd: "",
            instId: market === undefined ? t.symbol : instId(market),
            clOrdId: "",
            posSide: "net",
            billId: `${t.id}1`,
            subType: t.side === "buy" ? "1" : "2",
            fillMarkVol: "",
            tag: "",
            fillTime: String(t.time),
            execType: t.maker === true ? "M" : "T",
            fillIdxPx: "",
            tradeId: t.id,
            fillMarkPx: "",
            feeCcy: t.feeAsset,
            ts: String(t.time),
          };
        }),
      );
    },
  },
};

/**
 * OKX API v5 stand-in. Signing as OKX documents it: `OK-ACCESS-SIGN` = base64 HMAC-SHA256 (key:
 * the secret) of `timestamp + METHOD + requestPath (+ "?" + query for GET) + body`, with
 * `OK-ACCESS-KEY`, `OK-ACCESS-PASSPHRASE` and an ISO-8601 `OK-ACCESS-TIMESTAMP` within 30 s.
 * Refusals are HTTP 401 with OKX's codes: 50103/50104/50106/50107 (header missing), 50111 (key),
 * 50112 (timestamp format), 50102 (timestamp expired), 50105 (passphrase), 50113 (signature),
 * 50110 (IP not allowed).
 */
export const okxVenue: VenueDefinition = {
  id: "okx",
  routes,
  authenticate(request, findAccount, now) {
    const key = request.header("OK-ACCESS-KEY");
    const passphrase = request.header("OK-ACCESS-PASSPHRASE");
    const sign = request.header("OK-ACCESS-SIGN");
    const timestamp = request.header("OK-ACCESS-TIMESTAMP");
    if (key === undefined || key === "") return fail(401, "50103", 'Request header "OK-ACCESS-KEY" cannot be empty.');
    if (passphrase === undefined || passphrase === "") return fail(401, "50104", 'Request header "OK-ACCESS-PASSPHRASE" cannot be empty.');
    if (sign === undefined || sign === "") return fail(401, "50106", 'Request header "OK-ACCESS-SIGN" cannot be empty.');
    if (timestamp === undefined || timestamp === "") return fail(401, "50107", 'Request header "OK-ACCESS-TIMESTAMP" cannot be empty.');
    const found = findAccount(key);
    if (found === undefined) return fail(401, "50111", "Invalid OK-ACCESS-KEY.");
    const at = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/.test(timestamp) ? Date.parse(timestamp) : Number.NaN;
    if (Number.isNaN(at)) return fail(401, "50112", "Invalid OK-ACCESS-TIMESTAMP.");
    if (Math.abs(now - at) > TIMESTAMP_WINDOW_MS) return fail(401, "50102", "Timestamp request expired.");
    if (!sameText(passphrase, found.credentials.password ?? "")) return fail(401, "50105", 'Request header "OK-ACCESS-PASSPHRASE" incorrect.');
    const requestPath = request.path + (request.rawQuery === "" ? "" : `?${request.rawQuery}`);
    const expected = hmac("sha256", found.credentials.secret, timestamp + request.method + requestPath + request.rawBody, "base64");
    if (!sameText(sign, expected)) return fail(401, "50113", "Invalid Sign");
    return found;
  },
  refuse(reason, request) {
    if (reason === "ip") return fail(401, "50110", `Your IP ${request.remoteAddress} is not included in your API key's IP whitelist.`);
    if (reason === "expired") return fail(401, "50111", "Invalid OK-ACCESS-KEY.");
    return fail(401, "50120", "API key doesn't have permission to perform this action.");
  },
  notFound: () => ({ status: 404, body: { msg: "Not Found", code: "404" } }),
};
