import { WalletAuthError } from "../errors/index.js";

/** Internal reasons a wallet proof is refused; they reach the audit log, never the caller. */
export type WalletVerificationReason =
  | "message_malformed"
  | "version_unsupported"
  | "domain_mismatch"
  | "scheme_mismatch"
  | "uri_mismatch"
  | "chain_not_allowed"
  | "nonce_mismatch"
  | "nonce_unknown"
  | "nonce_address_mismatch"
  | "nonce_chain_mismatch"
  | "message_altered"
  | "address_mismatch"
  | "user_binding_missing"
  | "expired"
  | "not_yet_valid"
  | "issued_at_too_old"
  | "issued_at_in_future"
  | "signature_malformed"
  | "signature_mismatch"
  | "contract_signature_refused"
  | "contract_signature_unsupported_chain"
  | "chain_unavailable"
  | "address_owned_by_other_user";

/** The one error every refused wallet proof becomes, with its specific reason kept internal. */
export function verificationFailed(reason: WalletVerificationReason, cause?: unknown): WalletAuthError {
  return new WalletAuthError("WALLET_VERIFICATION_FAILED", cause === undefined ? { reason } : { reason, cause });
}
