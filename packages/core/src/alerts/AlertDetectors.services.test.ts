/**
 * Every detector driven by the real service call that produces its event (no hand-made
 * events): credentials against the loopback Binance exchange, wallets with real SIWE
 * signatures, failed authentications as the HTTP adapter records them.
 */
import { startLoopbackExchange, type LoopbackExchange } from "@wallet-auth/testing/exchange";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCcxtExchangeGateway } from "../ccxt/CcxtExchangeGateway.js";
import { KeyRing } from "../crypto/KeyRing.js";
import { createMemoryStore } from "../memory/createMemoryStore.js";
import type { SecurityAlertRecord } from "../ports/AlertStore.js";
import type { WalletAuthLogger } from "../ports/Logger.js";
import { Redacted } from "../secret/Redacted.js";
import { createWalletAuth, type WalletAuth } from "../setup/createWalletAuth.js";

const key = (byte: number) => new Uint8Array(32).fill(byte);
const account = (byte: number) => privateKeyToAccount(`0x${byte.toString(16).padStart(2, "0").repeat(32)}`);

let loop: LoopbackExchange;
let auth: WalletAuth;
const delivered: SecurityAlertRecord[] = [];
const logged: { fields: Record<string, unknown>; message: string }[] = [];
const logger: WalletAuthLogger = {
  warn: (fields, message) => logged.push({ fields, message }),
  error: (fields, message) => logged.push({ fields, message }),
};

beforeAll(async () => {
  loop = await startLoopbackExchange();
  auth = createWalletAuth({
    store: createMemoryStore(),
    keyRing: KeyRing.fromKeys({ keys: [{ id: "k1", key: key(1) }], primaryKeyId: "k1" }),
    secrets: { fingerprintKey: Redacted.make(key(2)), auditKey: Redacted.make(key(3)) },
    exchanges: createCcxtExchangeGateway({ urls: { binance: loop.origin }, enableRateLimit: false, timeoutMs: 5000 }),
    siwe: { domain: "app.example.com", uri: "https://app.example.com", chainIds: ["eip155:1"] },
    alertSinks: [{ name: "memory", send: async (alert) => (delivered.push(alert), { delivered: true, attempts: 1 }) }],
    alertThresholds: {
      credentialUse: { count: 5, windowMs: 60_000 },
      walletChurn: { count: 4, windowMs: 3_600_000 },
      authFailuresPerIp: { count: 3, windowMs: 60_000 },
      newIpLookbackDays: 30,
    },
    logger,
  });
});

afterAll(async () => {
  await auth.shutdown();
  await auth.store.close();
  await loop.close();
});

async function alertsOf(userId: string | null): Promise<SecurityAlertRecord[]> {
  await auth.detectors.idle();
  return delivered.filter((a) => a.userId === userId);
}

async function credential(userId: string, n: number, permissions?: Record<string, boolean>) {
  const apiKey = `detector-key-${userId}-${n}`.padEnd(24, "0");
  loop.addAccount({ apiKey, secret: `secret-${n}`, balances: { BTC: { free: "1", locked: "0" } }, ...(permissions ? { permissions } : {}) });
  const view = await auth.credentials.create({ userId }, { exchange: "binance", label: `key ${n}`, apiKey, secret: `secret-${n}` });
  return { view, apiKey, secret: `secret-${n}` };
}

