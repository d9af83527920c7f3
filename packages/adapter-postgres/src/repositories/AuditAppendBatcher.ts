import { type AuditEventRecord, isWalletAuthError } from "@wallet-auth/core";
import type { Db } from "../internal/Db.js";
import { insertEvent, insertEvents } from "./auditInsert.js";

/** How the store groups concurrent audit appends into one transaction (`auditBatching` of `createPostgresStore`). */
export interface AuditBatchOptions {
  /** Most events in one INSERT. Default 32. */
  maxSize?: number;
  /** Most batches running at once (each holds a pooled connection). Default 4. */
  maxInFlight?: number;
}

interface Pending {
  event: AuditEventRecord;
  resolve: (landed: boolean) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for audit appends made outside a transaction: events of different chains that
 * wait at the same time go to the server as one INSERT, so many events share one round trip
 * and one WAL flush instead of paying one each. Every event keeps its own compare-and-set (the
 * predecessor check and the unique (chain_key, seq)), so the chain guarantees are those of
 * {@link insertEvent}; the caller learns per event whether it landed.
 *
 * Different chains never hold each other up for long: a batch waits at most 100 ms for a row
 * lock (an open transaction appending to one of its chains), then every event in it is retried
 * on its own. Any other error that is not a lost connection also retries each event on its
 * own, so one bad event fails alone. After a lost connection the batch may or may not have
 * committed, so its events fail (as a single insert would) rather than risk a duplicate.
 */
export class AuditAppendBatcher {
  readonly #db: Db;
  readonly #maxSize: number;
  readonly #maxInFlight: number;
  #queue: Pending[] = [];
  #inFlight = 0;
  #scheduled = false;

  constructor(db: Db, options: AuditBatchOptions = {}) {
    this.#db = db;
    this.#maxSize = Math.max(1, Math.min(Math.trunc(options.maxSize ?? 32), 1000));
    this.#maxInFlight = Math.max(1, Math.trunc(options.maxInFlight ?? 4));
  }

  /** Inserts `event` with the next batch; resolves to whether it landed. */
  insert(event: AuditEventRecord): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ event, resolve, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled || this.#inFlight >= this.#maxInFlight) return;
    this.#scheduled = true;
    // Let the appends started in the same tick (e.g. a Promise.all) join this batch.
    setImmediate(() => {
      this.#scheduled = false;
      this.#drain();
    });
  }

  #drain(): void {
    while (this.#queue.length > 0 && this.#inFlight < this.#maxInFlight) {
      const batch = this.#queue.splice(0, this.#maxSize);
      this.#inFlight += 1;
      void this.#run(batch)
        // #run settles every event itself; should it still throw, its events fail rather than hang.
        .catch((error: unknown) => {
          for (const p of batch) p.reject(error);
        })
        .finally(() => {
          this.#inFlight -= 1;
          if (this.#queue.length > 0) this.#schedule();
        });
    }
  }

  async #run(batch: Pending[]): Promise<void> {
    if (batch.length === 1) return this.#one(batch[0] as Pending);
    // One order for every process's batches, so two of them never wait on each other in a cycle.
    batch.sort((a, b) => (a.event.chainKey < b.event.chainKey ? -1 : a.event.chainKey > b.event.chainKey ? 1 : 0));
    let landed: Set<string>;
    try {
      landed = await insertEvents(
        this.#db,
        batch.map((p) => p.event),
      );
    } catch (error) {
      if (isWalletAuthError(error, "STORE_UNAVAILABLE")) {
        for (const p of batch) p.reject(error);
        return;
      }
      await Promise.all(batch.map((p) => this.#one(p)));
      return;
    }
    for (const p of batch) p.resolve(landed.has(p.event.id));
  }

  async #one(p: Pending): Promise<void> {
    try {
      p.resolve(await insertEvent(this.#db, p.event));
    } catch (error) {
      p.reject(error);
    }
  }
}
