import type { VenueOrder } from "../types.js";
import { addDecimals, decimalsOf, divideDecimals, isDecimal, multiplyDecimals, spotMarkets, type SpotMarket } from "../shared/spotMarkets.js";
import { digest, hmac, jsonObject, sameText } from "../shared/signatures.js";
import { accountOf, type VenueContext, type VenueDefinition, type VenueReply, type VenueRoute } from "../shared/venueServer.js";

// Kraken Spot REST (https://docs.kraken.com/api/docs/guides/spot-rest-auth): every answer is
// HTTP 200 with `{ error: string[], result }`; a non-empty `error` means the call failed.
const ok = (result: unknown): VenueReply => ({ status: 200, body: { error: [], result } });
const fail = (error: string): VenueReply => ({ status: 200, body: { error: [error] } });

/** Kraken's own asset ids (X/Z-prefixed for the old ones). */
const assetId = (code: string): string => ({ BTC: "XXBT", ETH: "XETH" })[code] ?? code;
const altname = (code: string): string => (code === "BTC" ? "XBT" : code);

/** Pair id as AssetPairs keys it: both legacy assets -> `XETHXXBT`, otherwise the altname. */
const pairId = (m: SpotMarket): string => {
  const base = assetId(m.base);
  const quote = assetId(m.quote);
  return base !== m.base && quote !== m.quote ? base + quote : altname(m.base) + altname(m.quote);
};
const pairAltname = (m: SpotMarket): string => altname(m.base) + altname(m.quote);
const marketByPair = (id: string | null | undefined): SpotMarket | undefined => spotMarkets.find((m) => pairId(m) === id || pairAltname(m) === id);

/** Parameters of a private call (form-encoded, or JSON for the batch endpoints). */
function bodyParams(c: VenueContext): Record<string, string> {
  const json = c.request.header("content-type")?.includes("application/json") === true ? jsonObject(c.request.rawBody) : undefined;
  if (json !== undefined) return Object.fromEntries(Object.entries(json).map(([k, v]) => [k, String(v)]));
  return Object.fromEntries(new URLSearchParams(c.request.rawBody));
}

const seconds = (ms: number): number => ms / 1000;

function orderInfo(o: VenueOrder): Record<string, unknown> {
  const market = spotMarkets.find((m) => m.symbol === o.symbol);
  const pair = market === undefined ? o.symbol : pairAltname(market);
  return {
    refid: null,
    userref: 0,
    cl_ord_id: o.clientOrderId,
    status: o.status === "open" ? "open" : o.status === "closed" ? "closed" : "canceled",
    opentm: seconds(o.time),
    starttm: 0,
    expiretm: 0,
    descr: {
      pair,
      type: o.side,
      ordertype: o.type,
      price: o.type === "limit" ? o.price : "0",
      price2: "0",
      leverage: "none",
      order: `${o.side} ${o.amount} ${pair} @ ${o.type === "limit" ? `limit ${o.price}` : "market"}`,
      close: "",
    },
    vol: o.amount,
    vol_exec: o.filled,
    cost: o.filled === "0" ? "0" : multiplyDecimals(o.price, o.filled),
    fee: "0.00000",
    price: o.filled === "0" ? "0" : o.price,
    stopprice: "0.00000",
    limitprice: "0.00000",
    misc: "",
    oflags: "fciq",
  };
}

function keyInfo(c: VenueContext): Record<string, unknown> {
  const a = accountOf(c);
  const p = a.permissions;
  const permissions = [
    ...(p.read ? ["query-funds", "query-open-trades", "query-closed-trades", "query-ledger"] : []),
    ...(p.trade ? ["modify-trades", "cancel-close-trades"] : []),
    ...(p.withdraw ? ["withdraw-funds"] : []),
    "deposit-funds",
  ];
  return {
    apiKeyName: "loopback",
    apiKey: a.credentials.apiKey,
    nonce: a.lastNonce < 0n ? "0" : a.lastNonce.toString(),
    nonceWindow: 0,
    permissions,
    iban: "AA88 N84G WOAK NMOI",
    validUntil: p.expiresAt === null ? "0" : String(Math.floor(p.expiresAt / 1000)),
    queryFrom: "0",
    queryTo: "0",
    createdTime: "1704164645",
    modifiedTime: "1704164645",
    ipAllowlist: [...p.ips],
    lastUsed: String(Math.floor(c.now / 1000)),
    ...a.introspection,
  };
}

