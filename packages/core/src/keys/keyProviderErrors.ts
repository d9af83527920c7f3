import { WalletAuthError } from "../errors/index.js";

/** Why a key service refused an operation (stable; never the service's own text). */
export type KeyProviderRefusal =
  | "key-disabled"
  | "key-not-found"
  | "key-version-retired"
  | "invalid-ciphertext"
  | "access-denied"
  | "invalid-request";

/** Why a key service could not be used (stable). */
export type KeyProviderOutage = "timeout" | "unreachable" | "service-error" | "throttled";

/** A `KEY_PROVIDER_REFUSED` error for `provider`, with the service error kept as `cause` (logs only). */
export function keyProviderRefused(provider: string, reason: KeyProviderRefusal, cause?: unknown): WalletAuthError {
  return new WalletAuthError("KEY_PROVIDER_REFUSED", { reason, details: { provider, problem: reason }, ...(cause === undefined ? {} : { cause }) });
}

/** A `KEY_PROVIDER_UNAVAILABLE` error for `provider`. */
export function keyProviderUnavailable(provider: string, reason: KeyProviderOutage, cause?: unknown): WalletAuthError {
  return new WalletAuthError("KEY_PROVIDER_UNAVAILABLE", { reason, details: { provider, problem: reason }, ...(cause === undefined ? {} : { cause }) });
}
