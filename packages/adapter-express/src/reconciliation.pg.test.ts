/**
 * Leaked-key reconciliation on the real PostgreSQL server: two replicas (own stores and services)
 * run a pass at the same moment over keys that each placed one order through the proxy and had one
 * placed directly at the venue by a second ccxt client. Each key is judged once: one foreign row,
 * one incident, one alert per key, every key disabled, none of the proxy's own orders flagged.
 */
import { KeyRing, Redacted, type WalletAuth, createWalletAuth } from "@wallet-auth/core";
import { createCcxtExchangeGateway } from "@wallet-auth/core/ccxt";
import { type LoopbackExchange, startLoopbackExchange } from "@wallet-auth/testing/exchange";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { createPostgresKnex, createPostgresStore, migrateLatest } from "@wallet-auth/adapter-postgres";

const key = (b: number) => new Uint8Array(32).fill(b);

describe.skipIf(!process.env.DATABASE_URL)("reconciliation on the PostgreSQL server (DATABASE_URL)", () => {
  let loop: LoopbackExchange;
  const schema = `wa_recon_${randomBytes(6).toString("hex")}`;
  let admin: ReturnType<typeof createPostgresKnex>;
  const pools: ReturnType<typeof createPostgresKnex>[] = [];
  beforeAll(async () => {
    loop = await startLoopbackExchange();
    loop.setPrices({ BTCUSDT: "50000" });
    admin = createPostgresKnex({ connectionString: process.env.DATABASE_URL as string, pool: { min: 0, max: 1 } });
    await admin.raw(`CREATE SCHEMA ${schema}`);
    const knex = createPostgresKnex({ connectionString: process.env.DATABASE_URL as string, pool: { min: 0, max: 1 }, searchPath: [schema] });
    await migrateLatest(knex);
    await knex.destroy();
  }, 60_000);
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.destroy()));
    await admin.raw(`DROP SCHEMA ${schema} CASCADE`);
    await admin.destroy();
    await loop.close();
  });

  it("two replicas reconciling at once judge each key once: one foreign order, one incident and one alert per key; no proxy order flagged", async () => {
    /** Each replica has its own pool, as two processes would. */
    const pool = () => {
      const knex = createPostgresKnex({ connectionString: process.env.DATABASE_URL as string, pool: { min: 0, max: 5 }, searchPath: [schema] });
      pools.push(knex);
      return knex;
    };
    const exchanges = createCcxtExchangeGateway({ urls: { binance: loop.origin }, enableRateLimit: false, timeoutMs: 5000 });
    const replica = (): WalletAuth =>
      createWalletAuth({
        store: createPostgresStore({ knex: pool() }),
        keyRing: KeyRing.fromKeys({ keys: [{ id: "k1", key: key(1) }], primaryKeyId: "k1" }),
        secrets: { fingerprintKey: Redacted.make(key(2)), auditKey: Redacted.make(key(3)) },
        exchanges,
        credentialPolicy: { validateOnCreate: false },
        siwe: { domain: "app.example.com", uri: "https://app.example.com", chainIds: ["eip155:1"] },
      });
    const [a, b] = [replica(), replica()];
    const ccxt = await import("ccxt");
    const users: { userId: string; credentialId: string; apiKey: string }[] = [];
    for (let i = 0; i < 6; i++) {
      const apiKey = `RACEKEY${i}x${Date.now()}`.padEnd(32, "0");
      const secret = `race-secret-${i}-${"s".repeat(20)}`;
      loop.addAccount({ apiKey, secret, permissions: { enableReading: true, enableSpotAndMarginTrading: true }, balances: { USDT: { free: "100000", locked: "0" } } });
      const userId = `user_race_${i}_${Date.now()}`;
      const { id: credentialId } = await a.credentials.create({ userId }, { exchange: "binance", label: "bot", apiKey, secret });
      await (i % 2 === 0 ? a : b).exchangeProxy.call({ userId }, credentialId, "createOrder", { symbol: "BTC/USDT", type: "limit", side: "buy", amount: "0.001", price: "49900" });
      const leaked = new ccxt.binance({ apiKey, secret, enableRateLimit: false, options: { fetchMarkets: { types: ["spot"] }, fetchMargins: false, fetchCurrencies: false } });
      const api = leaked.urls.api as Record<string, string>;
      for (const [name, url] of Object.entries(api)) api[name] = loop.origin + new URL(url).pathname;
      await leaked.createOrder("BTC/USDT", "limit", "sell", 0.002, 51_000);
      users.push({ userId, credentialId, apiKey });
    }

    const started = performance.now();
    const [ra, rb] = await Promise.all([a.reconciliation.reconcile(), b.reconciliation.reconcile()]);
    const ms = performance.now() - started;
    expect(ra.compromised + rb.compromised).toBe(6);
    expect(ra.foreignOrders + rb.foreignOrders).toBe(6);
    expect(ra.failed + rb.failed).toBe(0);
    await Promise.all([a.alerts.flush(), b.alerts.flush()]);
    for (const u of users) {
      const foreign = await a.reconciliation.listForeignOrders({ userId: u.userId });
      expect(foreign).toHaveLength(1);
      expect(foreign[0]!.side).toBe("sell");
      expect(await a.killSwitch.listIncidents({ userId: u.userId })).toHaveLength(1);
      expect((await a.alerts.list({ userId: u.userId }, {})).items.filter((x) => x.kind === "credential.foreign_orders")).toHaveLength(1);
      expect((await b.credentials.get({ userId: u.userId }, u.credentialId)).status).toBe("disabled");
      expect(loop.orders(u.apiKey).every((o) => o.status === "CANCELED")).toBe(true);
    }
    // A later pass on either replica finds nothing new (the keys are disabled, the rows exist).
    expect((await b.reconciliation.reconcile()).compromised).toBe(0);
    console.info(`two replicas reconciled 6 keys in ${ms.toFixed(0)} ms (A checked ${ra.checked}, B checked ${rb.checked})`);
    await a.shutdown();
    await b.shutdown();
  }, 120_000);
});
