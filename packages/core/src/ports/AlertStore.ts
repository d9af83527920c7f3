import type { Page, PageRequest } from "./common.js";

/** Severity of a security alert. */
export type AlertSeverity = "low" | "medium" | "high" | "critical";
/** Lifecycle of a security alert. */
export type AlertStatus = "open" | "acknowledged" | "resolved";

/** A security alert raised by a detector. */
export interface SecurityAlertRecord {
  id: string;
  /** The user concerned, or `null` for system-wide alerts (e.g. key age). */
  userId: string | null;
  /** Detector kind, e.g. `"auth.failed_burst"`, `"credential.withdraw_enabled"`. */
  kind: string;
  severity: AlertSeverity;
  status: AlertStatus;
  /** Non-secret facts (counts, thresholds, credential id). */
  details: Record<string, string | number | boolean | null>;
  /**
   * Suppresses repeats: at most one open alert per `(userId, dedupeKey)`. `null` never dedupes.
   */
  dedupeKey: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Filter for alert listing. */
export interface AlertQuery extends PageRequest {
  userId: string;
  status?: AlertStatus | undefined;
}

/** Persistence of security alerts. */
export interface AlertStore {
  /**
   * Inserts the alert unless an open alert with the same `(userId, dedupeKey)` exists; returns
   * the stored alert and whether it was new. Atomic under concurrency (unique partial index).
   */
  insert(record: SecurityAlertRecord): Promise<{ alert: SecurityAlertRecord; created: boolean }>;
  /** Alerts for a user, newest first. */
  list(query: AlertQuery): Promise<Page<SecurityAlertRecord>>;
  /** Sets the status; `null` when absent or another user's. */
  setStatus(userId: string, id: string, status: AlertStatus, now: Date): Promise<SecurityAlertRecord | null>;
  /** Deletes a user's alerts; returns how many. */
  deleteByUser(userId: string): Promise<number>;
}
