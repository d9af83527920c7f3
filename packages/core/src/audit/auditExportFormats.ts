import type { AuditEventRecord } from "../ports/AuditLog.js";

/** What a user sees of one of their audit events (no chain key, digest or IP hash). */
export interface AuditEventView {
  id: string;
  seq: number;
  occurredAt: string;
  action: string;
  outcome: AuditEventRecord["outcome"];
  actorType: AuditEventRecord["actorType"];
  actorId: string | null;
  targetType: string | null;
  targetId: string | null;
  requestId: string | null;
  userAgent: string | null;
  details: AuditEventRecord["details"];
  prevHash: string;
  hash: string;
}

/** The user-facing view of a stored event. */
export function toAuditEventView(event: AuditEventRecord): AuditEventView {
  return {
    id: event.id,
    seq: event.seq,
    occurredAt: event.occurredAt.toISOString(),
    action: event.action,
    outcome: event.outcome,
    actorType: event.actorType,
    actorId: event.actorId,
    targetType: event.targetType,
    targetId: event.targetId,
    requestId: event.requestId,
    userAgent: event.userAgent,
    details: event.details,
    prevHash: event.prevHash,
    hash: event.hash,
  };
}

/** CSV columns, in order. */
export const CSV_COLUMNS = [
  "id",
  "seq",
  "occurredAt",
  "action",
  "outcome",
  "actorType",
  "actorId",
  "targetType",
  "targetId",
  "requestId",
  "userAgent",
  "details",
  "prevHash",
  "hash",
] as const satisfies readonly (keyof AuditEventView)[];

/**
 * One CSV cell (RFC 4180): quoted when it holds a comma, quote or line break, quotes doubled.
 * A cell a spreadsheet would run as a formula (starting `=`, `+`, `-`, `@`, tab or CR) is
 * prefixed with `'` first (OWASP CSV injection guidance).
 */
export function csvCell(value: string | number | boolean | null): string {
  if (value === null) return "";
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV line (CRLF-terminated) for an event. */
export function csvLine(view: AuditEventView): string {
  return `${CSV_COLUMNS.map((c) => csvCell(c === "details" ? JSON.stringify(view.details) : view[c])).join(",")}\r\n`;
}

/** The CSV header line. */
export function csvHeader(): string {
  return `${CSV_COLUMNS.join(",")}\r\n`;
}