describe("alert detectors driven by real service calls", () => {
  it("a burst of real credentials.use calls raises one credential.use_burst for that credential", async () => {
    const ctx = { userId: "user_det_use" };
    const { view } = await credential(ctx.userId, 1);
    for (let i = 0; i < 4; i++) await auth.credentials.use(ctx, view.id, () => undefined);
    expect((await alertsOf(ctx.userId)).map((a) => a.kind)).toEqual([]);
    await auth.credentials.use(ctx, view.id, () => undefined);
    const raised = await alertsOf(ctx.userId);
    expect(raised.map((a) => a.kind)).toEqual(["credential.use_burst"]);
    expect(raised[0]?.details).toMatchObject({ credentialId: view.id, threshold: 5 });
  });

  it("real SIWE link and unlink churn raises wallet.churn", async () => {
    const ctx = { userId: "user_det_churn" };
    const signer = account(0x41);
    for (let round = 0; round < 2; round++) {
      const { message } = await auth.wallets!.challenge(ctx, { address: signer.address, chainId: "eip155:1" });
      const wallet = await auth.wallets!.verifyAndLink(ctx, { message, signature: await signer.signMessage({ message }) });
      await auth.wallets!.unlink(ctx, { walletId: wallet.id });
    }
    expect((await alertsOf(ctx.userId)).map((a) => a.kind)).toEqual(["wallet.churn"]);
  });

  it("a real call from an IP the user has not used raises access.new_ip, the first IP ever does not", async () => {
    const userId = "user_det_ip";
    const { view } = await credential(userId, 2);
    await auth.credentials.use({ userId, ip: "198.51.100.1" }, view.id, () => undefined);
    await auth.credentials.use({ userId, ip: "198.51.100.1" }, view.id, () => undefined);
    expect((await alertsOf(userId)).map((a) => a.kind)).toEqual([]);
    await auth.credentials.list({ userId, ip: "203.0.113.99" });
    await auth.credentials.use({ userId, ip: "203.0.113.99" }, view.id, () => undefined);
    expect((await alertsOf(userId)).map((a) => a.kind)).toEqual(["access.new_ip"]);
  });

  it("a real revalidate that finds the key gained withdrawal rights raises credential.withdraw_enabled (critical)", async () => {
    // Closest real call until core-cred's revalidate emits the `credential.withdraw_enabled`
    // audit action: revalidate's own event, which reports the escalation in its details.
    const ctx = { userId: "user_det_withdraw" };
    const { view, apiKey, secret } = await credential(ctx.userId, 3);
    expect(await alertsOf(ctx.userId)).toEqual([]);
    loop.addAccount({ apiKey, secret, permissions: { enableWithdrawals: true } });
    await auth.credentials.revalidate(ctx, view.id);
    const raised = await alertsOf(ctx.userId);
    expect(raised.map((a) => [a.kind, a.severity])).toEqual([["credential.withdraw_enabled", "critical"]]);
    expect(raised[0]?.details).toMatchObject({ credentialId: view.id });
  });

  it("auth.failure appended through the audit service as the HTTP adapter does raises auth.failed_burst_ip", async () => {
    // The exact call createWalletAuthRouter makes on a refused token (system chain "auth", anonymous actor).
    for (let i = 0; i < 3; i++) {
      await auth.audit.recordSystem(
        auth.store,
        { action: "auth.failure", outcome: "failure", details: { reason: "token-invalid-signature" } },
        { chain: "auth", actor: { type: "anonymous", id: null }, requestId: `req-${i}`, ip: "192.0.2.200" },
      );
    }
    const raised = await alertsOf(null);
    expect(raised.map((a) => a.kind)).toEqual(["auth.failed_burst_ip"]);
    expect(JSON.stringify(raised)).not.toContain("192.0.2.200");
  });
});

describe("detector and listener failures", () => {
  it("a detector that fails (alert store down) is logged with the action and error code, never the event's details or the error message", async () => {
    const ctx = { userId: "user_det_fail" };
    const { view } = await credential(ctx.userId, 4);
    const alertsStore = auth.store.alerts;
    const original = alertsStore.insert.bind(alertsStore);
    const planted = "PLANTED.s3cr3t.do.not.log";
    alertsStore.insert = async () => {
      throw new Error(`connection refused: ${planted}`);
    };
    logged.length = 0;
    try {
      for (let i = 0; i < 5; i++) await auth.credentials.use(ctx, view.id, () => undefined);
      await auth.detectors.idle();
    } finally {
      alertsStore.insert = original;
    }
    expect(logged).toContainEqual({ fields: { event: "alert_detector_failed", action: "credential.use", errorName: "Error" }, message: "alert detector failed" });
    expect(JSON.stringify(logged)).not.toContain(planted);
    expect(JSON.stringify(logged)).not.toContain(view.id);
  });

  it("an audit listener that throws is logged, and the write that published the event still succeeds", async () => {
    logged.length = 0;
    const stop = auth.audit.subscribe(() => {
      throw new TypeError("listener bug");
    });
    try {
      await expect(auth.credentials.list({ userId: "user_det_listener" })).resolves.toEqual([]);
      const { view } = await credential("user_det_listener", 5);
      expect(view.id).toBeTruthy();
    } finally {
      stop();
    }
    expect(logged).toContainEqual({ fields: { event: "audit_listener_failed", action: "credential.create", errorName: "TypeError" }, message: "audit listener failed" });
  });

  it("an alert sink that throws is logged with its name and the alert id", async () => {
    const { AlertService } = await import("./AlertService.js");
    const sinkLogs: Record<string, unknown>[] = [];
    const alerts = new AlertService({
      store: auth.store,
      audit: auth.audit,
      sinks: [{ name: "broken", send: async () => { throw new Error("webhook secret in message"); } }],
      logger: { warn: (f) => sinkLogs.push(f), error: (f) => sinkLogs.push(f) },
    });
    const { alert } = await alerts.raise({ userId: "user_det_sink", kind: "manual", severity: "low" });
    await alerts.flush();
    expect(sinkLogs).toEqual([{ event: "alert_sink_failed", sink: "broken", alertId: alert.id, errorName: "Error" }]);
  });
});
