import { describe, expect, it } from "vitest";
import { AuditTrail } from "../audit/AuditTrail.js";
import { manualClock, testHashKey } from "@wallet-auth/testing/scenarios";
import { createMemoryStore } from "../memory.js";
import type { SecurityAlertRecord } from "../ports/AlertStore.js";
import { AlertDetectors, type AlertThresholds } from "./AlertDetectors.js";
import { AlertService } from "./AlertService.js";

function setup(thresholds: Partial<AlertThresholds> = {}) {
  const clock = manualClock();
  const audit = new AuditTrail({ hashKey: testHashKey(), clock });
  const store = audit.track(createMemoryStore());
  const delivered: SecurityAlertRecord[] = [];
  const alerts = new AlertService({
    store,
    audit,
    clock,
    sinks: [{ name: "mem", send: async (a) => (delivered.push(a), { delivered: true, attempts: 1 }) }],
  });
  const detectors = new AlertDetectors({ alerts, store, clock, thresholds });
  const stop = detectors.attach(audit);
  const kinds = async () => {
    await detectors.idle();
    return delivered.map((a) => a.kind);
  };
  return { clock, audit, store, alerts, detectors, delivered, kinds, stop };
}

const alice = { userId: "user_alice", ip: "192.0.2.10" };

describe("AlertDetectors", () => {
  it("raises one alert for a burst of failed logins for a user, and none below the threshold", async () => {
    const { audit, store, clock, kinds } = setup({ authFailuresPerUser: { count: 3, windowMs: 60_000 } });
    await audit.recordNow(store, alice, { action: "auth.failure", outcome: "failure" });
    clock.advance(61_000); // slides out of the window
    await audit.recordNow(store, alice, { action: "auth.failure", outcome: "failure" });
    await audit.recordNow(store, alice, { action: "auth.failure", outcome: "failure" });
    expect(await kinds()).toEqual([]);
    await audit.recordNow(store, alice, { action: "auth.failure", outcome: "failure" });
    for (let i = 0; i < 6; i++) await audit.recordNow(store, alice, { action: "auth.failure", outcome: "failure" });
    expect(await kinds()).toEqual(["auth.failed_burst"]);
  });

  it("raises a per-IP alert when failures from one IP span many users", async () => {
    const { audit, store, kinds } = setup({ authFailuresPerIp: { count: 4, windowMs: 60_000 } });
    for (let i = 0; i < 4; i++) await audit.recordNow(store, { userId: `user_${i}`, ip: "203.0.113.66" }, { action: "auth.failure", outcome: "failure" });
    expect(await kinds()).toEqual(["auth.failed_burst_ip"]);
  });

  it("raises a credential-use burst above the rate", async () => {
    const { audit, store, kinds, delivered } = setup({ credentialUse: { count: 10, windowMs: 1000 } });
    for (let i = 0; i < 9; i++) await audit.recordNow(store, alice, { action: "credential.use", outcome: "success", targetId: "cred_1" });
    expect(await kinds()).toEqual([]);
    await audit.recordNow(store, alice, { action: "credential.use", outcome: "success", targetId: "cred_1" });
    expect(await kinds()).toEqual(["credential.use_burst"]);
    expect(delivered[0]?.details).toMatchObject({ credentialId: "cred_1", threshold: 10 });
  });

  it("flags access from an IP not seen for the user, but not the first IP ever", async () => {
    const { audit, store, clock, kinds } = setup({ newIpLookbackDays: 30 });
    await audit.recordNow(store, alice, { action: "auth.success", outcome: "success" });
    await audit.recordNow(store, alice, { action: "auth.success", outcome: "success" });
    expect(await kinds()).toEqual([]);
    await audit.recordNow(store, { ...alice, ip: "198.51.100.200" }, { action: "auth.success", outcome: "success" });
    expect(await kinds()).toEqual(["access.new_ip"]);
    // After 31 days away, the first IP counts as new again.
    clock.advance(31 * 86_400_000);
    await audit.recordNow(store, { ...alice, ip: "198.51.100.200" }, { action: "auth.success", outcome: "success" });
    await audit.recordNow(store, alice, { action: "auth.success", outcome: "success" });
    expect(await kinds()).toEqual(["access.new_ip", "access.new_ip"]);
  });

  it("loads the known IPs from the audit log after a restart", async () => {
    const first = setup();
    await first.audit.recordNow(first.store, alice, { action: "auth.success", outcome: "success" });
    await first.detectors.idle();
    first.stop(); // the process "restarts": in-memory state is gone
    // A "restarted" detector on the same store and clock.
    const alerts = new AlertService({ store: first.store, audit: first.audit, clock: first.clock });
    const fresh = new AlertDetectors({ alerts, store: first.store, clock: first.clock });
    const replay = await first.audit.recordNow(first.store, alice, { action: "auth.success", outcome: "success" });
    expect(await fresh.handle(replay)).toEqual([]);
    const newIp = await first.audit.recordNow(first.store, { ...alice, ip: "198.51.100.1" }, { action: "auth.success", outcome: "success" });
    expect((await fresh.handle(newIp)).map((a) => a.kind)).toEqual(["access.new_ip"]);
  });

  it("raises wallet link/unlink churn", async () => {
    const { audit, store, kinds } = setup({ walletChurn: { count: 4, windowMs: 3_600_000 } });
    for (let i = 0; i < 4; i++) {
      await store.transaction((tx) => audit.record(tx, alice, { action: i % 2 ? "wallet.unlink" : "wallet.link", outcome: "success", targetId: "w" }));
    }
    expect(await kinds()).toEqual(["wallet.churn"]);
  });

  it("raises a critical alert when a credential gains withdrawal permission", async () => {
    const { audit, store, kinds, delivered } = setup();
    const perm = (withdraw: boolean) => audit.recordNow(store, alice, { action: "credential.permissions", outcome: "success", targetId: "cred_9", details: { withdraw } });
    await perm(false);
    await perm(false);
    expect(await kinds()).toEqual([]);
    await perm(true);
    expect(await kinds()).toEqual(["credential.withdraw_enabled"]);
    expect(delivered[0]?.severity).toBe("critical");
    await audit.recordNow(store, alice, { action: "credential.withdraw_enabled", outcome: "success", targetId: "cred_7" });
    expect(await kinds()).toEqual(["credential.withdraw_enabled", "credential.withdraw_enabled"]);
  });

  it("never alerts on events of a rolled-back transaction", async () => {
    const { audit, store, kinds } = setup({ walletChurn: { count: 2, windowMs: 3_600_000 } });
    for (let i = 0; i < 3; i++) {
      await store
        .transaction(async (tx) => {
          await audit.record(tx, alice, { action: "wallet.link", outcome: "success" });
          throw new Error("rolled back");
        })
        .catch(() => undefined);
    }
    expect(await kinds()).toEqual([]);
  });

  it("deduplicates: one open alert per kind and user until it is resolved", async () => {
    const { audit, store, alerts, kinds } = setup({ authFailuresPerUser: { count: 2, windowMs: 60_000 } });
    for (let i = 0; i < 6; i++) await audit.recordNow(store, alice, { action: "auth.failure", outcome: "failure" });
    expect(await kinds()).toEqual(["auth.failed_burst"]);
    const [open] = (await alerts.list(alice, { status: "open" })).items;
    await alerts.resolve(alice, open?.id ?? "");
    for (let i = 0; i < 2; i++) await audit.recordNow(store, alice, { action: "auth.failure", outcome: "failure" });
    expect(await kinds()).toEqual(["auth.failed_burst", "auth.failed_burst"]);
  });
});

