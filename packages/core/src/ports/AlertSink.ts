import type { SecurityAlertRecord } from "./AlertStore.js";

/**
 * Where alerts are delivered (log, webhook, ...). `send` must honour its own hard timeout and
 * never throw into the caller: delivery failures are reported through the returned result.
 */
export interface AlertSink {
  /** Sink name for diagnostics (`"log"`, `"webhook"`). */
  readonly name: string;
  /** Delivers one alert. Resolves `{ delivered: false }` instead of throwing. */
  send(alert: SecurityAlertRecord): Promise<{ delivered: boolean; attempts: number }>;
}
