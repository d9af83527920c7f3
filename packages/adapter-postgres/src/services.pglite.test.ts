/**
 * The audit, rotation and privacy scenarios of core, on embedded PostgreSQL (PGlite): the
 * same assertions as on the memory store, plus tampering done with real SQL.
 */
import { AuditTrail } from "@wallet-auth/core";
import { concurrentAppendScenario, expectAllOnPrimary, hashChainScenario, manualClock, rewrapCrashScenario, ringOf, seedCredentials, testHashKey } from "@wallet-auth/testing/scenarios";
import { verifyAuditChain } from "@wallet-auth/core/audit/verifyAuditChain";
import { PrivacyService } from "@wallet-auth/core/privacy/PrivacyService";
import { RotationService } from "@wallet-auth/core/rotation/RotationService";
import type { Knex } from "knex";
import { beforeEach, describe, expect, it } from "vitest";
import { createPostgresStore } from "./createPostgresStore.js";
import { sharedPglite } from "./test-support/sharedDatabases.js";
import { truncateAll } from "./test-support/probe.js";

const shared = sharedPglite();

let knex: Knex;
beforeEach(async () => {
  knex = (await shared()).knex;
  await truncateAll(knex);
});

/** Edits audit rows behind the store's back, as an attacker with table access would. */
async function sqlTamper(sql: string, bindings: readonly (string | number)[]): Promise<void> {
  await knex.raw("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only");
  try {
    await knex.raw(sql, bindings);
  } finally {
    await knex.raw("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only");
  }
}

describe("audit on PGlite", () => {
  it("hash chain: tampering is reported at the first broken link; erasure keeps it verifiable", async () => {
    await hashChainScenario(createPostgresStore({ knex, kind: "pglite" }), { userId: "user_pg_chain", count: 6, clock: manualClock() });
  });

  it("hash chain: edits and deletions made with SQL are detected", async () => {
    const store = createPostgresStore({ knex, kind: "pglite" });
    const hashKey = testHashKey();
    const audit = new AuditTrail({ hashKey });
    for (let i = 0; i < 5; i++) await audit.recordNow(store, { userId: "user_sql", ip: "192.0.2.4" }, { action: "credential.use", outcome: "success", details: { i } });
    const chainKey = audit.chainKeyOf("user_sql");
    expect(await verifyAuditChain({ store, chainKey })).toMatchObject({ ok: true, count: 5 });
    await sqlTamper("UPDATE audit_events SET details = jsonb_set(details, '{i}', '42') WHERE chain_key = ? AND seq = 3", [chainKey]);
    expect(await verifyAuditChain({ store, chainKey })).toMatchObject({ ok: false, brokenAt: { seq: 3, reason: "hash-mismatch" } });
    await sqlTamper("DELETE FROM audit_events WHERE chain_key = ? AND seq = 2", [chainKey]);
    expect(await verifyAuditChain({ store, chainKey })).toMatchObject({ ok: false, brokenAt: { seq: 2, reason: "seq-gap" } });
  });

  it("the append-only trigger refuses a plain edit", async () => {
    const store = createPostgresStore({ knex, kind: "pglite" });
    const audit = new AuditTrail({ hashKey: testHashKey() });
    await audit.recordNow(store, { userId: "user_ro" }, { action: "auth.success", outcome: "success" });
    await expect(knex.raw("UPDATE audit_events SET action = 'x'")).rejects.toThrow();
  });

  it("appends from several writers keep every chain dense", async () => {
    await concurrentAppendScenario(createPostgresStore({ knex, kind: "pglite" }), { users: 4, perUser: 10 });
  });
});

describe("rotation on PGlite", () => {
  it("moves every credential to the primary key and refuses to retire the old one until then", async () => {
    const store = createPostgresStore({ knex, kind: "pglite" });
    const audit = new AuditTrail({ hashKey: testHashKey() });
    const seeded = await seedCredentials(store, ringOf(["old"]), { count: 40, prefix: "pgrot" });
    const ring = ringOf(["old", "new"]);
    const rotation = new RotationService({ store, keyRing: ring, audit });
    await expect(rotation.assertRetirable("old")).rejects.toMatchObject({ code: "KEY_IN_USE" });
    const result = await rotation.runRewrap({ batchSize: 16 });
    expect(result).toMatchObject({ rewrapped: 40, failed: 0, remaining: 0, job: { status: "completed", processed: 40 } });
    await expectAllOnPrimary(store, ring, seeded);
    await expect(rotation.assertRetirable("old")).resolves.toBeUndefined();
  });

  it("survives being killed at random points over 20 rotations", async () => {
    const { interruptions } = await rewrapCrashScenario(createPostgresStore({ knex, kind: "pglite" }), { runs: 20, perRun: 6, seed: 7 });
    expect(interruptions).toBeGreaterThan(10);
  }, 120_000);
});

describe("privacy on PGlite", () => {
  it("erasure deletes the user's rows and leaves a verifiable, pseudonymous chain", async () => {
    const store = createPostgresStore({ knex, kind: "pglite" });
    const hashKey = testHashKey();
    const audit = new AuditTrail({ hashKey });
    await seedCredentials(store, ringOf(["k"]), { count: 2, prefix: "pgpriv", users: 1 });
    const ctx = { userId: "user_pgpriv_0", ip: "203.0.113.5", userAgent: "agent/erase" };
    await audit.recordNow(store, ctx, { action: "credential.create", outcome: "success" });
    const result = await new PrivacyService({ store, audit }).erase(ctx);
    expect(result).toMatchObject({ deleted: { credentials: 2, user: true }, auditEventsPseudonymised: 2, chain: { ok: true, count: 2 } });
    const dump = (await knex.raw("SELECT string_agg(t::text, '') AS d FROM audit_events t")) as { rows: { d: string }[] };
    expect(dump.rows[0]?.d).not.toContain("user_pgpriv_0");
    expect(dump.rows[0]?.d).not.toContain("agent/erase");
    expect(await verifyAuditChain({ store, userId: ctx.userId, hashKey })).toMatchObject({ ok: true, count: 2 });
  });
});
