import { type JsonObject, type PolicySubjectType, type TradePolicyRecord, type TradePolicyStore, WalletAuthError, policyWindowKey } from "@wallet-auth/core";
import { type Db, type Row, inTransaction, query } from "../internal/Db.js";
import { date, num, str } from "../internal/mappers.js";

const COLUMNS = `subject_type, subject_id, user_id, policy, version, updated_at`;
/** Entries older than the longest window (30 days) are pruned when their key is next reserved. */
const KEEP_MS = 30 * 86_400_000;

function toRecord(r: Row): TradePolicyRecord {
  const policy = typeof r.policy === "string" ? (JSON.parse(r.policy) as unknown) : r.policy;
  if (policy === null || typeof policy !== "object" || Array.isArray(policy)) throw new WalletAuthError("INTERNAL", { reason: "unexpected-policy-column" });
  return {
    userId: str(r.user_id),
    subjectType: str(r.subject_type) as PolicySubjectType,
    subjectId: str(r.subject_id),
    policy: policy as JsonObject,
    version: num(r.version),
    updatedAt: date(r.updated_at),
  };
}

/**
 * The PostgreSQL {@link TradePolicyStore}. A policy is one jsonb row replaced by a conditional
 * statement (compare-and-set on `version`). A window reservation locks the window's row
 * (`SELECT ... FOR UPDATE`), sums what is inside the window in exact `numeric`, and inserts the
 * amount only when the sum stays at or under the cap, all in one transaction: parallel
 * reservations on any connection or replica queue on that lock.
 */
export function pgTradePolicies(db: Db): TradePolicyStore {
  return {
    async get(userId, subjectType, subjectId) {
      const { rows } = await query(db, `SELECT ${COLUMNS} FROM trade_policies WHERE subject_type = ? AND subject_id = ? AND user_id = ?`, [subjectType, subjectId, userId]);
      return rows[0] ? toRecord(rows[0]) : null;
    },
    async put(record, expectedVersion) {
      const values = [JSON.stringify(record.policy), record.updatedAt];
      const { rows } =
        expectedVersion === 0
          ? await query(
              db,
              `INSERT INTO trade_policies (${COLUMNS}) VALUES (?, ?, ?, ?::jsonb, 1, ?) ON CONFLICT (subject_type, subject_id) DO NOTHING RETURNING ${COLUMNS}`,
              [record.subjectType, record.subjectId, record.userId, ...values],
            )
          : await query(
              db,
              `UPDATE trade_policies SET policy = ?::jsonb, updated_at = ?, version = version + 1
               WHERE subject_type = ? AND subject_id = ? AND user_id = ? AND version = ? RETURNING ${COLUMNS}`,
              [...values, record.subjectType, record.subjectId, record.userId, expectedVersion],
            );
      return rows[0] ? toRecord(rows[0]) : null;
    },
    async delete(userId, subjectType, subjectId) {
      return inTransaction(db, async (trx) => {
        const { rowCount } = await query(trx, `DELETE FROM trade_policies WHERE subject_type = ? AND subject_id = ? AND user_id = ?`, [subjectType, subjectId, userId]);
        if (rowCount > 0) await query(trx, `DELETE FROM policy_windows WHERE key = ? AND user_id = ?`, [policyWindowKey(subjectType, subjectId), userId]);
        return rowCount > 0;
      });
    },
    async reserveWindow(r) {
      return inTransaction(db, async (trx) => {
        await query(trx, `INSERT INTO policy_windows (key, user_id) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`, [r.key, r.userId]);
        // The row lock: every reservation of this key, on any connection, waits here for the one before it.
        const locked = await query(trx, `SELECT user_id FROM policy_windows WHERE key = ? FOR UPDATE`, [r.key]);
        if (str(locked.rows[0]?.user_id) !== r.userId) throw new WalletAuthError("CONFLICT", { reason: "window-owner" });
        await query(trx, `DELETE FROM policy_window_entries WHERE key = ? AND at <= ?`, [r.key, new Date(r.at.getTime() - KEEP_MS)]);
        const { rows } = await query(
          trx,
          `SELECT trim_scale(coalesce(sum(amount), 0))::text AS used, coalesce(sum(amount), 0) + ?::numeric <= ?::numeric AS fits
           FROM policy_window_entries WHERE key = ? AND at > ?`,
          [r.amount, r.cap, r.key, new Date(r.at.getTime() - r.seconds * 1000)],
        );
        const used = str(rows[0]?.used ?? "0");
        const admitted = rows[0]?.fits === true;
        if (admitted) await query(trx, `INSERT INTO policy_window_entries (key, id, amount, at) VALUES (?, ?, ?::numeric, ?)`, [r.key, r.id, r.amount, r.at]);
        return { admitted, used };
      });
    },
    async releaseWindow(key, id) {
      return (await query(db, `DELETE FROM policy_window_entries WHERE key = ? AND id = ?`, [key, id])).rowCount > 0;
    },
    async deleteByUser(userId) {
      return inTransaction(db, async (trx) => {
        await query(trx, `DELETE FROM policy_windows WHERE user_id = ?`, [userId]);
        return (await query(trx, `DELETE FROM trade_policies WHERE user_id = ?`, [userId])).rowCount;
      });
    },
  };
}
