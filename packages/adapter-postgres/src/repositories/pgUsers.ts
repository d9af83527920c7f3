import type { JsonObject, UserRecord, UserStore } from "@wallet-auth/core";
import { type Db, type Row, query } from "../internal/Db.js";
import { date, json, jsonParam, str } from "../internal/mappers.js";

function toUser(r: Row): UserRecord {
  return { id: str(r.id), metadata: json<JsonObject>(r.metadata), createdAt: date(r.created_at), updatedAt: date(r.updated_at) };
}

/** The PostgreSQL {@link UserStore}; deletes cascade through foreign keys. */
export function pgUsers(db: Db): UserStore {
  return {
    async ensure(id, now) {
      // DO UPDATE (a no-op) instead of DO NOTHING so the row comes back in one round trip, also
      // when a concurrent caller created it.
      const { rows } = await query(
        db,
        `INSERT INTO users (id, metadata, created_at, updated_at) VALUES (?, '{}'::jsonb, ?, ?)
         ON CONFLICT (id) DO UPDATE SET id = excluded.id RETURNING *`,
        [id, now, now],
      );
      return toUser(rows[0] as Row);
    },
    async get(id) {
      const { rows } = await query(db, `SELECT * FROM users WHERE id = ?`, [id]);
      return rows[0] ? toUser(rows[0]) : null;
    },
    async updateMetadata(id, metadata, now) {
      const { rows } = await query(db, `UPDATE users SET metadata = ?::jsonb, updated_at = ? WHERE id = ? RETURNING *`, [
        jsonParam(metadata),
        now,
        id,
      ]);
      return rows[0] ? toUser(rows[0]) : null;
    },
    async delete(id) {
      const { rowCount } = await query(db, `DELETE FROM users WHERE id = ?`, [id]);
      return rowCount > 0;
    },
  };
}
