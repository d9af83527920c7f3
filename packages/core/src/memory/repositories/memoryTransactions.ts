import { WalletAuthError } from "../../errors/index.js";
import type { TransactionRecord, TransactionStore } from "../../ports/TransactionStore.js";
import { paginate } from "../paging.js";
import { copyTransaction } from "../records.js";
import { type Exec, requireUser } from "./Exec.js";
import { transactionKey } from "./memoryUsers.js";

const newestFirst = [
  { get: (r: TransactionRecord) => r.occurredAt.getTime(), dir: -1 as const },
  { get: (r: TransactionRecord) => r.id, dir: -1 as const },
];

/** The memory {@link TransactionStore}. */
export function memoryTransactions(exec: Exec): TransactionStore {
  return {
    upsertMany: (records) =>
      exec((s) => {
        for (const record of records) {
          requireUser(s, record.userId);
          const key = transactionKey(record.sourceType, record.sourceId, record.externalId);
          const existingId = s.transactionByExternal.get(key);
          if (existingId !== undefined) {
            // The row keeps its id; everything else takes the fresh values.
            s.put(s.transactions, existingId, copyTransaction({ ...record, id: existingId }));
            continue;
          }
          if (s.transactions.has(record.id)) throw new WalletAuthError("CONFLICT", { reason: "transaction-id-exists" });
          s.put(s.transactions, record.id, copyTransaction(record));
          s.put(s.transactionByExternal, key, record.id);
        }
      }),
    list: (q) =>
      exec((s) => {
        const rows = [...s.transactions.values()].filter(
          (r) =>
            r.userId === q.userId &&
            (q.sourceType === undefined || r.sourceType === q.sourceType) &&
            (q.sourceId === undefined || r.sourceId === q.sourceId) &&
            (q.type === undefined || r.type === q.type) &&
            (q.from === undefined || r.occurredAt.getTime() >= q.from.getTime()) &&
            (q.to === undefined || r.occurredAt.getTime() < q.to.getTime()),
        );
        const page = paginate(rows, newestFirst, q);
        return { items: page.items.map(copyTransaction), nextCursor: page.nextCursor };
      }),
    deleteByUser: (userId) =>
      exec((s) => {
        let n = 0;
        for (const [id, r] of s.transactions) {
          if (r.userId !== userId) continue;
          s.remove(s.transactions, id);
          s.remove(s.transactionByExternal, transactionKey(r.sourceType, r.sourceId, r.externalId));
          n++;
        }
        return n;
      }),
  };
}
