import { describe, expect, it } from "vitest";
import { AuditTrail } from "../audit/AuditTrail.js";
import { manualClock, readChain, testHashKey } from "@wallet-auth/testing/scenarios";
import { isWalletAuthError } from "../errors/index.js";
import { createMemoryStore } from "../memory.js";
import type { AlertSink } from "../ports/AlertSink.js";
import { AlertService } from "./AlertService.js";
import { createLogAlertSink } from "./createLogAlertSink.js";

describe("AlertService", () => {
  it("stores, lists, acknowledges and resolves a user's alerts, auditing the changes", async () => {
    const store = createMemoryStore();
    const audit = new AuditTrail({ hashKey: testHashKey() });
    const alerts = new AlertService({ store, audit, clock: manualClock() });
    const { alert, created } = await alerts.raise({ userId: "u1", kind: "wallet.churn", severity: "medium", details: { threshold: 3 } });
    expect(created).toBe(true);
    expect((await alerts.raise({ userId: "u1", kind: "wallet.churn", severity: "medium" })).created).toBe(false);
    expect((await alerts.list({ userId: "u1" })).items.map((a) => a.id)).toEqual([alert.id]);
    expect((await alerts.list({ userId: "u2" })).items).toEqual([]);
    await expect(alerts.acknowledge({ userId: "u2" }, alert.id)).rejects.toSatisfy((e) => isWalletAuthError(e, "NOT_FOUND"));
    expect((await alerts.acknowledge({ userId: "u1" }, alert.id)).status).toBe("acknowledged");
    expect((await alerts.resolve({ userId: "u1" }, alert.id)).status).toBe("resolved");
    const events = await readChain(store.audit, audit.chainKeyOf("u1"));
    expect(events.map((e) => e.action)).toEqual(["alert.acknowledge", "alert.resolve"]);
  });

  it("returns before a stuck sink finishes, and delivers in the background", async () => {
    const store = createMemoryStore();
    const audit = new AuditTrail({ hashKey: testHashKey() });
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const outcomes: boolean[] = [];
    const stuck: AlertSink = { name: "stuck", send: async () => (await gate, { delivered: true, attempts: 1 }) };
    const alerts = new AlertService({ store, audit, sinks: [stuck], onDelivery: (o) => outcomes.push(o.delivered) });
    await alerts.raise({ userId: "u1", kind: "auth.failed_burst", severity: "high" });
    expect(outcomes).toEqual([]);
    release();
    await alerts.flush();
    expect(outcomes).toEqual([true]);
  });

  it("treats a sink that throws as not delivered", async () => {
    const store = createMemoryStore();
    const audit = new AuditTrail({ hashKey: testHashKey() });
    const outcomes: boolean[] = [];
    const bad: AlertSink = { name: "bad", send: () => Promise.reject(new Error("boom")) };
    const alerts = new AlertService({ store, audit, sinks: [bad], onDelivery: (o) => outcomes.push(o.delivered) });
    await alerts.raise({ userId: "u1", kind: "x", severity: "low" });
    await alerts.flush();
    expect(outcomes).toEqual([false]);
  });

  it("the log sink writes one structured line without secret-looking details", async () => {
    const lines: [Record<string, unknown>, string][] = [];
    const sink = createLogAlertSink({ logger: { warn: (o, m) => lines.push([o, m]) } });
    const now = new Date("2026-01-01T00:00:00.000Z");
    const result = await sink.send({
      id: "a1",
      userId: "u1",
      kind: "credential.use_burst",
      severity: "high",
      status: "open",
      details: { credentialId: "c1", apiSecret: "planted-secret" },
      dedupeKey: null,
      createdAt: now,
      updatedAt: now,
    });
    expect(result).toEqual({ delivered: true, attempts: 1 });
    expect(lines).toHaveLength(1);
    expect(lines[0]?.[0]).toMatchObject({ event: "security_alert", alertId: "a1", kind: "credential.use_burst", details: { credentialId: "c1" } });
    expect(JSON.stringify(lines)).not.toContain("planted-secret");
  });
});
