import type { ProxyIdempotencyRecord, ProxyIdempotencyStore } from "@wallet-auth/core";
import { checkKeys } from "../internal/checkKeys.js";
import { type Db, type Row, query } from "../internal/Db.js";
import { date, json, jsonParam, num, str, strOrNull } from "../internal/mappers.js";

const COLUMNS = `user_id, credential_id, idempotency_key, request_hash, client_order_id, state, response, locked_until, created_at, expires_at`;

function toRecord(r: Row): ProxyIdempotencyRecord {
  return {
    userId: str(r.user_id),
    credentialId: str(r.credential_id),
    key: str(r.idempotency_key),
    requestHash: str(r.request_hash),
    clientOrderId: strOrNull(r.client_order_id),
    state: str(r.state) as ProxyIdempotencyRecord["state"],
    response: r.response === null || r.response === undefined ? null : json<unknown>(r.response),
    lockedUntil: date(r.locked_until),
    createdAt: date(r.created_at),
    expiresAt: date(r.expires_at),
  };
}

/**
 * The PostgreSQL {@link ProxyIdempotencyStore}: one conditional upsert decides who runs a key
 * (concurrent claims wait on the row's lock and then see the winner's pending row).
 */
export function pgProxyIdempotency(db: Db): ProxyIdempotencyStore {
  return {
    async claim(c, now) {
      checkKeys({ userId: c.userId, credentialId: c.credentialId, key: c.key });
      // A lost race with a release (row gone between the upsert and the read) is retried.
      for (let attempt = 0; attempt < 3; attempt++) {
        const { rows } = await query(
          db,
          `INSERT INTO proxy_idempotency (${COLUMNS}) VALUES (?, ?, ?, ?, ?, 'pending', NULL, ?, ?, ?)
           ON CONFLICT (user_id, credential_id, idempotency_key) DO UPDATE SET
             request_hash = excluded.request_hash, client_order_id = excluded.client_order_id, state = 'pending', response = NULL,
             locked_until = excluded.locked_until, created_at = excluded.created_at, expires_at = excluded.expires_at
           WHERE proxy_idempotency.expires_at <= ?
              OR (proxy_idempotency.state = 'pending' AND proxy_idempotency.locked_until <= ? AND proxy_idempotency.request_hash = excluded.request_hash)
           RETURNING user_id`,
          [c.userId, c.credentialId, c.key, c.requestHash, c.clientOrderId, c.lockedUntil, c.createdAt, c.expiresAt, now, now],
        );
        if (rows.length > 0) return { claimed: true };
        const existing = await query(db, `SELECT ${COLUMNS} FROM proxy_idempotency WHERE user_id = ? AND credential_id = ? AND idempotency_key = ?`, [
          c.userId,
          c.credentialId,
          c.key,
        ]);
        const row = existing.rows[0];
        if (row !== undefined) return { claimed: false, existing: toRecord(row) };
      }
      return { claimed: false, existing: { ...c, state: "pending", response: null } };
    },
    async complete(userId, credentialId, key, response) {
      checkKeys({ userId, credentialId, key });
      const { rowCount } = await query(
        db,
        `UPDATE proxy_idempotency SET state = 'done', response = ?::jsonb WHERE user_id = ? AND credential_id = ? AND idempotency_key = ?`,
        [jsonParam(response ?? null) ?? "null", userId, credentialId, key],
      );
      return rowCount > 0;
    },
    async release(userId, credentialId, key) {
      checkKeys({ userId, credentialId, key });
      await query(db, `DELETE FROM proxy_idempotency WHERE user_id = ? AND credential_id = ? AND idempotency_key = ? AND state = 'pending'`, [userId, credentialId, key]);
    },
    async deleteExpired(now, limit) {
      const { rowCount } = await query(
        db,
        `DELETE FROM proxy_idempotency WHERE ctid IN (SELECT ctid FROM proxy_idempotency WHERE expires_at < ? LIMIT ?)`,
        [now, Math.max(0, Math.trunc(limit))],
      );
      return num(rowCount);
    },
    async deleteByUser(userId) {
      checkKeys({ userId });
      return (await query(db, `DELETE FROM proxy_idempotency WHERE user_id = ?`, [userId])).rowCount;
    },
  };
}
