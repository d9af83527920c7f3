import { type JsonObject, type UserRecord, type UserStore, WalletAuthError } from "@wallet-auth/core";
import { checkKeys } from "../internal/checkKeys.js";
import { type Db, type Row, query } from "../internal/Db.js";
import { date, json, jsonParam, str } from "../internal/mappers.js";

function toUser(r: Row): UserRecord {
  return { id: str(r.id), metadata: json<JsonObject>(r.metadata), createdAt: date(r.created_at), updatedAt: date(r.updated_at) };
}

/** The PostgreSQL {@link UserStore}; deletes cascade through foreign keys. */
export function pgUsers(db: Db): UserStore {
  return {
    async ensure(id, now) {
      checkKeys({ id });
      // Read first: ensure runs on most requests and the user usually exists, so the common
      // path is one read and writes nothing. A concurrent creator makes the insert a no-op.
      const existing = await query(db, `SELECT * FROM users WHERE id = ?`, [id]);
      if (existing.rows[0]) return toUser(existing.rows[0]);
      const inserted = await query(
        db,
        `INSERT INTO users (id, metadata, created_at, updated_at) VALUES (?, '{}'::jsonb, ?, ?)
         ON CONFLICT (id) DO NOTHING RETURNING *`,
        [id, now, now],
      );
      if (inserted.rows[0]) return toUser(inserted.rows[0]);
      const { rows } = await query(db, `SELECT * FROM users WHERE id = ?`, [id]);
      if (!rows[0]) throw new WalletAuthError("CONFLICT", { reason: "user-deleted-concurrently" });
      return toUser(rows[0]);
    },
    async get(id) {
      checkKeys({ id });
      const { rows } = await query(db, `SELECT * FROM users WHERE id = ?`, [id]);
      return rows[0] ? toUser(rows[0]) : null;
    },
    async updateMetadata(id, metadata, now) {
      checkKeys({ id });
      const { rows } = await query(db, `UPDATE users SET metadata = ?::jsonb, updated_at = ? WHERE id = ? RETURNING *`, [
        jsonParam(metadata),
        now,
        id,
      ]);
      return rows[0] ? toUser(rows[0]) : null;
    },
    async delete(id) {
      checkKeys({ id });
      const { rowCount } = await query(db, `DELETE FROM users WHERE id = ?`, [id]);
      return rowCount > 0;
    },
  };
}
