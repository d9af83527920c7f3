import { WalletAuthError } from "../../errors/index.js";
import type { AuditChainHead, AuditEventRecord, AuditLog } from "../../ports/AuditLog.js";
import type { MemoryState } from "../MemoryState.js";
import { paginate } from "../paging.js";
import { copyAuditEvent } from "../records.js";
import type { Exec } from "./Exec.js";

const newestFirst = [
  { get: (r: AuditEventRecord) => r.occurredAt.getTime(), dir: -1 as const },
  { get: (r: AuditEventRecord) => r.seq, dir: -1 as const },
  { get: (r: AuditEventRecord) => r.id, dir: -1 as const },
];

/** Hash of the (absent) event before the first one of a chain. */
export const GENESIS_HASH = "0".repeat(64);

/**
 * Checks that `event` extends `head` on chain `chainKey`; a builder that returns anything else
 * would fork or break the chain, so the store refuses it.
 * @throws WalletAuthError `INTERNAL` (reason `audit-chain-mismatch`)
 */
export function assertExtendsHead(chainKey: string, head: AuditChainHead | null, event: AuditEventRecord): void {
  const seq = (head?.seq ?? 0) + 1;
  const prevHash = head?.hash ?? GENESIS_HASH;
  if (event.chainKey !== chainKey || event.seq !== seq || event.prevHash !== prevHash) {
    throw new WalletAuthError("INTERNAL", { reason: "audit-chain-mismatch" });
  }
}

function headOf(s: MemoryState, chainKey: string): AuditChainHead | null {
  const ids = s.auditChains.get(chainKey);
  const lastId = ids?.[ids.length - 1];
  const last = lastId === undefined ? undefined : s.auditEvents.get(lastId);
  return last ? { seq: last.seq, hash: last.hash } : null;
}

/** The memory {@link AuditLog}: appends are serialised by the store's mutex. */
export function memoryAudit(exec: Exec): AuditLog {
  return {
    append: (chainKey, build) =>
      exec((s) => {
        const head = headOf(s, chainKey);
        const event = copyAuditEvent(build(head === null ? null : { ...head }));
        assertExtendsHead(chainKey, head, event);
        if (s.auditEvents.has(event.id)) throw new WalletAuthError("CONFLICT", { reason: "audit-id-exists" });
        s.put(s.auditEvents, event.id, event);
        s.append(s.auditChains, chainKey, event.id);
        return copyAuditEvent(event);
      }),
    listChain: (chainKey, afterSeq, limit) =>
      exec((s) => {
        const ids = s.auditChains.get(chainKey) ?? [];
        // seq is 1-based and dense, so the id list doubles as a seq index.
        const start = Math.max(0, Math.trunc(afterSeq));
        return ids
          .slice(start, start + Math.max(0, Math.trunc(limit)))
          .map((id) => copyAuditEvent(s.auditEvents.get(id) as AuditEventRecord));
      }),
    query: (q) =>
      exec((s) => {
        const actions = q.action === undefined ? undefined : typeof q.action === "string" ? [q.action] : q.action;
        const rows = [...s.auditEvents.values()].filter(
          (r) =>
            r.subjectUserId === q.subjectUserId &&
            (actions === undefined || actions.includes(r.action)) &&
            (q.outcome === undefined || r.outcome === q.outcome) &&
            (q.from === undefined || r.occurredAt.getTime() >= q.from.getTime()) &&
            (q.to === undefined || r.occurredAt.getTime() < q.to.getTime()),
        );
        const page = paginate(rows, newestFirst, q);
        return { items: page.items.map(copyAuditEvent), nextCursor: page.nextCursor };
      }),
    erasePersonalData: (chainKey, subjectUserId) =>
      exec((s) => {
        let n = 0;
        for (const id of s.auditChains.get(chainKey) ?? []) {
          const r = s.auditEvents.get(id) as AuditEventRecord;
          const actorId = r.actorId === subjectUserId ? null : r.actorId;
          if (r.subjectUserId === null && actorId === r.actorId && r.ipHash === null && r.userAgent === null) continue;
          s.put(s.auditEvents, id, copyAuditEvent({ ...r, subjectUserId: null, actorId, ipHash: null, userAgent: null }));
          n++;
        }
        return n;
      }),
  };
}
