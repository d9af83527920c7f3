import type { Knex } from "knex";
import { toStoreError } from "./errors.js";

/** A knex instance or an open transaction: where a repository sends its statements. */
export type Db = Knex | Knex.Transaction;

/** A raw result row. */
export type Row = Record<string, unknown>;

/** Runs one statement; driver errors become coded errors (see `toStoreError`). */
export async function query(db: Db, sql: string, bindings: readonly unknown[] = []): Promise<{ rows: Row[]; rowCount: number }> {
  try {
    const result = (await db.raw(sql, bindings as Knex.RawBinding[])) as { rows?: Row[]; rowCount?: number | null };
    return { rows: result.rows ?? [], rowCount: Number(result.rowCount ?? 0) };
  } catch (error) {
    throw toStoreError(error);
  }
}

/** `true` when `db` is already a transaction. */
export function isTransaction(db: Db): db is Knex.Transaction {
  return (db as Knex.Transaction).isTransaction === true;
}

/**
 * Runs `fn` in `db`'s transaction, or in a new one when `db` is not a transaction. Errors
 * thrown by `fn` itself come out unchanged; failures to begin or commit are coded.
 */
export async function inTransaction<T>(db: Db, fn: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  if (isTransaction(db)) return fn(db);
  const own = { error: undefined as unknown, set: false };
  try {
    return await db.transaction(async (trx) => {
      try {
        return await fn(trx);
      } catch (error) {
        own.error = error;
        own.set = true;
        throw error;
      }
    });
  } catch (error) {
    if (own.set && error === own.error) throw error;
    throw toStoreError(error);
  }
}
