import type { BalanceSnapshotRecord, BalanceSnapshotStore } from "@wallet-auth/core";
import { checkKeys } from "../internal/checkKeys.js";
import { type Db, type Row, inTransaction, query } from "../internal/Db.js";
import { date, decimal, decimalOrNull, str } from "../internal/mappers.js";
import { clampLimit, decodeCursor, encodeCursor } from "../internal/paging.js";

const COLUMNS = `id, user_id, source_type, source_id, asset, free, locked, total, usd_value, taken_at`;
/** Rows per INSERT: 10 parameters each, well under PostgreSQL's 65,535. */
const CHUNK = 1000;

function toSnapshot(r: Row): BalanceSnapshotRecord {
  return {
    id: str(r.id),
    userId: str(r.user_id),
    sourceType: str(r.source_type) as BalanceSnapshotRecord["sourceType"],
    sourceId: str(r.source_id),
    asset: str(r.asset),
    free: decimal(r.free),
    locked: decimal(r.locked),
    total: decimal(r.total),
    usdValue: decimalOrNull(r.usd_value),
    takenAt: date(r.taken_at),
  };
}

/** The PostgreSQL {@link BalanceSnapshotStore}. */
export function pgSnapshots(db: Db): BalanceSnapshotStore {
  const insertChunk = async (target: Db, records: readonly BalanceSnapshotRecord[]) => {
    const values = records.map(() => "(?, ?, ?, ?, ?, ?::numeric, ?::numeric, ?::numeric, ?::numeric, ?)").join(", ");
    const bindings = records.flatMap((s) => [
      s.id,
      s.userId,
      s.sourceType,
      s.sourceId,
      s.asset,
      s.free,
      s.locked,
      s.total,
      s.usdValue,
      s.takenAt,
    ]);
    await query(target, `INSERT INTO balance_snapshots (${COLUMNS}) VALUES ${values}`, bindings);
  };
  return {
    async insertMany(records) {
      if (records.length === 0) return;
      if (records.length <= CHUNK) return insertChunk(db, records);
      await inTransaction(db, async (trx) => {
        for (let i = 0; i < records.length; i += CHUNK) await insertChunk(trx, records.slice(i, i + CHUNK));
      });
    },
    async list(q) {
      checkKeys({ userId: q.userId, ...(q.sourceId === undefined ? {} : { sourceId: q.sourceId }) });
      const where = ["user_id = ?"];
      const bindings: unknown[] = [q.userId];
      if (q.sourceType !== undefined) (where.push("source_type = ?"), bindings.push(q.sourceType));
      if (q.sourceId !== undefined) (where.push("source_id = ?"), bindings.push(q.sourceId));
      if (q.asset !== undefined) (where.push("asset = ?"), bindings.push(q.asset));
      if (q.from !== undefined) (where.push("taken_at >= ?"), bindings.push(q.from));
      if (q.to !== undefined) (where.push("taken_at < ?"), bindings.push(q.to));
      const after = decodeCursor(q.cursor, ["number", "string"]);
      if (after) (where.push("(taken_at, id) > (?, ?)"), bindings.push(new Date(after[0] as number), after[1]));
      const limit = clampLimit(q.limit);
      const { rows } = await query(
        db,
        `SELECT ${COLUMNS} FROM balance_snapshots WHERE ${where.join(" AND ")} ORDER BY taken_at, id LIMIT ?`,
        [...bindings, limit + 1],
      );
      const items = rows.slice(0, limit).map(toSnapshot);
      const last = items[items.length - 1];
      return { items, nextCursor: rows.length > limit && last ? encodeCursor([last.takenAt.getTime(), last.id]) : null };
    },
    async deleteByUser(userId) {
      checkKeys({ userId });
      return (await query(db, `DELETE FROM balance_snapshots WHERE user_id = ?`, [userId])).rowCount;
    },
    async deleteBySource(userId, sourceType, sourceId) {
      checkKeys({ userId, sourceId });
      return (
        await query(db, `DELETE FROM balance_snapshots WHERE user_id = ? AND source_type = ? AND source_id = ?`, [
          userId,
          sourceType,
          sourceId,
        ])
      ).rowCount;
    },
  };
}
