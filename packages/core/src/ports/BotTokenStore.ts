/** What a bot access token may do. */
export type BotTokenScope = "credentials:read" | "balances:read" | "audit:read" | "exchange:read" | "exchange:trade";

/**
 * A stored bot access token: only a keyed hash of the token is kept, never the token. The key
 * is a server secret outside the database, so a row written with SQL alone matches no token.
 */
export interface BotTokenRecord {
  id: string;
  userId: string;
  label: string;
  /** The visible start of the token (`wab_xxxxxxxx`), to recognise it in a list. */
  prefix: string;
  /**
   * Hex HMAC-SHA256, under the token key `keyId`, of the SHA-256 digest of the whole token.
   * Unique. In a legacy row (`keyId` `null`) it is the plain SHA-256 digest.
   */
  hash: string;
  /**
   * Id of the token key the hash was made with; `null` for a legacy row written before keyed
   * hashes, which no lookup accepts until the one-time rehash step keys it.
   */
  keyId: string | null;
  scopes: BotTokenScope[];
  /** Credentials the exchange scopes apply to (empty: none). */
  credentialIds: string[];
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** Bot access tokens of every user. */
export interface BotTokenStore {
  /**
   * Stores a new token. Atomic.
   * @throws WalletAuthError `CONFLICT` when the id or hash exists.
   */
  insert(record: BotTokenRecord): Promise<void>;
  /** The user's tokens, newest first (revoked and expired included). */
  listByUser(userId: string): Promise<BotTokenRecord[]>;
  /** The token with this hash (whatever its `keyId`: the caller checks it), or `null`. */
  getByHash(hash: string): Promise<BotTokenRecord | null>;
  /**
   * Replaces a token's hash and key id only while the row still has `from` (one conditional
   * write, so of two parallel rehashes one applies and the other returns `false`).
   * @returns whether a row changed; `false` for a missing row.
   */
  rehash(id: string, from: { hash: string; keyId: string | null }, to: { hash: string; keyId: string }): Promise<boolean>;
  /** Up to `limit` legacy rows (`keyId` `null`), oldest first, for the one-time rehash step. */
  listUnkeyed(limit: number): Promise<{ id: string; hash: string }[]>;
  /**
   * Marks the user's token revoked at `at` when it is not yet revoked (one conditional write:
   * of two parallel revocations exactly one returns the record). `null` when absent, another
   * user's, or already revoked.
   */
  revoke(userId: string, id: string, at: Date): Promise<BotTokenRecord | null>;
  /**
   * Sets `lastUsedAt = at` only when it is null or older than `olderThan` (throttled writes).
   * @returns whether a row changed.
   */
  touchLastUsed(id: string, at: Date, olderThan: Date): Promise<boolean>;
  /** Deletes every token of the user (erasure); returns how many. */
  deleteByUser(userId: string): Promise<number>;
}
