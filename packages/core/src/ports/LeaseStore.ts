/**
 * Short-lived named leases, so several replicas never run the same background work at once
 * (e.g. refreshing one balance source).
 */
export interface LeaseStore {
  /**
   * Takes lease `name` for `owner` until `expiresAt` if it is free, expired, or already held by
   * `owner` (renewal). Returns whether `owner` now holds it. Atomic: of concurrent callers with
   * different owners at most one gets `true`.
   */
  tryAcquire(name: string, owner: string, now: Date, expiresAt: Date): Promise<boolean>;
  /** Releases the lease if `owner` holds it; `false` otherwise. */
  release(name: string, owner: string): Promise<boolean>;
}
