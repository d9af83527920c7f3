/**
 * Stable error codes and the only public text each one may show.
 *
 * A code never changes meaning once published. The message is deliberately generic: it is
 * what a response may carry, so it names no key id, SQL, library text or secret. Anything
 * specific goes in `cause` (server logs) or an audit event.
 */
export const errorMessages = {
  INVALID_INPUT: "The request is invalid.",
  UNAUTHENTICATED: "Authentication is required.",
  FORBIDDEN: "You are not allowed to do this.",
  POLICY_DENIED: "The trade policy of this credential refused the request.",
  NOT_FOUND: "The resource was not found.",
  CONFLICT: "The request conflicts with the current state.",
  RATE_LIMITED: "Too many requests. Try again later.",
  CSRF_INVALID: "The request could not be verified.",
  METHOD_NOT_ALLOWED: "This method is not allowed on this resource.",
  PAYLOAD_TOO_LARGE: "The request body is too large.",

  CREDENTIAL_DUPLICATE: "This API key is already registered.",
  CREDENTIAL_INVALID: "The exchange rejected this API key.",
  CREDENTIAL_PERMISSION_INSUFFICIENT: "This API key lacks a permission the product needs.",
  CREDENTIAL_WITHDRAWAL_ENABLED: "This API key can withdraw funds. Create a key without withdrawal permission, or explicitly allow it.",
  CREDENTIAL_PERMISSIONS_UNKNOWN: "The exchange does not say whether this API key can withdraw funds. Create a key you can check, or explicitly accept the risk.",
  CREDENTIAL_IP_RESTRICTED: "The exchange refused this API key from this server's address.",
  CREDENTIAL_IP_UNBOUND: "This API key is not restricted to this service's IP addresses. Add them to the key's IP allowlist at the exchange.",
  CREDENTIAL_DISABLED: "This credential is disabled.",
  CREDENTIAL_EXPIRED: "This credential has expired.",
  CREDENTIAL_UNAVAILABLE: "This credential cannot be used right now.",

  EXCHANGE_UNSUPPORTED: "This exchange is not supported.",
  EXCHANGE_UNAVAILABLE: "The exchange is unavailable. Try again later.",
  EXCHANGE_RATE_LIMITED: "The exchange is rate limiting requests. Try again later.",
  EXCHANGE_CLOCK_SKEW: "The exchange refused the request time. Check the server clock.",

  CHAIN_UNSUPPORTED: "This chain is not supported.",
  CHAIN_UNAVAILABLE: "The chain is unavailable. Try again later.",

  WALLET_VERIFICATION_FAILED: "The wallet could not be verified.",

  DECRYPTION_FAILED: "The protected record could not be opened.",
  UNSUPPORTED_FORMAT: "The protected record has an unsupported format.",
  UNKNOWN_KEY: "The protected record refers to a key that is not available.",
  KEY_RING_INVALID: "The key ring configuration is invalid.",
  KEY_IN_USE: "The key still protects records and cannot be retired.",
  KEY_PROVIDER_UNAVAILABLE: "The key management service is unavailable. Try again later.",
  KEY_PROVIDER_REFUSED: "The key management service refused the operation.",

  AUDIT_UNAVAILABLE: "The audit log is unavailable, so the operation was not performed.",
  STORE_UNAVAILABLE: "The data store is unavailable. Try again later.",
  INTERNAL: "An internal error occurred.",
} as const;

/** A stable, SCREAMING_SNAKE error code. */
export type ErrorCode = keyof typeof errorMessages;

/** Every known code, for exhaustive tables (HTTP status maps, docs). */
export const errorCodes = Object.keys(errorMessages) as ErrorCode[];

/** `true` when `value` is one of the published codes. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && Object.hasOwn(errorMessages, value);
}
