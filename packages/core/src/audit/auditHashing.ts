import { createHash, createHmac } from "node:crypto";
import type { AuditEventRecord } from "../ports/AuditLog.js";

/** `prevHash` of the first event of a chain. */
export const GENESIS_HASH = "0".repeat(64);

/** Format tag hashed into every event, so a future encoding can coexist with this one. */
const ENCODING_VERSION = "wa-audit-v1";

/** Keyed hash (hex HMAC-SHA256) of `value` in domain `domain` (domain separation per use). */
export function keyedHash(key: Uint8Array, domain: string, value: string): string {
  return createHmac("sha256", key).update(`${domain}\u0000${value}`, "utf8").digest("hex");
}

/** The pseudonymous chain id of a user. */
export function chainKeyFor(key: Uint8Array, userId: string): string {
  return keyedHash(key, "chain", userId);
}

/** The chain id of a named system chain (e.g. `"rotation"`); never collides with a user's. */
export function systemChainKeyFor(key: Uint8Array, name: string): string {
  return keyedHash(key, "system-chain", name);
}

/** Keyed hash of a client IP. */
export function ipHashFor(key: Uint8Array, ip: string): string {
  return keyedHash(key, "ip", ip);
}

/** The personal fields an event commits to only through its digest. */
export type PersonalFields = Pick<AuditEventRecord, "subjectUserId" | "actorId" | "ipHash" | "userAgent">;

/** Keyed digest of the personal fields: erasable fields stay covered by the chain. */
export function personalDigestFor(key: Uint8Array, fields: PersonalFields): string {
  return keyedHash(key, "personal", JSON.stringify([fields.subjectUserId, fields.actorId, fields.ipHash, fields.userAgent]));
}

/**
 * Canonical encoding of every non-personal field plus the personal digest. Details keys are
 * sorted, dates are ISO-8601 UTC, so any backend that round-trips the values hashes alike.
 */
export function canonicalEvent(event: Omit<AuditEventRecord, "hash">): string {
  const details = Object.keys(event.details)
    .sort()
    .map((k) => [k, event.details[k] ?? null]);
  return JSON.stringify([
    ENCODING_VERSION,
    event.id,
    event.chainKey,
    event.seq,
    event.actorType,
    event.action,
    event.targetType,
    event.targetId,
    event.outcome,
    event.requestId,
    event.occurredAt.toISOString(),
    details,
    event.personalDigest,
  ]);
}

/** `SHA-256(prevHash || canonical(event))`, hex. */
export function computeEventHash(event: Omit<AuditEventRecord, "hash">): string {
  return createHash("sha256").update(event.prevHash, "utf8").update(canonicalEvent(event), "utf8").digest("hex");
}
