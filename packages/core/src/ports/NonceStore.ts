/** A Sign-In with Ethereum challenge nonce. */
export interface NonceRecord {
  /** EIP-4361 nonce: alphanumeric, >= 96 bits of entropy. Primary key. */
  nonce: string;
  userId: string;
  /** EIP-55 address the challenge was issued for. */
  address: string;
  /** CAIP-2 chain id, e.g. `"eip155:1"`. */
  chainId: string;
  /** The exact EIP-4361 message issued. */
  message: string;
  issuedAt: Date;
  expiresAt: Date;
  consumedAt: Date | null;
}

/** Single-use challenge nonces. */
export interface NonceStore {
  /**
   * Stores a new nonce. Throws `WalletAuthError("CONFLICT")` if the nonce already exists, and
   * `NOT_FOUND` when `userId` has no user row.
   */
  create(record: NonceRecord): Promise<void>;
  /**
   * Consumes the nonce if it exists, belongs to `userId`, is not consumed and `expiresAt > now`;
   * returns the record (with `consumedAt = now`) or `null`. Atomic: of N concurrent calls at
   * most one gets the record. A nonce of another user is left untouched.
   */
  consume(nonce: string, userId: string, now: Date): Promise<NonceRecord | null>;
  /** Deletes nonces that expired before `now` or were consumed; returns how many. */
  deleteExpired(now: Date): Promise<number>;
  /** Deletes every nonce of a user; returns how many. */
  deleteByUser(userId: string): Promise<number>;
}
