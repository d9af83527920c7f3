import type { AuditActorType } from "../ports/AuditLog.js";

/**
 * Who is acting, on whose behalf, and where the request came from. Every service call takes
 * one; every call is scoped to `userId` (the acting/subject user). Built by the HTTP adapter
 * from a verified Clerk session, or by the embedding bot.
 */
export interface RequestContext {
  /** The subject user: whose data is read or changed (Clerk user id). */
  userId: string;
  /** Who acts. Defaults to `{ type: "user", id: userId }`. */
  actor?: { type: AuditActorType; id: string | null } | undefined;
  /** Correlates log lines and audit events of one request. */
  requestId?: string | undefined;
  /** Client IP as seen by the server. Stored only as a keyed hash. */
  ip?: string | undefined;
  userAgent?: string | undefined;
}
