/**
 * Trade-policy rolling windows under random sequences (fast-check), on the memory store, embedded
 * PGlite and (with DATABASE_URL) the real PostgreSQL server: whatever the amounts, gaps and
 * bursts of parallel orders, the sum admitted within any window never exceeds the cap.
 */
import { randomUUID } from "node:crypto";
import { AuditTrail, PolicyService, Redacted, defaultTradePolicy } from "@wallet-auth/core";
import { credential } from "@wallet-auth/testing/contract/fixtures";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createPostgresKnex } from "./createPostgresKnex.js";
import { createPostgresStore } from "./createPostgresStore.js";
import { truncateAll } from "./test-support/probe.js";
import { serviceStores, sharedServerSchema } from "./test-support/sharedDatabases.js";

const stores = serviceStores();
const T0 = Date.UTC(2026, 11, 5, 8);

/** Hundredths as text, so the check below sums integers exactly. */
const cents = fc.integer({ min: 1, max: 50_000 }).map((n) => `${Math.floor(n / 100)}.${String(n % 100).padStart(2, "0")}`);
const toCents = (amount: string) => BigInt(amount.replace(".", ""));

const sequence = fc.record({
  seconds: fc.integer({ min: 1, max: 3_600 }),
  cap: fc.integer({ min: 100, max: 200_000 }).map((n) => `${Math.floor(n / 100)}.${String(n % 100).padStart(2, "0")}`),
  // Each step: a gap, then a burst of orders sent at the same instant in parallel.
  steps: fc.array(fc.record({ gapMs: fc.integer({ min: 0, max: 1_200_000 }), burst: fc.array(cents, { minLength: 1, maxLength: 4 }) }), { minLength: 1, maxLength: 25 }),
});

describe.each(stores)("policy windows on %s", (name, open) => {
  it("property: the sum admitted within any window never exceeds the cap (random amounts, gaps and parallel bursts)", async () => {
    const store = await open();
    await store.users.ensure("user_a", new Date(T0));
    await fc.assert(
      fc.asyncProperty(sequence, async ({ seconds, cap, steps }) => {
        const key = `credential:${randomUUID()}`;
        const admitted: { at: number; amount: string }[] = [];
        let now = T0;
        for (const step of steps) {
          now += step.gapMs;
          const at = now;
          const results = await Promise.all(
            step.burst.map((amount) => store.tradePolicies.reserveWindow({ key, id: randomUUID(), userId: "user_a", amount, cap, seconds, at: new Date(at) })),
          );
          results.forEach((r, i) => r.admitted && admitted.push({ at, amount: step.burst[i] as string }));
        }
        // The heaviest window ends on an admitted entry, so checking each one's window covers every window.
        for (const end of admitted) {
          const sum = admitted.filter((e) => e.at > end.at - seconds * 1000 && e.at <= end.at).reduce((s, e) => s + toCents(e.amount), 0n);
          expect(sum <= toCents(cap)).toBe(true);
        }
        // And the window is not merely refusing everything: a first order within the cap always goes in.
        if (steps[0] && toCents(steps[0].burst[0] as string) <= toCents(cap)) expect(admitted.length).toBeGreaterThan(0);
      }),
      { numRuns: name === "memory" ? 200 : name === "PGlite" ? 10 : 25 },
    );
  }, 120_000);
});

const url = process.env.DATABASE_URL;
const server = sharedServerSchema();

describe.skipIf(url === undefined)("policy windows across two replicas on the real PostgreSQL", () => {
  it("40 parallel orders of 100 from two replicas (own pools, own services) against a 1,000 window: exactly 10 admitted", async () => {
    const { knex, schema } = await server(url as string);
    await truncateAll(knex);
    // A second process: its own connection pool on the same schema, its own store and service.
    const otherKnex = createPostgresKnex({ connectionString: url as string, pool: { min: 0, max: 10 }, searchPath: [schema] });
    try {
      const stores = [createPostgresStore({ knex }), createPostgresStore({ knex: otherKnex })];
      const now = new Date();
      const replicas = stores.map((store) => {
        const audit = new AuditTrail({ hashKey: Redacted.make(new Uint8Array(32).fill(4)), clock: { now: () => now } });
        return new PolicyService({ store: audit.track(store), audit, clock: { now: () => now } });
      });
      const c = credential("user_r");
      await stores[0]?.users.ensure("user_r", now);
      await stores[0]?.credentials.insert(c);
      const ctx = { userId: "user_r" };
      await replicas[0]?.put(ctx, { type: "credential", id: c.id }, { ...defaultTradePolicy(), window: { seconds: 86_400, maxNotional: "1000" } }, { stepUpVerified: true });
      const results = await Promise.allSettled(
        Array.from({ length: 40 }, (_, i) =>
          (replicas[i % 2] as PolicyService).authorizeOrder(ctx, {
            credentialId: c.id,
            tokenId: null,
            method: "createOrder",
            order: { symbol: "BTC/USDT", side: "buy", type: "limit", amount: "0.002", price: "50000" },
            referencePrice: async () => "50000",
          }),
        ),
      );
      const admitted = results.filter((r) => r.status === "fulfilled");
      const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
      expect(admitted).toHaveLength(10);
      expect(refused.map((r) => [r.reason.code, r.reason.details?.rule])).toEqual(Array.from({ length: 30 }, () => ["POLICY_DENIED", "window"]));
      const { rows } = (await knex.raw(`SELECT sum(amount)::text AS total, count(*)::int AS n FROM policy_window_entries`)) as { rows: { total: string; n: number }[] };
      expect(rows[0]).toEqual({ total: "1000", n: 10 });
    } finally {
      await otherKnex.destroy();
    }
  }, 60_000);
});
