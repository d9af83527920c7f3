import type { CredentialPermissions } from "./CredentialStore.js";
import type { KeyPermissions } from "./KeyPermissions.js";
import type { TransactionRecord } from "./TransactionStore.js";

/** Secret fields of an exchange API credential. Which ones are required depends on the exchange. */
export interface ExchangeSecret {
  apiKey: string;
  secret: string;
  /** Passphrase (OKX, KuCoin, Coinbase ...). */
  password?: string | undefined;
  uid?: string | undefined;
}

/** Names of the secret fields an exchange may require (ccxt `requiredCredentials`). */
export type ExchangeSecretField = keyof ExchangeSecret;

/** What an exchange needs and offers. */
export interface ExchangeDescription {
  /** ccxt exchange id. */
  exchange: string;
  /** Fields that must be present for this exchange. */
  requiredFields: ExchangeSecretField[];
  /** The exchange has a key-permission endpoint that reports withdrawal, used during validation. */
  reportsPermissions: boolean;
}

/** Result of a live key validation. */
export interface ExchangeKeyInfo {
  permissions: CredentialPermissions;
  /** Expiry reported by the exchange, or `null` when it reports none. */
  expiresAt: Date | null;
  /**
   * `false` when the exchange has no permission endpoint, so `permissions` only says the key
   * can read (trade/withdraw unknown). Absent means reported.
   */
  permissionsReported?: boolean | undefined;
  /**
   * The venue's own account of the key, normalised (`@wallet-auth/core/ccxt` venue modules).
   * Absent from gateways that only fill `permissions`; callers then derive it from those.
   */
  keyPermissions?: KeyPermissions | undefined;
}

/** One asset's balance as the exchange reports it; decimal strings. */
export interface ExchangeBalance {
  asset: string;
  free: string;
  locked: string;
  total: string;
}

/** A history entry as an exchange reports it (ids and owner are added by the caller). */
export type ExchangeHistoryEntry = Omit<TransactionRecord, "id" | "userId" | "sourceType" | "sourceId">;

/** Input shared by the authenticated calls. */
export interface ExchangeCallInput {
  exchange: string;
  secret: ExchangeSecret;
  /** Aborts the upstream call (deadline). */
  signal?: AbortSignal | undefined;
  /**
   * The caller knows (from an earlier validation) that the key is bound to an IP allowlist. Some
   * exchanges (Binance -2015) refuse an unknown key and a disallowed IP with one error; with this
   * hint it maps to `CREDENTIAL_IP_RESTRICTED` instead of `CREDENTIAL_INVALID`.
   */
  ipRestricted?: boolean | undefined;
}

/**
 * Access to centralised exchanges. Implemented with ccxt in `@wallet-auth/core/ccxt`.
 *
 * Every failure is a `WalletAuthError` with one of: `EXCHANGE_UNSUPPORTED`, `CREDENTIAL_INVALID`,
 * `CREDENTIAL_PERMISSION_INSUFFICIENT`, `CREDENTIAL_IP_RESTRICTED`, `EXCHANGE_UNAVAILABLE`,
 * `EXCHANGE_RATE_LIMITED`, `EXCHANGE_CLOCK_SKEW` (the upstream error kept as `cause` only).
 * Implementations never log or embed the secret.
 */
/**
 * The ccxt unified methods the exchange proxy may run for a caller that never sees the secret:
 * reads and order placement/cancellation. Withdrawals, transfers and everything else are not
 * representable here, so no adapter can be asked for them.
 */
export type ProxyMethod = "fetchBalance" | "fetchTicker" | "fetchOpenOrders" | "fetchOrder" | "fetchMyTrades" | "createOrder" | "cancelOrder";

/** Arguments of a proxied call (already validated by the proxy service). Amounts are decimal strings. */
export interface ProxyArgs {
  symbol?: string | undefined;
  /** Order id, for `fetchOrder` / `cancelOrder`. */
  id?: string | undefined;
  type?: "market" | "limit" | undefined;
  side?: "buy" | "sell" | undefined;
  amount?: string | undefined;
  price?: string | undefined;
  /**
   * The order's own id at the exchange, for `createOrder` (ccxt's unified `clientOrderId` param):
   * a retried order carries the same one, so the exchange can tell it from a new order.
   */
  clientOrderId?: string | undefined;
  /** Epoch ms, for history reads. */
  since?: number | undefined;
  limit?: number | undefined;
}

/** Input of {@link ExchangeGateway.proxy}. */
export interface ProxyCallInput extends ExchangeCallInput {
  method: ProxyMethod;
  args: ProxyArgs;
}

export interface ExchangeGateway {
  /** Requirements of an exchange; throws `EXCHANGE_UNSUPPORTED` for an unknown id. */
  describe(exchange: string): Promise<ExchangeDescription>;
  /**
   * Validates a key live: an authenticated balance call plus the exchange's permission endpoint
   * where one exists. Does not decide policy (e.g. refusing withdrawal keys): it reports.
   */
  validate(input: ExchangeCallInput): Promise<ExchangeKeyInfo>;
  /** Current balances, non-zero assets only. */
  fetchBalances(input: ExchangeCallInput): Promise<ExchangeBalance[]>;
  /** Trades, deposits and withdrawals since `since` (all when absent), at most `limit` of each kind. */
  fetchHistory(input: ExchangeCallInput & { since?: Date | undefined; limit?: number | undefined }): Promise<ExchangeHistoryEntry[]>;
  /**
   * Runs one allowlisted unified method with the secret and returns the library's normalised
   * result as plain JSON (no raw exchange payload). The secret is dropped from the client
   * afterwards, whatever the outcome.
   *
   * @throws the same codes as {@link ExchangeGateway.fetchBalances}; `INVALID_INPUT` when the
   *   exchange refuses the arguments.
   */
  proxy(input: ProxyCallInput): Promise<unknown>;
}
