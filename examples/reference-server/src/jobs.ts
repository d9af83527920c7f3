import type { LeaseStore, WalletAuth } from "@wallet-auth/core";

/** One periodic job. */
export interface JobSpec {
  name: string;
  everyMs: number;
  run(): Promise<unknown>;
}

/** What the scheduler reports (metrics, logs). */
export interface JobEvents {
  onRun?(name: string, outcome: "ok" | "failed" | "skipped", ms: number): void;
}

/** Timers and randomness of the scheduler, injected in tests. */
export interface JobScheduler {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** A number in [0, 1), for the start-up jitter. */
  random(): number;
}

/** Options of {@link startJobs}. */
export interface StartJobsOptions {
  /**
   * Each job's first run comes a random delay in [0, firstRunWithinMs) after start (so replicas
   * started together do not all race for the lease at once). Default 30 s.
   */
  firstRunWithinMs?: number;
  scheduler?: JobScheduler;
  /**
   * How long `stop()` waits for runs in progress. Default 2 s: a run that waits on something slow
   * (a hanging alert webhook, an exchange) must not hold up a graceful stop; every job is
   * lease-guarded and resumable, so the next round (on any replica) picks up where it left off.
   */
  stopWithinMs?: number;
}

/** Global timers, unref'd (a job never keeps the process alive), and `Math.random` for jitter. */
export const systemJobScheduler: JobScheduler = {
  setTimeout(fn, ms) {
    const handle = setTimeout(fn, ms);
    handle.unref();
    return handle;
  },
  clearTimeout(handle) {
    clearTimeout(handle as NodeJS.Timeout);
  },
  random: Math.random,
};

/**
 * Runs periodic jobs so that no job runs twice at once across replicas: each run first takes
 * the job's lease in the store (`leases` table, compare-and-set on PostgreSQL and PGlite alike),
 * held for at most `everyMs`; a replica that cannot take it skips this round. Chosen over
 * pg-boss because it needs no extra schema, works on the embedded PGlite default, and the
 * balance refresher already coordinates through the same table.
 *
 * Each job runs soon after start (within `firstRunWithinMs`, jittered), then every `everyMs`:
 * a process restarted more often than a job's interval (a daily restart and a daily job) still
 * runs it, where an interval alone would never fire. The lease keeps the rate: a job another
 * replica (or the previous process) ran this round is skipped.
 */
export function startJobs(jobs: readonly JobSpec[], leases: LeaseStore, owner: string, events: JobEvents = {}, options: StartJobsOptions = {}): { stop(): Promise<void> } {
  const scheduler = options.scheduler ?? systemJobScheduler;
  const firstWithin = options.firstRunWithinMs ?? 30_000;
  const timers = new Map<string, unknown>();
  const running = new Set<Promise<void>>();
  let stopped = false;
  for (const job of jobs) {
    const runOnce = async (): Promise<void> => {
      const started = performance.now();
      try {
        const now = new Date();
        if (!(await leases.tryAcquire(`job:${job.name}`, owner, now, new Date(now.getTime() + job.everyMs)))) {
          events.onRun?.(job.name, "skipped", performance.now() - started);
          return;
        }
        await job.run();
        events.onRun?.(job.name, "ok", performance.now() - started);
      } catch {
        // A failed run (or an unreachable lease store) is reported, and the next round tries again.
        events.onRun?.(job.name, "failed", performance.now() - started);
      }
      // The lease is kept until it expires: another replica must not rerun the job this round.
    };
    const schedule = (ms: number): void => {
      if (stopped) return;
      timers.set(
        job.name,
        scheduler.setTimeout(() => {
          if (stopped) return;
          const run = runOnce()
            // onRun is the host's code: its failure must not become an unhandled rejection.
            .catch(() => undefined)
            .finally(() => {
              running.delete(run);
              schedule(job.everyMs);
            });
          running.add(run);
        }, ms),
      );
    };
    schedule(Math.floor(scheduler.random() * Math.min(firstWithin, job.everyMs)));
  }
  return {
    async stop() {
      stopped = true;
      for (const handle of timers.values()) scheduler.clearTimeout(handle);
      timers.clear();
      let timer: NodeJS.Timeout | undefined;
      const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, options.stopWithinMs ?? 2_000)));
      await Promise.race([Promise.allSettled([...running]), waited]);
      clearTimeout(timer);
    },
  };
}

/**
 * Leaked-key detection: a reconciliation pass (every active trading key's venue orders compared
 * with the signed-request journal; each key is also leased, so replicas split the work) every
 * `reconcileEveryMs` (default 5 minutes), and the journal's retention (proxy entries older than
 * the compared window) hourly.
 */
export function leakedKeyJobs(walletAuth: Pick<WalletAuth, "reconciliation" | "store">, options: { reconcileEveryMs?: number } = {}): JobSpec[] {
  return [
    { name: "order-reconciliation", everyMs: options.reconcileEveryMs ?? 5 * 60_000, run: () => walletAuth.reconciliation.reconcile() },
    { name: "order-journal-retention", everyMs: 60 * 60_000, run: () => walletAuth.store.orderJournal.deleteProxyBefore(new Date(Date.now() - walletAuth.reconciliation.windowMs), 10_000) },
  ];
}

/**
 * The permission-drift job: every `everyMs` (default 15 minutes) the `batchSize` (default 25)
 * active keys least recently validated, and not within `olderThanMs` (default 24 h), are read
 * again from their venues one after another (a balance and the key-introspection call each, a
 * handful of requests a minute at most: far inside every venue's limit). A key that gained
 * withdrawal or transfers, or lost its IP binding, is marked and alerted by core. Under
 * {@link startJobs} one replica runs a pass at a time.
 */
export function permissionDriftJobs(
  walletAuth: Pick<WalletAuth, "credentials">,
  options: { everyMs?: number; batchSize?: number; olderThanMs?: number } = {},
): JobSpec[] {
  const batchSize = options.batchSize ?? 25;
  const olderThanMs = options.olderThanMs ?? 24 * 60 * 60_000;
  return [{ name: "permission-drift", everyMs: options.everyMs ?? 15 * 60_000, run: () => walletAuth.credentials.checkPermissionDrift({ batchSize, olderThanMs }) }];
}
