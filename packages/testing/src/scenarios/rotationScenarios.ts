/**
 * Store-agnostic key-rotation scenarios, run on the memory store beside this file and on
 * PGlite / PostgreSQL by adapter-postgres. Test support only: not exported by the package.
 */
import { createHash } from "node:crypto";
import { expect } from "vitest";
import { AuditTrail, type CredentialRecord, KeyRing, RotationService, type StoreRepositories, verifyAuditChain, type WalletAuthStore } from "@wallet-auth/core";
import { testHashKey } from "./auditScenarios.js";

/** A deterministic 32-byte key per id (tests only). */
export function testKey(id: string): { id: string; key: Uint8Array; createdAt: Date } {
  const key = new Uint8Array(32);
  for (let i = 0; i < 32; i++) key[i] = (id.charCodeAt(i % id.length) * (i + 7)) & 0xff;
  return { id, key, createdAt: new Date("2025-01-01T00:00:00.000Z") };
}

/** A ring holding `ids`, the last one primary. */
export function ringOf(ids: readonly string[]): KeyRing {
  return KeyRing.fromKeys({ keys: ids.map(testKey), primaryKeyId: ids[ids.length - 1] as string });
}

/** Seeded PRNG (mulberry32), so a failing run can be replayed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seeded credential's owner and plaintext. */
export interface SeededCredential {
  userId: string;
  plaintext: string;
}

/** Inserts `count` credentials sealed by `ring` for `users` users; returns id -> owner and plaintext. */
export async function seedCredentials(
  store: WalletAuthStore,
  ring: KeyRing,
  options: { count: number; prefix: string; users?: number; plaintext?: (i: number) => string },
): Promise<Map<string, SeededCredential>> {
  const users = options.users ?? 5;
  const now = new Date("2026-01-01T00:00:00.000Z");
  const out = new Map<string, SeededCredential>();
  const rows: CredentialRecord[] = [];
  for (let i = 0; i < options.count; i++) {
    const userId = `user_${options.prefix}_${i % users}`;
    const id = `00000000-0000-4000-8000-${(hashPrefix(options.prefix) * 1_000_000 + i).toString().padStart(12, "0")}`;
    const plaintext = options.plaintext?.(i) ?? `{"apiKey":"${options.prefix}-key-${i}","secret":"${options.prefix}-secret-${i}"}`;
    const sealed = ring.seal(new TextEncoder().encode(plaintext), { userId, recordId: id, purpose: "credential:binance" });
    out.set(id, { userId, plaintext });
    rows.push({
      id,
      userId,
      exchange: "binance",
      label: `cred ${i}`,
      status: "active",
      fingerprint: createHash("sha256").update(`${options.prefix}:${i}`).digest("hex"),
      keyHint: String(i).padStart(4, "0").slice(-4),
      sealedSecret: sealed.sealed,
      keyId: sealed.keyId,
      formatVersion: sealed.formatVersion,
      permissions: { read: true, trade: true, withdraw: false },
      keyPermissions: null,
      permissionRiskAcceptedAt: null,
      expiresAt: null,
      lastUsedAt: null,
      lastValidatedAt: null,
      createdAt: new Date(now.getTime() + i),
      updatedAt: now,
    });
  }
  for (let u = 0; u < users; u++) await store.users.ensure(`user_${options.prefix}_${u}`, now);
  for (let i = 0; i < rows.length; i += 200) {
    const chunk = rows.slice(i, i + 200);
    await store.transaction(async (tx) => {
      for (const row of chunk) await tx.credentials.insert(row);
    });
  }
  return out;
}

function hashPrefix(prefix: string): number {
  let h = 7;
  for (const c of prefix) h = (h * 31 + c.charCodeAt(0)) % 999_983;
  return h % 999_999;
}

/** Every credential opens with `ring` to its original plaintext and sits on the primary key. */
export async function expectAllOnPrimary(store: WalletAuthStore, ring: KeyRing, seeded: Map<string, SeededCredential>): Promise<void> {
  expect(Object.keys(await store.credentials.countByKeyId())).toEqual([ring.primaryKeyId]);
  for (const [id, { userId, plaintext }] of seeded) {
    const row = await store.credentials.get(userId, id);
    expect(row, id).not.toBeNull();
    if (!row) continue;
    expect(row.keyId).toBe(ring.primaryKeyId);
    expect(ring.inspect(row.sealedSecret).keyId).toBe(ring.primaryKeyId);
    const opened = ring.openWith(row.sealedSecret, { userId, recordId: id, purpose: `credential:${row.exchange}` }, (p) => new TextDecoder().decode(p));
    expect(opened).toBe(plaintext);
  }
}

