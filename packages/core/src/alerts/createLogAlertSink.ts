import { sanitizeDetails } from "../audit/sanitizeDetails.js";
import type { AlertSink } from "../ports/AlertSink.js";

/** The logger shape the log sink needs (pino's `warn(obj, msg)` fits, as does `console`). */
export interface AlertLogger {
  warn(fields: Record<string, unknown>, message: string): void;
}

/** Options for {@link createLogAlertSink}. */
export interface LogAlertSinkOptions {
  logger: AlertLogger;
  /** Log message. Default `"security alert"`. */
  message?: string | undefined;
}

/**
 * An {@link AlertSink} that writes one structured log line per alert: id, kind, severity,
 * status, user id, time and sanitised details (never a secret; details are re-sanitised).
 *
 * @example
 * ```ts
 * import pino from "pino";
 * const sink = createLogAlertSink({ logger: pino() });
 * ```
 */
export function createLogAlertSink(options: LogAlertSinkOptions): AlertSink {
  const message = options.message ?? "security alert";
  return {
    name: "log",
    async send(alert) {
      try {
        options.logger.warn(
          {
            event: "security_alert",
            alertId: alert.id,
            kind: alert.kind,
            severity: alert.severity,
            status: alert.status,
            userId: alert.userId,
            createdAt: alert.createdAt.toISOString(),
            details: sanitizeDetails(alert.details),
          },
          message,
        );
        return { delivered: true, attempts: 1 };
      } catch {
        return { delivered: false, attempts: 1 };
      }
    },
  };
}
