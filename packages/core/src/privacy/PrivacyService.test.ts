import { describe, expect, it } from "vitest";
import { AlertService } from "../alerts/AlertService.js";
import { AuditTrail } from "../audit/AuditTrail.js";
import { manualClock, ringOf, seedCredentials, testHashKey } from "@wallet-auth/testing/scenarios";
import { verifyAuditChain } from "../audit/verifyAuditChain.js";
import { isWalletAuthError } from "../errors/index.js";
import { createMemoryStore } from "../memory.js";
import type { WalletAuthStore } from "../ports/UnitOfWork.js";
import { PrivacyService } from "./PrivacyService.js";

const USER = "user_privacy_0";
const ctx = { userId: USER, ip: "198.51.100.77", userAgent: "UA-privacy-subject", requestId: "req-p" };

async function seedUser(store: WalletAuthStore, audit: AuditTrail, clock: ReturnType<typeof manualClock>) {
  const now = clock.now();
  const creds = await seedCredentials(store, ringOf(["k1"]), { count: 3, prefix: "privacy", users: 2 });
  await store.wallets.insert({
    id: "11111111-1111-4111-8111-111111111111",
    userId: USER,
    chainNamespace: "eip155",
    chainReference: "1",
    address: "0x52908400098527886E0F7030069857D2E4169EE7",
    label: "cold",
    metadata: {},
    isPrimary: true,
    verifiedAt: now,
    createdAt: now,
    updatedAt: now,
  });
  await store.snapshots.insertMany([
    { id: "22222222-2222-4222-8222-222222222222", userId: USER, sourceType: "wallet", sourceId: "11111111-1111-4111-8111-111111111111", asset: "ETH", free: "1.5", locked: "0", total: "1.5", usdValue: "4500.00", takenAt: now },
  ]);
  await store.transactions.upsertMany([
    {
      id: "33333333-3333-4333-8333-333333333333",
      userId: USER,
      sourceType: "wallet",
      sourceId: "11111111-1111-4111-8111-111111111111",
      externalId: "0xabc:0",
      type: "deposit",
      asset: "ETH",
      amount: "1.5",
      fee: null,
      feeAsset: null,
      status: "ok",
      occurredAt: now,
      txid: "0xabc",
      info: {},
    },
  ]);
  await store.nonces.create({
    nonce: "n0nce0123456789abcdef",
    userId: USER,
    address: "0x52908400098527886E0F7030069857D2E4169EE7",
    chainId: "eip155:1",
    message: "sign me",
    issuedAt: now,
    expiresAt: new Date(now.getTime() + 60_000),
    consumedAt: null,
  });
  const alerts = new AlertService({ store, audit, clock });
  await alerts.raise({ userId: USER, kind: "access.new_ip", severity: "medium", details: { lookbackDays: 30 } });
  for (const action of ["credential.create", "wallet.link", "auth.failure"]) {
    clock.advance(1000);
    await audit.recordNow(store, ctx, { action, outcome: action === "auth.failure" ? "failure" : "success", targetId: "t" });
  }
  // Another user's data must survive and stay out of the export.
  await audit.recordNow(store, { userId: "user_privacy_1", ip: "192.0.2.9" }, { action: "auth.success", outcome: "success" });
  return creds;
}

describe("PrivacyService", () => {
  it("exports everything about the user, and no secret, sealed blob, key id or fingerprint", async () => {
    const store = createMemoryStore();
    const clock = manualClock();
    const audit = new AuditTrail({ hashKey: testHashKey(), clock });
    const creds = await seedUser(store, audit, clock);
    const doc = await new PrivacyService({ store, audit, clock }).export(ctx);
    expect(doc.user?.id).toBe(USER);
    const mine = [...creds].filter(([, c]) => c.userId === USER);
    expect(doc.credentials.map((c) => c.id).sort()).toEqual(mine.map(([id]) => id).sort());
    expect(doc.wallets).toHaveLength(1);
    expect(doc.balanceSnapshots).toHaveLength(1);
    expect(doc.transactions).toHaveLength(1);
    expect(doc.alerts.map((a) => a.kind)).toEqual(["access.new_ip"]);
    expect(doc.auditEvents.map((e) => e.action)).toEqual(["privacy.export", "auth.failure", "wallet.link", "credential.create"]);
    const text = JSON.stringify(doc);
    const stored = await store.credentials.listByUser(USER);
    for (const c of stored) {
      expect(text).not.toContain(c.sealedSecret);
      expect(text).not.toContain(c.fingerprint);
    }
    expect(text).not.toMatch(/sealedSecret|fingerprint|"keyId"/);
    for (const [, c] of mine) expect(text).not.toContain(c.plaintext);
    expect(text).not.toContain("user_privacy_1");
  });

  it("erases the user's data, pseudonymises their audit events and keeps the chain verifiable", async () => {
    const store = createMemoryStore();
    const clock = manualClock();
    const hashKey = testHashKey();
    const audit = new AuditTrail({ hashKey, clock });
    await seedUser(store, audit, clock);
    const before = await verifyAuditChain({ store, userId: USER, hashKey });
    const result = await new PrivacyService({ store, audit, clock }).erase(ctx);
    expect(result.deleted).toEqual({ credentials: 2, wallets: 1, balanceSnapshots: 1, transactions: 1, nonces: 1, alerts: 1, botTokens: 0, proxyIdempotency: 0, syncCursors: 0, tradePolicies: 0, orderJournal: 0, incidents: 0, user: true });
    expect(result.auditEventsPseudonymised).toBe(4);
    expect(result.chain).toMatchObject({ ok: true, count: 4 });
    expect(before).toMatchObject({ ok: true, count: 3 });
    // Nothing in the store names the user, their IP hash or user agent any more.
    const dump = store.dump();
    expect(dump).not.toContain(USER);
    expect(dump).not.toContain(audit.hashIp(ctx.ip));
    expect(dump).not.toContain(ctx.userAgent);
    expect(dump).toContain("user_privacy_1");
    expect(await verifyAuditChain({ store, userId: USER, hashKey })).toMatchObject({ ok: true, count: 4 });
    const events = (await store.audit.listChain(audit.chainKeyOf(USER), 0, 100)).map((e) => e.action);
    expect(events).toEqual(["credential.create", "wallet.link", "auth.failure", "privacy.erase"]);
  });

  it("erases nothing when the erasure cannot be audited", async () => {
    const store = createMemoryStore();
    const clock = manualClock();
    const audit = new AuditTrail({ hashKey: testHashKey(), clock });
    await seedUser(store, audit, clock);
    const failing: WalletAuthStore = {
      ...store,
      transaction: (fn) => store.transaction((tx) => fn({ ...tx, audit: { ...tx.audit, append: () => Promise.reject(new Error("down")) } })),
    };
    await expect(new PrivacyService({ store: failing, audit, clock }).erase(ctx)).rejects.toSatisfy((e) => isWalletAuthError(e, "AUDIT_UNAVAILABLE"));
    expect(await store.users.get(USER)).not.toBeNull();
    expect(await store.wallets.listByUser(USER)).toHaveLength(1);
  });
});
