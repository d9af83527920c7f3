import type { Knex } from "knex";
import { WalletAuthError } from "@wallet-auth/core";
import { toStoreError } from "./errors.js";

/** A knex instance or an open transaction: where a repository sends its statements. */
export type Db = Knex | Knex.Transaction;

/** A raw result row. */
export type Row = Record<string, unknown>;

interface Connection {
  query(sql: string, values: readonly unknown[]): Promise<{ rows?: Row[]; rowCount?: number | null; affectedRows?: number }>;
}
interface PooledClient {
  acquireConnection(): Promise<Connection>;
  releaseConnection(connection: Connection): Promise<unknown>;
}

const positionalCache = new Map<string, string>();

/** Rewrites `?` placeholders to `$1..$n` (our SQL has no `?` inside literals), memoised. */
function positional(sql: string): string {
  let out = positionalCache.get(sql);
  if (out === undefined) {
    let n = 0;
    out = sql.replace(/\?/g, () => `$${++n}`);
    // Statement shapes are bounded (filters, batch sizes); the cap only guards against misuse.
    if (positionalCache.size > 2000) positionalCache.clear();
    positionalCache.set(sql, out);
  }
  return out;
}

/**
 * Runs one statement; driver errors become coded errors (see `toStoreError`).
 *
 * It goes to the driver connection knex hands out (the pool's, or the transaction's) rather
 * than through knex's query builder: same pool, same transaction, same search path, without the
 * per-query compilation and event overhead (it roughly halved by-id read throughput).
 */
export async function query(db: Db, sql: string, bindings: readonly unknown[] = []): Promise<{ rows: Row[]; rowCount: number }> {
  if (isTransaction(db) && db.isCompleted()) {
    throw new WalletAuthError("INTERNAL", { reason: "transaction-finished" });
  }
  const client = db.client as unknown as PooledClient;
  let connection: Connection;
  try {
    connection = await client.acquireConnection();
  } catch (error) {
    throw toStoreError(error);
  }
  try {
    const result = await connection.query(positional(sql), bindings);
    return { rows: result.rows ?? [], rowCount: Number(result.rowCount ?? result.affectedRows ?? 0) };
  } catch (error) {
    throw toStoreError(error);
  } finally {
    await client.releaseConnection(connection);
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
