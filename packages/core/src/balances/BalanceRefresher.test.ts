import { type LoopbackExchange, startLoopbackExchange } from "@wallet-auth/testing/exchange";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AuditTrail } from "../audit/AuditTrail.js";
import { createCcxtExchangeGateway } from "../ccxt.js";
import { CredentialService } from "../credentials/CredentialService.js";
import { generateKey, KeyRing } from "../crypto.js";
import { createMemoryStore } from "../memory.js";
import type { ExchangeGateway } from "../ports/ExchangeGateway.js";
import type { WalletAuthStore } from "../ports/UnitOfWork.js";
import { Redacted } from "../secret/Redacted.js";
import { BalanceRefresher, type RefresherTimers } from "./BalanceRefresher.js";
import { BalanceService } from "./BalanceService.js";
import { MemoryBalanceCache } from "./MemoryBalanceCache.js";

const ctx = { userId: "user_refresh" };
let loop: LoopbackExchange;
let exchanges: ExchangeGateway;
let now: Date;
const clock = { now: () => new Date(now) };
let store: WalletAuthStore;
let credentials: CredentialService;
let source: { type: "exchange"; credentialId: string };

/** Timers a test fires by hand. */
function manualTimers() {
  const pending = new Map<number, () => void>();
  let next = 0;
  const timers: RefresherTimers = {
    setTimeout: (fn) => {
      pending.set(++next, fn);
      return next;
    },
    clearTimeout: (handle) => void pending.delete(handle as number),
  };
  return {
    timers,
    pending: () => pending.size,
    fire() {
      const [id, fn] = [...pending][0] ?? [];
      if (id === undefined || !fn) throw new Error("no timer pending");
      pending.delete(id);
      fn();
    },
  };
}

beforeAll(async () => {
  loop = await startLoopbackExchange();
  loop.addAccount({ apiKey: "refresh-key-0001", secret: "refresh-secret-0001", balances: { BTC: { free: "1", locked: "0" } }, permissions: { enableReading: true } });
  exchanges = createCcxtExchangeGateway({ urls: { binance: loop.origin }, enableRateLimit: false, timeoutMs: 3000 });
});
afterAll(() => loop.close());

beforeEach(async () => {
  loop.setMode("ok");
  now = new Date("2026-03-01T12:00:00.000Z");
  const audit = new AuditTrail({ hashKey: Redacted.make(new Uint8Array(32).fill(5)), clock });
  store = audit.track(createMemoryStore({ clock }));
  const key = generateKey({ id: "k1" });
  credentials = new CredentialService({
    store,
    keyRing: KeyRing.fromKeys({ keys: [{ id: key.id, key: key.key }], primaryKeyId: key.id }),
    fingerprintKey: Redacted.make(new Uint8Array(32).fill(6)),
    exchanges,
    audit,
    clock,
  });
  source = { type: "exchange", credentialId: (await credentials.create(ctx, { exchange: "binance", label: "bot", apiKey: "refresh-key-0001", secret: "refresh-secret-0001" })).id };
  loop.resetCounts();
});

const replica = (cache = new MemoryBalanceCache({ clock })) => new BalanceService({ store, exchanges, credentials, clock, cache });
const accountCalls = () => loop.requestCount("/api/v3/account");

describe("BalanceRefresher", () => {
  it("re-reads sources read recently once their cached read ages, and leaves idle ones alone", async () => {
    const balances = replica();
    const refresher = new BalanceRefresher({ balances, leases: store.leases, owner: "a", clock });
    await balances.get(ctx, { source });
    expect(await refresher.runOnce()).toEqual({ refreshed: 0, skipped: 1, failed: 0 });
    now = new Date(now.getTime() + 4.5 * 60_000);
    expect(await refresher.runOnce()).toEqual({ refreshed: 1, skipped: 0, failed: 0 });
    expect(accountCalls()).toBe(2);
    expect((await balances.get(ctx, { source })).fromCache).toBe(true);
    now = new Date(now.getTime() + 20 * 60_000); // not read for 20 minutes: no longer active
    expect(await refresher.runOnce()).toEqual({ refreshed: 0, skipped: 0, failed: 0 });
  });

  it("never lets two replicas refresh one source at once", async () => {
    const shared = new MemoryBalanceCache({ clock });
    const [a, b] = [replica(shared), replica(shared)];
    await a.get(ctx, { source });
    await b.get(ctx, { source });
    expect(accountCalls()).toBe(1);
    now = new Date(now.getTime() + 4.5 * 60_000);
    const refreshers = [new BalanceRefresher({ balances: a, leases: store.leases, owner: "a", clock }), new BalanceRefresher({ balances: b, leases: store.leases, owner: "b", clock })];
    const results = await Promise.all(refreshers.map((r) => r.runOnce()));
    expect(accountCalls()).toBe(2);
    expect(results.map((r) => r.refreshed).sort()).toEqual([0, 1]);
  });

  it("backs off a failing source by error class, then retries", async () => {
    const balances = replica();
    const errors: string[] = [];
    const refresher = new BalanceRefresher({ balances, leases: store.leases, owner: "a", clock, onError: (e) => errors.push((e as { code: string }).code) });
    await balances.get(ctx, { source });
    now = new Date(now.getTime() + 5 * 60_000);
    loop.setMode("down");
    expect((await refresher.runOnce()).failed).toBe(1);
    expect(await refresher.runOnce()).toEqual({ refreshed: 0, skipped: 1, failed: 0 }); // within 30 s backoff
    now = new Date(now.getTime() + 31_000);
    loop.setMode("rate-limited");
    expect((await refresher.runOnce()).failed).toBe(1);
    now = new Date(now.getTime() + 61_000); // a transient backoff would be over; a rate limit one is not
    expect((await refresher.runOnce()).skipped).toBe(1);
    loop.setMode("ok");
    now = new Date(now.getTime() + 5 * 60_000);
    expect((await refresher.runOnce()).refreshed).toBe(1);
    expect(errors).toEqual(["EXCHANGE_UNAVAILABLE", "EXCHANGE_RATE_LIMITED"]);
  });

  it("runs on its timer and stop() waits for the read in flight", async () => {
    const balances = replica();
    const { timers, fire, pending } = manualTimers();
    const refresher = new BalanceRefresher({ balances, leases: store.leases, owner: "a", clock, timers });
    await balances.get(ctx, { source });
    refresher.start();
    expect(pending()).toBe(1);
    now = new Date(now.getTime() + 5 * 60_000);
    fire(); // pass starts: an upstream read is now in flight
    await refresher.stop();
    expect(accountCalls()).toBe(2);
    expect((await balances.get(ctx, { source })).asOf).toEqual(now);
    await new Promise((r) => setTimeout(r, 10));
    expect(pending()).toBe(0); // nothing scheduled after stop
  });
});
