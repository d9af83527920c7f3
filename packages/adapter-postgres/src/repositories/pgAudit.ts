import { type AuditChainHead, type AuditEventRecord, type AuditLog, WalletAuthError } from "@wallet-auth/core";
import { type Db, type Row, query } from "../internal/Db.js";
import { date, json, jsonParam, num, str, strOrNull } from "../internal/mappers.js";
import { clampLimit, decodeCursor, encodeCursor } from "../internal/paging.js";

const COLUMNS = `id, chain_key, seq, subject_user_id, actor_type, actor_id, action, target_type, target_id, outcome,
  request_id, ip_hash, user_agent, details, personal_digest, occurred_at, prev_hash, hash`;
const GENESIS_HASH = "0".repeat(64);
/** Lost compare-and-set rounds before giving up (each round some appender wins). */
const MAX_ATTEMPTS = 1000;

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

/** Heads this process wrote last, per chain: a guess that saves a read, never trusted. */
export class ChainHeadCache {
  readonly #heads = new Map<string, AuditChainHead>();
  constructor(private readonly capacity = 10_000) {}
  get(chainKey: string): AuditChainHead | undefined {
    return this.#heads.get(chainKey);
  }
  remember(chainKey: string, head: AuditChainHead): void {
    this.#heads.delete(chainKey);
    if (this.#heads.size >= this.capacity) {
      const oldest = this.#heads.keys().next();
      if (oldest.done !== true) this.#heads.delete(oldest.value);
    }
    this.#heads.set(chainKey, { ...head });
  }
}

/** The PostgreSQL {@link AuditLog}: optimistic appends guarded by the unique (chain_key, seq). */
export function pgAudit(db: Db, heads: ChainHeadCache): AuditLog {
  return {
    async append(chainKey, build) {
      // Optimistic, no explicit transaction or lock. Read the head (the chain's last event),
      // build, then one INSERT that lands only if the event it links to, (seq - 1, prevHash), is
      // there and no event holds this seq yet. The unique (chain_key, seq) decides races: of two
      // appenders claiming one seq exactly one lands, so the chain never forks; the loser re-reads
      // and rebuilds. Different chains touch different index keys and never wait for each other.
      // Inside a caller's transaction the uncommitted event makes same-chain appenders wait on
      // the unique index until commit, then retry.
      // The head this process last wrote is tried first without reading (one round trip); the
      // predecessor check makes a stale guess harmless: it just falls back to a read.
      let guess = heads.get(chainKey);
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        let head: AuditChainHead | null;
        if (guess !== undefined) {
          head = guess;
          guess = undefined;
        } else {
          const { rows: found } = await query(
            db,
            `SELECT seq, hash FROM audit_events WHERE chain_key = ? ORDER BY seq DESC LIMIT 1`,
            [chainKey],
          );
          const headRow = found[0];
          head = headRow ? { seq: num(headRow.seq), hash: str(headRow.hash) } : null;
        }
        const e = build(head === null ? null : { ...head });
        if (e.chainKey !== chainKey || e.seq !== (head?.seq ?? 0) + 1 || e.prevHash !== (head?.hash ?? GENESIS_HASH)) {
          throw new WalletAuthError("INTERNAL", { reason: "audit-chain-mismatch" });
        }
        const { rows } = await query(
          db,
          `INSERT INTO audit_events (${COLUMNS})
           SELECT ?::text, ?::text, ?::bigint, ?::text, ?::text, ?::text, ?::text, ?::text, ?::text, ?::text,
                  ?::text, ?::text, ?::text, ?::jsonb, ?::text, ?::timestamptz, ?::text, ?::text
           WHERE ?::bigint = 1
              OR EXISTS (SELECT 1 FROM audit_events p WHERE p.chain_key = ? AND p.seq = ?::bigint - 1 AND p.hash = ?)
           ON CONFLICT (chain_key, seq) DO NOTHING
           RETURNING ${COLUMNS}`,
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
            chainKey,
            e.seq,
            e.prevHash,
          ],
        );
        if (rows[0]) {
          heads.remember(chainKey, { seq: e.seq, hash: e.hash });
          return toEvent(rows[0]);
        }
      }
      throw new WalletAuthError("AUDIT_UNAVAILABLE", { reason: "audit-append-contention" });
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
