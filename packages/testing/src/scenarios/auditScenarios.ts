/**
 * Store-agnostic audit scenarios, run by the tests beside this file on the memory store and
 * by adapter-postgres on PGlite / PostgreSQL. Test support only: not exported by the package.
 */
import { randomUUID } from "node:crypto";
import { expect } from "vitest";
import { type AuditEventRecord, type AuditLog, AuditTrail, chainHead, type Clock, Redacted, verifyAuditChain, type WalletAuthStore } from "@wallet-auth/core";

/** A fixed 32-byte audit key for tests. */
export const testHashKey = (): Redacted<Uint8Array> => Redacted.make(new Uint8Array(32).fill(0x5a));

/** A clock tests move by hand. */
export function manualClock(start = new Date("2026-01-01T00:00:00.000Z")): Clock & { advance(ms: number): void; set(d: Date): void } {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    advance(ms) {
      now += ms;
    },
    set(d) {
      now = d.getTime();
    },
  };
}

/** Every event of a chain, ascending. */
export async function readChain(audit: AuditLog, chainKey: string): Promise<AuditEventRecord[]> {
  const out: AuditEventRecord[] = [];
  for (;;) {
    const page = await audit.listChain(chainKey, out.length === 0 ? 0 : (out[out.length - 1] as AuditEventRecord).seq, 1000);
    out.push(...page);
    if (page.length < 1000) return out;
  }
}

/**
 * An audit log serving `events` (as if someone had edited the table), for tamper tests on any
 * backend: the rows come from the real store, the tampering is applied on top.
 */
export function tamperedLog(events: readonly AuditEventRecord[]): { audit: AuditLog } {
  const rows = events.map((e) => ({ ...e, details: { ...e.details }, occurredAt: new Date(e.occurredAt) }));
  const sorted = () => [...rows].sort((a, b) => a.seq - b.seq);
  const unsupported = () => Promise.reject(new Error("read-only"));
  return {
    audit: {
      append: unsupported,
      query: unsupported,
      erasePersonalData: unsupported,
      listChain: async (chainKey, afterSeq, limit) => sorted().filter((e) => e.chainKey === chainKey && e.seq > afterSeq).slice(0, limit),
    },
  };
}

/** Kinds of tampering the chain must reveal. */
export type Tampering = "edit-action" | "edit-details" | "edit-time" | "edit-outcome" | "delete" | "swap-seq" | "insert-forged";

/** Applies one tampering at position `index` (0-based) of an ascending chain. */
export function tamper(events: readonly AuditEventRecord[], index: number, how: Tampering): AuditEventRecord[] {
  const rows = events.map((e) => ({ ...e, details: { ...e.details } }));
  const target = rows[index] as AuditEventRecord;
  switch (how) {
    case "edit-action":
      target.action = "credential.view";
      break;
    case "edit-details":
      target.details = { ...target.details, count: 999 };
      break;
    case "edit-time":
      target.occurredAt = new Date(target.occurredAt.getTime() - 1000);
      break;
    case "edit-outcome":
      target.outcome = target.outcome === "success" ? "failure" : "success";
      break;
    case "delete":
      rows.splice(index, 1);
      break;
    case "swap-seq": {
      const other = rows[index + 1] ?? rows[index - 1];
      if (!other) throw new Error("need two events");
      [target.seq, other.seq] = [other.seq, target.seq];
      break;
    }
    case "insert-forged": {
      // A forged event claiming the target's place, linked correctly to its predecessor.
      rows.splice(index, 0, { ...target, id: "forged", action: "credential.delete" });
      for (let i = index + 1; i < rows.length; i++) (rows[i] as AuditEventRecord).seq += 1;
      break;
    }
  }
  return rows;
}

/**
 * Records `count` events for `userId`, then proves that tampering with any of them is reported
 * at the first broken link, and that erasure keeps the chain verifiable.
 */
