import { startLoopbackExchange } from "../../exchange/startLoopbackExchange.js";
import type { LoopbackAccount, LoopbackOrder } from "../../exchange/types.js";
import type { LoopbackVenue, StartLoopbackVenueOptions, VenueAccount, VenueOrder } from "../types.js";

const unified = (id: string): string => {
  for (const quote of ["USDT", "USDC", "BTC", "ETH", "BNB"]) if (id.endsWith(quote) && id.length > quote.length) return `${id.slice(0, -quote.length)}/${quote}`;
  return id;
};
const marketId = (symbol: string): string => symbol.replace("/", "");

/** Binance trade ids are integers: a non-numeric test id gets a stable number from its text. */
function numericId(id: string, index: number): number {
  return /^\d+$/.test(id) && Number.isSafeInteger(Number(id)) ? Number(id) : 9_000_000 + index;
}

/** The venue-neutral account as the Binance loopback keeps it. */
function toLoopbackAccount(account: VenueAccount): LoopbackAccount {
  const p = account.permissions ?? {};
  const ips = p.ips ?? [];
  const result: LoopbackAccount = {
    apiKey: account.credentials.apiKey,
    secret: account.credentials.secret,
    balances: structuredClone(account.balances ?? {}),
    permissions: {
      enableReading: p.read ?? true,
      enableSpotAndMarginTrading: p.trade ?? true,
      enableWithdrawals: p.withdraw ?? false,
      ipRestrict: ips.length > 0,
      ...(p.expiresAt === undefined || p.expiresAt === null ? {} : { tradingAuthorityExpirationTime: p.expiresAt }),
    },
    allowedIps: [...ips],
    trades: (account.trades ?? []).map((t, i) => ({
      symbol: marketId(t.symbol),
      id: numericId(t.id, i),
      ...(t.orderId === undefined ? {} : { orderId: numericId(t.orderId, i) }),
      price: t.price,
      qty: t.amount,
      commission: t.fee,
      commissionAsset: t.feeAsset,
      time: t.time,
      isBuyer: t.side === "buy",
      isMaker: t.maker ?? false,
    })),
  };
  return result;
}

function toVenueOrder(o: LoopbackOrder, apiKey: string): VenueOrder {
  return {
    id: String(o.orderId),
    clientOrderId: o.clientOrderId,
    apiKey,
    symbol: unified(o.symbol),
    side: o.side === "BUY" ? "buy" : "sell",
    type: o.type === "LIMIT" ? "limit" : "market",
    amount: o.origQty,
    price: o.price,
    status: o.status === "NEW" ? "open" : o.status === "FILLED" ? "closed" : "canceled",
    filled: o.executedQty,
    time: o.time,
    updateTime: o.updateTime,
    request: { ...o.request },
  };
}

/**
 * The Binance spot loopback ({@link startLoopbackExchange}) behind the venue-neutral API.
 * Signing: HMAC-SHA256 hex, or Ed25519 / RSA (a PEM private key as `secret`; the exchange
 * verifies with its public half). Permissions map to `GET /sapi/v1/account/apiRestrictions`:
 * `read` -> `enableReading`, `trade` -> `enableSpotAndMarginTrading`, `withdraw` ->
 * `enableWithdrawals`, `ips` -> `ipRestrict` (and the allowed addresses), `expiresAt` ->
 * `tradingAuthorityExpirationTime` (Binance reports when trading authority ends; the key itself
 * keeps working). `transfer` and `introspection` have no effect here.
 */
export async function startBinanceVenue(options: StartLoopbackVenueOptions): Promise<LoopbackVenue> {
  const exchange = await startLoopbackExchange(options.clock === undefined ? {} : { clock: options.clock });
  if (options.prices !== undefined) exchange.setPrices(Object.fromEntries(Object.entries(options.prices).map(([s, p]) => [marketId(s), p])));
  const keys = new Set<string>();
  const add = (account: VenueAccount): void => {
    keys.add(account.credentials.apiKey);
    exchange.addAccount(toLoopbackAccount(account));
  };
  if (options.credentials !== undefined) {
    const { accounts: _many, clock: _clock, prices: _prices, credentials, ...rest } = options;
    add({ ...rest, credentials });
  }
  for (const account of options.accounts ?? []) add(account);
  return {
    id: "binance",
    origin: exchange.origin,
    addAccount: add,
    removeAccount(apiKey) {
      keys.delete(apiKey);
      exchange.removeAccount(apiKey);
    },
    orders(apiKey) {
      const owners = apiKey === undefined ? [...keys] : [apiKey];
      return owners
        .flatMap((key) => exchange.orders(key).map((o) => toVenueOrder(o, key)))
        .sort((a, b) => Number(a.id) - Number(b.id));
    },
    requests: () => exchange.requests(),
    requestCount: (path) => exchange.requestCount(path),
    resetCounts: () => exchange.resetCounts(),
    close: () => exchange.close(),
  };
}
