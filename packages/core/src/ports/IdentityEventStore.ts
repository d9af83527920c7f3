import type { JsonObject } from "./common.js";

/** An identity-provider (Clerk) webhook event as processed here, kept for idempotency and evidence. */
export interface IdentityEventRecord {
  /** The delivery id (`svix-id`); unique: a replay or a duplicate delivery carries the same one. */
  id: string;
  /** Clerk's event type, e.g. `user.deleted`. */
  type: string;
  /** The user the event is about, when it names one. */
  userId: string | null;
  /** When Clerk says it happened (the envelope's `timestamp`). */
  occurredAt: Date;
  processedAt: Date;
  /** What was done (counts, `stale`, ids): no personal data beyond ids. */
  details: JsonObject;
}

/** A Clerk subject that may no longer authenticate here: a session (`sess_...`) or a whole user (`user_...`). */
export interface RevokedSubjectRecord {
  kind: "session" | "user";
  /** The Clerk session id or user id. */
  id: string;
  /** The user the subject belongs to. */
  userId: string;
  revokedAt: Date;
}

/** The latest known state of one organization membership (organizations are not built yet: recorded for later). */
export interface MembershipStateRecord {
  organizationId: string;
  userId: string;
  /** Clerk role key (`org:admin`...), `null` once removed. */
  role: string | null;
  status: "active" | "removed";
  /** Clerk's time of the state (the membership's `updated_at`, else the event time): an older state never replaces a newer one. */
  asOf: Date;
  /** The delivery that set it. */
  eventId: string;
}

/** Clerk webhook deliveries, revoked sessions and users, and membership states. */
export interface IdentityEventStore {
  /** Whether the delivery `id` was already processed. */
  hasEvent(id: string): Promise<boolean>;
  /**
   * Records a processed delivery. Atomic: of two parallel inserts of one id exactly one returns
   * `true`; the other changes nothing and returns `false`.
   */
  recordEvent(record: IdentityEventRecord): Promise<boolean>;
  /** Marks the subject revoked; an existing mark is kept as it is (revocation is never undone). Idempotent. */
  revoke(record: RevokedSubjectRecord): Promise<void>;
  /**
   * Whether any of `ids` (a session id and its user id) is revoked: one indexed read. Empty `ids`
   * is `false`.
   */
  anyRevoked(ids: readonly string[]): Promise<boolean>;
  /**
   * Stores the membership state when none is stored or the stored one is strictly older
   * (`asOf`). One conditional write: of parallel writers the newest state wins whatever the order.
   * @returns whether it was stored (`false`: a newer or equal state was already there).
   */
  putMembership(record: MembershipStateRecord): Promise<boolean>;
  /** The stored membership state, or `null`. */
  getMembership(organizationId: string, userId: string): Promise<MembershipStateRecord | null>;
}
