import type { SyncCursorStore } from "../../ports/SyncCursorStore.js";
import type { Exec } from "./Exec.js";

const keyOf = (userId: string, sourceType: string, sourceId: string, stream: string) => `${userId}\0${sourceType}\0${sourceId}\0${stream}`;

/** The memory {@link SyncCursorStore}. */
export function memorySyncCursors(exec: Exec): SyncCursorStore {
  return {
    get: (userId, sourceType, sourceId, stream) => exec((s) => s.syncCursors.get(keyOf(userId, sourceType, sourceId, stream))?.cursor ?? null),
    set: (userId, sourceType, sourceId, stream, cursor, now) =>
      exec((s) => {
        s.put(s.syncCursors, keyOf(userId, sourceType, sourceId, stream), { userId, sourceType, sourceId, stream, cursor, updatedAt: new Date(now) });
      }),
    deleteByUser: (userId) =>
      exec((s) => {
        let n = 0;
        for (const [id, row] of [...s.syncCursors]) {
          if (row.userId === userId) {
            s.remove(s.syncCursors, id);
            n++;
          }
        }
        return n;
      }),
  };
}
