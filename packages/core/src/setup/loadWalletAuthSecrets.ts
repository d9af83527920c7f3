import { decodeKeyMaterial } from "../crypto/keyRingConfig.js";
import { WalletAuthError } from "../errors/index.js";
import { Redacted } from "../secret/Redacted.js";
import { type BotTokenKeys, botTokenKeysFrom } from "../tokens/botTokenKeys.js";

/**
 * The keys beside the key ring. Unlike key-ring keys they are never rotated by the rewrap job:
 * changing `fingerprintKey` disables duplicate-key detection for stored credentials, changing
 * `auditKey` starts new audit chains (old ones still verify under the old key). `tokenKeys` rotate
 * on their own: old keys verify, and a token seen under one is rehashed under the primary.
 */
export interface WalletAuthSecrets {
  /** 32 bytes: HMAC key of the API-key blind index (duplicate detection). */
  fingerprintKey: Redacted<Uint8Array>;
  /** 32 bytes: keyed hashes in the audit log (chain pseudonyms, IP hashes, personal digests). */
  auditKey: Redacted<Uint8Array>;
  /**
   * HMAC keys of the bot-token hashes (primary plus verify-only older keys). Without them
   * `createWalletAuth` derives one from `auditKey`; set them to rotate token keys on their own.
   */
  tokenKeys?: BotTokenKeys | undefined;
}

/**
 * Reads `WALLET_AUTH_FINGERPRINT_KEY`, `WALLET_AUTH_AUDIT_KEY` and `WALLET_AUTH_TOKEN_KEY` (base64
 * or base64url, 32 bytes each), plus the optional `WALLET_AUTH_TOKEN_OLD_KEYS` (comma-separated
 * 32-byte keys a token may still be verified under during a rotation), once, at start-up.
 *
 * @param env - Defaults to `process.env`.
 * @returns The keys, boxed so they never print.
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
    tokenKeys: readTokenKeys(env),
  };
}

function readTokenKeys(env: NodeJS.ProcessEnv): BotTokenKeys {
  const keys = [read(env, "WALLET_AUTH_TOKEN_KEY")];
  const old = (env.WALLET_AUTH_TOKEN_OLD_KEYS ?? "").split(",").map((entry) => entry.trim()).filter((entry) => entry.length > 0);
  for (const text of old) keys.push(decode(text, "WALLET_AUTH_TOKEN_OLD_KEYS"));
  try {
    return botTokenKeysFrom(keys);
  } catch (error) {
    const problem = (error as WalletAuthError).details?.["problem"] ?? "invalid-key-encoding";
    throw new WalletAuthError("KEY_RING_INVALID", { reason: String(problem), details: { problem, variable: "WALLET_AUTH_TOKEN_OLD_KEYS" } });
  } finally {
    for (const key of keys) key.fill(0);
  }
}

function read(env: NodeJS.ProcessEnv, variable: string): Uint8Array {
  const text = env[variable]?.trim();
  if (!text) throw new WalletAuthError("KEY_RING_INVALID", { reason: "missing-secret", details: { problem: "missing-secret", variable } });
  return decode(text, variable);
}

function decode(text: string, variable: string): Uint8Array {
  try {
    return decodeKeyMaterial(text, 1);
  } catch (error) {
    const problem = (error as WalletAuthError).details?.["problem"] ?? "invalid-key-encoding";
    throw new WalletAuthError("KEY_RING_INVALID", { reason: String(problem), details: { problem, variable } });
  }
}
