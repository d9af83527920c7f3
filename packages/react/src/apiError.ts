import type { ApiError } from "@wallet-auth/core/client";
import type { ErrorCode } from "@wallet-auth/core";

/** The API's error body with the parts the typed client does not pass on yet: the refused fields, the policy rule, when to retry. */
export interface ApiErrorDetail extends ApiError {
  /** INVALID_INPUT: the input fields that were refused (names, never values). */
  fields?: string[] | undefined;
  /** POLICY_DENIED: the trade-policy rule that refused the order. */
  rule?: string | undefined;
  /** Seconds the API asked to wait (`Retry-After` of a 429 or 503). */
  retryAfterSeconds?: number | undefined;
}

/** An API error as a thrown value (TanStack Query wants a rejection). */
export class WalletAuthApiError extends Error {
  override readonly name = "WalletAuthApiError";
  constructor(readonly apiError: ApiErrorDetail) {
    super(apiError.message);
  }
  get code(): string {
    return this.apiError.code;
  }
  get fields(): string[] {
    return this.apiError.fields ?? [];
  }
}

/** The person cancelled "verify it's you": nothing was sent, nothing changed. A quiet outcome, not an error. */
export class StepUpCancelledError extends Error {
  override readonly name = "StepUpCancelledError";
  constructor() {
    super("Verification cancelled.");
  }
}

/** Codes the browser side raises itself (the wallet, the network), beside the API's. */
export type ClientErrorCode = "NETWORK" | "WALLET_REJECTED" | "WALLET_WRONG_CHAIN" | "WALLET_NO_ACCOUNT";

/** What a trader reads for one code: what happened, and what to do about it. */
export interface ErrorHelp {
  /** What happened, in plain words. */
  title: string;
  /** What to do next. */
  fix: string;
}

/**
 * Every code, in words a trader understands, with a fix. Typed over core's `ErrorCode`, so a new
 * code in core does not compile here until it has its words (and a test checks the list at run time);
 * the index signature lets a code be described here before core publishes it.
 */
export const errorHelp: Record<ErrorCode | ClientErrorCode, ErrorHelp> & Record<string, ErrorHelp> = {
  INVALID_INPUT: { title: "Some of what you entered is not accepted.", fix: "Correct the marked fields and try again." },
  UNAUTHENTICATED: { title: "You are signed out.", fix: "Sign in again; what you typed (except secrets) is kept." },
  FORBIDDEN: { title: "You are not allowed to do this.", fix: "Verify it is you, or ask the account owner for access." },
  POLICY_DENIED: { title: "The trade policy of this key refused the order.", fix: "Change the order, or widen the key's trade policy." },
  NOT_FOUND: { title: "This item no longer exists.", fix: "It may have been removed in another tab; the list has been refreshed." },
  CONFLICT: { title: "Someone changed this at the same time.", fix: "Look at the current values, then try again." },
  RATE_LIMITED: { title: "Too many requests in a short time.", fix: "Wait for the countdown, then try again." },
  CSRF_INVALID: { title: "The page is out of date.", fix: "Reload the page and try again." },
  METHOD_NOT_ALLOWED: { title: "This action is not available here.", fix: "Reload the page; if it keeps happening, contact support." },
  PAYLOAD_TOO_LARGE: { title: "That was too much to send at once.", fix: "Send less data in one request." },
  CREDENTIAL_DUPLICATE: { title: "This API key is already stored.", fix: "Use the existing entry, or delete it first." },
  CREDENTIAL_INVALID: { title: "The exchange did not accept this key and secret.", fix: "Copy both again from the exchange's API page; check for missing characters and that the key is not deleted." },
  CREDENTIAL_PERMISSION_INSUFFICIENT: { title: "The key lacks the read permission.", fix: "On the exchange, edit the key and enable reading (account and balances)." },
  CREDENTIAL_WITHDRAWAL_ENABLED: {
    title: "This key can withdraw funds, so it was not stored.",
    fix: "On the exchange, turn withdrawals off for this key (or create a new key without them), then add it again.",
  },
  CREDENTIAL_PERMISSIONS_UNKNOWN: {
    title: "The exchange does not say whether this key can withdraw funds.",
    fix: "Make sure withdrawals are off on the exchange, then tick \"I accept the risk\" and add it again (you will be asked to verify it is you).",
  },
  CREDENTIAL_IP_RESTRICTED: { title: "The exchange refused the key from this server's address.", fix: "Add the server addresses shown in the form to the key's IP allowlist on the exchange." },
  CREDENTIAL_IP_UNBOUND: {
    title: "This key is not bound to this service's IP addresses.",
    fix: "On the exchange, add the server addresses shown in the form to the key's IP allowlist, then try again.",
  },
  CREDENTIAL_DISABLED: { title: "This key is disabled here.", fix: "Enable it first, or use another key." },
  CREDENTIAL_EXPIRED: { title: "This key has expired.", fix: "Create a new key on the exchange and use \"Replace key\"." },
  CREDENTIAL_UNAVAILABLE: { title: "This key cannot be used right now.", fix: "Run \"Check now\" on it; if it stays unavailable, replace the key." },
  EXCHANGE_UNSUPPORTED: { title: "This exchange is not supported.", fix: "Choose one of the exchanges in the list." },
  EXCHANGE_UNAVAILABLE: { title: "The exchange is not answering.", fix: "Nothing was changed; try again in a few minutes." },
  EXCHANGE_RATE_LIMITED: { title: "The exchange asked us to slow down.", fix: "Wait for the countdown, then try again." },
  EXCHANGE_CLOCK_SKEW: { title: "The exchange refused the server's clock.", fix: "Ask the operator to synchronise the server clock, then try again." },
  CHAIN_UNSUPPORTED: { title: "Balances on this chain cannot be read here.", fix: "Switch the wallet to a supported chain and link it again." },
  CHAIN_UNAVAILABLE: { title: "The blockchain node is not answering.", fix: "Try again in a few minutes; other balances are unaffected." },
  WALLET_VERIFICATION_FAILED: { title: "The wallet signature could not be verified.", fix: "Connect again and sign the new message in your wallet." },
  DECRYPTION_FAILED: { title: "A stored key could not be opened.", fix: "Replace the key; if several are affected, contact support." },
  UNSUPPORTED_FORMAT: { title: "A stored key is in a format this server cannot read.", fix: "Contact support with the reference." },
  UNKNOWN_KEY: { title: "A stored key is protected by a key this server does not have.", fix: "Contact support with the reference." },
  KEY_RING_INVALID: { title: "The server's key configuration is broken.", fix: "Contact support with the reference." },
  KEY_IN_USE: { title: "That server key still protects stored records.", fix: "Finish the key rotation first." },
  KEY_PROVIDER_UNAVAILABLE: { title: "The key service is not answering.", fix: "Nothing was changed; try again in a few minutes." },
  KEY_PROVIDER_REFUSED: { title: "The key service refused the operation.", fix: "Contact support with the reference." },
  AUDIT_UNAVAILABLE: { title: "The audit log is unavailable, so nothing was changed.", fix: "Try again in a few minutes." },
  STORE_UNAVAILABLE: { title: "The service is having trouble storing data.", fix: "Nothing was changed; try again in a few minutes." },
  INTERNAL: { title: "Something went wrong on our side.", fix: "Try again; if it keeps failing, contact support with the reference." },
  NETWORK: { title: "The service could not be reached.", fix: "Check your connection, then try again." },
  WALLET_REJECTED: { title: "You rejected the request in your wallet.", fix: "Nothing was linked. Click connect again and approve the signature to link it." },
  WALLET_WRONG_CHAIN: { title: "Your wallet is on a chain this server does not support.", fix: "Switch the wallet to one of the listed chains, then connect again." },
  WALLET_NO_ACCOUNT: { title: "The wallet shared no account.", fix: "Unlock the wallet, choose an account, then connect again." },
};

