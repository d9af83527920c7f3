import { bench, describe } from "vitest";
import { reportVitestFigures } from "../../../../bench/report.js";
import type { CachedBalanceEntry } from "../ports/BalanceCache.js";
import { MemoryBalanceCache } from "./MemoryBalanceCache.js";

// The cache lookup every cached balance read makes, on a full cache (10,000 sources).
// Baseline: the hand-written insertion-ordered Map that lru-cache replaced (kept here only to compare).
class MapBalanceCache {
  readonly #entries = new Map<string, { entry: CachedBalanceEntry; expiresAt: number }>();
  constructor(readonly maxEntries = 10_000) {}
  async get(key: string): Promise<CachedBalanceEntry | null> {
    const hit = this.#entries.get(key);
    if (!hit) return null;
    if (hit.expiresAt <= Date.now()) {
      this.#entries.delete(key);
      return null;
    }
    return hit.entry;
  }
  async set(key: string, entry: CachedBalanceEntry, ttlMs: number): Promise<void> {
    this.#entries.delete(key);
    this.#entries.set(key, { entry, expiresAt: Date.now() + ttlMs });
    while (this.#entries.size > this.maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }
}

const entry: CachedBalanceEntry = { balances: [{ asset: "BTC", free: "1", locked: "0", total: "1", usdValue: "60000" }], asOf: new Date().toISOString() };
const lru = new MemoryBalanceCache();
const map = new MapBalanceCache();
for (let i = 0; i < 10_000; i++) {
  await lru.set(`k${i}`, entry, 300_000);
  await map.set(`k${i}`, entry, 300_000);
}
let i = 0;

reportVitestFigures(import.meta.url, { multiplier: 100, unit: "lookups/s" });

describe("100 cached-balance lookups + 1 write on a full cache", () => {
  bench("lru-cache (MemoryBalanceCache)", async () => {
    for (let n = 0; n < 100; n++) await lru.get(`k${(i++ * 7919) % 10_000}`);
    await lru.set(`k${i % 10_000}`, entry, 300_000);
  });
  bench("baseline: hand-written Map", async () => {
    for (let n = 0; n < 100; n++) await map.get(`k${(i++ * 7919) % 10_000}`);
    await map.set(`k${i % 10_000}`, entry, 300_000);
  });
});
