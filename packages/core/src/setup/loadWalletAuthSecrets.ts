import { decodeKeyMaterial } from "../crypto/keyRingConfig.js";
import { WalletAuthError } from "../errors/index.js";
import { Redacted } from "../secret/Redacted.js";

/**
 * The two stable keys beside the key ring. Unlike key-ring keys they are never rotated by the
 * rewrap job: changing `fingerprintKey` disables duplicate-key detection for stored credentials,
 * changing `auditKey` starts new audit chains (old ones still verify under the old key).
 */
export interface WalletAuthSecrets {
  /** 32 bytes: HMAC key of the API-key blind index (duplicate detection). */
  fingerprintKey: Redacted<Uint8Array>;
  /** 32 bytes: keyed hashes in the audit log (chain pseudonyms, IP hashes, personal digests). */
  auditKey: Redacted<Uint8Array>;
}

/**
 * Reads `WALLET_AUTH_FINGERPRINT_KEY` and `WALLET_AUTH_AUDIT_KEY` (base64 or base64url, 32 bytes
 * each) once, at start-up.
 *
 * @param env - Defaults to `process.env`.
 * @returns Both keys, boxed so they never print.
 * @throws WalletAuthError `KEY_RING_INVALID` with `details.problem` (`missing-secret`,
 *   `invalid-key-encoding`, `key-length`) and `details.variable`; never the value.
 *
 * @example
 * ```ts
 * import { loadWalletAuthSecrets } from "@wallet-auth/core";
 * const secrets = loadWalletAuthSecrets(); // from process.env
 * ```
 */
export function loadWalletAuthSecrets(env: NodeJS.ProcessEnv = process.env): WalletAuthSecrets {
  return {
    fingerprintKey: Redacted.make(read(env, "WALLET_AUTH_FINGERPRINT_KEY")),
    auditKey: Redacted.make(read(env, "WALLET_AUTH_AUDIT_KEY")),
  };
}

function read(env: NodeJS.ProcessEnv, variable: string): Uint8Array {
  const text = env[variable]?.trim();
  if (!text) throw new WalletAuthError("KEY_RING_INVALID", { reason: "missing-secret", details: { problem: "missing-secret", variable } });
  try {
    return decodeKeyMaterial(text, 1);
  } catch (error) {
    const problem = (error as WalletAuthError).details?.["problem"] ?? "invalid-key-encoding";
    throw new WalletAuthError("KEY_RING_INVALID", { reason: String(problem), details: { problem, variable } });
  }
}
