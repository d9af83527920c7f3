import type { ApiError } from "@wallet-auth/core/client";

/** An API error as a thrown value (TanStack Query wants a rejection). */
export class WalletAuthApiError extends Error {
  override readonly name = "WalletAuthApiError";
  constructor(readonly apiError: ApiError) {
    super(apiError.message);
  }
  get code(): string {
    return this.apiError.code;
  }
}

/** What to do next, per code: shown after the API's generic message. Never a stack or a cause. */
const nextStep: Record<string, string> = {
  UNAUTHENTICATED: "Sign in again.",
  FORBIDDEN: "Verify your identity again, or ask for access.",
  RATE_LIMITED: "Wait a minute, then try again.",
  INVALID_INPUT: "Check the highlighted fields.",
  CREDENTIAL_DUPLICATE: "This key is already stored; use the existing entry.",
  CREDENTIAL_INVALID: "Check the key and secret on the exchange, then paste them again.",
  CREDENTIAL_PERMISSION_INSUFFICIENT: "Enable read access for this key on the exchange.",
  CREDENTIAL_WITHDRAWAL_ENABLED: "Create a key without withdrawal permission on the exchange.",
  CREDENTIAL_PERMISSIONS_UNKNOWN: "This exchange does not say whether the key can withdraw: use a key without withdrawal permission, then confirm that you accept the risk.",
  CREDENTIAL_IP_RESTRICTED: "Allow this server's IP address for the key on the exchange.",
  EXCHANGE_UNAVAILABLE: "The exchange is not answering; try again shortly.",
  EXCHANGE_RATE_LIMITED: "The exchange is busy; try again shortly.",
  WALLET_VERIFICATION_FAILED: "Request a new message and sign it again.",
  STORE_UNAVAILABLE: "Try again shortly.",
  CREDENTIAL_DISABLED: "Enable it first, or use another credential.",
  CREDENTIAL_EXPIRED: "Replace the key with a new one from the exchange.",
  NOT_FOUND: "Reload the page: it may have been removed elsewhere.",
  CONFLICT: "Reload the page and try again.",
  CSRF_INVALID: "Reload the page and try again.",
  NETWORK: "Check your connection, then try again.",
  CHAIN_UNSUPPORTED: "This server reads no balances on that chain; link a wallet on a supported chain.",
  CHAIN_UNAVAILABLE: "The chain is not answering; try again shortly.",
  EXCHANGE_UNSUPPORTED: "Choose one of the exchanges listed.",
  EXCHANGE_CLOCK_SKEW: "Ask the operator to check the server clock, then try again.",
  CREDENTIAL_UNAVAILABLE: "Try again shortly, or check the credential's status.",
  AUDIT_UNAVAILABLE: "Nothing was changed; try again shortly.",
};

/** For codes without their own step (an internal error, a store outage): try again, then ask for help with the reference. */
const fallbackStep = "Try again; if it keeps failing, contact support.";

/** The message a person sees for `error`: the API's generic message plus the next step. */
export function describeError(error: unknown): string {
  if (error instanceof WalletAuthApiError) {
    const { message, code, requestId } = error.apiError;
    const step = nextStep[code] ?? fallbackStep;
    return `${message} ${step}${requestId && !nextStep[code] ? ` (reference ${requestId})` : ""}`;
  }
  // Not from the API (a network failure, a wallet refusing): its text may be a library's, so it is not shown.
  return "Something went wrong. Check your connection, then try again.";
}
