import { type AuditChainHead, type AuditEventRecord, type AuditLog, WalletAuthError } from "@wallet-auth/core";
import { type Db, type Row, inTransaction, query } from "../internal/Db.js";
import { date, json, jsonParam, num, str, strOrNull } from "../internal/mappers.js";
import { clampLimit, decodeCursor, encodeCursor } from "../internal/paging.js";

const COLUMNS = `id, chain_key, seq, subject_user_id, actor_type, actor_id, action, target_type, target_id, outcome,
  request_id, ip_hash, user_agent, details, personal_digest, occurred_at, prev_hash, hash`;
const GENESIS_HASH = "0".repeat(64);

function toEvent(r: Row): AuditEventRecord {
  return {
    id: str(r.id),
    chainKey: str(r.chain_key),
    seq: num(r.seq),
    subjectUserId: strOrNull(r.subject_user_id),
    actorType: str(r.actor_type) as AuditEventRecord["actorType"],
    actorId: strOrNull(r.actor_id),
    action: str(r.action),
    targetType: strOrNull(r.target_type),
    targetId: strOrNull(r.target_id),
    outcome: str(r.outcome) as AuditEventRecord["outcome"],
    requestId: strOrNull(r.request_id),
    ipHash: strOrNull(r.ip_hash),
    userAgent: strOrNull(r.user_agent),
    details: json<AuditEventRecord["details"]>(r.details),
    personalDigest: str(r.personal_digest),
    occurredAt: date(r.occurred_at),
    prevHash: str(r.prev_hash),
    hash: str(r.hash),
  };
}

/** The PostgreSQL {@link AuditLog}: appends lock the chain's head row. */
export function pgAudit(db: Db): AuditLog {
  return {
    append(chainKey, build) {
      return inTransaction(db, async (trx) => {
        // Upserting the head row locks it until commit: concurrent appends to this chain queue
        // here and then read the head their predecessor wrote; other chains are other rows.
        const { rows: heads } = await query(
          trx,
          `INSERT INTO audit_chain_heads (chain_key, seq, hash) VALUES (?, 0, ?)
           ON CONFLICT (chain_key) DO UPDATE SET chain_key = excluded.chain_key RETURNING seq, hash`,
          [chainKey, GENESIS_HASH],
        );
        const headRow = heads[0] as Row;
        const seq = num(headRow.seq);
        const head: AuditChainHead | null = seq === 0 ? null : { seq, hash: str(headRow.hash) };
        const e = build(head);
        if (e.chainKey !== chainKey || e.seq !== seq + 1 || e.prevHash !== (head?.hash ?? GENESIS_HASH)) {
          throw new WalletAuthError("INTERNAL", { reason: "audit-chain-mismatch" });
        }
        const { rows } = await query(
          trx,
          `WITH event AS (
             INSERT INTO audit_events (${COLUMNS})
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?)
             RETURNING ${COLUMNS}
           ), moved AS (
             UPDATE audit_chain_heads SET seq = ?, hash = ? WHERE chain_key = ? RETURNING 1
           )
           SELECT * FROM event`,
          [
            e.id,
            e.chainKey,
            e.seq,
            e.subjectUserId,
            e.actorType,
            e.actorId,
            e.action,
            e.targetType,
            e.targetId,
            e.outcome,
            e.requestId,
            e.ipHash,
            e.userAgent,
            jsonParam(e.details),
            e.personalDigest,
            e.occurredAt,
            e.prevHash,
            e.hash,
            e.seq,
            e.hash,
            chainKey,
          ],
        );
        return toEvent(rows[0] as Row);
      });
    },
    async listChain(chainKey, afterSeq, limit) {
      const { rows } = await query(
        db,
        `SELECT ${COLUMNS} FROM audit_events WHERE chain_key = ? AND seq > ? ORDER BY seq LIMIT ?`,
        [chainKey, Math.trunc(afterSeq), Math.max(0, Math.trunc(limit))],
      );
      return rows.map(toEvent);
    },
    async query(q) {
      const where = ["subject_user_id = ?"];
      const bindings: unknown[] = [q.subjectUserId];
      if (q.action !== undefined) {
        const actions = typeof q.action === "string" ? [q.action] : [...q.action];
        if (actions.length === 0) return { items: [], nextCursor: null };
        where.push(`action IN (${actions.map(() => "?").join(", ")})`);
        bindings.push(...actions);
      }
      if (q.outcome !== undefined) (where.push("outcome = ?"), bindings.push(q.outcome));
      if (q.from !== undefined) (where.push("occurred_at >= ?"), bindings.push(q.from));
      if (q.to !== undefined) (where.push("occurred_at < ?"), bindings.push(q.to));
      const after = decodeCursor(q.cursor, ["number", "number", "string"]);
      if (after) {
        where.push("(occurred_at, seq, id) < (?, ?, ?)");
        bindings.push(new Date(after[0] as number), after[1], after[2]);
      }
      const limit = clampLimit(q.limit);
      const { rows } = await query(
        db,
        `SELECT ${COLUMNS} FROM audit_events WHERE ${where.join(" AND ")}
         ORDER BY occurred_at DESC, seq DESC, id DESC LIMIT ?`,
        [...bindings, limit + 1],
      );
      const items = rows.slice(0, limit).map(toEvent);
      const last = items[items.length - 1];
      return {
        items,
        nextCursor: rows.length > limit && last ? encodeCursor([last.occurredAt.getTime(), last.seq, last.id]) : null,
      };
    },
    async erasePersonalData(chainKey, subjectUserId) {
      const { rowCount } = await query(
        db,
        `UPDATE audit_events SET subject_user_id = NULL, ip_hash = NULL, user_agent = NULL,
           actor_id = CASE WHEN actor_id = ? THEN NULL ELSE actor_id END
         WHERE chain_key = ? AND (subject_user_id IS NOT NULL OR ip_hash IS NOT NULL OR user_agent IS NOT NULL OR actor_id = ?)`,
        [subjectUserId, chainKey, subjectUserId],
      );
      return rowCount;
    },
  };
}
