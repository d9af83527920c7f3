import { createMemoryStore } from "@wallet-auth/core/memory";
import { describe, expect, it } from "vitest";
import { KeyRing, Redacted, createWalletAuth } from "@wallet-auth/core";
import { type JobScheduler, leakedKeyJobs, permissionDriftJobs, startJobs } from "./jobs.js";

/** A hand-driven scheduler: `advance(ms)` fires every timer due by then, in order. */
function manualScheduler(randomValue: number): JobScheduler & { advance(ms: number): Promise<void> } {
  let now = 0;
  let seq = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  return {
    setTimeout(fn, ms) {
      const id = ++seq;
      timers.set(id, { at: now + ms, fn });
      return id;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    random: () => randomValue,
    async advance(ms) {
      const end = now + ms;
      for (;;) {
        const next = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (next === undefined) break;
        timers.delete(next[0]);
        now = next[1].at;
        next[1].fn();
        // Let the run (lease, job, events) settle before the next timer.
        for (let i = 0; i < 20; i++) await Promise.resolve();
        await new Promise((resolve) => setImmediate(resolve));
      }
      now = end;
    },
  };
}

const DAY = 24 * 60 * 60_000;

describe("startJobs", () => {
  it("runs a daily job soon after start, so a process restarted daily still runs it", async () => {
    const scheduler = manualScheduler(0.5);
    let runs = 0;
    const jobs = startJobs([{ name: "key-age", everyMs: DAY, run: async () => void runs++ }], createMemoryStore().leases, "replica-a", {}, { scheduler, firstRunWithinMs: 30_000 });
    await scheduler.advance(14_999);
    expect(runs).toBe(0);
    await scheduler.advance(1); // 0.5 x 30 s of jitter
    expect(runs).toBe(1);
    await jobs.stop();
  });

  it("runs again on its interval after the first run", async () => {
    const scheduler = manualScheduler(0);
    const outcomes: string[] = [];
    const leases = createMemoryStore().leases;
    const jobs = startJobs([{ name: "prune", everyMs: 10 * 60_000, run: async () => undefined }], leases, "replica-a", { onRun: (_name, outcome) => void outcomes.push(outcome) }, { scheduler });
    await scheduler.advance(0);
    await scheduler.advance(10 * 60_000);
    await scheduler.advance(10 * 60_000);
    expect(outcomes).toEqual(["ok", "ok", "ok"]);
    await jobs.stop();
  });

  it("skips a job another replica holds the lease of, and runs no job after stop", async () => {
    const scheduler = manualScheduler(0);
    const leases = createMemoryStore().leases;
    await leases.tryAcquire("job:key-age", "replica-b", new Date(), new Date(Date.now() + DAY));
    const outcomes: string[] = [];
    const jobs = startJobs([{ name: "key-age", everyMs: DAY, run: async () => undefined }], leases, "replica-a", { onRun: (_n, o) => void outcomes.push(o) }, { scheduler });
    await scheduler.advance(0);
    expect(outcomes).toEqual(["skipped"]);
    await jobs.stop();
    await scheduler.advance(2 * DAY);
    expect(outcomes).toEqual(["skipped"]);
  });

  it("keeps scheduling when the lease store or the events hook throws", async () => {
    const scheduler = manualScheduler(0);
    let calls = 0;
    const failing = { tryAcquire: async () => Promise.reject(new Error("store down")), release: async () => false };
    const jobs = startJobs([{ name: "x", everyMs: 1000, run: async () => undefined }], failing, "replica-a", {
      onRun: () => {
        calls++;
        throw new Error("metrics broke");
      },
    }, { scheduler });
    await scheduler.advance(0);
    await scheduler.advance(1000);
    expect(calls).toBe(2);
    await jobs.stop();
  });

  it("does not let a run that hangs (a stuck alert webhook, an exchange) hold up a graceful stop", async () => {
    const scheduler = manualScheduler(0);
    const leases = { tryAcquire: async () => true, release: async () => true };
    const jobs = startJobs([{ name: "stuck", everyMs: 60_000, run: () => new Promise<void>(() => undefined) }], leases as never, "replica-a", {}, { scheduler, stopWithinMs: 50 });
    await scheduler.advance(0);
    const started = performance.now();
    await jobs.stop();
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe("leakedKeyJobs", () => {
  it("registers the reconciliation pass and the journal retention, which deletes proxy entries older than the compared window and keeps foreign ones", async () => {
    const key = (b: number) => new Uint8Array(32).fill(b);
    const walletAuth = createWalletAuth({
      store: createMemoryStore(),
      keyRing: KeyRing.fromKeys({ keys: [{ id: "k1", key: key(1) }], primaryKeyId: "k1" }),
      secrets: { fingerprintKey: Redacted.make(key(2)), auditKey: Redacted.make(key(3)) },
      siwe: { domain: "app.example.com", uri: "https://app.example.com", chainIds: ["eip155:1"] },
      reconciliation: { windowMs: DAY },
    });
    const jobs = leakedKeyJobs(walletAuth);
    expect(jobs.map((j) => [j.name, j.everyMs])).toEqual([["order-reconciliation", 5 * 60_000], ["order-journal-retention", 60 * 60_000]]);
    const entry = (id: string, origin: "proxy" | "foreign", ageMs: number) => ({
      id, userId: "user_jobs", credentialId: "cred_1", exchange: "binance", origin, venueOrderId: id, clientOrderId: `wa${id}`, symbol: "BTC/USDT", side: "buy" as const,
      placedAt: new Date(Date.now() - ageMs), recordedAt: new Date(Date.now() - ageMs),
    });
    await walletAuth.store.users.ensure("user_jobs", new Date());
    await walletAuth.store.orderJournal.record(entry("old", "proxy", 2 * DAY));
    await walletAuth.store.orderJournal.record(entry("new", "proxy", 60_000));
    await walletAuth.store.orderJournal.record(entry("evidence", "foreign", 2 * DAY));
    expect(await jobs[1]!.run()).toBe(1);
    expect(await walletAuth.store.orderJournal.recentSymbols("user_jobs", "cred_1", new Date(0), 10)).toEqual(["BTC/USDT"]);
    expect(await walletAuth.store.orderJournal.listForeign("user_jobs", null, 10)).toHaveLength(1);
    expect(await jobs[0]!.run()).toEqual({ checked: 0, skipped: 0, failed: 0, compromised: 0, foreignOrders: 0 });
    await walletAuth.shutdown();
  });
});

describe("permissionDriftJobs", () => {
  it("registers the permission-drift pass every 15 minutes, 25 keys not validated within 24 h per pass", async () => {
    const calls: unknown[] = [];
    const walletAuth = { credentials: { checkPermissionDrift: async (o: unknown) => (calls.push(o), { checked: 0, changed: 0, invalid: 0, unchanged: 0 }) } };
    const jobs = permissionDriftJobs(walletAuth as never);
    expect(jobs.map((j) => [j.name, j.everyMs])).toEqual([["permission-drift", 15 * 60_000]]);
    await jobs[0]!.run();
    expect(calls).toEqual([{ batchSize: 25, olderThanMs: 24 * 60 * 60_000 }]);
  });
});
