import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { fixedKey, harness, type Harness } from "@wallet-auth/testing/scenarios";
import { FailureReporter, type BackgroundFailure } from "../observe/FailureReporter.js";
import { Redacted } from "../secret/Redacted.js";
import type { LeaseTimers } from "./CredentialLease.js";
import { CredentialService } from "./CredentialService.js";

let h: Harness;
const alice = { userId: "user_lease_failures" };
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);

/** Lease timers a test fires by hand. */
function manualLeaseTimers() {
  const pending = new Map<number, { fn: () => void; ms: number }>();
  let next = 0;
  const timers: LeaseTimers = {
    setTimeout: (fn, ms) => {
      pending.set(++next, { fn, ms });
      return next;
    },
    clearTimeout: (handle) => void pending.delete(handle as number),
  };
  return {
    timers,
    /** Fires the pending timer set for `ms` (the recheck or the expiry). */
    fire(ms: number) {
      const entry = [...pending].find(([, t]) => t.ms === ms);
      if (entry === undefined) throw new Error(`no ${ms} ms timer pending`);
      pending.delete(entry[0]);
      entry[1].fn();
    },
  };
}

beforeAll(async () => {
  h = await harness();
  process.on("unhandledRejection", onUnhandled);
});
afterAll(async () => {
  process.off("unhandledRejection", onUnhandled);
  await h.loop.close();
});
afterEach(() => {
  h.failingAudit.on = false;
});

function setup() {
  const { timers, fire } = manualLeaseTimers();
  const failures: BackgroundFailure[] = [];
  const lines: Record<string, unknown>[] = [];
  const reporter = new FailureReporter({
    clock: h.clock,
    observer: { backgroundFailure: (f) => void failures.push(f) },
    logger: { warn: () => undefined, error: (fields) => void lines.push(fields) },
  });
  const svc = new CredentialService({
    store: h.store,
    keyRing: h.keyRing,
    fingerprintKey: Redacted.make(fixedKey(5)),
    exchanges: h.exchanges,
    audit: h.audit,
    clock: h.clock,
    timers,
    failures: reporter,
    policy: { validateOnCreate: false, leaseRecheckMs: 5_000 },
  });
  return { svc, fire, failures, lines };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe("credential lease: a failing lease_end audit write", () => {
  it("does not crash the process when a background recheck ends the lease and the audit write fails", async () => {
    const { svc, fire, failures, lines } = setup();
    const view = await svc.create(alice, { exchange: "binance", label: "recheck", apiKey: "lease-fail-key-1", secret: "lease-fail-secret-1" });
    const lease = await svc.lease(alice, view.id, { ttlMs: 60_000 });
    // Another replica disables it: only the background recheck can notice.
    await h.memory.credentials.update(alice.userId, view.id, { status: "disabled", updatedAt: h.clock.now() });
    h.failingAudit.on = true;
    fire(5_000);
    await settle();
    expect(unhandled).toEqual([]);
    expect(lease.ended).toBe(true);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ operation: "lease_end_audit", errorCode: "AUDIT_UNAVAILABLE" });
    expect(lines).toHaveLength(1);
    expect(JSON.stringify(lines)).not.toContain("disk full");
  });

  it("reports (counts every one, logs once per interval) a lease_end audit write failing at expiry", async () => {
    const { svc, fire, failures, lines } = setup();
    const view = await svc.create(alice, { exchange: "binance", label: "expiry", apiKey: "lease-fail-key-2", secret: "lease-fail-secret-2" });
    const leases = [await svc.lease(alice, view.id, { ttlMs: 30_000 }), await svc.lease(alice, view.id, { ttlMs: 30_000 })];
    h.failingAudit.on = true;
    fire(30_000);
    fire(30_000);
    await settle();
    expect(unhandled).toEqual([]);
    expect(leases.every((l) => l.ended)).toBe(true);
    expect(failures.map((f) => f.operation)).toEqual(["lease_end_audit", "lease_end_audit"]);
    expect(lines).toHaveLength(1);
    h.clock.advance(60_000);
    const third = await (async () => {
      h.failingAudit.on = false;
      const l = await svc.lease(alice, view.id, { ttlMs: 30_000 });
      h.failingAudit.on = true;
      return l;
    })();
    fire(30_000);
    await settle();
    expect(third.ended).toBe(true);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({ operation: "lease_end_audit", suppressed: 1 });
  });

  it("still rejects an explicit close() whose audit write fails (the caller is told)", async () => {
    const { svc, failures } = setup();
    const view = await svc.create(alice, { exchange: "binance", label: "close", apiKey: "lease-fail-key-3", secret: "lease-fail-secret-3" });
    const lease = await svc.lease(alice, view.id, { ttlMs: 30_000 });
    h.failingAudit.on = true;
    await expect(lease.close()).rejects.toThrow();
    expect(lease.ended).toBe(true);
    expect(failures).toHaveLength(1);
  });
});