/** Codes after which a reference id helps support: the trader cannot fix these alone. */
const needsReference = new Set(["INTERNAL", "UNSUPPORTED_FORMAT", "UNKNOWN_KEY", "KEY_RING_INVALID", "KEY_PROVIDER_REFUSED", "DECRYPTION_FAILED", "METHOD_NOT_ALLOWED"]);

/** Words for a policy rule (POLICY_DENIED `rule`). */
const policyRules: Record<string, string> = {
  symbol: "this market is not allowed",
  side: "this side (buy or sell) is not allowed",
  order_type: "this order type is not allowed",
  notional_max: "the order is larger than the per-order cap",
  notional_min: "the order is smaller than the minimum",
  price_band: "the price is too far from the market price",
  window: "the rolling spending cap is used up",
  reduce_only: "only position-reducing orders are allowed",
  fund_movement: "fund movements are not allowed",
};

/** The code of anything thrown: the API's, a wallet rejection (EIP-1193 4001), or NETWORK. */
export function errorCodeOf(error: unknown): keyof typeof errorHelp | null {
  if (!error || error instanceof StepUpCancelledError) return null;
  if (error instanceof WalletAuthApiError) return (error.code in errorHelp ? error.code : "INTERNAL") as keyof typeof errorHelp;
  const eip = (error as { code?: unknown } | null)?.code;
  if (eip === 4001 || eip === "ACTION_REJECTED") return "WALLET_REJECTED";
  if (eip === 4902 || eip === "WALLET_WRONG_CHAIN") return "WALLET_WRONG_CHAIN";
  if (eip === "WALLET_NO_ACCOUNT") return "WALLET_NO_ACCOUNT";
  return "NETWORK";
}

/** What a person reads for `error`: title, fix, and a reference when support needs one. `null` for a quiet outcome (cancelled step-up). */
export function explainError(error: unknown): (ErrorHelp & { code: string; reference: string | null }) | null {
  const code = errorCodeOf(error);
  if (code === null) return null;
  const help = errorHelp[code] ?? errorHelp.INTERNAL;
  const api = error instanceof WalletAuthApiError ? error.apiError : null;
  let fix = help.fix;
  if (code === "POLICY_DENIED" && api?.rule) fix = `Refused because ${policyRules[api.rule] ?? "a rule of the policy"}. ${help.fix}`;
  if ((code === "RATE_LIMITED" || code === "EXCHANGE_RATE_LIMITED") && api?.retryAfterSeconds) fix = `Try again in ${api.retryAfterSeconds} s.`;
  return { ...help, fix, code, reference: api?.requestId && needsReference.has(code) ? api.requestId : null };
}

/** The message as one line: what happened and what to do (never a stack, a cause or a library's text). */
export function describeError(error: unknown): string {
  const e = explainError(error);
  if (!e) return "";
  return `${e.title} ${e.fix}${e.reference ? ` (reference ${e.reference})` : ""}`;
}
