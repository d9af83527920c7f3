import { assertKeyId, keyRingInvalid, parseDate } from "../crypto/keyRingConfig.js";

/** One `WALLET_AUTH_WRAPPED_KEYS` entry: a ring key id and that key as the key service wrapped it. */
export interface WrappedKeyEntry {
  readonly id: string;
  /** The provider's ciphertext (`vault:v1:...`, or AWS KMS's base64 `CiphertextBlob`). Not secret on its own. */
  readonly wrapped: string;
  readonly createdAt?: Date;
}

// Vault ciphertexts hold colons (`vault:v3:...`), so the id is what precedes the first colon and a
// creation date is recognised only as a trailing `:YYYY-MM-DD` (no ciphertext ends that way: Vault's
// and AWS's are base64 with no `-`).
const WRAPPED = /^[A-Za-z0-9+/=_:-]+$/;
const TRAILING_DATE = /:(\d{4}-\d{2}-\d{2})$/;

/**
 * Parses `WALLET_AUTH_WRAPPED_KEYS`: comma-separated `id:<wrapped>[:YYYY-MM-DD]` entries.
 *
 * @throws {WalletAuthError} `KEY_RING_INVALID` (`no-keys`, `malformed-entry`, `invalid-key-id`,
 * `invalid-created-date`, with the 1-based `position`).
 */
export function parseWrappedKeys(text: string | undefined): WrappedKeyEntry[] {
  const entries = (text ?? "").split(",").map((entry) => entry.trim()).filter((entry) => entry.length > 0);
  if (entries.length === 0) throw keyRingInvalid("no-keys");
  return entries.map((entry, index) => {
    const position = index + 1;
    const colon = entry.indexOf(":");
    if (colon <= 0) throw keyRingInvalid("malformed-entry", position);
    const id = entry.slice(0, colon);
    assertKeyId(id, position);
    let rest = entry.slice(colon + 1);
    const date = TRAILING_DATE.exec(rest);
    if (date) rest = rest.slice(0, date.index);
    if (rest.length < 16 || !WRAPPED.test(rest)) throw keyRingInvalid("malformed-entry", position);
    return date ? { id, wrapped: rest, createdAt: parseDate(date[1]!, position) } : { id, wrapped: rest };
  });
}

/** The `WALLET_AUTH_WRAPPED_KEYS` value for `entries` (the inverse of {@link parseWrappedKeys}). */
export function formatWrappedKeys(entries: readonly WrappedKeyEntry[]): string {
  return entries.map((e) => `${e.id}:${e.wrapped}${e.createdAt ? `:${e.createdAt.toISOString().slice(0, 10)}` : ""}`).join(",");
}
