import { z } from "zod";
import type { AuditTrail } from "../audit/AuditTrail.js";
import { sanitizeDetails } from "../audit/sanitizeDetails.js";
import type { RequestContext } from "../context/RequestContext.js";
import { WalletAuthError } from "../errors/index.js";
import type { AlertSink } from "../ports/AlertSink.js";
import type { AlertSeverity, AlertStatus, SecurityAlertRecord } from "../ports/AlertStore.js";
import { type Clock, systemClock } from "../ports/Clock.js";
import type { Page } from "../ports/common.js";
import { type RandomSource, cryptoRandom } from "../ports/RandomSource.js";
import type { WalletAuthStore } from "../ports/UnitOfWork.js";
import { safeErrorFields, stderrLogger, type WalletAuthLogger } from "../ports/Logger.js";
import { isStorableText, parseContext, parseId, parseInput, userIdSchema } from "../validation/index.js";

/** Input of {@link AlertService.raise}. */
export interface RaiseAlertInput {
  /** The user concerned, or `null` for a system-wide alert (key age). */
  userId: string | null;
  /** Detector kind, e.g. `"auth.failed_burst"`. */
  kind: string;
  severity: AlertSeverity;
  /** Non-secret facts; sanitised like audit details. */
  details?: Record<string, string | number | boolean | null> | undefined;
  /** At most one open alert per `(userId, dedupeKey)`; `null` never dedupes. Default: `kind`. */
  dedupeKey?: string | null | undefined;
}

/** Result of {@link AlertService.raise}. */
export interface RaiseAlertResult {
  alert: SecurityAlertRecord;
  /** `false` when an open alert with the same dedupe key already existed (nothing delivered). */
  created: boolean;
}

/** Reports a sink's delivery outcome (for metrics/logs); never receives secrets. */
export type AlertDeliveryListener = (outcome: {
  alertId: string;
  sink: string;
  delivered: boolean;
  attempts: number;
}) => void;

/** Options for {@link AlertService}. */
export interface AlertServiceOptions {
  store: WalletAuthStore;
  /** Audits acknowledge/resolve by the user. */
  audit: AuditTrail;
  sinks?: readonly AlertSink[] | undefined;
  clock?: Clock | undefined;
  random?: RandomSource | undefined;
  onDelivery?: AlertDeliveryListener | undefined;
  /** Where a sink that throws is logged (sink name, alert id, {@link safeErrorFields}). Default: `console`. */
  logger?: WalletAuthLogger | undefined;
}

const listOptionsSchema = z.strictObject({
  status: z.enum(["open", "acknowledged", "resolved"]).optional(),
  cursor: z.string().max(512).refine(isStorableText).optional(),
  limit: z.number().int().min(1).max(200).optional(),
});

const raiseInputSchema = z.strictObject({
  userId: userIdSchema.nullable(),
  kind: z.string().min(1).max(64).regex(/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/),
  severity: z.enum(["low", "medium", "high", "critical"]),
  details: z.record(z.string().max(64).refine(isStorableText), z.union([z.string().refine(isStorableText), z.number(), z.boolean(), z.null()])).optional(),
  dedupeKey: z.string().max(256).refine(isStorableText).nullable().optional(),
});

/**
 * Raises, stores, lists and updates security alerts, and delivers new ones to sinks in the
 * background: `raise` returns once the alert is stored, never waiting for a sink, so a slow
 * or stuck webhook cannot hold up a request. `flush()` waits for pending deliveries (tests,
 * graceful shutdown).
 *
 * @example
 * ```ts
 * const alerts = new AlertService({ store, audit, sinks: [createLogAlertSink({ logger: console })] });
 * await alerts.raise({ userId: "user_1", kind: "auth.failed_burst", severity: "high", details: { count: 5 } });
 * const page = await alerts.list({ userId: "user_1" }, { status: "open" });
 * ```
 */
export class AlertService {
  readonly #store: WalletAuthStore;
  readonly #audit: AuditTrail;
  readonly #sinks: readonly AlertSink[];
  readonly #clock: Clock;
  readonly #random: RandomSource;
  readonly #onDelivery: AlertDeliveryListener | undefined;
  readonly #logger: WalletAuthLogger;
  readonly #inflight = new Set<Promise<void>>();

  constructor(options: AlertServiceOptions) {
    this.#store = options.store;
    this.#audit = options.audit;
    this.#sinks = options.sinks ?? [];
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? cryptoRandom;
    this.#onDelivery = options.onDelivery;
    this.#logger = options.logger ?? stderrLogger;
  }