describe("AlertDetectors and erasure", () => {
  it("forgets a user's known IPs once their erasure commits", async () => {
    // No store: the in-memory baseline is the only memory of the user's IPs.
    const clock = manualClock();
    const audit = new AuditTrail({ hashKey: testHashKey(), clock });
    const store = audit.track(createMemoryStore());
    const alerts = new AlertService({ store, audit, clock });
    const detectors = new AlertDetectors({ alerts, clock });
    const seen = (e: Parameters<typeof detectors.handle>[0]) => detectors.handle(e).then((a) => a.map((x) => x.kind));
    expect(await seen(await audit.recordNow(store, alice, { action: "auth.success", outcome: "success" }))).toEqual([]);
    expect(await seen(await audit.recordNow(store, alice, { action: "privacy.erase", outcome: "success" }))).toEqual([]);
    // Had the old IP been remembered, this would be flagged as new.
    expect(await seen(await audit.recordNow(store, { ...alice, ip: "198.51.100.99" }, { action: "auth.success", outcome: "success" }))).toEqual([]);
    expect(await seen(await audit.recordNow(store, { ...alice, ip: "198.51.100.98" }, { action: "auth.success", outcome: "success" }))).toEqual(["access.new_ip"]);
  });
});

describe("AlertDetectors and CredentialService events", () => {
  it("flags credential.revalidate reporting an escalation to withdrawal, even when refused", async () => {
    const { audit, store, kinds } = setup();
    await audit.recordNow(store, alice, { action: "credential.revalidate", outcome: "success", targetId: "c1", details: { escalation: false, withdraw: false } });
    expect(await kinds()).toEqual([]);
    await audit.recordNow(store, alice, { action: "credential.revalidate", outcome: "denied", targetId: "c2", details: { escalation: true, withdraw: true } });
    expect(await kinds()).toEqual(["credential.withdraw_enabled"]);
  });
});

describe("AlertDetectors and credential expiry", () => {
  it("warns once before a credential expires and raises a high alert when it has expired", async () => {
    const { audit, store, kinds, delivered } = setup();
    const warn = { action: "credential.expiring", outcome: "success" as const, targetId: "c9", details: { expiresAt: "2026-12-03T00:00:00.000Z" } };
    await audit.recordNow(store, alice, warn);
    await audit.recordNow(store, alice, warn); // the next job run: still one open alert
    expect(await kinds()).toEqual(["credential.expiring"]);
    expect(delivered[0]).toMatchObject({ severity: "medium", details: { credentialId: "c9", expiresAt: "2026-12-03T00:00:00.000Z" } });
    await audit.recordNow(store, alice, { action: "credential.expire", outcome: "success", targetId: "c9" });
    expect(await kinds()).toEqual(["credential.expiring", "credential.expired"]);
    expect(delivered[1]).toMatchObject({ severity: "high", userId: "user_alice" });
  });

  it("tells the owner once when a revoked bot token keeps being presented, and when a bot runs on an expired one", async () => {
    const { audit, store, kinds, delivered } = setup();
    const denied = (tokenId: string, reason: string) => audit.recordNow(store, alice, { action: "token.use", outcome: "denied", targetType: "bot_token", targetId: tokenId, details: { reason } });
    for (let i = 0; i < 5; i++) await denied("tok_revoked", "revoked");
    await denied("tok_old", "expired");
    // Successful uses raise nothing.
    await audit.recordNow(store, alice, { action: "token.use", outcome: "success", targetType: "bot_token", targetId: "tok_fine" });
    expect(await kinds()).toEqual(["token.revoked_use", "token.expired_use"]);
    expect(delivered[0]).toMatchObject({ userId: "user_alice", severity: "high", details: { botId: "tok_revoked" } });
    expect(delivered[1]).toMatchObject({ severity: "medium", details: { botId: "tok_old" } });
  });
});
