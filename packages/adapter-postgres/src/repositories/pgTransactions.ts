import type { TransactionRecord, TransactionStore } from "@wallet-auth/core";
import { checkKeys } from "../internal/checkKeys.js";
import { type Db, type Row, inTransaction, query } from "../internal/Db.js";
import { date, decimal, decimalOrNull, json, jsonParam, str, strOrNull } from "../internal/mappers.js";
import { clampLimit, decodeCursor, encodeCursor } from "../internal/paging.js";

const COLUMNS = `id, user_id, source_type, source_id, external_id, type, asset, amount, fee, fee_asset, status, occurred_at, txid, info`;
const CHUNK = 1000;

function toTransaction(r: Row): TransactionRecord {
  return {
    id: str(r.id),
    userId: str(r.user_id),
    sourceType: str(r.source_type) as TransactionRecord["sourceType"],
    sourceId: str(r.source_id),
    externalId: str(r.external_id),
    type: str(r.type) as TransactionRecord["type"],
    asset: str(r.asset),
    amount: decimal(r.amount),
    fee: decimalOrNull(r.fee),
    feeAsset: strOrNull(r.fee_asset),
    status: str(r.status) as TransactionRecord["status"],
    occurredAt: date(r.occurred_at),
    txid: strOrNull(r.txid),
    info: json<TransactionRecord["info"]>(r.info),
  };
}

/** The PostgreSQL {@link TransactionStore}. */
export function pgTransactions(db: Db): TransactionStore {
  const upsertChunk = async (target: Db, records: readonly TransactionRecord[]) => {
    const values = records.map(() => "(?, ?, ?, ?, ?, ?, ?, ?::numeric, ?::numeric, ?, ?, ?, ?, ?::jsonb)").join(", ");
    const bindings = records.flatMap((t) => [
      t.id,
      t.userId,
      t.sourceType,
      t.sourceId,
      t.externalId,
      t.type,
      t.asset,
      t.amount,
      t.fee,
      t.feeAsset,
      t.status,
      t.occurredAt,
      t.txid,
      jsonParam(t.info),
    ]);
    await query(
      target,
      `INSERT INTO transactions (${COLUMNS}) VALUES ${values}
       ON CONFLICT (source_type, source_id, external_id) DO UPDATE SET
         user_id = excluded.user_id, type = excluded.type, asset = excluded.asset, amount = excluded.amount,
         fee = excluded.fee, fee_asset = excluded.fee_asset, status = excluded.status,
         occurred_at = excluded.occurred_at, txid = excluded.txid, info = excluded.info`,
      bindings,
    );
  };
  return {
    async upsertMany(records) {
      if (records.length === 0) return;
      // One statement may not touch a row twice: the last entry for a key wins, as if applied in order.
      const byKey = new Map<string, TransactionRecord>();
      for (const t of records) byKey.set(`${t.sourceType}\u0000${t.sourceId}\u0000${t.externalId}`, t);
      const unique = [...byKey.values()];
      if (unique.length <= CHUNK) return upsertChunk(db, unique);
      await inTransaction(db, async (trx) => {
        for (let i = 0; i < unique.length; i += CHUNK) await upsertChunk(trx, unique.slice(i, i + CHUNK));
      });
    },
    async list(q) {
      checkKeys({ userId: q.userId, ...(q.sourceId === undefined ? {} : { sourceId: q.sourceId }) });
      const where = ["user_id = ?"];
      const bindings: unknown[] = [q.userId];
      if (q.sourceType !== undefined) (where.push("source_type = ?"), bindings.push(q.sourceType));
      if (q.sourceId !== undefined) (where.push("source_id = ?"), bindings.push(q.sourceId));
      if (q.type !== undefined) (where.push("type = ?"), bindings.push(q.type));
      if (q.from !== undefined) (where.push("occurred_at >= ?"), bindings.push(q.from));
      if (q.to !== undefined) (where.push("occurred_at < ?"), bindings.push(q.to));
      const after = decodeCursor(q.cursor, ["number", "string"]);
      if (after) (where.push("(occurred_at, id) < (?, ?)"), bindings.push(new Date(after[0] as number), after[1]));
      const limit = clampLimit(q.limit);
      const { rows } = await query(
        db,
        `SELECT ${COLUMNS} FROM transactions WHERE ${where.join(" AND ")} ORDER BY occurred_at DESC, id DESC LIMIT ?`,
        [...bindings, limit + 1],
      );
      const items = rows.slice(0, limit).map(toTransaction);
      const last = items[items.length - 1];
      return { items, nextCursor: rows.length > limit && last ? encodeCursor([last.occurredAt.getTime(), last.id]) : null };
    },
    async deleteByUser(userId) {
      checkKeys({ userId });
      return (await query(db, `DELETE FROM transactions WHERE user_id = ?`, [userId])).rowCount;
    },
  };
}
