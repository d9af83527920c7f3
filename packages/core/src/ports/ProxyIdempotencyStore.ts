/** A stored `Idempotency-Key` of an exchange proxy call. */
export interface ProxyIdempotencyRecord {
  userId: string;
  credentialId: string;
  /** The caller's key (1-255 visible ASCII characters). */
  key: string;
  /** SHA-256 (hex) of the method and arguments: the same key with other arguments is refused. */
  requestHash: string;
  /** The client order id sent with the call (orders), so a retry sends the same one. */
  clientOrderId: string | null;
  /** `pending` while the first call runs; `done` once its result is stored. */
  state: "pending" | "done";
  /** The call's result (JSON) once `done`; `null` while pending. */
  response: unknown;
  /** A pending claim older than this is taken over by the next call with the same request. */
  lockedUntil: Date;
  createdAt: Date;
  /** Retention bound: after it the record counts as absent and may be deleted. */
  expiresAt: Date;
}

/** What {@link ProxyIdempotencyStore.claim} writes. */
export type ProxyIdempotencyClaim = Omit<ProxyIdempotencyRecord, "state" | "response">;

/** Result of {@link ProxyIdempotencyStore.claim}. */
export type ProxyIdempotencyClaimResult = { claimed: true } | { claimed: false; existing: ProxyIdempotencyRecord };

/**
 * Idempotency keys of exchange proxy calls, per (user, credential, key), so a retried order
 * returns the first order's result instead of placing a second one.
 */
export interface ProxyIdempotencyStore {
  /**
   * Claims a key for a call about to run: writes a `pending` record when none exists, when the
   * existing one is past `expiresAt` (at `now`), or when it is a `pending` claim past its
   * `lockedUntil` for the same `requestHash` (its caller died). Otherwise leaves it and returns it.
   * Atomic: of concurrent claims of one key at most one gets `{ claimed: true }`.
   */
  claim(claim: ProxyIdempotencyClaim, now: Date): Promise<ProxyIdempotencyClaimResult>;
  /** Stores the result of a claimed call (`done`). Returns `false` when the record is gone. */
  complete(userId: string, credentialId: string, key: string, response: unknown): Promise<boolean>;
  /** Removes a `pending` claim (the call failed), so a retry runs it again. A `done` record stays. */
  release(userId: string, credentialId: string, key: string): Promise<void>;
  /** Deletes up to `limit` records whose `expiresAt` is before `now`; returns how many. */
  deleteExpired(now: Date, limit: number): Promise<number>;
  /** Deletes a user's records (erasure); returns how many. */
  deleteByUser(userId: string): Promise<number>;
}
