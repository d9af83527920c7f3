import { LRUCache } from "lru-cache";
import { type Clock, systemClock } from "../ports/Clock.js";
import type { BalanceCache, CachedBalanceEntry } from "../ports/BalanceCache.js";

/**
 * In-process {@link BalanceCache} on lru-cache: entries expire after their TTL measured on the
 * injected clock, and at most `maxEntries` are kept (the least recently used is evicted first).
 *
 * @example
 * ```ts
 * import { MemoryBalanceCache } from "@wallet-auth/core";
 * const cache = new MemoryBalanceCache({ maxEntries: 10_000 });
 * ```
 */
export class MemoryBalanceCache implements BalanceCache {
  readonly #entries: LRUCache<string, CachedBalanceEntry>;

  constructor(options: { clock?: Clock | undefined; maxEntries?: number | undefined } = {}) {
    const clock = options.clock ?? systemClock;
    this.#entries = new LRUCache<string, CachedBalanceEntry>({
      max: options.maxEntries ?? 10_000,
      // TTLs follow the injected clock exactly (tests move it), checked on every read.
      perf: { now: () => clock.now().getTime() },
      ttlResolution: 0,
    });
  }

  async get(key: string): Promise<CachedBalanceEntry | null> {
    return this.#entries.get(key) ?? null;
  }

  async set(key: string, entry: CachedBalanceEntry, ttlMs: number): Promise<void> {
    if (!(ttlMs > 0)) {
      this.#entries.delete(key);
      return;
    }
    this.#entries.set(key, entry, { ttl: ttlMs });
  }

  async delete(key: string): Promise<void> {
    this.#entries.delete(key);
  }
}
