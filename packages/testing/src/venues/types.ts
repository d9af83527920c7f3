/** Venue ids {@link startLoopbackVenue} can start (ccxt ids). */
export type LoopbackVenueId = "binance" | "okx" | "bybit" | "kraken" | "coinbase" | "kucoin" | "bitget" | "gate";

/**
 * An API key as the venue issued it. `secret` is what ccxt's `secret` holds: an HMAC secret, or
 * a PEM private key (Coinbase ES256, Bybit RSA, Binance Ed25519/RSA), from which the stand-in keeps
 * only the public key to verify with, as the venue would.
 */
export interface VenueCredentials {
  apiKey: string;
  secret: string;
  /** The passphrase (ccxt `password`) of OKX, KuCoin and Bitget keys. */
  password?: string;
}

/**
 * What a key may do, in one model every stand-in reports in its own introspection shape. A key
 * without `read` is refused on every private call; without `trade`, on orders.
 */
export interface VenuePermissions {
  /** Default `true`. */
  read?: boolean;
  /** Spot trading. Default `true`. */
  trade?: boolean;
  /** Default `false`. */
  withdraw?: boolean;
  /** Internal transfers. Default `false`. */
  transfer?: boolean;
  /**
   * IP allowlist. Empty or absent: unrestricted. Otherwise a request from any other source
   * address is refused with the venue's IP error (the stand-in sees 127.0.0.1).
   */
  ips?: string[];
  /** When the key expires, epoch ms; `null`/absent: never. Past it every call is refused as the venue refuses an expired key. */
  expiresAt?: number | null;
}

/** One spot balance, decimal strings. */
export interface VenueBalance {
  free: string;
  locked: string;
}

/** A past fill, served by the venue's trade history endpoint. */
export interface VenueTrade {
  /** Unified symbol, e.g. `"BTC/USDT"`. */
  symbol: string;
  id: string;
  /** Default: derived from `id`. */
  orderId?: string;
  side: "buy" | "sell";
  price: string;
  amount: string;
  fee: string;
  feeAsset: string;
  /** Epoch ms. */
  time: number;
  /** Default `false` (taker). */
  maker?: boolean;
}

/** An account (one API key) on a stand-in. */
export interface VenueAccount {
  credentials: VenueCredentials;
  permissions?: VenuePermissions;
  balances?: Record<string, VenueBalance>;
  trades?: VenueTrade[];
  /**
   * Fields shallow-merged over the body the venue's key-introspection endpoint returns for this
   * key (its `data`/`result` object), for shapes the permission model does not cover.
   */
  introspection?: Record<string, unknown>;
}

/** An order as it reached the stand-in. LIMIT orders stay open; MARKET orders fill at once at the last price. */
export interface VenueOrder {
  /** The venue's order id. */
  id: string;
  clientOrderId: string;
  /** The key that placed it. */
  apiKey: string;
  /** Unified symbol, e.g. `"BTC/USDT"`. */
  symbol: string;
  side: "buy" | "sell";
  type: "limit" | "market";
  /** Base amount (for a market buy sized in quote, the quote amount as sent; see `quoteAmount`). */
  amount: string;
  /** Quote amount of a market order sized in quote currency, when the venue was sent one. */
  quoteAmount?: string;
  /** Limit price; for a market order the price it filled at. */
  price: string;
  status: "open" | "closed" | "canceled";
  filled: string;
  /** Epoch ms. */
  time: number;
  updateTime: number;
  /** The order parameters exactly as the venue received them (query or JSON body). */
  request: Readonly<Record<string, unknown>>;
}

/** Options for {@link startLoopbackVenue}: one account given inline (`credentials`, ...), or several in `accounts`, or both. */
export interface StartLoopbackVenueOptions extends Partial<VenueAccount> {
  accounts?: VenueAccount[];
  /** The venue's clock, epoch ms. Default `Date.now`. Skew it to test stale timestamps. */
  clock?: () => number;
  /** Last prices by unified symbol (merged over the defaults), e.g. `{ "BTC/USDT": "65000.1" }`. */
  prices?: Record<string, string>;
}

/** One request the stand-in received. */
export interface VenueRequestRecord {
  method: string;
  path: string;
}

/** A running stand-in. */
export interface LoopbackVenue {
  readonly id: LoopbackVenueId;
  /** `http://127.0.0.1:<port>`: point every ccxt API URL here (see {@link connectCcxtToVenue}). */
  readonly origin: string;
  /** Adds (or replaces, by `apiKey`) an account. */
  addAccount(account: VenueAccount): void;
  /** Removes an account: its key is then refused as the venue refuses an unknown key. */
  removeAccount(apiKey: string): void;
  /** Every order received (accepted ones), oldest first, optionally for one key. Cancelled orders keep their entry with `status: "canceled"`. */
  orders(apiKey?: string): readonly VenueOrder[];
  /** Requests received so far, oldest first (authenticated or not). */
  requests(): readonly VenueRequestRecord[];
  /** Requests received, all or to one exact path. */
  requestCount(path?: string): number;
  /** Forgets the recorded requests. */
  resetCounts(): void;
  /** Stops the server. Idempotent. */
  close(): Promise<void>;
}
