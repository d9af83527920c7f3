import type { IncidentRecord, IncidentStore, JsonObject, OrderJournal, OrderJournalRecord } from "@wallet-auth/core";
import { checkKeys } from "../internal/checkKeys.js";
import { type Db, type Row, query } from "../internal/Db.js";
import { date, json, jsonParam, num, str, strOrNull } from "../internal/mappers.js";

const COLUMNS = `id, user_id, credential_id, exchange, origin, venue_order_id, client_order_id, symbol, side, placed_at, recorded_at`;
const MAX_IDS = 1000;

function toRecord(r: Row): OrderJournalRecord {
  return {
    id: str(r.id),
    userId: str(r.user_id),
    credentialId: str(r.credential_id),
    exchange: str(r.exchange),
    origin: str(r.origin) as OrderJournalRecord["origin"],
    venueOrderId: strOrNull(r.venue_order_id),
    clientOrderId: strOrNull(r.client_order_id),
    symbol: str(r.symbol),
    side: strOrNull(r.side) as OrderJournalRecord["side"],
    placedAt: date(r.placed_at),
    recordedAt: date(r.recorded_at),
  };
}

const bounded = (ids: readonly string[]): string[] => [...new Set(ids)].slice(0, MAX_IDS);

/**
 * The PostgreSQL {@link OrderJournal}: one upsert per entry on the partial unique indexes, so a
 * retried proxy order (same client order id) and a foreign order seen by two replicas are one row.
 */
export function pgOrderJournal(db: Db): OrderJournal {
  return {
    async record(r) {
      checkKeys({ id: r.id, userId: r.userId, credentialId: r.credentialId });
      const values = [r.id, r.userId, r.credentialId, r.exchange, r.origin, r.venueOrderId, r.clientOrderId, r.symbol, r.side, r.placedAt, r.recordedAt];
      const conflict =
        r.origin === "proxy"
          ? `ON CONFLICT (credential_id, client_order_id) WHERE origin = 'proxy'
             DO UPDATE SET venue_order_id = COALESCE(order_journal.venue_order_id, excluded.venue_order_id)`
          : `ON CONFLICT (credential_id, venue_order_id) WHERE origin = 'foreign' DO NOTHING`;
      // xmax = 0 only on a freshly inserted row; an updated one carries the updating transaction.
      const { rows } = await query(db, `INSERT INTO order_journal (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ${conflict} RETURNING (xmax = 0) AS inserted`, values);
      return { created: rows[0]?.inserted === true };
    },
    async findProxyOrders(userId, credentialId, ids) {
      checkKeys({ userId, credentialId });
      const venue = bounded(ids.venueOrderIds);
      const client = bounded(ids.clientOrderIds);
      if (venue.length === 0 && client.length === 0) return [];
      const { rows } = await query(
        db,
        `SELECT ${COLUMNS} FROM order_journal WHERE user_id = ? AND credential_id = ? AND origin = 'proxy'
           AND (venue_order_id = ANY(?::text[]) OR client_order_id = ANY(?::text[]))`,
        [userId, credentialId, venue, client],
      );
      return rows.map(toRecord);
    },
    async recentSymbols(userId, credentialId, since, limit) {
      checkKeys({ userId, credentialId });
      const { rows } = await query(
        db,
        `SELECT symbol FROM order_journal WHERE user_id = ? AND credential_id = ? AND origin = 'proxy' AND placed_at >= ?
         GROUP BY symbol ORDER BY max(placed_at) DESC LIMIT ?`,
        [userId, credentialId, since, Math.max(0, Math.trunc(limit))],
      );
      return rows.map((r) => str(r.symbol));
    },
    async listForeign(userId, credentialId, limit) {
      checkKeys({ userId });
      const { rows } = await query(
        db,
        `SELECT ${COLUMNS} FROM order_journal WHERE user_id = ? AND origin = 'foreign' AND (?::text IS NULL OR credential_id = ?)
         ORDER BY recorded_at DESC, id ASC LIMIT ?`,
        [userId, credentialId, credentialId, Math.max(0, Math.trunc(limit))],
      );
      return rows.map(toRecord);
    },
    async deleteProxyBefore(before, limit) {
      const { rowCount } = await query(
        db,
        `DELETE FROM order_journal WHERE id IN (SELECT id FROM order_journal WHERE origin = 'proxy' AND placed_at < ? LIMIT ?)`,
        [before, Math.max(0, Math.trunc(limit))],
      );
      return num(rowCount);
    },
    async deleteByUser(userId) {
      checkKeys({ userId });
      return (await query(db, `DELETE FROM order_journal WHERE user_id = ?`, [userId])).rowCount;
    },
  };
}

/** The PostgreSQL {@link IncidentStore}. */
export function pgIncidents(db: Db): IncidentStore {
  return {
    async insert(r: IncidentRecord) {
      checkKeys({ id: r.id, userId: r.userId });
      await query(db, `INSERT INTO security_incidents (id, user_id, kind, details, created_at) VALUES (?, ?, ?, ?::jsonb, ?)`, [r.id, r.userId, r.kind, jsonParam(r.details), r.createdAt]);
    },
    async list(userId, limit) {
      checkKeys({ userId });
      const { rows } = await query(db, `SELECT id, user_id, kind, details, created_at FROM security_incidents WHERE user_id = ? ORDER BY created_at DESC, id ASC LIMIT ?`, [
        userId,
        Math.max(0, Math.trunc(limit)),
      ]);
      return rows.map((r) => ({ id: str(r.id), userId: str(r.user_id), kind: str(r.kind) as IncidentRecord["kind"], details: json<JsonObject>(r.details), createdAt: date(r.created_at) }));
    },
    async deleteByUser(userId) {
      checkKeys({ userId });
      return (await query(db, `DELETE FROM security_incidents WHERE user_id = ?`, [userId])).rowCount;
    },
  };
}
