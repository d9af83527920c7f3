import { LRUCache } from "lru-cache";
import { type Clock, systemClock } from "../ports/Clock.js";
import { safeErrorFields, stderrLogger, type WalletAuthLogger } from "../ports/Logger.js";

/**
 * Work that runs after the caller has its answer (or with no caller at all), whose failure is
 * therefore reported here instead of thrown:
 * - `balance_refresh`: the balance refresher could not reach its store (leases, snapshots);
 * - `lease_end_audit`: the `credential.lease_end` event of an ending lease was not written;
 * - `token_use_audit`: a bot token's `token.use` event was not written;
 * - `proxy_audit`: the `exchange.proxy` event of a call the exchange already ran was not written;
 * - `proxy_idempotency`: the result of such a call could not be stored for its `Idempotency-Key`;
 * - `proxy_journal`: an order's venue id could not be added to its journal entry (reconciliation
 *   still matches it by client order id);
 * - `reconcile`: a reconciliation pass could not check one credential (venue or store down).
 */
export type BackgroundOperation = "balance_refresh" | "lease_end_audit" | "token_use_audit" | "proxy_audit" | "proxy_idempotency" | "proxy_journal" | "reconcile";

/** One reported failure: the operation and the error's safe fields (code and reason, or class name). */
export interface BackgroundFailure {
  operation: BackgroundOperation;
  errorCode?: string;
  errorReason?: string;
  errorName?: string;
}

/**
 * Told about every background failure, for metrics (the reference server counts them in
 * Prometheus as `wallet_auth_background_failures_total`). Core ships no metrics library: this
 * hook is the seam. It must not throw (a throw is ignored).
 */
export interface WalletAuthObserver {
  backgroundFailure?(failure: BackgroundFailure): void;
}

/** Options of {@link FailureReporter}. */
export interface FailureReporterOptions {
  /** Default: `stderrLogger` (one `console.error` line). */
  logger?: WalletAuthLogger | undefined;
  observer?: WalletAuthObserver | undefined;
  /** One log line per operation and error code (or name) per interval. Default 60 s. */
  logIntervalMs?: number | undefined;
  clock?: Clock | undefined;
}

/**
 * Reports failures of background work: every one goes to the observer (a counter), and the log
 * gets the first of each operation and error code at once, then at most one line per
 * `logIntervalMs` carrying how many were not logged since (`suppressed`), so an outage writes a
 * handful of lines, not one per request. Lines carry the operation and the error's code, reason
 * or class name only: never a message, stack, SQL text or secret.
 *
 * @example
 * ```ts
 * import { FailureReporter } from "@wallet-auth/core";
 * const failures = new FailureReporter({ observer: { backgroundFailure: (f) => counter.inc({ operation: f.operation }) } });
 * failures.report("token_use_audit", new Error("disk full"));
 * ```
 */
export class FailureReporter {
  readonly #logger: WalletAuthLogger;
  readonly #observer: WalletAuthObserver | undefined;
  readonly #intervalMs: number;
  readonly #clock: Clock;
  /** Last log time and suppressed count per operation and error; bounded (an old entry just logs again). */
  readonly #logged = new LRUCache<string, { at: number; suppressed: number }>({ max: 1000 });

  constructor(options: FailureReporterOptions = {}) {
    this.#logger = options.logger ?? stderrLogger;
    this.#observer = options.observer;
    this.#intervalMs = options.logIntervalMs ?? 60_000;
    this.#clock = options.clock ?? systemClock;
  }

  /** Counts the failure and logs it unless one like it was logged within the interval. Never throws. */
  report(operation: BackgroundOperation, error: unknown): void {
    const fields = safeErrorFields(error);
    try {
      this.#observer?.backgroundFailure?.({ operation, ...fields });
    } catch {
      // A broken metrics hook must not turn a reported failure into a thrown one.
    }
    const key = `${operation}:${fields.errorCode ?? fields.errorName ?? "?"}`;
    const now = this.#clock.now().getTime();
    const last = this.#logged.get(key);
    if (last !== undefined && now - last.at < this.#intervalMs) {
      last.suppressed += 1;
      return;
    }
    this.#logged.set(key, { at: now, suppressed: 0 });
    try {
      this.#logger.error({ operation, ...fields, ...(last === undefined ? {} : { suppressed: last.suppressed }) }, "background operation failed");
    } catch {
      // Nothing more to do when even the logger fails.
    }
  }
}
