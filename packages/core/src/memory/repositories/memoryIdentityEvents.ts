import type { IdentityEventRecord, IdentityEventStore, MembershipStateRecord } from "../../ports/IdentityEventStore.js";
import type { Exec } from "./Exec.js";

const membershipKey = (organizationId: string, userId: string) => `${organizationId}\0${userId}`;
const copyMembership = (r: MembershipStateRecord): MembershipStateRecord => ({ ...r, asOf: new Date(r.asOf) });

/** The memory {@link IdentityEventStore}. */
export function memoryIdentityEvents(exec: Exec): IdentityEventStore {
  return {
    hasEvent: (id) => exec((s) => s.identityEvents.has(id)),
    recordEvent: (record) =>
      exec((s) => {
        if (s.identityEvents.has(record.id)) return false;
        const copy: IdentityEventRecord = { ...record, details: structuredClone(record.details), occurredAt: new Date(record.occurredAt), processedAt: new Date(record.processedAt) };
        s.put(s.identityEvents, record.id, copy);
        return true;
      }),
    revoke: (record) =>
      exec((s) => {
        if (!s.revokedSubjects.has(record.id)) s.put(s.revokedSubjects, record.id, { ...record, revokedAt: new Date(record.revokedAt) });
      }),
    anyRevoked: (ids) => exec((s) => ids.some((id) => s.revokedSubjects.has(id))),
    putMembership: (record) =>
      exec((s) => {
        const key = membershipKey(record.organizationId, record.userId);
        const held = s.memberships.get(key);
        if (held !== undefined && held.asOf.getTime() >= record.asOf.getTime()) return false;
        s.put(s.memberships, key, copyMembership(record));
        return true;
      }),
    getMembership: (organizationId, userId) =>
      exec((s) => {
        const held = s.memberships.get(membershipKey(organizationId, userId));
        return held === undefined ? null : copyMembership(held);
      }),
  };
}
