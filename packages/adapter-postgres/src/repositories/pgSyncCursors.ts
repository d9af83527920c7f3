import type { SyncCursorStore } from "@wallet-auth/core";
import { checkKeys } from "../internal/checkKeys.js";
import { type Db, query } from "../internal/Db.js";
import { str } from "../internal/mappers.js";

/** The PostgreSQL {@link SyncCursorStore}. */
export function pgSyncCursors(db: Db): SyncCursorStore {
  return {
    async get(userId, sourceType, sourceId, stream) {
      checkKeys({ userId, sourceType, sourceId, stream });
      const { rows } = await query(db, `SELECT cursor FROM sync_cursors WHERE user_id = ? AND source_type = ? AND source_id = ? AND stream = ?`, [userId, sourceType, sourceId, stream]);
      const row = rows[0];
      return row === undefined ? null : str(row.cursor);
    },
    async set(userId, sourceType, sourceId, stream, cursor, now) {
      checkKeys({ userId, sourceType, sourceId, stream, cursor });
      await query(
        db,
        `INSERT INTO sync_cursors (user_id, source_type, source_id, stream, cursor, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (user_id, source_type, source_id, stream) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at`,
        [userId, sourceType, sourceId, stream, cursor, now],
      );
    },
    async deleteByUser(userId) {
      checkKeys({ userId });
      return (await query(db, `DELETE FROM sync_cursors WHERE user_id = ?`, [userId])).rowCount;
    },
  };
}
