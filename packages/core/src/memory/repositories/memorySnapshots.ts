import { WalletAuthError } from "../../errors/index.js";
import type { BalanceSnapshotRecord, BalanceSnapshotStore } from "../../ports/BalanceSnapshotStore.js";
import { paginate } from "../paging.js";
import { copySnapshot } from "../records.js";
import { type Exec, requireUser } from "./Exec.js";

const oldestFirst = [
  { get: (r: BalanceSnapshotRecord) => r.takenAt.getTime(), dir: 1 as const },
  { get: (r: BalanceSnapshotRecord) => r.id, dir: 1 as const },
];

/** The memory {@link BalanceSnapshotStore}. */
export function memorySnapshots(exec: Exec): BalanceSnapshotStore {
  return {
    insertMany: (records) =>
      exec((s) => {
        for (const record of records) {
          requireUser(s, record.userId);
          if (s.snapshots.has(record.id)) throw new WalletAuthError("CONFLICT", { reason: "snapshot-id-exists" });
          s.put(s.snapshots, record.id, copySnapshot(record));
        }
      }),
    list: (q) =>
      exec((s) => {
        const rows = [...s.snapshots.values()].filter(
          (r) =>
            r.userId === q.userId &&
            (q.sourceType === undefined || r.sourceType === q.sourceType) &&
            (q.sourceId === undefined || r.sourceId === q.sourceId) &&
            (q.asset === undefined || r.asset === q.asset) &&
            (q.from === undefined || r.takenAt.getTime() >= q.from.getTime()) &&
            (q.to === undefined || r.takenAt.getTime() < q.to.getTime()),
        );
        const page = paginate(rows, oldestFirst, q);
        return { items: page.items.map(copySnapshot), nextCursor: page.nextCursor };
      }),
    deleteByUser: (userId) =>
      exec((s) => {
        let n = 0;
        for (const [id, r] of s.snapshots) if (r.userId === userId && s.remove(s.snapshots, id)) n++;
        return n;
      }),
    deleteBySource: (userId, sourceType, sourceId) =>
      exec((s) => {
        let n = 0;
        for (const [id, r] of s.snapshots) {
          if (r.userId === userId && r.sourceType === sourceType && r.sourceId === sourceId && s.remove(s.snapshots, id)) n++;
        }
        return n;
      }),
  };
}
