/**
 * The permission-drift job on the real PostgreSQL server: two replicas run it at the same time
 * while the owner disables one key. Every write of the job is compare-and-set, so the owner's
 * disable is never undone, each key ends in one consistent state, and every audit chain verifies.
 */
import { AuditTrail, CredentialService, type ExchangeGateway, type KeyPermissions, Redacted, unknownKeyPermissions, verifyAuditChain } from "@wallet-auth/core";
import { fixedKey, ring, TestClock } from "@wallet-auth/testing/scenarios";
import { describe, expect, it } from "vitest";
import { createPostgresStore } from "./createPostgresStore.js";
import { sharedServerSchema } from "./test-support/sharedDatabases.js";

const server = sharedServerSchema();

/** A venue whose answer the test flips; each validation takes a few ms, so the replicas overlap. */
function slowVenue(during: (apiKey: string) => Promise<void>) {
  let answer: KeyPermissions = { ...unknownKeyPermissions(), read: true, spotTrade: true, withdraw: false };
  let calls = 0;
  const gateway: ExchangeGateway = {
    describe: async (exchange) => ({ exchange, requiredFields: ["apiKey", "secret"], reportsPermissions: true }),
    validate: async ({ secret }) => {
      calls += 1;
      await during(secret.apiKey);
      await new Promise((r) => setTimeout(r, 15));
      return { permissions: { read: true, trade: true, withdraw: answer.withdraw === true }, keyPermissions: answer, expiresAt: null };
    },
    fetchBalances: () => Promise.reject(new Error("unused")),
    fetchHistory: () => Promise.reject(new Error("unused")),
    proxy: () => Promise.reject(new Error("unused")),
  };
  return { gateway, calls: () => calls, flip: (kp: Partial<KeyPermissions>) => (answer = { ...answer, ...kp }) };
}

describe.skipIf(!process.env.DATABASE_URL)("permission drift on the PostgreSQL server (DATABASE_URL)", () => {
  it("two replicas running the job at once, and the owner disabling a key meanwhile: the disable stands, the rest become invalid, chains verify", async () => {
    const store = createPostgresStore({ knex: (await server(process.env.DATABASE_URL as string)).knex });
    const clock = new TestClock();
    // The owner's disable lands while a replica is asking the venue about that very key: between
    // the job's read of the credential and its compare-and-set write.
    let disableDuringCheck: ((apiKey: string) => Promise<void>) | undefined;
    const venue = slowVenue(async (apiKey) => disableDuringCheck?.(apiKey));
    const hashKey = Redacted.make(fixedKey(9));
    const replica = () =>
      new CredentialService({ store, keyRing: ring(), fingerprintKey: Redacted.make(fixedKey(5)), exchanges: venue.gateway, audit: new AuditTrail({ hashKey, clock }), clock });
    const [a, b] = [replica(), replica()];
    const users = ["user_drift_1", "user_drift_2"];
    const ids: { userId: string; id: string; apiKey: string }[] = [];
    for (let i = 0; i < 8; i++) {
      const userId = users[i % 2] as string;
      const apiKey = `DRIFTKEY${i}x${Date.now()}`;
      const view = await a.create({ userId }, { exchange: "bybit", label: `k${i}`, apiKey, secret: `drift-secret-${i}` });
      ids.push({ userId, id: view.id, apiKey });
    }
    clock.advance(2 * 86_400_000);
    venue.flip({ withdraw: true });
    const disabled = ids[3] as (typeof ids)[number];
    let disabledMidCheck = 0;
    disableDuringCheck = async (apiKey) => {
      if (apiKey !== disabled.apiKey || disabledMidCheck > 0) return;
      disabledMidCheck += 1;
      await b.disable({ userId: disabled.userId }, disabled.id);
    };
    const [first, second] = await Promise.all([a.checkPermissionDrift({ olderThanMs: 86_400_000 }), b.checkPermissionDrift({ olderThanMs: 86_400_000 })]);
    expect(disabledMidCheck).toBe(1);
    // Both replicas may have read every key; together they looked at each one at least once.
    expect(first.checked + first.unchanged + second.checked + second.unchanged).toBeGreaterThanOrEqual(ids.length);
    for (const { userId, id } of ids) {
      const view = await a.get({ userId }, id);
      expect([id, view.status]).toEqual([id, id === disabled.id ? "disabled" : "invalid"]);
      expect(view.keyPermissions?.withdraw).toBe(true);
    }
    for (const userId of users) expect(await verifyAuditChain({ store, userId, hashKey })).toMatchObject({ ok: true });
    // The job is done: nothing active is left to check.
    expect(await a.checkPermissionDrift({ olderThanMs: 0 })).toEqual({ checked: 0, changed: 0, invalid: 0, unchanged: 0 });
  });
});
