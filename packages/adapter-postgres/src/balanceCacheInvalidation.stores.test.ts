/**
 * Cached balances end with their source on every replica: two replicas share one store (memory,
 * embedded PGlite, and with DATABASE_URL the real PostgreSQL server), each with its own in-process
 * balance cache, or (with REDIS_URL) one shared Redis cache. After an erasure, disable, delete,
 * renewal or revalidation made through one replica, the other never answers `fromCache: true`
 * with the old balances (it used to, for up to 5 minutes).
 */
import { type BalanceCache, type ExchangeGateway, KeyRing, Redacted, RedisBalanceCache, type WalletAuth, type WalletAuthStore, createWalletAuth, isWalletAuthError } from "@wallet-auth/core";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serviceStores } from "./test-support/sharedDatabases.js";

const stores = serviceStores();
const key = (b: number) => new Uint8Array(32).fill(b);
const redisUrl = process.env.REDIS_URL;
const prefix = `wallet-auth-test:cache-inval:${process.pid}:${Date.now()}:`;
const redisClients: Redis[] = [];
afterAll(async () => {
  for (const client of redisClients) {
    const keys = await client.keys(`${prefix}*`);
    if (keys.length > 0) await client.del(...keys);
    client.disconnect();
  }
});

/** An exchange that accepts every key and reports `btc` BTC. */
function fakeExchange(state: { btc: string }): ExchangeGateway {
  return {
    describe: async (exchange) => ({ exchange, requiredFields: ["apiKey", "secret"], reportsPermissions: true }),
    validate: async () => ({ permissions: { read: true, trade: true, withdraw: false }, expiresAt: null }),
    fetchBalances: async () => [{ asset: "BTC", free: state.btc, locked: "0", total: state.btc }],
    fetchHistory: async () => [],
    proxy: () => Promise.reject(new Error("not here")),
  };
}

type CacheKind = "in-process caches" | "one shared Redis cache";
const caches: CacheKind[] = redisUrl ? ["in-process caches", "one shared Redis cache"] : ["in-process caches"];

const outcome = (work: Promise<{ fromCache: boolean; balances: readonly { total: string }[] }>) =>
  work.then(
    (r) => (r.fromCache ? `cached ${r.balances[0]?.total}` : `read ${r.balances[0]?.total}`),
    (e: unknown) => (isWalletAuthError(e) ? e.code : `uncoded ${String(e)}`),
  );

describe.each(stores)("balance cache invalidation across two replicas on %s", (_name, open) => {
  // PGlite starts in seconds, far longer on a loaded machine: outside any test's own time.
  beforeAll(() => open().then(() => undefined), 180_000);
  describe.each(caches)("with %s", (cacheKind) => {
    let n = 0;
    const replicas = async () => {
      const store: WalletAuthStore = await open();
      const upstream = { btc: "1" };
      const keyPrefix = `${prefix}${++n}:`;
      const shared: BalanceCache | undefined =
        cacheKind === "one shared Redis cache"
          ? new RedisBalanceCache({ client: ((c) => (redisClients.push(c), c))(new Redis(redisUrl!, { maxRetriesPerRequest: 1 })), keyPrefix })
          : undefined;
      const make = (): WalletAuth =>
        createWalletAuth({
          store,
          keyRing: KeyRing.fromKeys({ keys: [{ id: "k1", key: key(1) }], primaryKeyId: "k1" }),
          secrets: { fingerprintKey: Redacted.make(key(2)), auditKey: Redacted.make(key(3)) },
          exchanges: fakeExchange(upstream),
          balanceCache: shared,
          siwe: { domain: "app.example.com", uri: "https://app.example.com", chainIds: ["eip155:1"] },
        });
      const a = make();
      const b = make();
      const ctx = { userId: `user_cache_${n}_${cacheKind.length}` };
      const view = await a.credentials.create(ctx, { exchange: "binance", label: "main", apiKey: `CACHEKEY${String(n).padStart(8, "0")}${cacheKind.length}`, secret: "s" });
      const source = { type: "exchange" as const, credentialId: view.id };
      // Both replicas have the balance cached.
      await a.balances.get(ctx, { source });
      await b.balances.get(ctx, { source });
      expect(await outcome(b.balances.get(ctx, { source }))).toBe("cached 1");
      upstream.btc = "2";
      const close = async () => {
        await a.shutdown();
        await b.shutdown();
      };
      const redisKeys = async () => (redisClients[0] ? (await redisClients[0].keys(`${keyPrefix}*`)).length : 0);
      return { a, b, ctx, view, source, close, redisKeys };
    };

    it("an erased user's balances are not served from the other replica's cache", async () => {
      const { a, b, ctx, source, close, redisKeys } = await replicas();
      const before = await redisKeys();
      await a.privacy.erase(ctx);
      // A shared cache loses the entries at once (the data is personal); in-process ones are refused on read.
      if (cacheKind === "one shared Redis cache") expect([before, await redisKeys()]).toEqual([1, 0]);
      expect(await outcome(b.balances.get(ctx, { source }))).toBe("NOT_FOUND");
      expect(await outcome(a.balances.get(ctx, { source }))).toBe("NOT_FOUND");
      await close();
    });

    it("a credential disabled on one replica is not served from the other's cache", async () => {
      const { a, b, ctx, view, source, close } = await replicas();
      await a.credentials.disable(ctx, view.id);
      expect(await outcome(b.balances.get(ctx, { source }))).toMatch(/^CREDENTIAL_/);
      await close();
    });

    it("a credential deleted on one replica is not served from the other's cache", async () => {
      const { a, b, ctx, view, source, close } = await replicas();
      await a.credentials.delete(ctx, view.id);
      expect(await outcome(b.balances.get(ctx, { source }))).toBe("NOT_FOUND");
      await close();
    });

    it("after a renewal or a revalidation on one replica the other reads upstream again", async () => {
      const { a, b, ctx, view, source, close } = await replicas();
      await a.credentials.update(ctx, view.id, { apiKey: `RENEWED${view.id.replace(/-/g, "").slice(0, 20)}`, secret: "s2" });
      expect(await outcome(b.balances.get(ctx, { source }))).toBe("read 2");
      expect(await outcome(b.balances.get(ctx, { source }))).toBe("cached 2");
      await a.credentials.revalidate(ctx, view.id);
      expect(await outcome(b.balances.get(ctx, { source }))).toBe("read 2");
      await close();
    });
  });
});