const routes: Record<string, VenueRoute> = {
  "GET /0/public/Time": {
    private: false,
    handle: (c) => ok({ unixtime: Math.floor(c.now / 1000), rfc1123: new Date(c.now).toUTCString() }),
  },
  "GET /0/public/SystemStatus": { private: false, handle: (c) => ok({ status: "online", timestamp: new Date(c.now).toISOString() }) },
  "GET /0/public/Assets": {
    private: false,
    handle: () => {
      const codes = [...new Set(spotMarkets.flatMap((m) => [m.base, m.quote]))];
      return ok(
        Object.fromEntries(
          codes.map((code) => [assetId(code), { aclass: "currency", altname: altname(code), decimals: code === "USDT" ? 8 : 10, display_decimals: 5, collateral_value: 1, status: "enabled" }]),
        ),
      );
    },
  },
  "GET /0/public/AssetPairs": {
    private: false,
    handle: () =>
      ok(
        Object.fromEntries(
          spotMarkets.map((m) => [
            pairId(m),
            {
              altname: pairAltname(m),
              wsname: `${altname(m.base)}/${altname(m.quote)}`,
              aclass_base: "currency",
              base: assetId(m.base),
              aclass_quote: "currency",
              quote: assetId(m.quote),
              lot: "unit",
              cost_decimals: 5,
              pair_decimals: decimalsOf(m.tickSize),
              lot_decimals: decimalsOf(m.lotSize),
              lot_multiplier: 1,
              leverage_buy: [],
              leverage_sell: [],
              fees: [[0, 0.26], [50000, 0.24]],
              fees_maker: [[0, 0.16], [50000, 0.14]],
              fee_volume_currency: "ZUSD",
              margin_call: 80,
              margin_stop: 40,
              ordermin: m.minAmount,
              costmin: m.minNotional,
              tick_size: m.tickSize,
              status: "online",
            },
          ]),
        ),
      ),
  },
  "POST /0/private/GetApiKeyInfo": { private: true, handle: (c) => ok(keyInfo(c)) },
  "POST /0/private/Balance": {
    private: true,
    handle: (c) => ok(Object.fromEntries(Object.entries(accountOf(c).balances).map(([code, b]) => [assetId(code), addDecimals(b.free, b.locked)]))),
  },
  "POST /0/private/BalanceEx": {
    private: true,
    handle: (c) => ok(Object.fromEntries(Object.entries(accountOf(c).balances).map(([code, b]) => [assetId(code), { balance: addDecimals(b.free, b.locked), hold_trade: b.locked }]))),
  },
  "POST /0/private/AddOrder": {
    private: true,
    trade: true,
    handle: (c) => {
      const p = bodyParams(c);
      const market = marketByPair(p.pair);
      if (market === undefined) return fail("EQuery:Unknown asset pair");
      const side = p.type;
      const type = p.ordertype;
      if (side !== "buy" && side !== "sell") return fail("EGeneral:Invalid arguments:type");
      if (type !== "limit" && type !== "market") return fail("EGeneral:Invalid arguments:ordertype");
      if (!isDecimal(p.volume)) return fail("EGeneral:Invalid arguments:volume");
      if (type === "limit" && !isDecimal(p.price)) return fail("EGeneral:Invalid arguments:price");
      // `viqc`: the volume is in quote currency (market buys by cost).
      const quoteSized = type === "market" && (p.oflags ?? "").split(",").includes("viqc");
      const order = c.state.placeOrder(accountOf(c), c.now, {
        symbol: market.symbol,
        side,
        type,
        amount: quoteSized ? divideDecimals(p.volume, c.state.prices.get(market.symbol) ?? "1") : p.volume,
        ...(quoteSized ? { quoteAmount: p.volume } : {}),
        ...(type === "limit" && p.price !== undefined ? { price: p.price } : {}),
        ...(p.cl_ord_id === undefined ? {} : { clientOrderId: p.cl_ord_id }),
        request: Object.fromEntries(Object.entries(p).filter(([k]) => k !== "nonce")),
      });
      const pair = pairAltname(market);
      return ok({ descr: { order: `${side} ${p.volume} ${pair} @ ${type === "limit" ? `limit ${order.price}` : "market"}` }, txid: [order.id] });
    },
  },
  "POST /0/private/CancelOrder": {
    private: true,
    trade: true,
    handle: (c) => {
      const p = bodyParams(c);
      if (p.txid === undefined && p.cl_ord_id === undefined) return fail("EGeneral:Invalid arguments:txid");
      const order = c.state.findOrder(accountOf(c), { id: p.txid, clientOrderId: p.cl_ord_id ?? p.txid });
      if (order === undefined || order.status !== "open") return fail("EOrder:Unknown order");
      order.status = "canceled";
      order.updateTime = c.now;
      return ok({ count: 1 });
    },
  },
  "POST /0/private/OpenOrders": {
    private: true,
    handle: (c) => {
      const open = c.state.orders.filter((o) => o.apiKey === accountOf(c).credentials.apiKey && o.status === "open");
      return ok({ open: Object.fromEntries(open.map((o) => [o.id, orderInfo(o)])) });
    },
  },
  "POST /0/private/QueryOrders": {
    private: true,
    handle: (c) => {
      const ids = (bodyParams(c).txid ?? "").split(",");
      const found = c.state.orders.filter((o) => o.apiKey === accountOf(c).credentials.apiKey && ids.includes(o.id));
      return found.length === 0 ? fail("EOrder:Invalid order") : ok(Object.fromEntries(found.map((o) => [o.id, orderInfo(o)])));
    },
  },
  // The stand-in's accounts have no deposits or withdrawals: the history endpoints answer empty lists in the venue's shape.
  "GET /0/public/Ticker": {
    private: false,
    handle: (c) => {
      const market = marketByPair(c.request.query.get("pair"));
      if (market === undefined) return fail("EQuery:Unknown asset pair");
      const last = c.state.prices.get(market.symbol) ?? "1";
      return ok({ [pairId(market)]: { a: [last, "1", "1.000"], b: [last, "1", "1.000"], c: [last, "0.01"], v: ["0", "0"], p: [last, last], t: [0, 0], l: [last, last], h: [last, last], o: last } });
    },
  },
  "POST /0/private/DepositStatus": { private: true, handle: () => ok([]) },
  "POST /0/private/WithdrawStatus": { private: true, handle: () => ok([]) },
  "POST /0/private/TradesHistory": {
    private: true,
    handle: (c) => {
      const p = bodyParams(c);
      const start = p.start === undefined ? 0 : Number(p.start) * 1000;
      const end = p.end === undefined ? Number.POSITIVE_INFINITY : Number(p.end) * 1000;
      const trades = accountOf(c)
        .trades.filter((t) => t.time > start && t.time < end)
        .sort((a, b) => b.time - a.time);
      return ok({
        trades: Object.fromEntries(
          trades.map((t) => {
            const market = spotMarkets.find((m) => m.symbol === t.symbol);
            return [
              t.id,
              {
                ordertxid: t.orderId ?? `O${t.id}`,
                postxid: "TKH2SE-M7IF5-CFI7LT",
                pair: market === undefined ? t.symbol : pairId(market),
                time: seconds(t.time),
                type: t.side,
                ordertype: "limit",
                price: t.price,
                cost: multiplyDecimals(t.price, t.amount),
                fee: t.fee,
                vol: t.amount,
                margin: "0.00000",
                leverage: "0",
                misc: "",
                trade_id: 39482674,
                maker: t.maker === true,
              },
            ];
          }),
        ),
        count: trades.length,
      });
    },
  },
};

