/** Counts events per key over a sliding window: in memory ({@link SlidingWindowCounter}) or shared (`RedisWindowCounter`). */
export interface WindowCounter {
  /** Records a hit for `key` at `nowMs`; returns the hits within the window, this one included. */
  hit(key: string, nowMs: number): number | Promise<number>;
  /** Forgets a key (after an alert, so the next burst counts afresh; after erasure). */
  reset(key: string): void | Promise<void>;
}

/** Options for {@link SlidingWindowCounter}. */
export interface SlidingWindowCounterOptions {
  windowMs: number;
  /** Most keys tracked; the least recently touched are forgotten first. Default 100,000. */
  maxKeys?: number | undefined;
}

/**
 * Counts events per key over a sliding time window, in memory (per process). Memory is
 * bounded by `maxKeys` and by the window: timestamps older than the window are dropped.
 */
export class SlidingWindowCounter implements WindowCounter {
  readonly #windowMs: number;
  readonly #maxKeys: number;
  readonly #hits = new Map<string, number[]>();

  constructor(options: SlidingWindowCounterOptions) {
    this.#windowMs = options.windowMs;
    this.#maxKeys = options.maxKeys ?? 100_000;
  }

  /** Records a hit for `key` at `nowMs`; returns the hits within the window, this one included. */
  hit(key: string, nowMs: number): number {
    const since = nowMs - this.#windowMs;
    const list = this.#hits.get(key) ?? [];
    while (list.length > 0 && (list[0] as number) <= since) list.shift();
    list.push(nowMs);
    // Counts beyond this are never needed to cross a threshold; keeps a flood from growing memory.
    if (list.length > 10_000) list.shift();
    // Re-insert so Map order is least-recently-touched first.
    this.#hits.delete(key);
    this.#hits.set(key, list);
    if (this.#hits.size > this.#maxKeys) {
      const oldest = this.#hits.keys().next();
      if (!oldest.done) this.#hits.delete(oldest.value);
    }
    return list.length;
  }

  /** Forgets a key (e.g. after an alert, so the next burst counts afresh). */
  reset(key: string): void {
    this.#hits.delete(key);
  }
}
