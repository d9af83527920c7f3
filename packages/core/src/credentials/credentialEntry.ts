import type { AuditEntry } from "../audit/AuditTrail.js";

/** An audit entry about one credential. */
export function credentialEntry(action: string, outcome: AuditEntry["outcome"], id: string | undefined, details?: AuditEntry["details"]): AuditEntry {
  const entry: AuditEntry = { action, outcome, targetType: "credential" };
  if (id !== undefined) entry.targetId = id;
  if (details !== undefined) entry.details = details;
  return entry;
}
