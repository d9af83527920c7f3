/**
 * The audit and rotation scenarios of core on a real PostgreSQL server (only when
 * DATABASE_URL is set), where transactions truly run concurrently: several rewrap workers
 * contend through FOR UPDATE SKIP LOCKED and chains are appended from parallel connections.
 */
import { AuditTrail } from "@wallet-auth/core";
import { concurrentAppendScenario, expectAllOnPrimary, hashChainScenario, manualClock, rewrapCrashScenario, ringOf, seedCredentials, testHashKey } from "@wallet-auth/testing/scenarios";
import { verifyAuditChain } from "@wallet-auth/core/audit/verifyAuditChain";
import { RotationService } from "@wallet-auth/core/rotation/RotationService";
import { beforeEach, describe, expect, it } from "vitest";
import { createPostgresStore } from "./createPostgresStore.js";
import { truncateAll } from "./test-support/probe.js";
import { sharedServerSchema } from "./test-support/sharedDatabases.js";

const url = process.env.DATABASE_URL;

const shared = sharedServerSchema();

if (url === undefined) {
  describe.skip("services on postgres (set DATABASE_URL)", () => {
    it("needs a server", () => {});
  });
} else {
  describe("services on postgres", () => {
    const store = async () => createPostgresStore({ knex: (await shared(url)).knex, kind: "postgres" });
    beforeEach(async () => {
      await truncateAll((await shared(url)).knex);
    });

    it("hash chain: tampering is reported at the first broken link; erasure keeps it verifiable", async () => {
      await hashChainScenario(await store(), { userId: "user_srv_chain", count: 6, clock: manualClock() });
    });

    it("parallel appends to the same and to different chains never fork a chain", async () => {
      await concurrentAppendScenario(await store(), { users: 8, perUser: 25 });
    });

    it("three concurrent rewrap workers move every record exactly once", async () => {
      const s = await store();
      const audit = new AuditTrail({ hashKey: testHashKey() });
      const seeded = await seedCredentials(s, ringOf(["old"]), { count: 300, prefix: "srvrot", users: 10 });
      const ring = ringOf(["old", "new"]);
      const results = await Promise.all(
        ["w1", "w2", "w3"].map((workerId) => new RotationService({ store: s, keyRing: ring, audit }).runRewrap({ batchSize: 20, workerId })),
      );
      expect(results.reduce((n, r) => n + r.rewrapped, 0)).toBe(300);
      expect(results.filter((r) => r.rewrapped > 0).length).toBeGreaterThan(1);
      await expectAllOnPrimary(s, ring, seeded);
      expect(await verifyAuditChain({ store: s, chainKey: audit.systemChainKeyOf("key-rotation") })).toMatchObject({ ok: true });
    });

    it("survives being killed at random points over 20 rotations", async () => {
      const { interruptions } = await rewrapCrashScenario(await store(), { runs: 20, perRun: 10, seed: 99 });
      expect(interruptions).toBeGreaterThan(10);
    }, 120_000);
  });
}