export async function hashChainScenario(store: WalletAuthStore, options: { userId: string; count?: number; clock?: Clock }): Promise<void> {
  const hashKey = testHashKey();
  const audit = new AuditTrail({ hashKey, ...(options.clock ? { clock: options.clock } : {}) });
  const ctx = { userId: options.userId, ip: "203.0.113.7", userAgent: "scenario/1", requestId: "req-1" };
  const count = options.count ?? 8;
  for (let i = 0; i < count; i++) {
    await store.transaction((tx) =>
      audit.record(tx, ctx, { action: i % 2 ? "credential.use" : "wallet.link", outcome: "success", targetId: `t${i}`, details: { count: i } }),
    );
  }
  const chainKey = audit.chainKeyOf(options.userId);
  expect(await verifyAuditChain({ store, userId: options.userId, hashKey, pageSize: 3 })).toEqual({
    ok: true,
    count,
    head: await chainHead({ store, chainKey }),
  });
  const events = await readChain(store.audit, chainKey);
  expect(events.map((e) => e.seq)).toEqual(Array.from({ length: count }, (_, i) => i + 1));

  const kinds: Tampering[] = ["edit-action", "edit-details", "edit-time", "edit-outcome", "delete", "swap-seq", "insert-forged"];
  for (const how of kinds) {
    for (let index = 0; index < count; index++) {
      if (how === "delete" && index === count - 1) continue; // tail truncation: covered below
      const result = await verifyAuditChain({ store: tamperedLog(tamper(events, index, how)), chainKey, pageSize: 3 });
      const firstBroken = how === "swap-seq" && index === count - 1 ? index : index + 1;
      expect(result.ok, `${how} at ${index}`).toBe(false);
      if (!result.ok) expect(result.brokenAt.seq, `${how} at ${index}`).toBe(firstBroken);
    }
  }

  // Truncating the tail is invisible without an anchor, and caught with one.
  const head = await chainHead({ store, chainKey });
  const truncated = tamperedLog(events.slice(0, -2));
  expect((await verifyAuditChain({ store: truncated, chainKey })).ok).toBe(true);
  const anchored = await verifyAuditChain({ store: truncated, chainKey, expectedHead: head ?? undefined });
  expect(anchored).toMatchObject({ ok: false, brokenAt: { seq: count - 1, reason: "truncated" } });

  // A personal field edited on a not-yet-erased event is caught when the verifier has the key.
  const uaEdited = events.map((e, i) => (i === 2 ? { ...e, userAgent: "evil/2" } : e));
  expect(await verifyAuditChain({ store: tamperedLog(uaEdited), chainKey, hashKey })).toMatchObject({
    ok: false,
    brokenAt: { seq: 3, reason: "personal-digest-mismatch" },
  });

  // Erasure: personal fields go, the chain still verifies (with and without the key).
  const erased = await store.audit.erasePersonalData(chainKey, options.userId);
  expect(erased).toBe(count);
  const after = await readChain(store.audit, chainKey);
  for (const e of after) expect([e.subjectUserId, e.actorId, e.ipHash, e.userAgent]).toEqual([null, null, null, null]);
  expect(await verifyAuditChain({ store, chainKey, hashKey, expectedHead: head ?? undefined })).toMatchObject({ ok: true, count });
}

/** Concurrent writers on several users' chains; every chain stays dense and verifiable. */
export async function concurrentAppendScenario(store: WalletAuthStore, options: { users: number; perUser: number }): Promise<void> {
  const hashKey = testHashKey();
  const audit = new AuditTrail({ hashKey });
  const users = Array.from({ length: options.users }, (_, i) => `user_conc_${i}`);
  await Promise.all(
    users.flatMap((userId) =>
      Array.from({ length: options.perUser }, (_, i) => audit.recordNow(store, { userId }, { action: "auth.success", outcome: "success", details: { i } })),
    ),
  );
  for (const userId of users) {
    expect(await verifyAuditChain({ store, userId, hashKey })).toMatchObject({ ok: true, count: options.perUser });
  }
}

/**
 * A well-linked event with placeholder hashes, for benchmarks of the store's bare append (no
 * hashing, no transaction): the baseline the hash-chained path is compared with.
 */
export function prebuiltAuditEvent(chainKey: string, head: { seq: number; hash: string } | null): AuditEventRecord {
  return {
    id: randomUUID(),
    chainKey,
    seq: (head?.seq ?? 0) + 1,
    subjectUserId: null,
    actorType: "user",
    actorId: null,
    action: "credential.use",
    targetType: "credential",
    targetId: "cred_1",
    outcome: "success",
    requestId: null,
    ipHash: null,
    userAgent: null,
    details: { exchange: "binance" },
    personalDigest: "d",
    occurredAt: new Date(),
    prevHash: head?.hash ?? "0".repeat(64),
    hash: "h",
  };
}
