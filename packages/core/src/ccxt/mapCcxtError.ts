import { WalletAuthError, isWalletAuthError } from "../errors/index.js";
import type { CcxtModule } from "./loadCcxt.js";

/** Inputs of {@link mapCcxtError}. */
export interface MapCcxtErrorOptions {
  ccxt: CcxtModule;
  error: unknown;
  /** The caller knows this key is bound to an IP allowlist (from an earlier validation). */
  ipRestricted?: boolean | undefined;
  /** `Retry-After` of the failed response, in seconds, when the exchange sent one. */
  retryAfterSeconds?: number | undefined;
}

// Messages of exchanges that say plainly that the source IP is not on the key's allowlist
// (OKX 50110, Bybit 10010, KuCoin 400006, ...). Matched on the ccxt message, which never leaves here.
const EXPLICIT_IP = /(white ?list|trusted ip|unmatched ip|ip (?:address )?(?:is )?not (?:in|allowed|whitelisted)|invalid ip|ip restrict)/i;
// Binance answers -2015 for an unknown key, a key used from a non-allowed IP and a missing
// permission alike; only the caller's earlier knowledge can tell them apart.
const AMBIGUOUS_KEY_IP = /-2015\b/;

function exchangeCode(message: string): string | undefined {
  const match = /"code"\s*:\s*"?(-?\d{1,7})"?/.exec(message);
  return match?.[1];
}

/**
 * Turns a ccxt error into the `WalletAuthError` named by the `ExchangeGateway` port. The ccxt
 * error is kept only as `cause`: its message can hold URLs with signatures and response bodies,
 * so neither `reason` nor `details` ever contain its text (the reason holds the ccxt class name
 * and the exchange's numeric error code only).
 *
 * @param options - The ccxt module (for its classes), the error, and hints.
 * @returns The mapped error (a `WalletAuthError` passes through unchanged).
 * @example
 * ```ts
 * import { loadCcxt, mapCcxtError } from "@wallet-auth/core/ccxt";
 * const ccxt = await loadCcxt();
 * const mapped = mapCcxtError({ ccxt, error: new ccxt.InvalidNonce("...") });
 * mapped.code; // "EXCHANGE_CLOCK_SKEW"
 * ```
 */
export function mapCcxtError(options: MapCcxtErrorOptions): WalletAuthError {
  const { ccxt, error } = options;
  if (isWalletAuthError(error)) return error;
  const message = error instanceof Error ? error.message : "";
  const code = exchangeCode(message);
  const className = error instanceof Error ? error.constructor.name : typeof error;
  const reason = `ccxt:${className}${code === undefined ? "" : `:${code}`}`;
  const make = (walletCode: ConstructorParameters<typeof WalletAuthError>[0], details?: Record<string, number | string | boolean>): WalletAuthError =>
    new WalletAuthError(walletCode, details === undefined ? { cause: error, reason } : { cause: error, reason, details });

  if (error instanceof ccxt.InvalidNonce) return make("EXCHANGE_CLOCK_SKEW");
  if (error instanceof ccxt.DDoSProtection || error instanceof ccxt.RateLimitExceeded) {
    return make("EXCHANGE_RATE_LIMITED", options.retryAfterSeconds === undefined ? undefined : { retryAfterSeconds: options.retryAfterSeconds });
  }
  if (error instanceof ccxt.OnMaintenance) return make("EXCHANGE_UNAVAILABLE", { maintenance: true });
  if (error instanceof ccxt.NetworkError) return make("EXCHANGE_UNAVAILABLE");
  if (error instanceof ccxt.AccountSuspended) return make("CREDENTIAL_INVALID", { accountSuspended: true });
  if (error instanceof ccxt.AuthenticationError || error instanceof ccxt.PermissionDenied) {
    if (EXPLICIT_IP.test(message)) return make("CREDENTIAL_IP_RESTRICTED");
    if (AMBIGUOUS_KEY_IP.test(message) && options.ipRestricted === true) return make("CREDENTIAL_IP_RESTRICTED");
    if (error instanceof ccxt.PermissionDenied) return make("CREDENTIAL_PERMISSION_INSUFFICIENT");
    return make("CREDENTIAL_INVALID");
  }
  if (error instanceof ccxt.NotSupported || error instanceof ccxt.BadSymbol) return make("EXCHANGE_UNSUPPORTED");
  // ccxt signs locally: a key it cannot sign with throws before anything is sent, never as a venue
  // answer. The key is at fault, not the venue: retrying will not help, replacing the key will.
  if (isSigningFailure(ccxt, error)) return make("CREDENTIAL_INVALID", { keyFormat: true });
  // BadRequest, BadResponse, generic ExchangeError and anything unexpected: the exchange did
  // not serve the request; callers treat it as transient.
  return make("EXCHANGE_UNAVAILABLE");
}

// ccxt's own words for a PEM it cannot use ("Unsupported crypto operation" for an Ed25519 key it
// took for RSA, "Unsupported key format"), and node:crypto's codes for a key OpenSSL cannot read.
const SIGNING_MESSAGE = /^Unsupported (?:crypto operation|key format)/;
const SIGNING_CODE = /^ERR_(?:OSSL|CRYPTO)_/;

function isSigningFailure(ccxt: CcxtModule, error: unknown): boolean {
  if (!(error instanceof Error) || error instanceof ccxt.BaseError) return false;
  const code = (error as { code?: unknown }).code;
  return SIGNING_MESSAGE.test(error.message) || (typeof code === "string" && SIGNING_CODE.test(code));
}
