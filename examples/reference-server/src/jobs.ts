import type { LeaseStore } from "@wallet-auth/core";

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

/**
 * Runs periodic jobs so that no job runs twice at once across replicas: each run first takes
 * the job's lease in the store (`leases` table, compare-and-set on PostgreSQL and PGlite alike),
 * held for at most `everyMs`; a replica that cannot take it skips this round. Chosen over
 * pg-boss because it needs no extra schema, works on the embedded PGlite default, and the
 * balance refresher already coordinates through the same table.
 */
export function startJobs(jobs: readonly JobSpec[], leases: LeaseStore, owner: string, events: JobEvents = {}): { stop(): Promise<void> } {
  const timers: NodeJS.Timeout[] = [];
  const running = new Set<Promise<void>>();
  let stopped = false;
  for (const job of jobs) {
    const tick = () => {
      if (stopped) return;
      const started = performance.now();
      const run = (async () => {
        const now = new Date();
        if (!(await leases.tryAcquire(`job:${job.name}`, owner, now, new Date(now.getTime() + job.everyMs)))) {
          events.onRun?.(job.name, "skipped", performance.now() - started);
          return;
        }
        try {
          await job.run();
          events.onRun?.(job.name, "ok", performance.now() - started);
        } catch {
          events.onRun?.(job.name, "failed", performance.now() - started);
        }
        // The lease is kept until it expires: another replica must not rerun the job this round.
      })().catch(() => events.onRun?.(job.name, "failed", performance.now() - started));
      running.add(run);
      void run.finally(() => running.delete(run));
    };
    const timer = setInterval(tick, job.everyMs);
    timer.unref();
    timers.push(timer);
  }
  return {
    async stop() {
      stopped = true;
      for (const t of timers) clearInterval(t);
      await Promise.allSettled([...running]);
    },
  };
}
