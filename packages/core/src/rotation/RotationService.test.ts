import { describe, expect, it } from "vitest";
import { AlertService } from "../alerts/AlertService.js";
import { AuditTrail } from "../audit/AuditTrail.js";
import { expectAllOnPrimary, manualClock, readChain, rewrapCrashScenario, ringOf, seedCredentials, testHashKey } from "@wallet-auth/testing/scenarios";
import { isWalletAuthError } from "../errors/index.js";
import { createMemoryStore } from "../memory.js";
import type { SecurityAlertRecord } from "../ports/AlertStore.js";
import { RotationService } from "./RotationService.js";

async function setup(count = 25) {
  const store = createMemoryStore();
  const audit = new AuditTrail({ hashKey: testHashKey() });
  const seeded = await seedCredentials(store, ringOf(["old"]), { count, prefix: "rot" });
  const ring = ringOf(["old", "new"]);
  const rotation = new RotationService({ store, keyRing: ring, audit });
  return { store, audit, seeded, ring, rotation };
}

describe("RotationService", () => {
  it("reports records per key, the primary flag and the pending count", async () => {
    const { rotation } = await setup(12);
    const status = await rotation.status();
    expect(status.primaryKeyId).toBe("new");
    expect(status.pending).toBe(12);
    expect(status.keys).toEqual([
      expect.objectContaining({ keyId: "old", primary: false, inRing: true, records: 12 }),
      expect.objectContaining({ keyId: "new", primary: true, inRing: true, records: 0 }),
    ]);
  });

  it("moves every credential to the primary key; each still opens to its original secret", async () => {
    const { store, ring, rotation, seeded, audit } = await setup(25);
    const progress: number[] = [];
    const result = await rotation.runRewrap({ batchSize: 10, onProgress: (p) => progress.push(p.rewrapped) });
    expect(result).toMatchObject({ rewrapped: 25, failed: 0, remaining: 0, batches: 3, byKeyId: { old: { rewrapped: 25, failed: 0 } } });
    expect(progress).toEqual([10, 20, 25]);
    expect(result.job).toMatchObject({ status: "completed", processed: 25, failed: 0, targetKeyId: "new" });
    await expectAllOnPrimary(store, ring, seeded);
    const steps = await readChain(store.audit, audit.systemChainKeyOf("key-rotation"));
    expect(steps.map((e) => [e.action, e.details.rewrapped])).toEqual([
      ["key.rewrap_batch", 10],
      ["key.rewrap_batch", 10],
      ["key.rewrap_batch", 5],
    ]);
    // No per-user chain got rotation events.
    expect((await store.audit.query({ subjectUserId: "user_rot_0" })).items).toHaveLength(0);
  });

  it("is idempotent: a second run changes nothing", async () => {
    const { store, rotation } = await setup(5);
    await rotation.runRewrap();
    const before = store.dump();
    const again = await rotation.runRewrap();
    expect(again).toMatchObject({ rewrapped: 0, batches: 0, remaining: 0 });
    expect(store.dump()).toBe(before);
    expect(again.job).toBeNull();
  });

  it("counts a record that fails to open as failed, leaves it untouched and terminates", async () => {
    const { store, rotation, seeded } = await setup(6);
    const [victimId, victim] = [...seeded][2] as [string, { userId: string; plaintext: string }];
    // Sealed for another record: authentic bytes, wrong binding, so it cannot be opened here.
    const foreign = ringOf(["old"]).seal(new Uint8Array([1, 2, 3]), { userId: victim.userId, recordId: "other", purpose: "credential:binance" });
    await store.credentials.update(victim.userId, victimId, { sealedSecret: foreign.sealed, updatedAt: new Date() });
    const result = await rotation.runRewrap({ batchSize: 2 });
    expect(result.rewrapped).toBe(5);
    expect(result.failed).toBe(1);
    expect(result.failures).toEqual([{ credentialId: victimId, keyId: "old", code: "DECRYPTION_FAILED" }]);
    expect(result.remaining).toBe(1);
    expect(result.job).toMatchObject({ status: "failed", failed: 1, lastErrorCode: "DECRYPTION_FAILED" });
    expect((await store.credentials.get(victim.userId, victimId))?.sealedSecret).toBe(foreign.sealed);
    await expect(rotation.assertRetirable("old")).rejects.toSatisfy((e) => isWalletAuthError(e, "KEY_IN_USE"));
  });

  it("refuses to retire the primary key or a key that still protects records", async () => {
    const { rotation } = await setup(3);
    await expect(rotation.assertRetirable("new")).rejects.toSatisfy((e) => isWalletAuthError(e, "KEY_IN_USE") && e.reason === "primary-key");
    await expect(rotation.assertRetirable("old")).rejects.toSatisfy(
      (e) => isWalletAuthError(e, "KEY_IN_USE") && e.details?.records === 3,
    );
    await rotation.runRewrap();
    await expect(rotation.assertRetirable("old")).resolves.toBeUndefined();
  });

  it("several workers at once move every record exactly once", async () => {
    const { store, ring, seeded, audit } = await setup(60);
    const workers = [1, 2, 3].map((n) => new RotationService({ store, keyRing: ring, audit }).runRewrap({ batchSize: 7, workerId: `w${n}` }));
    const results = await Promise.all(workers);
    expect(results.reduce((n, r) => n + r.rewrapped, 0)).toBe(60);
    await expectAllOnPrimary(store, ring, seeded);
    expect((await store.rotationJobs.list(10)).length).toBe(1);
  });

  it("runs several batches at once with concurrency, each record moved once", async () => {
    const { store, ring, seeded, rotation } = await setup(45);
    const result = await rotation.runRewrap({ batchSize: 4, concurrency: 3 });
    expect(result).toMatchObject({ rewrapped: 45, failed: 0, remaining: 0 });
    await expectAllOnPrimary(store, ring, seeded);
  });

  it("stops at once when aborted, keeping committed batches", async () => {
    const { store, rotation } = await setup(30);
    const controller = new AbortController();
    const run = rotation.runRewrap({ batchSize: 10, signal: controller.signal, onProgress: () => controller.abort() });
    await expect(run).rejects.toThrow();
    expect(await store.credentials.countByKeyId()).toEqual({ old: 20, new: 10 });
  });

  it("survives being killed at random points over 20 rotations", async () => {
    const { interruptions } = await rewrapCrashScenario(createMemoryStore(), { runs: 20, perRun: 15, seed: 20260101 });
    expect(interruptions).toBeGreaterThan(10);
  });

  it("raises a key-age alert for keys older than maxKeyAgeDays", async () => {
    const store = createMemoryStore();
    const clock = manualClock(new Date("2026-06-01T00:00:00.000Z"));
    const audit = new AuditTrail({ hashKey: testHashKey() });
    const delivered: SecurityAlertRecord[] = [];
    const alerts = new AlertService({
      store,
      audit,
      clock,
      sinks: [{ name: "mem", send: async (a) => (delivered.push(a), { delivered: true, attempts: 1 }) }],
    });
    const rotation = new RotationService({ store, keyRing: ringOf(["old", "new"]), audit, alerts, clock, maxKeyAgeDays: 600 });
    expect((await rotation.checkKeyAge()).overdue).toEqual([]);
    clock.set(new Date("2026-03-01T00:00:00.000Z"));
    const rotationStrict = new RotationService({ store, keyRing: ringOf(["old", "new"]), audit, alerts, clock, maxKeyAgeDays: 30 });
    expect((await rotationStrict.checkKeyAge()).overdue.map((k) => k.keyId)).toEqual(["old", "new"]);
    await rotationStrict.checkKeyAge(); // deduplicated while open
    await alerts.flush();
    expect(delivered.map((a) => [a.kind, a.details.keyId, a.severity])).toEqual([
      ["key.age_exceeded", "old", "medium"],
      ["key.age_exceeded", "new", "high"],
    ]);
  });
});
