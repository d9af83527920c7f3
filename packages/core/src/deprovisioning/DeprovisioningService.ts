import { z } from "zod";
import type { AuditTrail } from "../audit/AuditTrail.js";
import type { RequestContext } from "../context/RequestContext.js";
import { WalletAuthError } from "../errors/index.js";
import { type Clock, systemClock } from "../ports/Clock.js";
import type { JsonObject } from "../ports/common.js";
import type { StoreRepositories, WalletAuthStore } from "../ports/UnitOfWork.js";
import type { KillSwitchService } from "../reconcile/KillSwitchService.js";
import { userIdSchema } from "../validation/schemas.js";

const clerkId = z.string().min(1).max(128).regex(/^[A-Za-z0-9_-]+$/);
const envelopeSchema = z.looseObject({ type: z.string().min(1).max(100), data: z.looseObject({}), timestamp: z.number().int().nonnegative().optional() });
const userDeletedSchema = z.looseObject({ id: userIdSchema });
const sessionSchema = z.looseObject({ id: clerkId, user_id: userIdSchema });
const membershipSchema = z.looseObject({
  role: z.string().min(1).max(128),
  organization: z.looseObject({ id: clerkId }),
  public_user_data: z.looseObject({ user_id: userIdSchema }),
  updated_at: z.number().int().nonnegative().optional(),
});
const deliveryIdSchema = z.string().min(1).max(128).regex(/^[\x21-\x7e]+$/);

/** The Clerk event types this service acts on; any other verified event is recorded and otherwise ignored. */
export const deprovisioningEventTypes = ["user.deleted", "session.revoked", "session.ended", "organizationMembership.deleted", "organizationMembership.updated"] as const;

/** A verified Clerk webhook delivery. */
export interface ClerkDelivery {
  /** The delivery id (`svix-id` header): the idempotency key. */
  id: string;
  /** The parsed JSON body (`{ type, data, timestamp, ... }`). */
  event: unknown;
  requestId?: string | undefined;
}

/** What {@link DeprovisioningService.handle} did. */
export interface DeprovisioningResult {
  /**
   * `applied`: the event took effect; `duplicate`: this delivery id was processed before, nothing
   * changed; `stale`: recorded, but a newer state of the same object was already there; `ignored`:
   * recorded, a type this service does not act on.
   */
  outcome: "applied" | "duplicate" | "stale" | "ignored";
  type: string;
}

/** Options of {@link DeprovisioningService}. */
export interface DeprovisioningServiceOptions {
  store: WalletAuthStore;
  audit: AuditTrail;
  /** Stops a deleted user's tokens, credentials and leases (the same operations as the kill switch). */
  killSwitch: KillSwitchService;
  clock?: Clock | undefined;
}

/** Thrown inside a transaction to roll it back when a parallel delivery of the same id won. */
class DuplicateDelivery extends Error {}

const SYSTEM_ACTOR = { type: "system" as const, id: "clerk-webhook" };

/**
 * Deprovisioning from Clerk webhooks (SOC 2: access removed within 24 hours, here before the
 * webhook is answered). `user.deleted` revokes every bot token of the user, disables every
 * credential (not erased: erasure stays the separate privacy action), ends the credential leases
 * (through the kill switch) and refuses the user's session tokens from then on; `session.revoked`
 * and `session.ended` refuse that session's tokens although they have not expired;
 * `organizationMembership.deleted` / `.updated` record the membership's newest state and audit it
 * (organizations own nothing here yet). Each delivery id is processed once: a replay or duplicate
 * changes nothing; an older membership event never replaces a newer state.
 */
export class DeprovisioningService {
  readonly #o: DeprovisioningServiceOptions;
  readonly #clock: Clock;

