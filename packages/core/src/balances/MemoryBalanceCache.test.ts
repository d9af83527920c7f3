import { describe, expect, it } from "vitest";
import { MemoryBalanceCache } from "./MemoryBalanceCache.js";

const entry = (asset: string) => ({ balances: [{ asset, free: "1", locked: "0", total: "1", usdValue: null }], asOf: "2026-01-01T00:00:00.000Z" });

describe("MemoryBalanceCache", () => {
  it("serves an entry until its TTL passes on the injected clock, then misses", async () => {
    let now = 1_000_000;
    const cache = new MemoryBalanceCache({ clock: { now: () => new Date(now) } });
    await cache.set("k", entry("BTC"), 5_000);
    now += 4_999;
    expect(await cache.get("k")).toEqual(entry("BTC"));
    now += 2;
    expect(await cache.get("k")).toBeNull();
  });

  it("keeps at most maxEntries, evicting the least recently read", async () => {
    const cache = new MemoryBalanceCache({ maxEntries: 2 });
    await cache.set("a", entry("A"), 60_000);
    await cache.set("b", entry("B"), 60_000);
    await cache.get("a");
    await cache.set("c", entry("C"), 60_000);
    expect(await cache.get("b")).toBeNull();
    expect(await cache.get("a")).not.toBeNull();
    expect(await cache.get("c")).not.toBeNull();
  });

  it("a zero TTL stores nothing (never an entry that lives forever)", async () => {
    const cache = new MemoryBalanceCache();
    await cache.set("k", entry("BTC"), 0);
    expect(await cache.get("k")).toBeNull();
  });
});
