import type { AuditEventRecord, AuditLog } from "../ports/AuditLog.js";
import { Redacted } from "../secret/Redacted.js";
import { GENESIS_HASH, chainKeyFor, computeEventHash, personalDigestFor } from "./auditHashing.js";

/** Why a chain failed verification. */
export type AuditChainBreakReason =
  /** The stored hash is not the hash of the event's contents: the event was edited. */
  | "hash-mismatch"
  /** `prevHash` does not point at the previous event: an event was removed, inserted or reordered. */
  | "prev-hash-mismatch"
  /** A `seq` is missing (deleted event) or out of order. */
  | "seq-gap"
  /** The event belongs to another chain. */
  | "chain-key-mismatch"
  /** Personal fields still present do not match the personal digest (needs `hashKey`). */
  | "personal-digest-mismatch"
  /** The chain ends before, or differs from, the externally anchored head. */
  | "truncated"
  | "head-mismatch";

/** Which chain to verify: a chain key, or a user id plus the audit hash key. */
export type AuditChainSelector =
  | { chainKey: string; userId?: undefined; hashKey?: Redacted<Uint8Array> | undefined }
  | { userId: string; hashKey: Redacted<Uint8Array>; chainKey?: undefined };

/** Options for {@link verifyAuditChain}. */
export type VerifyAuditChainOptions = AuditChainSelector & {
  /** The store (or its `audit` repository) holding the chain. */
  store: { audit: AuditLog };
  /**
   * A head recorded earlier outside the database (see {@link chainHead}). With it, deleting the
   * newest events is detected too; without it, it cannot be.
   */
  expectedHead?: { seq: number; hash: string } | undefined;
  /** Events read per page. Default 500. */
  pageSize?: number | undefined;
};

/** Result of {@link verifyAuditChain}. */
export type VerifyAuditChainResult =
  | { ok: true; count: number; head: { seq: number; hash: string } | null }
  | { ok: false; count: number; brokenAt: { seq: number; eventId?: string; reason: AuditChainBreakReason } };

/**
 * Walks one audit chain from its first event and reports the first broken link.
 *
 * Detected: an edited event (any hashed field, or a still-present personal field when
 * `hashKey` is given), a deleted event (seq gap / prev-hash mismatch), reordered events, an
 * event moved from another chain, and, with `expectedHead`, a truncated tail. Not detected
 * without an anchor: deleting the newest events (the remaining prefix is a valid chain), or
 * a rewrite of the chain from some event onwards by someone who can write to the database
 * (SHA-256 is unkeyed, so they can recompute the hashes; they cannot forge the keyed personal
 * digest of a changed personal field). Keep {@link chainHead} values outside the database to
 * close both gaps.
 *
 * @param options - The store, which chain, optional `expectedHead` and `hashKey`.
 * @returns `{ ok: true, count }` or `{ ok: false, brokenAt: { seq, eventId, reason } }`.
 * @example
 * ```ts
 * const result = await verifyAuditChain({ store, userId: "user_1", hashKey });
 * if (!result.ok) console.error("audit chain broken at", result.brokenAt.seq, result.brokenAt.reason);
 * ```
 */
export async function verifyAuditChain(options: VerifyAuditChainOptions): Promise<VerifyAuditChainResult> {
  const key = options.hashKey ? Redacted.unwrap(options.hashKey) : undefined;
  const chainKey = options.chainKey ?? chainKeyFor(key as Uint8Array, options.userId as string);
  const pageSize = Math.max(1, Math.min(options.pageSize ?? 500, 1000));
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  let count = 0;
  let afterSeq = 0;
  const fail = (event: AuditEventRecord | undefined, seq: number, reason: AuditChainBreakReason): VerifyAuditChainResult => ({
    ok: false,
    count,
    brokenAt: event ? { seq, eventId: event.id, reason } : { seq, reason },
  });
  for (;;) {
    const page = await options.store.audit.listChain(chainKey, afterSeq, pageSize);
    for (const event of page) {
      if (event.chainKey !== chainKey) return fail(event, event.seq, "chain-key-mismatch");
      if (event.seq !== expectedSeq) return fail(event, Math.min(event.seq, expectedSeq), "seq-gap");
      const { hash, ...unsigned } = event;
      if (computeEventHash(unsigned) !== hash) return fail(event, event.seq, "hash-mismatch");
      if (event.prevHash !== prevHash) return fail(event, event.seq, "prev-hash-mismatch");
      if (key && event.subjectUserId !== null && personalDigestFor(key, event) !== event.personalDigest) {
        return fail(event, event.seq, "personal-digest-mismatch");
      }
      prevHash = hash;
      expectedSeq += 1;
      count += 1;
    }
    if (page.length < pageSize) break;
    afterSeq = page[page.length - 1]?.seq ?? afterSeq;
  }
  const head = count === 0 ? null : { seq: count, hash: prevHash };
  if (options.expectedHead) {
    const want = options.expectedHead;
    if (count < want.seq) return fail(undefined, count + 1, "truncated");
    // Walk matched up to `count`; the anchored event must be the one at `want.seq`.
    if (!(await anchoredMatches(options.store.audit, chainKey, want))) return fail(undefined, want.seq, "head-mismatch");
  }
  return { ok: true, count, head };
}

async function anchoredMatches(audit: AuditLog, chainKey: string, want: { seq: number; hash: string }): Promise<boolean> {
  if (want.seq === 0) return true;
  const [event] = await audit.listChain(chainKey, want.seq - 1, 1);
  return event !== undefined && event.seq === want.seq && event.hash === want.hash;
}
