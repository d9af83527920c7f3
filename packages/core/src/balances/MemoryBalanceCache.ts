import { type Clock, systemClock } from "../ports/Clock.js";
import type { BalanceCache, CachedBalanceEntry } from "../ports/BalanceCache.js";

/**
 * In-process {@link BalanceCache}: a map with expiry times read from the injected clock, bounded
 * to `maxEntries` (oldest insertion evicted first).
 *
 * @example
 * ```ts
 * import { MemoryBalanceCache } from "@wallet-auth/core";
 * const cache = new MemoryBalanceCache({ maxEntries: 10_000 });
 * ```
 */
export class MemoryBalanceCache implements BalanceCache {
  readonly #entries = new Map<string, { entry: CachedBalanceEntry; expiresAt: number }>();
  readonly #clock: Clock;
  readonly #maxEntries: number;

  constructor(options: { clock?: Clock | undefined; maxEntries?: number | undefined } = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#maxEntries = options.maxEntries ?? 10_000;
  }

  async get(key: string): Promise<CachedBalanceEntry | null> {
    const hit = this.#entries.get(key);
    if (!hit) return null;
    if (hit.expiresAt <= this.#clock.now().getTime()) {
      this.#entries.delete(key);
      return null;
    }
    return hit.entry;
  }

  async set(key: string, entry: CachedBalanceEntry, ttlMs: number): Promise<void> {
    this.#entries.delete(key);
    this.#entries.set(key, { entry, expiresAt: this.#clock.now().getTime() + ttlMs });
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }

  async delete(key: string): Promise<void> {
    this.#entries.delete(key);
  }
}