  /**
   * Stores an alert (deduplicated) and, when it is new, schedules delivery to every sink.
   *
   * @returns The stored (or already open) alert and whether it was created.
   * @throws WalletAuthError `INVALID_INPUT` for a malformed input (kind, severity, a NUL in a
   * detail...), before any write; store errors as thrown by the store.
   */
  async raise(raw: RaiseAlertInput): Promise<RaiseAlertResult> {
    const input = parseInput(raiseInputSchema, raw, "input");
    const now = this.#clock.now();
    const record: SecurityAlertRecord = {
      id: this.#random.uuid(),
      userId: input.userId,
      kind: input.kind,
      severity: input.severity,
      status: "open",
      details: sanitizeDetails(input.details),
      dedupeKey: input.dedupeKey === undefined ? input.kind : input.dedupeKey,
      createdAt: now,
      updatedAt: now,
    };
    const result = await this.#store.alerts.insert(record);
    if (result.created) this.#deliver(result.alert);
    return result;
  }

  /** The user's alerts, newest first. */
  async list(
    ctx: RequestContext,
    options: { status?: AlertStatus | undefined; cursor?: string | undefined; limit?: number | undefined } = {},
  ): Promise<Page<SecurityAlertRecord>> {
    const { userId } = parseContext(ctx);
    const parsed = parseInput(listOptionsSchema, options, "options");
    return this.#store.alerts.list({ userId, status: parsed.status, cursor: parsed.cursor, limit: parsed.limit ?? 50 });
  }

  /**
   * Marks the user's alert acknowledged (audited `alert.acknowledge`).
   *
   * @throws WalletAuthError `NOT_FOUND` when absent or another user's.
   */
  acknowledge(ctx: RequestContext, alertId: string): Promise<SecurityAlertRecord> {
    return this.#setStatus(ctx, alertId, "acknowledged");
  }

  /**
   * Marks the user's alert resolved (audited `alert.resolve`); a later detection opens a new one.
   *
   * @throws WalletAuthError `NOT_FOUND` when absent or another user's.
   */
  resolve(ctx: RequestContext, alertId: string): Promise<SecurityAlertRecord> {
    return this.#setStatus(ctx, alertId, "resolved");
  }

  /** Resolves once every delivery scheduled so far has finished (delivered or given up). */
  async flush(): Promise<void> {
    while (this.#inflight.size > 0) await Promise.allSettled([...this.#inflight]);
  }

  async #setStatus(rawCtx: RequestContext, rawAlertId: string, status: AlertStatus): Promise<SecurityAlertRecord> {
    const ctx = parseContext(rawCtx);
    const alertId = parseId(rawAlertId, "alertId");
    const updated = await this.#store.transaction(async (tx) => {
      const row = await tx.alerts.setStatus(ctx.userId, alertId, status, this.#clock.now());
      if (!row) return null;
      await this.#audit.record(tx, ctx, {
        action: status === "resolved" ? "alert.resolve" : "alert.acknowledge",
        outcome: "success",
        targetType: "alert",
        targetId: alertId,
        details: { kind: row.kind },
      });
      return row;
    });
    if (!updated) throw new WalletAuthError("NOT_FOUND", { reason: "alert-not-found" });
    return updated;
  }

  #deliver(alert: SecurityAlertRecord): void {
    for (const sink of this.#sinks) {
      // Detached on purpose: the caller never waits for a sink.
      const task = (async () => {
        let outcome = { delivered: false, attempts: 0 };
        try {
          outcome = await sink.send(alert);
        } catch (error) {
          // Sinks must not throw; one that does counts as not delivered, and is logged.
          this.#logger.error({ event: "alert_sink_failed", sink: sink.name, alertId: alert.id, ...safeErrorFields(error) }, "alert sink failed");
        }
        this.#onDelivery?.({ alertId: alert.id, sink: sink.name, ...outcome });
      })();
      this.#inflight.add(task);
      // Only the delivery hook can throw here (the sink's failure is caught above): logged, never unhandled.
      void task
        .catch((error: unknown) => this.#logger.error({ event: "alert_delivery_hook_failed", sink: sink.name, alertId: alert.id, ...safeErrorFields(error) }, "alert delivery hook failed"))
        .finally(() => this.#inflight.delete(task));
    }
  }
}
