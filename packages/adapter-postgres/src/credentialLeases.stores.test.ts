/**
 * Credential status races, leases and ready-made clients (issue 8), through `createWalletAuth`
 * with the real ccxt gateway against the loopback exchange, on the memory store, embedded PGlite
 * and (with DATABASE_URL) the real PostgreSQL server. Leases run on injected timers and a fake
 * clock, so "ends on time" is proven without waiting.
 */
import { inspect } from "node:util";
import { KeyRing, type LeaseTimers, Redacted, type WalletAuth, type WalletAuthStore, createWalletAuth, isWalletAuthError } from "@wallet-auth/core";
import { createCcxtClient, createCcxtExchangeGateway } from "@wallet-auth/core/ccxt";
import { type LoopbackExchange, startLoopbackExchange } from "@wallet-auth/testing/exchange";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serviceStores } from "./test-support/sharedDatabases.js";

const stores = serviceStores();

const code = async (work: Promise<unknown>) => work.then(() => "ok", (e: unknown) => (isWalletAuthError(e) ? e.code : "uncoded"));

/** A fake clock with timers driven by it: `advance(ms)` moves time and fires what is due. */
function fakeTime(start = Date.UTC(2026, 11, 3, 12)) {
  let now = start;
  let nextId = 0;
  const due = new Map<number, { at: number; fn: () => void }>();
  const timers: LeaseTimers = {
    setTimeout(fn, ms) {
      nextId += 1;
      due.set(nextId, { at: now + ms, fn });
      return nextId;
    },
    clearTimeout(handle) {
      due.delete(handle as number);
    },
  };
  return {
    clock: { now: () => new Date(now) },
    timers,
    pending: () => due.size,
    /** Moves the clock without firing any timer (a late or starved timer). */
    skip(ms: number) {
      now += ms;
    },
    async advance(ms: number) {
      now += ms;
      for (const [id, t] of [...due].sort((a, b) => a[1].at - b[1].at)) {
        if (t.at > now || !due.has(id)) continue;
        due.delete(id);
        t.fn();
      }
      // Let the fired callbacks' store calls settle.
      await new Promise((r) => setTimeout(r, 50));
    },
  };
}

