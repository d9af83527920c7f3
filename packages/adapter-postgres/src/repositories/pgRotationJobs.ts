import { type RotationJobRecord, type RotationJobStore, WalletAuthError } from "@wallet-auth/core";
import { checkKeys } from "../internal/checkKeys.js";
import { type Db, type Row, query } from "../internal/Db.js";
import { date, dateOrNull, num, str, strOrNull } from "../internal/mappers.js";

const COLUMNS = `id, target_key_id, status, processed, failed, last_error_code, started_at, updated_at, completed_at`;

function toJob(r: Row): RotationJobRecord {
  return {
    id: str(r.id),
    targetKeyId: str(r.target_key_id),
    status: str(r.status) as RotationJobRecord["status"],
    processed: num(r.processed),
    failed: num(r.failed),
    lastErrorCode: strOrNull(r.last_error_code),
    startedAt: date(r.started_at),
    updatedAt: date(r.updated_at),
    completedAt: dateOrNull(r.completed_at),
  };
}

/** The PostgreSQL {@link RotationJobStore}; one running job per target (unique partial index). */
export function pgRotationJobs(db: Db): RotationJobStore {
  return {
    async start(id, targetKeyId, now) {
      for (let attempt = 0; attempt < 3; attempt++) {
        const { rows } = await query(
          db,
          `INSERT INTO key_rotation_jobs (id, target_key_id, status, processed, failed, started_at, updated_at)
           VALUES (?, ?, 'running', 0, 0, ?, ?) ON CONFLICT DO NOTHING RETURNING ${COLUMNS}`,
          [id, targetKeyId, now, now],
        );
        if (rows[0]) return toJob(rows[0]);
        const running = await query(db, `SELECT ${COLUMNS} FROM key_rotation_jobs WHERE target_key_id = ? AND status = 'running'`, [
          targetKeyId,
        ]);
        if (running.rows[0]) return toJob(running.rows[0]);
        const exists = await query(db, `SELECT 1 FROM key_rotation_jobs WHERE id = ?`, [id]);
        if (exists.rows.length > 0) break;
      }
      throw new WalletAuthError("CONFLICT", { reason: "rotation-job-id-exists" });
    },
    async addProgress(id, processed, failed, now, lastErrorCode) {
      const keepCode = lastErrorCode === undefined;
      const { rows } = await query(
        db,
        `UPDATE key_rotation_jobs SET processed = processed + ?, failed = failed + ?, updated_at = ?,
           last_error_code = CASE WHEN ? THEN last_error_code ELSE ? END
         WHERE id = ? RETURNING ${COLUMNS}`,
        [processed, failed, now, keepCode, keepCode ? null : lastErrorCode, id],
      );
      return rows[0] ? toJob(rows[0]) : null;
    },
    async finish(id, status, now) {
      const { rows } = await query(
        db,
        `UPDATE key_rotation_jobs SET status = ?, updated_at = ?, completed_at = ? WHERE id = ? RETURNING ${COLUMNS}`,
        [status, now, now, id],
      );
      return rows[0] ? toJob(rows[0]) : null;
    },
    async get(id) {
      checkKeys({ id });
      const { rows } = await query(db, `SELECT ${COLUMNS} FROM key_rotation_jobs WHERE id = ?`, [id]);
      return rows[0] ? toJob(rows[0]) : null;
    },
    async list(limit) {
      const { rows } = await query(db, `SELECT ${COLUMNS} FROM key_rotation_jobs ORDER BY started_at DESC, id DESC LIMIT ?`, [
        Math.max(0, Math.trunc(limit)),
      ]);
      return rows.map(toJob);
    },
  };
}
