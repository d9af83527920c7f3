import { WalletAuthError } from "../../errors/index.js";
import type { AlertStore, SecurityAlertRecord } from "../../ports/AlertStore.js";
import { paginate } from "../paging.js";
import { copyAlert } from "../records.js";
import type { Exec } from "./Exec.js";

const newestFirst = [
  { get: (r: SecurityAlertRecord) => r.createdAt.getTime(), dir: -1 as const },
  { get: (r: SecurityAlertRecord) => r.id, dir: -1 as const },
];

function dedupeIndexKey(r: Pick<SecurityAlertRecord, "userId" | "dedupeKey">): string | null {
  return r.dedupeKey === null ? null : `${r.userId ?? ""}\u0000${r.dedupeKey}`;
}

/** The memory {@link AlertStore}. */
export function memoryAlerts(exec: Exec): AlertStore {
  return {
    insert: (record) =>
      exec((s) => {
        const key = record.status === "open" ? dedupeIndexKey(record) : null;
        const openId = key === null ? undefined : s.openAlertByDedupe.get(key);
        const open = openId === undefined ? undefined : s.alerts.get(openId);
        if (open) return { alert: copyAlert(open), created: false };
        if (s.alerts.has(record.id)) throw new WalletAuthError("CONFLICT", { reason: "alert-id-exists" });
        const row = copyAlert(record);
        s.put(s.alerts, row.id, row);
        if (key !== null) s.put(s.openAlertByDedupe, key, row.id);
        return { alert: copyAlert(row), created: true };
      }),
    list: (q) =>
      exec((s) => {
        const rows = [...s.alerts.values()].filter(
          (r) => r.userId === q.userId && (q.status === undefined || r.status === q.status),
        );
        const page = paginate(rows, newestFirst, q);
        return { items: page.items.map(copyAlert), nextCursor: page.nextCursor };
      }),
    setStatus: (userId, id, status, now) =>
      exec((s) => {
        const row = s.alerts.get(id);
        if (!row || row.userId !== userId) return null;
        const key = dedupeIndexKey(row);
        if (key !== null && row.status === "open" && status !== "open") s.remove(s.openAlertByDedupe, key);
        if (key !== null && row.status !== "open" && status === "open") {
          if (s.openAlertByDedupe.has(key)) throw new WalletAuthError("CONFLICT", { reason: "alert-open-duplicate" });
          s.put(s.openAlertByDedupe, key, id);
        }
        const next = copyAlert({ ...row, status, updatedAt: now });
        s.put(s.alerts, id, next);
        return copyAlert(next);
      }),
    deleteByUser: (userId) =>
      exec((s) => {
        let n = 0;
        for (const [id, r] of s.alerts) {
          if (r.userId !== userId) continue;
          s.remove(s.alerts, id);
          const key = dedupeIndexKey(r);
          if (key !== null && s.openAlertByDedupe.get(key) === id) s.remove(s.openAlertByDedupe, key);
          n++;
        }
        return n;
      }),
  };
}
