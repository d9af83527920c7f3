import type { LeaseStore } from "@wallet-auth/core";
import { checkKeys } from "../internal/checkKeys.js";
import { type Db, query } from "../internal/Db.js";

/** The PostgreSQL {@link LeaseStore}: one conditional upsert decides who holds a lease. */
export function pgLeases(db: Db): LeaseStore {
  return {
    async tryAcquire(name, owner, now, expiresAt) {
      checkKeys({ name, owner });
      const { rows } = await query(
        db,
        `INSERT INTO leases (name, owner, expires_at) VALUES (?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
         WHERE leases.owner = excluded.owner OR leases.expires_at <= ?
         RETURNING name`,
        [name, owner, expiresAt, now],
      );
      return rows.length > 0;
    },
    async release(name, owner) {
      checkKeys({ name, owner });
      return (await query(db, `DELETE FROM leases WHERE name = ? AND owner = ?`, [name, owner])).rowCount > 0;
    },
  };
}
