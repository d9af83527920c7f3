import { describe, expect, it } from "vitest";
import { isWalletAuthError } from "../errors/index.js";
import { createMemoryStore } from "../memory.js";
import type { AuditEventRecord } from "../ports/AuditLog.js";
import type { WalletAuthStore } from "../ports/UnitOfWork.js";
import { Redacted } from "../secret/Redacted.js";
import { AuditTrail } from "./AuditTrail.js";
import { concurrentAppendScenario, hashChainScenario, manualClock, readChain, testHashKey } from "@wallet-auth/testing/scenarios";
import { verifyAuditChain } from "./verifyAuditChain.js";

const ctx = { userId: "user_a", ip: "198.51.100.23", userAgent: "bot/1.0", requestId: "req-42" };

/** A store whose audit appends fail, to prove the fail-closed path. */
function brokenAuditStore(store: WalletAuthStore): WalletAuthStore {
  const failAppend = () => Promise.reject(new Error("disk full"));
  return {
    ...store,
    audit: { ...store.audit, append: failAppend },
    transaction: (fn) => store.transaction((tx) => fn({ ...tx, audit: { ...tx.audit, append: failAppend } })),
  };
}

describe("AuditTrail", () => {
  it("stores who, what, outcome and when, with the IP only as a keyed hash", async () => {
    const store = createMemoryStore();
    const clock = manualClock();
    const audit = new AuditTrail({ hashKey: testHashKey(), clock });
    const event = await audit.recordNow(store, ctx, {
      action: "credential.create",
      outcome: "success",
      targetType: "credential",
      targetId: "cred_1",
      details: { exchange: "binance" },
    });
    expect(event).toMatchObject({
      seq: 1,
      subjectUserId: "user_a",
      actorType: "user",
      actorId: "user_a",
      action: "credential.create",
      outcome: "success",
      targetType: "credential",
      targetId: "cred_1",
      requestId: "req-42",
      userAgent: "bot/1.0",
      details: { exchange: "binance" },
      occurredAt: clock.now(),
      prevHash: "0".repeat(64),
    });
    expect(event.ipHash).toMatch(/^[0-9a-f]{64}$/);
    expect(event.ipHash).toBe(audit.hashIp(ctx.ip));
    expect(store.dump()).not.toContain(ctx.ip);
    expect(event.chainKey).not.toContain("user_a");
  });

  it("drops secret-looking keys and non-primitive values from details", async () => {
    const store = createMemoryStore();
    const audit = new AuditTrail({ hashKey: testHashKey() });
    const details = {
      reason: "ok",
      apiKey: "AKIA-planted",
      api_secret: "s3cr3t-planted",
      Password: "pw-planted",
      sessionToken: "tok-planted",
      signature: "0xsig-planted",
      privateKey: "0xpk-planted",
      nested: { a: 1 },
      long: "x".repeat(5000),
    } as unknown as Record<string, string>;
    const event = await audit.recordNow(store, ctx, { action: "credential.create", outcome: "success", details });
    expect(Object.keys(event.details).sort()).toEqual(["long", "reason"]);
    expect((event.details.long as string).length).toBeLessThanOrEqual(256);
    expect(store.dump()).not.toMatch(/planted/);
  });

  it("is fail-closed: when the audit write fails, the caller's transaction rolls back", async () => {
    const store = createMemoryStore();
    const broken = brokenAuditStore(store);
    const audit = new AuditTrail({ hashKey: testHashKey() });
    const attempt = broken.transaction(async (tx) => {
      await tx.users.ensure("user_a", new Date());
      await audit.record(tx, ctx, { action: "user.create", outcome: "success" });
    });
    await expect(attempt).rejects.toSatisfy((e) => isWalletAuthError(e, "AUDIT_UNAVAILABLE"));
    expect(await store.users.get("user_a")).toBeNull();
    await expect(audit.recordNow(broken, ctx, { action: "auth.failure", outcome: "failure" })).rejects.toSatisfy((e) =>
      isWalletAuthError(e, "AUDIT_UNAVAILABLE"),
    );
  });

  it("recordNow keeps a failure on record although the operation rolled back", async () => {
    const store = createMemoryStore();
    const audit = new AuditTrail({ hashKey: testHashKey() });
    await expect(
      store.transaction(async (tx) => {
        await audit.record(tx, ctx, { action: "wallet.link", outcome: "success" });
        throw new Error("signature check failed later");
      }),
    ).rejects.toThrow();
    await audit.recordNow(store, ctx, { action: "wallet.link", outcome: "failure", details: { reason: "bad-signature" } });
    const events = await readChain(store.audit, audit.chainKeyOf("user_a"));
    expect(events.map((e) => [e.seq, e.outcome])).toEqual([[1, "failure"]]);
  });

  it("refuses a malformed action instead of writing it", async () => {
    const store = createMemoryStore();
    const audit = new AuditTrail({ hashKey: testHashKey() });
    await expect(audit.recordNow(store, ctx, { action: "Drop Table", outcome: "success" })).rejects.toSatisfy((e) =>
      isWalletAuthError(e, "INVALID_INPUT"),
    );
  });

  it("publishes committed events only: a rolled-back transaction's events never reach listeners", async () => {
    const audit = new AuditTrail({ hashKey: testHashKey() });
    const store = audit.track(createMemoryStore());
    const seen: AuditEventRecord[] = [];
    audit.subscribe((e) => {
      seen.push(e);
    });
    await store.transaction((tx) => audit.record(tx, ctx, { action: "wallet.link", outcome: "success", targetId: "w1" }));
    await store
      .transaction(async (tx) => {
        await audit.record(tx, ctx, { action: "wallet.link", outcome: "success", targetId: "rolled-back" });
        throw new Error("boom");
      })
      .catch(() => undefined);
    await audit.recordNow(store, ctx, { action: "auth.failure", outcome: "failure" });
    await audit.record(store, ctx, { action: "auth.success", outcome: "success" });
    expect(seen.map((e) => e.targetId ?? e.action)).toEqual(["w1", "auth.failure", "auth.success"]);
  });

  it("a throwing listener never fails the audited operation", async () => {
    const errors: unknown[] = [];
    const audit = new AuditTrail({ hashKey: testHashKey(), onListenerError: (e) => errors.push(e) });
    audit.subscribe(() => {
      throw new Error("detector bug");
    });
    audit.subscribe(async () => {
      throw new Error("async detector bug");
    });
    const store = audit.track(createMemoryStore());
    await expect(store.transaction((tx) => audit.record(tx, ctx, { action: "wallet.link", outcome: "success" }))).resolves.toBeTruthy();
    await new Promise((r) => setTimeout(r, 0));
    expect(errors).toHaveLength(2);
  });

  it("writes system events to a named chain with no personal data", async () => {
    const store = createMemoryStore();
    const audit = new AuditTrail({ hashKey: testHashKey() });
    const e = await audit.recordSystem(store, { action: "key.rewrap_batch", outcome: "success", details: { processed: 3 } }, { chain: "key-rotation" });
    expect(e).toMatchObject({ subjectUserId: null, actorType: "system", actorId: null, ipHash: null, seq: 1 });
    expect(e.chainKey).toBe(audit.systemChainKeyOf("key-rotation"));
    expect(e.chainKey).not.toBe(audit.chainKeyOf("key-rotation"));
  });

  it("rejects a hash key shorter than 32 bytes", () => {
    expect(() => new AuditTrail({ hashKey: Redacted.make(new Uint8Array(16)) })).toThrow();
  });
});

describe("hash chain", () => {
  it("reports the first broken link for an edited, deleted, reordered or forged event; erasure keeps it verifiable", async () => {
    await hashChainScenario(createMemoryStore(), { userId: "user_chain", count: 8, clock: manualClock() });
  });

  it("stays dense and verifiable under concurrent writers", async () => {
    await concurrentAppendScenario(createMemoryStore(), { users: 5, perUser: 20 });
  });

  it("does not mix users' chains", async () => {
    const store = createMemoryStore();
    const hashKey = testHashKey();
    const audit = new AuditTrail({ hashKey });
    await audit.recordNow(store, { userId: "u1" }, { action: "auth.success", outcome: "success" });
    await audit.recordNow(store, { userId: "u2" }, { action: "auth.success", outcome: "success" });
    await audit.recordNow(store, { userId: "u1" }, { action: "auth.success", outcome: "success" });
    expect(await verifyAuditChain({ store, userId: "u1", hashKey })).toMatchObject({ ok: true, count: 2 });
    expect(await verifyAuditChain({ store, userId: "u2", hashKey })).toMatchObject({ ok: true, count: 1 });
  });
});