  constructor(options: DeprovisioningServiceOptions) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
  }

  /**
   * Acts on one verified delivery; everything it does is done when it resolves.
   *
   * @param delivery - the delivery id and the parsed body.
   * @returns the outcome.
   * @throws `INVALID_INPUT` (malformed envelope or data; nothing changed); `STORE_UNAVAILABLE` /
   *   `AUDIT_UNAVAILABLE` (retry: every step is idempotent).
   * @example
   * ```ts
   * const { outcome } = await walletAuth.deprovisioning.handle({ id: svixId, event: JSON.parse(body) });
   * ```
   */
  async handle(delivery: ClerkDelivery): Promise<DeprovisioningResult> {
    const id = parse(deliveryIdSchema, delivery.id, "id");
    const envelope = parse(envelopeSchema, delivery.event, "event");
    const { type } = envelope;
    if (await this.#o.store.identityEvents.hasEvent(id)) return { outcome: "duplicate", type };
    const now = this.#clock.now();
    const occurredAt = envelope.timestamp === undefined ? now : new Date(envelope.timestamp);
    const ctxOf = (userId: string): RequestContext => ({ userId, actor: SYSTEM_ACTOR, ...(delivery.requestId ? { requestId: delivery.requestId } : {}) });
    const finish = async (userId: string | null, outcome: DeprovisioningResult["outcome"], details: JsonObject, work?: (tx: StoreRepositories) => Promise<void>) => {
      try {
        await this.#o.store.transaction(async (tx) => {
          await work?.(tx);
          if (!(await tx.identityEvents.recordEvent({ id, type, userId, occurredAt, processedAt: now, details: { ...details, outcome } }))) throw new DuplicateDelivery();
        });
      } catch (error) {
        if (error instanceof DuplicateDelivery) return { outcome: "duplicate" as const, type };
        throw error;
      }
      return { outcome, type };
    };

    switch (type) {
      case "user.deleted": {
        const { id: userId } = parse(userDeletedSchema, envelope.data, "event.data");
        // First: no session of the user authenticates any more, on any replica.
        await this.#o.store.identityEvents.revoke({ kind: "user", id: userId, userId, revokedAt: now });
        let incidentId: string | null = null;
        if ((await this.#o.store.users.get(userId)) !== null) {
          const { incident } = await this.#o.killSwitch.run(ctxOf(userId), {});
          incidentId = incident.id;
        }
        const details = { incidentId, svixId: id };
        return finish(userId, "applied", details, async (tx) => {
          await this.#o.audit.record(tx, ctxOf(userId), { action: "account.deprovision", outcome: "success", targetType: "user", details: { reason: "clerk-user-deleted", ...details } });
        });
      }
      case "session.revoked":
      case "session.ended": {
        const { id: sessionId, user_id: userId } = parse(sessionSchema, envelope.data, "event.data");
        return finish(userId, "applied", { sessionId }, async (tx) => {
          await tx.identityEvents.revoke({ kind: "session", id: sessionId, userId, revokedAt: now });
          await this.#o.audit.record(tx, ctxOf(userId), { action: "session.revoke", outcome: "success", targetType: "session", targetId: sessionId, details: { reason: type, svixId: id } });
        });
      }
      case "organizationMembership.deleted":
      case "organizationMembership.updated": {
        const data = parse(membershipSchema, envelope.data, "event.data");
        const userId = data.public_user_data.user_id;
        const organizationId = data.organization.id;
        const removed = type === "organizationMembership.deleted";
        // Clerk's own time of the membership state orders events of the same membership.
        const asOf = data.updated_at === undefined ? occurredAt : new Date(data.updated_at);
        let stored = false;
        const details: JsonObject = { organizationId, role: data.role };
        const result = await finish(userId, "applied", details, async (tx) => {
          stored = await tx.identityEvents.putMembership({ organizationId, userId, role: removed ? null : data.role, status: removed ? "removed" : "active", asOf, eventId: id });
          details.stale = !stored;
          await this.#o.audit.record(tx, ctxOf(userId), {
            action: removed ? "organization.membership_remove" : "organization.membership_update",
            outcome: "success",
            targetType: "organization",
            targetId: organizationId,
            details: { role: data.role, stale: !stored, svixId: id },
          });
        });
        return result.outcome === "applied" && !stored ? { outcome: "stale", type } : result;
      }
      default:
        return finish(null, "ignored", {});
    }
  }

  /**
   * Whether a Clerk session (or its whole user) was revoked by a webhook: one indexed read,
   * made for every session-authenticated request.
   */
  async isRevoked(sessionId: string | null, userId: string): Promise<boolean> {
    return this.#o.store.identityEvents.anyRevoked(sessionId === null ? [userId] : [sessionId, userId]);
  }
}

function parse<T extends z.ZodType>(schema: T, value: unknown, field: string): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw new WalletAuthError("INVALID_INPUT", { reason: "clerk-webhook-payload", details: { fields: [field] } });
  return result.data;
}
