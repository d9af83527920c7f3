/** Behaviour of the whole loopback exchange, switched at runtime by a test. */
export type LoopbackMode = "ok" | "down" | "rate-limited" | "maintenance";

/** One spot balance, decimal strings as Binance sends them. */
export interface LoopbackBalance {
  free: string;
  locked: string;
}

/** Key permissions as `GET /sapi/v1/account/apiRestrictions` reports them. */
export interface LoopbackPermissions {
  enableReading?: boolean;
  enableWithdrawals?: boolean;
  enableSpotAndMarginTrading?: boolean;
  enableMargin?: boolean;
  enableFutures?: boolean;
  /** The key is bound to an IP allowlist (`allowedIps`); requests from other addresses get -2015. */
  ipRestrict?: boolean;
  /** Epoch ms; reported as `tradingAuthorityExpirationTime` when set. */
  tradingAuthorityExpirationTime?: number;
}

/** A spot fill as `GET /api/v3/myTrades` returns it. */
export interface LoopbackTrade {
  /** Binance market id, e.g. `"BTCUSDT"`. */
  symbol: string;
  id: number;
  orderId?: number;
  price: string;
  qty: string;
  quoteQty?: string;
  commission: string;
  commissionAsset: string;
  /** Epoch ms. */
  time: number;
  isBuyer: boolean;
  isMaker?: boolean;
}

/** A deposit as `GET /sapi/v1/capital/deposit/hisrec` returns it. */
export interface LoopbackDeposit {
  id?: string;
  coin: string;
  amount: string;
  network?: string;
  /** 0 pending, 1 success, 6 credited but cannot withdraw. Default 1. */
  status?: number;
  address?: string;
  txId: string;
  /** Epoch ms. */
  insertTime: number;
}

/** A withdrawal as `GET /sapi/v1/capital/withdraw/history` returns it. */
export interface LoopbackWithdrawal {
  id: string;
  coin: string;
  amount: string;
  transactionFee: string;
  network?: string;
  /** 6 completed, 4 processing, 1 cancelled, 3 rejected, 5 failure. Default 6. */
  status?: number;
  address?: string;
  txId: string;
  /** Epoch ms; served as Binance's `"YYYY-MM-DD HH:mm:ss"` UTC string. */
  applyTime: number;
}

/** An API key the loopback exchange accepts. */
export interface LoopbackAccount {
  apiKey: string;
  /**
   * The HMAC secret, or for an Ed25519 or RSA key its PEM private key (what ccxt's `secret`
   * holds; the exchange keeps only the public half, derived from it unless `publicKey` is given).
   */
  secret: string;
  /** PEM public key of an Ed25519 or RSA key, as registered with Binance. */
  publicKey?: string;
  balances?: Record<string, LoopbackBalance>;
  permissions?: LoopbackPermissions;
  /** Source addresses an `ipRestrict` key is allowed from. Default: none (every request refused). */
  allowedIps?: string[];
  trades?: LoopbackTrade[];
  deposits?: LoopbackDeposit[];
  withdrawals?: LoopbackWithdrawal[];
  /** Orders placed through `POST /api/v3/order` (the exchange fills them in). */
  orders?: LoopbackOrder[];
}

/** A spot order on the loopback exchange: LIMIT orders stay open, MARKET orders fill at the last price. */
export interface LoopbackOrder {
  orderId: number;
  clientOrderId: string;
  symbol: string;
  side: "BUY" | "SELL";
  type: "LIMIT" | "MARKET";
  price: string;
  origQty: string;
  executedQty: string;
  status: "NEW" | "FILLED" | "CANCELED";
  timeInForce: string;
  time: number;
  updateTime: number;
  /** The order's parameters as received (without `timestamp`, `recvWindow` and `signature`). */
  request?: Record<string, string>;
}

/** Options for {@link startLoopbackExchange}. */
export interface StartLoopbackExchangeOptions {
  /** The exchange's clock in epoch ms (its "server time"); default `Date.now`. Skew it to test -1021. */
  clock?: () => number;
  /**
   * Seconds sent in `Retry-After` while rate limited. Default: none, as Binance answers one
   * account's order limit. Set it for an IP request-weight limit: the ccxt gateway then sends
   * the exchange nothing, for any key, until it has passed.
   */
  retryAfterSeconds?: number;
  /**
   * How long an idle kept-alive connection stays open, in ms. Default 1000; real exchanges keep
   * them for minutes (set 60000 to see whether a client reuses its connections).
   */
  keepAliveTimeoutMs?: number;
}

/** A running loopback exchange. */
export interface LoopbackExchange {
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  /** Adds (or replaces, by `apiKey`) an account. */
  addAccount(account: LoopbackAccount): void;
  /** Removes an account: its key then gets -2015, as a deleted key would. */
  removeAccount(apiKey: string): void;
  /** Sets last prices by Binance symbol, e.g. `{ BTCUSDT: "65000.10" }` (merged). */
  setPrices(prices: Record<string, string>): void;
  /** Switches every endpoint's behaviour. */
  setMode(mode: LoopbackMode): void;
  /** Requests received, all paths or one exact path such as `"/api/v3/account"`. */
  requestCount(path?: string): number;
  /** Resets the request counters. */
  resetCounts(): void;
  /** TCP connections: `accepted` since start (or the last `resetCounts`), `open` now. */
  connections(): { accepted: number; open: number };
  /**
   * Holds every request to `path` (e.g. `"/api/v3/account"`) until `release()`: `reached`
   * resolves when the first one arrives. For proving what happens while an exchange call is in flight.
   */
  hold(path: string): { reached: Promise<void>; release(): void };
  /** Orders the exchange accepted, oldest first, optionally for one key (copies). */
  orders(apiKey?: string): LoopbackOrder[];
  /** Requests received since start (or the last `resetCounts`), oldest first. */
  requests(): Array<{ method: string; path: string }>;
  /** Stops the server. Idempotent. */
  close(): Promise<void>;
}
