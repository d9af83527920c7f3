import { type LoopbackExchange, startLoopbackExchange } from "@wallet-auth/testing/exchange";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditTrail } from "../audit/AuditTrail.js";
import { createCcxtExchangeGateway } from "../ccxt.js";
import { CredentialService } from "../credentials/CredentialService.js";
import { generateKey, KeyRing } from "../crypto.js";
import { createMemoryStore } from "../memory.js";
import { Redacted } from "../secret/Redacted.js";
import { BalanceService } from "./BalanceService.js";
import { RedisBalanceCache } from "./RedisBalanceCache.js";

const url = process.env.REDIS_URL;
// Own prefix per run, so parallel test files and CI jobs sharing one Redis never collide.
const prefix = `wallet-auth-test:${process.pid}:${Date.now()}:`;

describe.skipIf(!url)("RedisBalanceCache against the real Redis (REDIS_URL)", () => {
  const clients: Redis[] = [];
  let loop: LoopbackExchange;

  beforeAll(async () => {
    loop = await startLoopbackExchange();
    loop.addAccount({ apiKey: "redis-key-0001", secret: "redis-secret-0001", balances: { ETH: { free: "2.5", locked: "0.5" } }, permissions: { enableReading: true } });
  });
  afterAll(async () => {
    for (const client of clients) {
      const keys = await client.keys(`${prefix}*`);
      if (keys.length > 0) await client.del(...keys);
      client.disconnect();
    }
    await loop.close();
  });

  const connect = () => {
    const client = new Redis(url!, { lazyConnect: false, maxRetriesPerRequest: 1 });
    clients.push(client);
    return client;
  };

  it("stores, expires and deletes entries", async () => {
    const cache = new RedisBalanceCache({ client: connect(), keyPrefix: prefix });
    const entry = { balances: [{ asset: "BTC", free: "1", locked: "0", total: "1", usdValue: null }], asOf: "2026-03-01T12:00:00.000Z" };
    await cache.set("k1", entry, 60_000);
    expect(await cache.get("k1")).toEqual(entry);
    await cache.set("short", entry, 30);
    await new Promise((r) => setTimeout(r, 80));
    expect(await cache.get("short")).toBeNull();
    await cache.delete("k1");
    expect(await cache.get("k1")).toBeNull();
  });

  it("lets two replicas share one upstream read", async () => {
    const store = createMemoryStore();
    const audit = new AuditTrail({ hashKey: Redacted.make(new Uint8Array(32).fill(7)) });
    const exchanges = createCcxtExchangeGateway({ urls: { binance: loop.origin }, enableRateLimit: false });
    const key = generateKey({ id: "k1" });
    const credentials = new CredentialService({
      store,
      keyRing: KeyRing.fromKeys({ keys: [{ id: key.id, key: key.key }], primaryKeyId: key.id }),
      fingerprintKey: Redacted.make(new Uint8Array(32).fill(8)),
      exchanges,
      audit,
    });
    const ctx = { userId: "user_redis" };
    const { id } = await credentials.create(ctx, { exchange: "binance", label: "r", apiKey: "redis-key-0001", secret: "redis-secret-0001" });
    const replica = () => new BalanceService({ store, exchanges, credentials, cache: new RedisBalanceCache({ client: connect(), keyPrefix: prefix }) });
    const [a, b] = [replica(), replica()];
    loop.resetCounts();

    const first = await a.get(ctx, { source: { type: "exchange", credentialId: id } });
    const second = await b.get(ctx, { source: { type: "exchange", credentialId: id } });
    expect(first.fromCache).toBe(false);
    expect(second).toMatchObject({ fromCache: true, asOf: first.asOf, balances: first.balances });
    expect(loop.requestCount("/api/v3/account")).toBe(1);
    // Keys carry a hash, never the user id.
    const keys = await clients[0]!.keys(`${prefix}*`);
    expect(keys.some((k) => k.includes("user_redis"))).toBe(false);
  });
});
