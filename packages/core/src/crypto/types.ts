/**
 * What a sealed record is bound to (its associated data). Opening a record with any other
 * context fails, so a ciphertext copied to another row, user or purpose cannot be opened.
 *
 * Each field must be a non-empty, well-formed string of at most 65535 UTF-8 bytes.
 *
 * @example
 * ```ts
 * import type { EnvelopeContext } from "@wallet-auth/core/crypto";
 * const context: EnvelopeContext = { userId: "user_1", recordId: "cred_1", purpose: "credential:binance" };
 * ```
 */
export interface EnvelopeContext {
  /** The owner of the record. */
  userId: string;
  /** The row (or other storage slot) the record lives in. */
  recordId: string;
  /** What the record is, e.g. `"credential:binance"`. */
  purpose: string;
}

/** The result of sealing (or rewrapping) a record: store all three fields. */
export interface SealResult {
  /** The sealed record: a self-describing binary blob, base64url-encoded (no padding). */
  sealed: string;
  /** The id of the key-ring key that wraps the record's data key. Not secret. */
  keyId: string;
  /** The sealed-format version of `sealed`. */
  formatVersion: number;
}

/** One key of a key ring. */
export interface KeyRingKey {
  /** A short, non-secret name: 1 to 64 characters of `A-Z a-z 0-9 . _ -`. */
  id: string;
  /** Exactly 32 random bytes. The ring copies them; the caller may zero its copy afterwards. */
  key: Uint8Array;
  /** When the key was created, for rotation policy. */
  createdAt?: Date;
}

/** Options for {@link KeyRing.fromKeys}. */
export interface KeyRingOptions {
  /** Every key that may open records. */
  keys: readonly KeyRingKey[];
  /** The key that seals new records and receives rewrapped ones; must be one of `keys`. */
  primaryKeyId: string;
  /**
   * Randomness for data keys and nonces. Defaults to node:crypto's CSPRNG; inject another
   * only in tests.
   */
  random?: import("../ports/RandomSource.js").RandomSource;
}

/** What {@link KeyRing.inspect} reads from a sealed record's header without any key. */
export interface SealedInfo {
  /** The id of the key that wraps the record's data key. */
  keyId: string;
  /** The sealed-format version. */
  formatVersion: number;
}

/** Per-key operation counters since the ring was built (process-local). */
export interface KeyUsage {
  /** Records sealed under this key. */
  seals: number;
  /** Records opened successfully under this key. */
  opens: number;
  /** Records whose data key was moved off this key to the primary. */
  rewraps: number;
}
