import type { AuditEventRecord } from "@wallet-auth/core";
import { type Db, query } from "../internal/Db.js";
import { jsonParam } from "../internal/mappers.js";

/** The audit_events columns, in the order {@link eventBindings} binds them. */
export const AUDIT_COLUMNS = `id, chain_key, seq, subject_user_id, actor_type, actor_id, action, target_type, target_id, outcome,
  request_id, ip_hash, user_agent, details, personal_digest, occurred_at, prev_hash, hash`;

const CASTS = `?::text, ?::text, ?::bigint, ?::text, ?::text, ?::text, ?::text, ?::text, ?::text, ?::text,
  ?::text, ?::text, ?::text, ?::jsonb, ?::text, ?::timestamptz, ?::text, ?::text`;
const PLAIN = `(${Array.from({ length: 18 }, () => "?").join(", ")})`;

/**
 * Longest a batched insert waits for a row lock (an uncommitted event of another transaction
 * on one of its chains) before it gives up and its events go one by one: a busy chain then
 * holds up only its own appender.
 */
const BATCH_LOCK_TIMEOUT = "100ms";

/** The values of one event, in {@link AUDIT_COLUMNS} order. */
function eventBindings(e: AuditEventRecord): unknown[] {
  return [
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
  ];
}

/**
 * Inserts one event only if it extends the chain: its predecessor `(seq - 1, prevHash)` is
 * committed (or seq is 1) and no event holds its seq yet. The unique (chain_key, seq) decides
 * races: of two appenders claiming one seq exactly one lands. Returns whether it landed.
 */
export async function insertEvent(db: Db, e: AuditEventRecord): Promise<boolean> {
  const { rowCount } = await query(
    db,
    `INSERT INTO audit_events (${AUDIT_COLUMNS})
     SELECT ${CASTS}
     WHERE ?::bigint = 1
        OR EXISTS (SELECT 1 FROM audit_events p WHERE p.chain_key = ? AND p.seq = ?::bigint - 1 AND p.hash = ?)
     ON CONFLICT (chain_key, seq) DO NOTHING`,
    [...eventBindings(e), e.seq, e.chainKey, e.seq, e.prevHash],
  );
  return rowCount > 0;
}

/**
 * {@link insertEvent} for events of distinct chains in one statement (one round trip, one
 * commit). Each row lands or not on its own, by the same predecessor check and unique key.
 * The statement waits at most {@link BATCH_LOCK_TIMEOUT} for a row lock, then fails whole.
 *
 * @returns the ids of the events that landed.
 */
export async function insertEvents(db: Db, events: readonly AuditEventRecord[]): Promise<Set<string>> {
  const bindings: unknown[] = [];
  for (const e of events) bindings.push(...eventBindings(e));
  bindings.push(BATCH_LOCK_TIMEOUT);
  // set_config(..., true) lasts for this statement's own transaction; as an uncorrelated
  // subquery it runs once, before the first row is inserted (and so before any lock wait).
  const { rows } = await query(
    db,
    `INSERT INTO audit_events (${AUDIT_COLUMNS})
     SELECT v.* FROM (VALUES ${events.map((_, i) => (i === 0 ? `(${CASTS})` : PLAIN)).join(", ")})
       AS v (${AUDIT_COLUMNS})
     WHERE (SELECT set_config('lock_timeout', ?, true)) IS NOT NULL
       AND (v.seq = 1
         OR EXISTS (SELECT 1 FROM audit_events p WHERE p.chain_key = v.chain_key AND p.seq = v.seq - 1 AND p.hash = v.prev_hash))
     ON CONFLICT (chain_key, seq) DO NOTHING
     RETURNING id`,
    bindings,
  );
  return new Set(rows.map((r) => String(r.id)));
}