/** How a run is interrupted. */
export type Fault = { kind: "throw"; atCall: number } | { kind: "abort"; atCall: number };

/**
 * Wraps a store so the `atCall`-th repository call (outer or inside a transaction) throws, or
 * aborts `controller`: a crash at an arbitrary point of the job.
 */
export function faultyStore(store: WalletAuthStore, fault: Fault, controller: AbortController): WalletAuthStore {
  let calls = 0;
  const hit = () => {
    calls += 1;
    if (calls !== fault.atCall) return;
    if (fault.kind === "abort") controller.abort(new Error("operator stopped the job"));
    else throw new Error(`injected crash at call ${calls}`);
  };
  const wrapRepos = (repos: StoreRepositories): StoreRepositories => {
    const out = {} as Record<string, unknown>;
    for (const name of ["users", "credentials", "wallets", "nonces", "snapshots", "transactions", "audit", "alerts", "rotationJobs", "leases"] as const) {
      const repo = repos[name] as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
      out[name] = new Proxy(repo, {
        get(target, prop) {
          const fn = target[prop as string];
          if (typeof fn !== "function") return fn;
          return async (...args: unknown[]) => {
            hit();
            const result = await fn.apply(target, args);
            // Half the faults land after the statement ran (the write happened, then the crash).
            hit();
            return result;
          };
        },
      });
    }
    return out as unknown as StoreRepositories;
  };
  return {
    ...wrapRepos(store),
    kind: store.kind,
    close: () => store.close(),
    transaction: (fn) => store.transaction((tx) => fn(wrapRepos(tx))),
  };
}

/**
 * Kills the rewrap job at random points over `runs` rotations, then finishes each one: every
 * credential opens to its original plaintext and none is left on an old key.
 */
export async function rewrapCrashScenario(
  store: WalletAuthStore,
  options: { runs: number; perRun: number; seed: number; batchSize?: number },
): Promise<{ interruptions: number; rewrapped: number }> {
  const random = prng(options.seed);
  const hashKey = testHashKey();
  const audit = new AuditTrail({ hashKey });
  const keyIds = ["k0"];
  const plaintexts = new Map<string, SeededCredential>();
  let interruptions = 0;
  let rewrapped = 0;
  for (let run = 1; run <= options.runs; run++) {
    // New credentials on the current primary, then rotate to a fresh key.
    const seeded = await seedCredentials(store, ringOf(keyIds), { count: options.perRun, prefix: `r${run}`, users: 3 });
    for (const [k, v] of seeded) plaintexts.set(k, v);
    keyIds.push(`k${run}`);
    const ring = ringOf(keyIds);
    const rotation = (s: WalletAuthStore) => new RotationService({ store: s, keyRing: ring, audit });
    // One to three crashes at random calls, then an uninterrupted run.
    const crashes = 1 + Math.floor(random() * 3);
    for (let c = 0; c < crashes; c++) {
      const controller = new AbortController();
      const fault: Fault = { kind: random() < 0.5 ? "throw" : "abort", atCall: 1 + Math.floor(random() * 40) };
      const outcome = await rotation(faultyStore(store, fault, controller))
        .runRewrap({ batchSize: options.batchSize ?? 7, signal: controller.signal, concurrency: 1 + Math.floor(random() * 3) })
        .then(
          (r) => r,
          () => null,
        );
      if (outcome === null) interruptions += 1;
    }
    const done = await rotation(store).runRewrap({ batchSize: options.batchSize ?? 7 });
    expect(done.failed).toBe(0);
    expect(done.remaining).toBe(0);
    rewrapped += done.rewrapped;
    await expectAllOnPrimary(store, ring, plaintexts);
    await expect(rotation(store).assertRetirable(`k${run - 1}`)).resolves.toBeUndefined();
  }
  const chain = await verifyAuditChain({ store, chainKey: audit.systemChainKeyOf("key-rotation"), hashKey });
  expect(chain.ok).toBe(true);
  return { interruptions, rewrapped };
}
