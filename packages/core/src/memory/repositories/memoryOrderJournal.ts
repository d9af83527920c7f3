import { WalletAuthError } from "../../errors/index.js";
import type { IncidentRecord, IncidentStore, OrderJournal, OrderJournalRecord } from "../../ports/OrderJournal.js";
import type { Exec } from "./Exec.js";

const copy = (r: OrderJournalRecord): OrderJournalRecord => ({ ...r, placedAt: new Date(r.placedAt), recordedAt: new Date(r.recordedAt) });
const copyIncident = (r: IncidentRecord): IncidentRecord => ({ ...r, details: structuredClone(r.details), createdAt: new Date(r.createdAt) });

/** The memory {@link OrderJournal}. */
export function memoryOrderJournal(exec: Exec): OrderJournal {
  return {
    record: (record) =>
      exec((s) => {
        for (const [id, held] of s.orderJournal) {
          if (held.credentialId !== record.credentialId || held.origin !== record.origin) continue;
          if (record.origin === "proxy" && record.clientOrderId !== null && held.clientOrderId === record.clientOrderId) {
            if (held.venueOrderId === null && record.venueOrderId !== null) s.put(s.orderJournal, id, { ...held, venueOrderId: record.venueOrderId });
            return { created: false };
          }
          if (record.origin === "foreign" && record.venueOrderId !== null && held.venueOrderId === record.venueOrderId) return { created: false };
        }
        s.put(s.orderJournal, record.id, copy(record));
        return { created: true };
      }),
    findProxyOrders: (userId, credentialId, ids) =>
      exec((s) => {
        const venue = new Set(ids.venueOrderIds);
        const client = new Set(ids.clientOrderIds);
        return [...s.orderJournal.values()]
          .filter(
            (r) =>
              r.userId === userId &&
              r.credentialId === credentialId &&
              r.origin === "proxy" &&
              ((r.venueOrderId !== null && venue.has(r.venueOrderId)) || (r.clientOrderId !== null && client.has(r.clientOrderId))),
          )
          .map(copy);
      }),
    recentSymbols: (userId, credentialId, since, limit) =>
      exec((s) => {
        const rows = [...s.orderJournal.values()]
          .filter((r) => r.userId === userId && r.credentialId === credentialId && r.origin === "proxy" && r.placedAt.getTime() >= since.getTime())
          .sort((a, b) => b.placedAt.getTime() - a.placedAt.getTime());
        return [...new Set(rows.map((r) => r.symbol))].slice(0, limit);
      }),
    listForeign: (userId, credentialId, limit) =>
      exec((s) =>
        [...s.orderJournal.values()]
          .filter((r) => r.userId === userId && r.origin === "foreign" && (credentialId === null || r.credentialId === credentialId))
          .sort((a, b) => b.recordedAt.getTime() - a.recordedAt.getTime() || (a.id < b.id ? -1 : 1))
          .slice(0, limit)
          .map(copy),
      ),
    deleteProxyBefore: (before, limit) =>
      exec((s) => {
        let n = 0;
        for (const [id, r] of [...s.orderJournal]) {
          if (n >= limit) break;
          if (r.origin === "proxy" && r.placedAt.getTime() < before.getTime()) {
            s.remove(s.orderJournal, id);
            n++;
          }
        }
        return n;
      }),
    deleteByUser: (userId) =>
      exec((s) => {
        let n = 0;
        for (const [id, r] of [...s.orderJournal]) if (r.userId === userId && s.remove(s.orderJournal, id)) n++;
        return n;
      }),
  };
}

/** The memory {@link IncidentStore}. */
export function memoryIncidents(exec: Exec): IncidentStore {
  return {
    insert: (record) =>
      exec((s) => {
        if (s.incidents.has(record.id)) throw new WalletAuthError("CONFLICT", { reason: "incident-exists" });
        s.put(s.incidents, record.id, copyIncident(record));
      }),
    list: (userId, limit) =>
      exec((s) =>
        [...s.incidents.values()]
          .filter((r) => r.userId === userId)
          .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? -1 : 1))
          .slice(0, limit)
          .map(copyIncident),
      ),
    deleteByUser: (userId) =>
      exec((s) => {
        let n = 0;
        for (const [id, r] of [...s.incidents]) if (r.userId === userId && s.remove(s.incidents, id)) n++;
        return n;
      }),
  };
}
