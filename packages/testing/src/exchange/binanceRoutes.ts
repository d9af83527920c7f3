import { exchangeInfoBody, loopbackSpotPairs } from "./binanceMarkets.js";
import type { LoopbackAccount, LoopbackOrder } from "./types.js";

/** What a route handler returns: status and JSON body. */
export interface RouteResult {
  status: number;
  body: unknown;
}

/** State a route reads. */
export interface RouteContext {
  params: URLSearchParams;
  serverTime: number;
  prices: ReadonlyMap<string, string>;
  /** The authenticated account (signed routes only). */
  account?: LoopbackAccount;
}

/** A route: `signed` routes are authenticated before `handle` runs. */
export interface Route {
  signed: boolean;
  handle(context: RouteContext): RouteResult;
}

const knownSymbols = new Set(loopbackSpotPairs.map(([base, quote]) => base + quote));
const ok = (body: unknown): RouteResult => ({ status: 200, body });
const bad = (code: number, msg: string): RouteResult => ({ status: 400, body: { code, msg } });
const mandatory = (name: string): RouteResult =>
  bad(-1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`);

function intParam(params: URLSearchParams, name: string): number | undefined {
  const raw = params.get(name);
  if (raw === null || raw === "") return undefined;
  const value = Number(raw);
  return Number.isSafeInteger(value) ? value : undefined;
}

function withinTime(time: number, params: URLSearchParams): boolean {
  const start = intParam(params, "startTime");
  const end = intParam(params, "endTime");
  return (start === undefined || time >= start) && (end === undefined || time <= end);
}

function binanceDateTime(ms: number): string {
  return new Date(ms).toISOString().replace("T", " ").slice(0, 19);
}

const isZero = (value: string): boolean => /^0*(\.0*)?$/.test(value);

/** Exact product of two non-negative decimal strings (no floats for amounts). */
function multiplyDecimals(a: string, b: string): string {
  const [ai = "0", af = ""] = a.split(".");
  const [bi = "0", bf = ""] = b.split(".");
  const scale = af.length + bf.length;
  const digits = (BigInt(ai + af) * BigInt(bi + bf)).toString().padStart(scale + 1, "0");
  return scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

function account(context: RouteContext): LoopbackAccount {
  if (context.account === undefined) throw new Error("signed route without an account");
  return context.account;
}

/** Routes by `METHOD path`. Shapes follow Binance's spot REST documentation. */
let nextOrderId = 1_000_001;

function orderBody(o: LoopbackOrder): Record<string, unknown> {
  return {
    symbol: o.symbol,
    orderId: o.orderId,
    orderListId: -1,
    clientOrderId: o.clientOrderId,
    price: o.price,
    origQty: o.origQty,
    executedQty: o.executedQty,
    cummulativeQuoteQty: o.executedQty === "0" ? "0" : multiplyDecimals(o.price, o.executedQty),
    status: o.status,
    timeInForce: o.timeInForce,
    type: o.type,
    side: o.side,
    stopPrice: "0.00000000",
    icebergQty: "0.00000000",
    time: o.time,
    updateTime: o.updateTime,
    isWorking: o.status === "NEW",
    workingTime: o.time,
    origQuoteOrderQty: "0.00000000",
    selfTradePreventionMode: "EXPIRE_MAKER",
  };
}

function findOrder(c: RouteContext): LoopbackOrder | RouteResult {
  const symbol = c.params.get("symbol");
  if (symbol === null || symbol === "") return mandatory("symbol");
  const orderId = intParam(c.params, "orderId");
  const clientId = c.params.get("origClientOrderId");
  const order = (account(c).orders ?? []).find((o) => o.symbol === symbol && (o.orderId === orderId || (clientId !== null && o.clientOrderId === clientId)));
  return order ?? bad(-2013, "Order does not exist.");
}

const isOrder = (value: LoopbackOrder | RouteResult): value is LoopbackOrder => "orderId" in value;

export const binanceRoutes: Readonly<Record<string, Route>> = {
  "GET /api/v3/ticker/24hr": {
    signed: false,
    handle: (c) => {
      const symbol = c.params.get("symbol");
      if (symbol === null || symbol === "") return mandatory("symbol");
      if (!knownSymbols.has(symbol)) return bad(-1121, "Invalid symbol.");
      const last = c.prices.get(symbol) ?? "1.00000000";
      return ok({
        symbol,
        priceChange: "0.00000000",
        priceChangePercent: "0.000",
        weightedAvgPrice: last,
        prevClosePrice: last,
        lastPrice: last,
        lastQty: "0.01000000",
        bidPrice: last,
        bidQty: "1.00000000",
        askPrice: last,
        askQty: "1.00000000",
        openPrice: last,
        highPrice: last,
        lowPrice: last,
        volume: "100.00000000",
        quoteVolume: multiplyDecimals(last, "100"),
        openTime: c.serverTime - 86_400_000,
        closeTime: c.serverTime,
        firstId: 1,
        lastId: 100,
        count: 100,
      });
    },
  },
  "POST /api/v3/order": {
    signed: true,
    handle: (c) => {
      const a = account(c);
      if (!(a.permissions?.enableSpotAndMarginTrading ?? false)) return { status: 401, body: { code: -2015, msg: "Invalid API-key, IP, or permissions for action." } };
      const symbol = c.params.get("symbol");
      if (symbol === null || symbol === "") return mandatory("symbol");
      if (!knownSymbols.has(symbol)) return bad(-1121, "Invalid symbol.");
      const side = c.params.get("side");
      const type = c.params.get("type");
      const quantity = c.params.get("quantity");
      if (side !== "BUY" && side !== "SELL") return mandatory("side");
      if (type !== "LIMIT" && type !== "MARKET") return bad(-1116, "Invalid orderType.");
      if (quantity === null || !/^\d+(\.\d+)?$/.test(quantity)) return mandatory("quantity");
      const price = type === "LIMIT" ? c.params.get("price") : (c.prices.get(symbol) ?? "1");
      if (price === null || !/^\d+(\.\d+)?$/.test(price)) return mandatory("price");
      const order: LoopbackOrder = {
        orderId: nextOrderId++,
        clientOrderId: c.params.get("newClientOrderId") ?? `loopback${nextOrderId}`,
        symbol,
        side,
        type,
        price,
        origQty: quantity,
        executedQty: type === "MARKET" ? quantity : "0",
        status: type === "MARKET" ? "FILLED" : "NEW",
        timeInForce: c.params.get("timeInForce") ?? "GTC",
        time: c.serverTime,
        updateTime: c.serverTime,
        request: Object.fromEntries([...c.params].filter(([name]) => !["timestamp", "recvWindow", "signature"].includes(name))),
      };
      (a.orders ??= []).push(order);
      return ok({ ...orderBody(order), transactTime: c.serverTime, fills: [] });
    },
  },
  "GET /api/v3/order": {
    signed: true,
    handle: (c) => {
      const found = findOrder(c);
      return isOrder(found) ? ok(orderBody(found)) : found;
    },
  },
  "DELETE /api/v3/order": {
    signed: true,
    handle: (c) => {
      const found = findOrder(c);
      if (!isOrder(found)) return found;
      if (found.status !== "NEW") return bad(-2011, "Unknown order sent.");
      found.status = "CANCELED";
      found.updateTime = c.serverTime;
      return ok({ ...orderBody(found), origClientOrderId: found.clientOrderId });
    },
  },
  "GET /api/v3/openOrders": {
    signed: true,
    handle: (c) => {
      const symbol = c.params.get("symbol");
      return ok((account(c).orders ?? []).filter((o) => o.status === "NEW" && (symbol === null || o.symbol === symbol)).map(orderBody));
    },
  },
  "GET /api/v3/ping": { signed: false, handle: () => ok({}) },
  "GET /api/v3/time": { signed: false, handle: (c) => ok({ serverTime: c.serverTime }) },
  "GET /api/v3/exchangeInfo": { signed: false, handle: (c) => ok(exchangeInfoBody(c.serverTime)) },
  "GET /sapi/v1/system/status": { signed: false, handle: () => ok({ status: 0, msg: "normal" }) },
  "GET /api/v3/ticker/price": {
    signed: false,
    handle: (c) => {
      const symbol = c.params.get("symbol");
      if (symbol !== null) {
        const price = c.prices.get(symbol);
        return price === undefined ? bad(-1121, "Invalid symbol.") : ok({ symbol, price });
      }
      const list = c.params.get("symbols");
      const wanted = list === null ? undefined : new Set(JSON.parse(list) as string[]);
      const all = [...c.prices].filter(([s]) => wanted === undefined || wanted.has(s));
      return ok(all.map(([s, price]) => ({ symbol: s, price })));
    },
  },
  "GET /api/v3/account": {
    signed: true,
    handle: (c) => {
      const a = account(c);
      const omitZero = c.params.get("omitZeroBalances") === "true";
      const balances = Object.entries(a.balances ?? {})
        .map(([asset, b]) => ({ asset, free: b.free, locked: b.locked }))
        .filter((b) => !omitZero || !isZero(b.free) || !isZero(b.locked));
      const canTrade = a.permissions?.enableSpotAndMarginTrading ?? false;
      return ok({
        makerCommission: 10,
        takerCommission: 10,
        buyerCommission: 0,
        sellerCommission: 0,
        commissionRates: { maker: "0.00100000", taker: "0.00100000", buyer: "0.00000000", seller: "0.00000000" },
        canTrade,
        canWithdraw: a.permissions?.enableWithdrawals ?? false,
        canDeposit: true,
        brokered: false,
        requireSelfTradePrevention: false,
        preventSor: false,
        updateTime: c.serverTime,
        accountType: "SPOT",
        balances,
        permissions: ["SPOT"],
        uid: 354937868,
      });
    },
  },
  "GET /sapi/v1/account/apiRestrictions": {
    signed: true,
    handle: (c) => {
      const p = account(c).permissions ?? {};
      const body: Record<string, unknown> = {
        ipRestrict: p.ipRestrict ?? false,
        createTime: 1_700_000_000_000,
        enableReading: p.enableReading ?? true,
        enableWithdrawals: p.enableWithdrawals ?? false,
        enableInternalTransfer: false,
        enableMargin: p.enableMargin ?? false,
        enableFutures: p.enableFutures ?? false,
        permitsUniversalTransfer: false,
        enableVanillaOptions: false,
        enableFixApiTrade: false,
        enableFixReadOnly: false,
        enableSpotAndMarginTrading: p.enableSpotAndMarginTrading ?? false,
        enablePortfolioMarginTrading: false,
      };
      if (p.tradingAuthorityExpirationTime !== undefined) body.tradingAuthorityExpirationTime = p.tradingAuthorityExpirationTime;
      return ok(body);
    },
  },
  // Binance's "Get API Key IP restriction": the flag as a string, the list only when restricted.
  "GET /sapi/v1/account/apiRestrictions/ipRestriction": {
    signed: true,
    handle: (c) => {
      const a = account(c);
      const restricted = a.permissions?.ipRestrict === true;
      return ok({ ipRestrict: String(restricted), ...(restricted ? { ipList: [...(a.allowedIps ?? [])] } : {}), updateTime: 1_700_000_000_000, apiKey: a.apiKey });
    },
  },
  "GET /api/v3/myTrades": {
    signed: true,
    handle: (c) => {
      const symbol = c.params.get("symbol");
      if (symbol === null || symbol === "") return mandatory("symbol");
      if (!knownSymbols.has(symbol)) return bad(-1121, "Invalid symbol.");
      const limit = Math.min(intParam(c.params, "limit") ?? 500, 1000);
      const fromId = intParam(c.params, "fromId");
      const trades = (account(c).trades ?? [])
        .filter((t) => t.symbol === symbol && withinTime(t.time, c.params) && (fromId === undefined || t.id >= fromId))
        .sort((x, y) => x.time - y.time || x.id - y.id);
      const page = c.params.has("startTime") || fromId !== undefined ? trades.slice(0, limit) : trades.slice(-limit);
      return ok(
        page.map((t) => ({
          symbol: t.symbol,
          id: t.id,
          orderId: t.orderId ?? t.id * 10,
          orderListId: -1,
          price: t.price,
          qty: t.qty,
          quoteQty: t.quoteQty ?? multiplyDecimals(t.price, t.qty),
          commission: t.commission,
          commissionAsset: t.commissionAsset,
          time: t.time,
          isBuyer: t.isBuyer,
          isMaker: t.isMaker ?? false,
          isBestMatch: true,
        })),
      );
    },
  },
  "GET /sapi/v1/capital/deposit/hisrec": {
    signed: true,
    handle: (c) => {
      const coin = c.params.get("coin");
      const limit = Math.min(intParam(c.params, "limit") ?? 1000, 1000);
      const rows = (account(c).deposits ?? [])
        .filter((d) => (coin === null || d.coin === coin) && withinTime(d.insertTime, c.params))
        .sort((x, y) => y.insertTime - x.insertTime)
        .slice(0, limit);
      return ok(
        rows.map((d, i) => ({
          id: d.id ?? String(7_000_000 + i),
          amount: d.amount,
          coin: d.coin,
          network: d.network ?? d.coin,
          status: d.status ?? 1,
          address: d.address ?? "",
          addressTag: "",
          txId: d.txId,
          insertTime: d.insertTime,
          transferType: 0,
          confirmTimes: "12/12",
          unlockConfirm: 0,
          walletType: 0,
        })),
      );
    },
  },
  "GET /sapi/v1/capital/withdraw/history": {
    signed: true,
    handle: (c) => {
      const coin = c.params.get("coin");
      const limit = Math.min(intParam(c.params, "limit") ?? 1000, 1000);
      const rows = (account(c).withdrawals ?? [])
        .filter((w) => (coin === null || w.coin === coin) && withinTime(w.applyTime, c.params))
        .sort((x, y) => y.applyTime - x.applyTime)
        .slice(0, limit);
      return ok(
        rows.map((w) => ({
          id: w.id,
          amount: w.amount,
          transactionFee: w.transactionFee,
          coin: w.coin,
          status: w.status ?? 6,
          address: w.address ?? "",
          txId: w.txId,
          applyTime: binanceDateTime(w.applyTime),
          network: w.network ?? w.coin,
          transferType: 0,
          info: "",
          confirmNo: 12,
          walletType: 0,
          txKey: "",
          completeTime: binanceDateTime(w.applyTime + 60_000),
        })),
      );
    },
  },
};

/** Every endpoint the loopback exchange serves, as `"GET /api/v3/account"`. */
export const loopbackEndpoints: readonly string[] = Object.keys(binanceRoutes);