describe.each(stores)("credential leases and status changes on %s", (_name, open) => {
  let exchange: LoopbackExchange;
  let n = 0;
  const key = (b: number) => new Uint8Array(32).fill(b);
  const auths: WalletAuth[] = [];
  const replica = (store: WalletAuthStore, time = fakeTime()) => {
    const auth = createWalletAuth({
      store,
      keyRing: KeyRing.fromKeys({ keys: [{ id: "k1", key: key(1) }], primaryKeyId: "k1" }),
      secrets: { fingerprintKey: Redacted.make(key(2)), auditKey: Redacted.make(key(3)) },
      exchanges: createCcxtExchangeGateway({ urls: { binance: exchange.origin }, enableRateLimit: false, timeoutMs: 5000 }),
      siwe: { domain: "app.example.com", uri: "https://app.example.com", chainIds: ["eip155:1"] },
      clock: time.clock,
      leaseTimers: time.timers,
    });
    auths.push(auth);
    return auth;
  };
  const make = async () => {
    const time = fakeTime();
    const store = await open();
    const auth = replica(store, time);
    const apiKey = `LEASEKEY${String(++n).padStart(24, "0")}`;
    const secret = `lease-secret-${n}-${"s".repeat(20)}`;
    exchange.addAccount({ apiKey, secret, balances: { USDT: { free: "42", locked: "0" } } });
    const ctx = { userId: `user_lease_${n}` };
    const view = await auth.credentials.create(ctx, { exchange: "binance", label: "main", apiKey, secret });
    return { auth, store, time, ctx, view, apiKey, secret };
  };
  const leaseEnds = async (auth: WalletAuth, userId: string) =>
    (await auth.auditLog.query({ userId }, { limit: 100 })).items.filter((e) => e.action === "credential.lease_end").map((e) => e.details?.endedBy);

  beforeAll(async () => {
    exchange = await startLoopbackExchange();
  });
  afterAll(async () => {
    for (const auth of auths) await auth.shutdown();
    await exchange.close();
  });

  it("a disable that lands while revalidate waits on the exchange wins: the credential ends disabled", async () => {
    const { auth, ctx, view } = await make();
    const held = exchange.hold("/api/v3/account");
    const revalidating = auth.credentials.revalidate(ctx, view.id);
    await held.reached;
    await auth.credentials.disable(ctx, view.id);
    held.release();
    const result = await revalidating;
    expect(result.credential.status).toBe("disabled");
    expect((await auth.credentials.get(ctx, view.id)).status).toBe("disabled");
    expect(await code(auth.credentials.use(ctx, view.id, () => "handed out"))).toBe("CREDENTIAL_DISABLED");
  });

  it("revalidate racing disable in parallel never leaves the credential active", async () => {
    const { auth, ctx, view } = await make();
    for (let round = 0; round < 5; round += 1) {
      await auth.credentials.enable(ctx, view.id);
      await Promise.all([auth.credentials.revalidate(ctx, view.id), auth.credentials.disable(ctx, view.id)]);
      expect((await auth.credentials.get(ctx, view.id)).status, `round ${round}`).toBe("disabled");
    }
  });

  it("the store's compare-and-set changes nothing when the status moved on", async () => {
    const { auth, store, ctx, view } = await make();
    await auth.credentials.disable(ctx, view.id);
    expect(await store.credentials.update(ctx.userId, view.id, { status: "active", updatedAt: new Date() }, { expectStatus: "active" })).toBeNull();
    expect((await store.credentials.get(ctx.userId, view.id))?.status).toBe("disabled");
  });

  it("a lease never used again ends on time, writes its lease_end and is forgotten", async () => {
    const { auth, time, ctx, view } = await make();
    const lease = await auth.credentials.lease(ctx, view.id, { ttlMs: 30_000 });
    expect(auth.credentials.openLeases).toBe(1);
    await time.advance(30_001);
    expect(lease.ended).toBe(true);
    expect(auth.credentials.openLeases).toBe(0);
    expect(time.pending()).toBe(0);
    expect(await leaseEnds(auth, ctx.userId)).toEqual(["expired"]);
    expect(await code(lease.use(() => "late"))).toBe("CREDENTIAL_UNAVAILABLE");
  });

  it("erasure ends every open lease first; nothing about the user is written after it", async () => {
    const { auth, store, ctx, view } = await make();
    const lease = await auth.credentials.lease(ctx, view.id, { ttlMs: 60_000 });
    await auth.privacy.erase(ctx);
    expect(lease.ended).toBe(true);
    expect(await code(lease.use((s) => s.secret))).toBe("CREDENTIAL_UNAVAILABLE");
    const chain = () => store.audit.listChain(auth.audit.chainKeyOf(ctx.userId), 0, 1000);
    const before = await chain();
    // The lease_end was written before the erasure event, and pseudonymised with the rest.
    expect(before.map((e) => e.action).slice(-2)).toEqual(["credential.lease_end", "privacy.erase"]);
    await lease.close();
    expect((await chain()).length).toBe(before.length);
    expect(JSON.stringify(await chain())).not.toContain(ctx.userId);
  });

  it("a disable made by another replica ends the lease within the recheck interval", async () => {
    const { auth, store, time, ctx, view } = await make();
    const other = replica(store);
    const lease = await auth.credentials.lease(ctx, view.id, { ttlMs: 60_000 });
    expect(await lease.use((s) => s.apiKey.length)).toBeGreaterThan(0);
    await other.credentials.disable(ctx, view.id);
    await time.advance(5_000);
    expect(lease.ended).toBe(true);
    expect(await code(lease.use((s) => s.secret))).toBe("CREDENTIAL_UNAVAILABLE");
    expect(await leaseEnds(auth, ctx.userId)).toEqual(["revoked"]);
  });

  it("a delete made by another replica is noticed on the next use after the interval, even if the timer is late", async () => {
    const { auth, store, time, ctx, view } = await make();
    const other = replica(store);
    const lease = await auth.credentials.lease(ctx, view.id, { ttlMs: 60_000 });
    await other.credentials.delete(ctx, view.id);
    time.skip(6_000); // the background check does not fire: the use itself rechecks
    expect(await code(lease.use((s) => s.secret))).toBe("CREDENTIAL_UNAVAILABLE");
    expect(lease.ended).toBe(true);
  });

  it("a ccxt client made in a lease is wiped when the lease closes, and after a disable", async () => {
    const { auth, ctx, view, apiKey, secret } = await make();
    const settings = { urls: { binance: exchange.origin }, enableRateLimit: false };
    const lease = await auth.credentials.lease(ctx, view.id, { ttlMs: 60_000 });
    const client = await createCcxtClient({ exchange: "binance", lease, ...settings });
    expect(String((await client.fetchBalance())["USDT"]?.free)).toBe("42");
    await lease.close();
    const signedBefore = exchange.requestCount("/api/v3/account");
    expect(await code(client.fetchBalance())).toBe("CREDENTIAL_UNAVAILABLE");
    expect(exchange.requestCount("/api/v3/account")).toBe(signedBefore);
    expect(`${inspect(client, { depth: 2 })} ${JSON.stringify({ apiKey: client.apiKey, secret: client.secret })}`).not.toContain(secret);
    expect(client.apiKey).toBeUndefined();

    const second = await auth.credentials.lease(ctx, view.id, { ttlMs: 60_000 });
    const again = await createCcxtClient({ exchange: "binance", lease: second, ...settings });
    await auth.credentials.disable(ctx, view.id);
    expect(await code(again.fetchBalance())).toBe("CREDENTIAL_UNAVAILABLE");
    expect(again.apiKey).not.toBe(apiKey);
  });

  it("the secret handed to use(fn) prints, inspects and serialises as redacted; accessors give the values", async () => {
    const { auth, ctx, view, apiKey, secret } = await make();
    const shown = await auth.credentials.use(ctx, view.id, (s) => {
      expect([s.apiKey, s.secret]).toEqual([apiKey, secret]);
      return [String(s), `${s}`, JSON.stringify(s), JSON.stringify({ s }), inspect(s, { depth: 5, showHidden: true }), Object.keys(s).join(), JSON.stringify({ ...s })].join(" | ");
    });
    expect(shown).not.toContain(apiKey);
    expect(shown).not.toContain(secret);
    expect(shown).toContain("redacted");
  });

  it("rotation reports a record with a flipped payload byte as failed, audited, and moves the rest", async () => {
    const { store, ctx, view } = await make();
    const first = (await store.credentials.get(ctx.userId, view.id))!;
    const others = [];
    for (let i = 0; i < 2; i += 1) {
      const apiKey = `ROTKEY${String(++n).padStart(26, "0")}`;
      exchange.addAccount({ apiKey, secret: "rot-secret", balances: {} });
      others.push(await auths.at(-1)!.credentials.create(ctx, { exchange: "binance", label: `r${i}`, apiKey, secret: "rot-secret" }));
    }
    const raw = Buffer.from(first.sealedSecret, "base64url");
    raw[raw.length - 10] = (raw[raw.length - 10] as number) ^ 0x01;
    await store.credentials.update(ctx.userId, view.id, { sealedSecret: raw.toString("base64url"), updatedAt: new Date() });
    const rotated = createWalletAuth({
      store,
      keyRing: KeyRing.fromKeys({ keys: [{ id: "k1", key: key(1) }, { id: "k2", key: key(9) }], primaryKeyId: "k2" }),
      secrets: { fingerprintKey: Redacted.make(key(2)), auditKey: Redacted.make(key(3)) },
      siwe: { domain: "app.example.com", uri: "https://app.example.com", chainIds: ["eip155:1"] },
    });
    auths.push(rotated);
    const result = await rotated.rotation.runRewrap();
    expect(result.failures).toEqual([{ credentialId: view.id, keyId: "k1", code: "DECRYPTION_FAILED" }]);
    expect(result.rewrapped).toBe(2);
    expect((await store.credentials.get(ctx.userId, view.id))?.keyId).toBe("k1");
    for (const o of others) expect((await store.credentials.get(ctx.userId, o.id))?.keyId).toBe("k2");
  });
});
