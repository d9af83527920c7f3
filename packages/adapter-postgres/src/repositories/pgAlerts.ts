import { type AlertStore, type SecurityAlertRecord, WalletAuthError } from "@wallet-auth/core";
import { checkKeys } from "../internal/checkKeys.js";
import { type Db, type Row, query } from "../internal/Db.js";
import { date, json, jsonParam, str, strOrNull } from "../internal/mappers.js";
import { clampLimit, decodeCursor, encodeCursor } from "../internal/paging.js";

const COLUMNS = `id, user_id, kind, severity, status, details, dedupe_key, created_at, updated_at`;

function toAlert(r: Row): SecurityAlertRecord {
  return {
    id: str(r.id),
    userId: strOrNull(r.user_id),
    kind: str(r.kind),
    severity: str(r.severity) as SecurityAlertRecord["severity"],
    status: str(r.status) as SecurityAlertRecord["status"],
    details: json<SecurityAlertRecord["details"]>(r.details),
    dedupeKey: strOrNull(r.dedupe_key),
    createdAt: date(r.created_at),
    updatedAt: date(r.updated_at),
  };
}

/** The PostgreSQL {@link AlertStore}; dedupe rests on a unique partial index over open alerts. */
export function pgAlerts(db: Db): AlertStore {
  return {
    async insert(a) {
      // A concurrent resolve can free the key between the insert and the read: retry then.
      for (let attempt = 0; attempt < 3; attempt++) {
        const { rows } = await query(
          db,
          `INSERT INTO security_alerts (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?)
           ON CONFLICT DO NOTHING RETURNING ${COLUMNS}`,
          [a.id, a.userId, a.kind, a.severity, a.status, jsonParam(a.details), a.dedupeKey, a.createdAt, a.updatedAt],
        );
        if (rows[0]) return { alert: toAlert(rows[0]), created: true };
        if (a.dedupeKey !== null && a.status === "open") {
          const open = await query(
            db,
            `SELECT ${COLUMNS} FROM security_alerts
             WHERE coalesce(user_id, '') = ? AND dedupe_key = ? AND status = 'open' AND dedupe_key IS NOT NULL`,
            [a.userId ?? "", a.dedupeKey],
          );
          if (open.rows[0]) return { alert: toAlert(open.rows[0]), created: false };
        }
        const exists = await query(db, `SELECT 1 FROM security_alerts WHERE id = ?`, [a.id]);
        if (exists.rows.length > 0) break;
      }
      throw new WalletAuthError("CONFLICT", { reason: "alert-id-exists" });
    },
    async list(q) {
      checkKeys({ userId: q.userId });
      const where = ["user_id = ?"];
      const bindings: unknown[] = [q.userId];
      if (q.status !== undefined) (where.push("status = ?"), bindings.push(q.status));
      const after = decodeCursor(q.cursor, ["number", "string"]);
      if (after) (where.push("(created_at, id) < (?, ?)"), bindings.push(new Date(after[0] as number), after[1]));
      const limit = clampLimit(q.limit);
      const { rows } = await query(
        db,
        `SELECT ${COLUMNS} FROM security_alerts WHERE ${where.join(" AND ")} ORDER BY created_at DESC, id DESC LIMIT ?`,
        [...bindings, limit + 1],
      );
      const items = rows.slice(0, limit).map(toAlert);
      const last = items[items.length - 1];
      return { items, nextCursor: rows.length > limit && last ? encodeCursor([last.createdAt.getTime(), last.id]) : null };
    },
    async setStatus(userId, id, status, now) {
      checkKeys({ userId, id });
      const { rows } = await query(
        db,
        `UPDATE security_alerts SET status = ?, updated_at = ? WHERE id = ? AND user_id = ? RETURNING ${COLUMNS}`,
        [status, now, id, userId],
      );
      return rows[0] ? toAlert(rows[0]) : null;
    },
    async deleteByUser(userId) {
      checkKeys({ userId });
      return (await query(db, `DELETE FROM security_alerts WHERE user_id = ?`, [userId])).rowCount;
    },
  };
}