/**
 * Kraken Spot REST stand-in. Signing as Kraken documents it: `API-Sign` = base64 HMAC-SHA512,
 * keyed with the base64-decoded secret, of `URI path + SHA256(nonce + POST data)`, with the key
 * in `API-Key` and `nonce` in the body; each nonce must be greater than the last one the key
 * used (`nonceWindow` 0). Refusals (HTTP 200, `error` array): `EAPI:Invalid key` (unknown key),
 * `EAPI:Invalid signature`, `EAPI:Invalid nonce`, `EGeneral:Permission denied` (IP, permission).
 * ccxt maps `EAPI:Invalid signature` to a plain `ExchangeError`, not `AuthenticationError`.
 * `POST /0/private/GetApiKeyInfo` reports `permissions` (`withdraw-funds`, `modify-trades`, ...),
 * `ipAllowlist` and `validUntil` (epoch seconds, `"0"` = never).
 */
export const krakenVenue: VenueDefinition = {
  id: "kraken",
  routes,
  orderId: (n) => {
    const s = n.toString(36).toUpperCase().padStart(6, "0");
    return `O${s.slice(1)}-KRKNL-${s}`;
  },
  authenticate(request, findAccount) {
    const key = request.header("API-Key");
    const sign = request.header("API-Sign");
    if (key === undefined || key === "") return fail("EAPI:Invalid key");
    const found = findAccount(key);
    if (found === undefined) return fail("EAPI:Invalid key");
    const json = request.header("content-type")?.includes("application/json") === true ? jsonObject(request.rawBody) : undefined;
    const nonceRaw = json === undefined ? new URLSearchParams(request.rawBody).get("nonce") : String(json.nonce ?? "");
    if (nonceRaw === null || !/^\d{1,20}$/.test(nonceRaw)) return fail("EAPI:Invalid nonce");
    const secret = Buffer.from(found.credentials.secret, "base64");
    const inner = digest("sha256", nonceRaw + request.rawBody, "buffer") as Buffer;
    const expected = hmac("sha512", secret, Buffer.concat([Buffer.from(request.path), inner]), "base64");
    if (!sameText(sign, expected)) return fail("EAPI:Invalid signature");
    const nonce = BigInt(nonceRaw);
    if (nonce <= found.lastNonce) return fail("EAPI:Invalid nonce");
    found.lastNonce = nonce;
    return found;
  },
  refuse(reason) {
    return reason === "expired" ? fail("EAPI:Invalid key") : fail("EGeneral:Permission denied");
  },
  notFound: () => fail("EGeneral:Unknown method"),
};
