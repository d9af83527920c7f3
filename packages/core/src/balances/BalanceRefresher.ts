import { LRUCache } from "lru-cache";
import type { RequestContext } from "../context/RequestContext.js";
import { isWalletAuthError } from "../errors/index.js";
import { type Clock, systemClock } from "../ports/Clock.js";
import type { LeaseStore } from "../ports/LeaseStore.js";
import { FailureReporter } from "../observe/FailureReporter.js";
import type { ActiveBalanceSource, BalanceService } from "./BalanceService.js";

/** Timer functions, injected so tests drive the refresher without waiting. */
export interface RefresherTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** How long a source waits after a failure, per error class (doubling per consecutive failure up to `maxMs`). */
export interface RefresherBackoff {
  /** Exchange/chain/store unavailable and anything unclassified. Default 30 s. */
  transientMs?: number | undefined;
  /** Upstream rate limiting. Default 2 min. */
  rateLimitedMs?: number | undefined;
  /** The credential or wallet itself is unusable (invalid, disabled, expired, missing). Default 1 h. */
  unusableMs?: number | undefined;
  /** Ceiling. Default 1 h. */
  maxMs?: number | undefined;
}

/** Options for {@link BalanceRefresher}. */
export interface BalanceRefresherOptions {
  balances: BalanceService;
  /** Leases shared by every replica (the store's `leases`). */
  leases: LeaseStore;
  /** This replica's id, unique among replicas (e.g. hostname + pid). */
  owner: string;
  clock?: Clock | undefined;
  timers?: RefresherTimers | undefined;
  /** Pause between passes. Default 60 s. */
  intervalMs?: number | undefined;
  /** Sources read within this window are kept warm. Default 15 min. */
  activeWindowMs?: number | undefined;
  /** A source is re-read when its cached read is older than this (keep it under the cache TTL). Default 4 min. */
  refreshAgeMs?: number | undefined;
  /** Upstream reads at once. Default 4. */
  concurrency?: number | undefined;
  /** Lease length per source; longer than one upstream read. Default 60 s. */
  leaseMs?: number | undefined;
  backoff?: RefresherBackoff | undefined;
  /** Told about each failed refresh (for logs/metrics); receives the coded error. */
  onError?: ((error: unknown, source: ActiveBalanceSource) => void) | undefined;
  /**
   * Where the refresher's own store failures are reported (a lease or snapshot write that failed,
   * a pass that broke): counted through its observer and logged once per interval. Upstream
   * failures (exchange, chain, credential) only back off. Default: `walletAuth.failures` is the
   * one to pass; else a {@link FailureReporter} logging to `console`.
   */
  failures?: FailureReporter | undefined;
}

/** Outcome of one pass. */
export interface RefreshPassResult {
  refreshed: number;
  /** Fresh enough, backing off, or leased by another replica. */
  skipped: number;
  failed: number;
}

type ErrorClass = "transient" | "rateLimited" | "unusable";

function classify(error: unknown): ErrorClass {
  if (!isWalletAuthError(error)) return "transient";
  if (error.code === "EXCHANGE_RATE_LIMITED" || error.code === "RATE_LIMITED") return "rateLimited";
  if (error.code.startsWith("CREDENTIAL_") || error.code === "NOT_FOUND" || error.code === "CHAIN_UNSUPPORTED" || error.code === "EXCHANGE_UNSUPPORTED") {
    return "unusable";
  }
  return "transient";
}

/** The refresher's own storage failed (not the exchange, chain or credential it read). */
function isStoreFailure(error: unknown): boolean {
  return !isWalletAuthError(error) || error.code === "STORE_UNAVAILABLE" || error.code === "INTERNAL";
}

