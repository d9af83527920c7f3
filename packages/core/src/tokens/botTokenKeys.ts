import { createHash, createHmac, hkdfSync } from "node:crypto";
import { WalletAuthError } from "../errors/index.js";
import { Redacted } from "../secret/Redacted.js";

/** One HMAC key of the bot-token hash, with the id stored beside each hash it made. */
export interface BotTokenKey {
  /** `t` + 16 hex characters derived from the key (so two different keys never share an id). */
  readonly id: string;
  readonly key: Redacted<Uint8Array>;
}

/**
 * The keys bot tokens are hashed with: the primary hashes new tokens (and rehashes tokens
 * verified under an older key); the others only verify. None of them is in the database, so a
 * row written there without the key matches no token.
 */
export interface BotTokenKeys {
  readonly primary: BotTokenKey;
  /** Older keys, verify-only. */
  readonly others: readonly BotTokenKey[];
}

const KEY_ID_LABEL = "wallet-auth bot-token key id v1";

/** The id of a token key: a keyed digest of a fixed label, so it reveals nothing of the key. */
function keyIdOf(key: Uint8Array): string {
  return `t${createHmac("sha256", key).update(KEY_ID_LABEL).digest("hex").slice(0, 16)}`;
}

/**
 * Builds the token keys from 32-byte secrets, primary first.
 *
 * @throws WalletAuthError `KEY_RING_INVALID` (`details.problem` `key-length` or `duplicate-key-id`)
 */
export function botTokenKeysFrom(keys: readonly Uint8Array[]): BotTokenKeys {
  const seen = new Set<string>();
  const list = keys.map((key, index) => {
    if (!(key instanceof Uint8Array) || key.byteLength !== 32) {
      throw new WalletAuthError("KEY_RING_INVALID", { reason: "key-length", details: { problem: "key-length", position: index + 1 } });
    }
    const id = keyIdOf(key);
    if (seen.has(id)) throw new WalletAuthError("KEY_RING_INVALID", { reason: "duplicate-key-id", details: { problem: "duplicate-key-id", position: index + 1 } });
    seen.add(id);
    return { id, key: Redacted.make(Uint8Array.from(key)) };
  });
  const [primary, ...others] = list;
  if (primary === undefined) throw new WalletAuthError("KEY_RING_INVALID", { reason: "missing-secret", details: { problem: "missing-secret" } });
  return { primary, others };
}

/**
 * The token key an embedder gets when `secrets.tokenKeys` is not set: derived (HKDF-SHA256) from
 * the audit key, so it is still a server secret outside the database. Set `tokenKeys` to rotate
 * it on its own.
 */
export function botTokenKeysFromAuditKey(auditKey: Redacted<Uint8Array>): BotTokenKeys {
  const derived = new Uint8Array(hkdfSync("sha256", Redacted.unwrap(auditKey), new Uint8Array(0), "wallet-auth bot-token key v1", 32));
  return botTokenKeysFrom([derived]);
}

/** SHA-256 of the whole token: what a legacy row stored, and what the keyed hash is taken over. */
export function tokenDigest(token: string): Buffer {
  return createHash("sha256").update(token, "utf8").digest();
}

/** The stored hash: hex HMAC-SHA256 under `key` of the token's SHA-256 digest. */
export function keyedTokenHash(key: BotTokenKey, digest: Uint8Array): string {
  return createHmac("sha256", Redacted.unwrap(key.key)).update(digest).digest("hex");
}

/**
 * The stored form of `token` under the primary key: what `BotTokenService.create` writes (for
 * seeding a store in a test or an import tool; the key never leaves the process).
 */
export function hashBotToken(keys: BotTokenKeys, token: string): { hash: string; keyId: string } {
  return { hash: keyedTokenHash(keys.primary, tokenDigest(token)), keyId: keys.primary.id };
}
