/** A cached balance read, as stored (JSON-safe: dates as ISO strings). */
export interface CachedBalanceEntry {
  /** JSON of the balances (decimal strings only). */
  balances: ReadonlyArray<{ asset: string; free: string; locked: string; total: string; usdValue: string | null; decimals?: number }>;
  /** When the upstream read happened (ISO 8601). */
  asOf: string;
  /**
   * The stored source's version when it was read (its `updatedAt`); a hit whose source changed
   * since (disabled, renewed, revalidated, deleted, erased) is not served. Absent: never served.
   */
  sourceVersion?: string | undefined;
}

/**
 * Where balance reads are cached between upstream calls: in-process by default, Redis so several
 * replicas share it. Entries expire on their own after the TTL given to `set`.
 */
export interface BalanceCache {
  /** The entry, or `null` when absent or expired. */
  get(key: string): Promise<CachedBalanceEntry | null>;
  /** Stores (replaces) the entry for `ttlMs`. */
  set(key: string, entry: CachedBalanceEntry, ttlMs: number): Promise<void>;
  /** Removes the entry; missing keys are fine. */
  delete(key: string): Promise<void>;
}