const systemTimers: RefresherTimers = {
  setTimeout: (fn, ms) => {
    const handle = setTimeout(fn, ms);
    handle.unref?.();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Keeps recently read balance sources warm in the background: every `intervalMs` it re-reads
 * sources read within `activeWindowMs` whose cached read is older than `refreshAgeMs`, at most
 * `concurrency` at once. A source is refreshed by one replica at a time (a lease per source), and
 * one that fails waits out a backoff chosen by the error class. `stop()` waits for in-flight
 * reads.
 *
 * @example
 * ```ts
 * import { BalanceRefresher } from "@wallet-auth/core";
 * const refresher = new BalanceRefresher({ balances, leases: store.leases, owner: `replica-${process.pid}` });
 * refresher.start();
 * process.on("SIGTERM", () => void refresher.stop());
 * ```
 */
export class BalanceRefresher {
  readonly #o: BalanceRefresherOptions;
  readonly #clock: Clock;
  readonly #timers: RefresherTimers;
  readonly #reporter: FailureReporter;
  /** Sources in back-off; bounded (a source forgotten here is simply retried on the next pass). */
  readonly #failures = new LRUCache<string, { count: number; retryAt: number }>({ max: 100_000 });
  #timer: unknown;
  #running: Promise<RefreshPassResult> | undefined;
  #started = false;

  constructor(options: BalanceRefresherOptions) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
    this.#timers = options.timers ?? systemTimers;
    this.#reporter = options.failures ?? new FailureReporter({ clock: this.#clock });
  }

  /** Starts passes every `intervalMs` (the first after one interval). Idempotent. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#schedule();
  }

  /** Stops scheduling and resolves once the pass in flight (if any) has finished. */
  async stop(): Promise<void> {
    this.#started = false;
    if (this.#timer !== undefined) this.#timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running?.catch(() => undefined);
  }

  /**
   * Runs one pass now (a pass already running is joined instead).
   *
   * @returns Counts of refreshed, skipped and failed sources.
   */
  runOnce(): Promise<RefreshPassResult> {
    this.#running ??= this.#pass().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  #schedule(): void {
    if (!this.#started) return;
    this.#timer = this.#timers.setTimeout(() => {
      this.#timer = undefined;
      void this.runOnce()
        .catch((error: unknown) => this.#reporter.report("balance_refresh", error))
        .finally(() => this.#schedule());
    }, this.#o.intervalMs ?? 60_000);
  }

  async #pass(): Promise<RefreshPassResult> {
    const now = this.#clock.now().getTime();
    const sources = this.#o.balances.activeSources(new Date(now - (this.#o.activeWindowMs ?? 15 * 60_000)));
    const result: RefreshPassResult = { refreshed: 0, skipped: 0, failed: 0 };
    const queue = sources.filter((s) => {
      const failure = this.#failures.get(s.key);
      if (failure && failure.retryAt > now) {
        result.skipped++;
        return false;
      }
      return true;
    });
    const workers = Array.from({ length: Math.max(1, Math.min(this.#o.concurrency ?? 4, queue.length)) }, async () => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
        const outcome = await this.#refreshOne(next);
        result[outcome]++;
      }
    });
    await Promise.all(workers);
    return result;
  }

  async #refreshOne(source: ActiveBalanceSource): Promise<keyof RefreshPassResult> {
    const name = `balance-refresh:${source.key}`;
    const now = this.#clock.now();
    let leased: boolean;
    try {
      leased = await this.#o.leases.tryAcquire(name, this.#o.owner, now, new Date(now.getTime() + (this.#o.leaseMs ?? 60_000)));
    } catch (error) {
      // The store is down: this source fails this pass (the others are still tried).
      this.#reporter.report("balance_refresh", error);
      this.#o.onError?.(error, source);
      return "failed";
    }
    if (!leased) return "skipped";
    const ctx: RequestContext = { userId: source.userId, actor: { type: "system", id: "balance-refresher" } };
    try {
      const read = await this.#o.balances.refreshIfOlderThan(ctx, source.source, this.#o.refreshAgeMs ?? 4 * 60_000);
      this.#failures.delete(source.key);
      return read ? "refreshed" : "skipped";
    } catch (error) {
      this.#backOff(source.key, classify(error));
      if (isStoreFailure(error)) this.#reporter.report("balance_refresh", error);
      this.#o.onError?.(error, source);
      return "failed";
    } finally {
      // An unreleased lease only delays the next refresh of this source until it expires.
      await this.#o.leases.release(name, this.#o.owner).catch((error: unknown) => this.#reporter.report("balance_refresh", error));
    }
  }

  #backOff(key: string, kind: ErrorClass): void {
    const b = this.#o.backoff ?? {};
    const base = kind === "unusable" ? (b.unusableMs ?? 3_600_000) : kind === "rateLimited" ? (b.rateLimitedMs ?? 120_000) : (b.transientMs ?? 30_000);
    const count = (this.#failures.get(key)?.count ?? 0) + 1;
    const delay = Math.min(base * 2 ** (count - 1), b.maxMs ?? 3_600_000);
    this.#failures.set(key, { count, retryAt: this.#clock.now().getTime() + delay });
  }
}
