/** What a bot access token may do. */
export type BotTokenScope = "credentials:read" | "balances:read" | "audit:read" | "exchange:read" | "exchange:trade";

/** A stored bot access token: only the SHA-256 hash of the token is kept, never the token. */
export interface BotTokenRecord {
  id: string;
  userId: string;
  label: string;
  /** The visible start of the token (`wab_xxxxxxxx`), to recognise it in a list. */
  prefix: string;
  /** Hex SHA-256 of the whole token. Unique. */
  hash: string;
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
  /** The token with this hash, or `null`. */
  getByHash(hash: string): Promise<BotTokenRecord | null>;
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
