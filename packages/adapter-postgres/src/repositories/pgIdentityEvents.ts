import type { IdentityEventStore, MembershipStateRecord } from "@wallet-auth/core";
import { checkKeys } from "../internal/checkKeys.js";
import { type Db, type Row, query } from "../internal/Db.js";
import { date, jsonParam, str, strOrNull } from "../internal/mappers.js";

function toMembership(r: Row): MembershipStateRecord {
  return {
    organizationId: str(r.organization_id),
    userId: str(r.user_id),
    role: strOrNull(r.role),
    status: str(r.status) as MembershipStateRecord["status"],
    asOf: date(r.as_of),
    eventId: str(r.event_id),
  };
}

/**
 * The PostgreSQL {@link IdentityEventStore}: deliveries and revocations are `ON CONFLICT DO
 * NOTHING` inserts (the first writer wins, a replay changes nothing); a membership state is one
 * upsert that applies only over a strictly older `as_of`, so parallel or out-of-order writers end
 * on the newest state.
 */
export function pgIdentityEvents(db: Db): IdentityEventStore {
  return {
    async hasEvent(id) {
      checkKeys({ id });
      const { rows } = await query(db, `SELECT 1 FROM identity_events WHERE id = ?`, [id]);
      return rows.length > 0;
    },
    async recordEvent(r) {
      checkKeys({ id: r.id, type: r.type });
      const { rows } = await query(
        db,
        `INSERT INTO identity_events (id, type, user_id, occurred_at, processed_at, details) VALUES (?, ?, ?, ?, ?, ?::jsonb)
         ON CONFLICT (id) DO NOTHING RETURNING id`,
        [r.id, r.type, r.userId, r.occurredAt, r.processedAt, jsonParam(r.details)],
      );
      return rows.length > 0;
    },
    async revoke(r) {
      checkKeys({ id: r.id, userId: r.userId });
      await query(db, `INSERT INTO revoked_subjects (id, kind, user_id, revoked_at) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`, [r.id, r.kind, r.userId, r.revokedAt]);
    },
    async anyRevoked(ids) {
      const list = [...new Set(ids)].slice(0, 8);
      if (list.length === 0) return false;
      checkKeys(Object.fromEntries(list.map((id, i) => [`ids.${i}`, id])));
      const { rows } = await query(db, `SELECT 1 FROM revoked_subjects WHERE id = ANY(?::text[]) LIMIT 1`, [list]);
      return rows.length > 0;
    },
    async putMembership(r) {
      checkKeys({ organizationId: r.organizationId, userId: r.userId, eventId: r.eventId });
      const { rows } = await query(
        db,
        `INSERT INTO membership_states (organization_id, user_id, role, status, as_of, event_id) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (organization_id, user_id) DO UPDATE SET role = excluded.role, status = excluded.status, as_of = excluded.as_of, event_id = excluded.event_id
         WHERE membership_states.as_of < excluded.as_of
         RETURNING organization_id`,
        [r.organizationId, r.userId, r.role, r.status, r.asOf, r.eventId],
      );
      return rows.length > 0;
    },
    async getMembership(organizationId, userId) {
      checkKeys({ organizationId, userId });
      const { rows } = await query(db, `SELECT organization_id, user_id, role, status, as_of, event_id FROM membership_states WHERE organization_id = ? AND user_id = ?`, [organizationId, userId]);
      return rows[0] === undefined ? null : toMembership(rows[0]);
    },
  };
}
