/**
 * Collapses concurrent calls for one key into one: while a call for `key` runs, later callers
 * get the same promise. The entry is dropped when it settles, so the next miss calls again.
 */
export class SingleFlight<T> {
  readonly #inFlight = new Map<string, Promise<T>>();

  /** Runs `fn` unless a call for `key` is already running; returns the shared result. */
  run(key: string, fn: () => Promise<T>): Promise<T> {
    const running = this.#inFlight.get(key);
    if (running) return running;
    // `fn` starts on a later microtask, so the entry exists before it can settle.
    const promise: Promise<T> = Promise.resolve()
      .then(fn)
      .finally(() => {
        if (this.#inFlight.get(key) === promise) this.#inFlight.delete(key);
      });
    this.#inFlight.set(key, promise);
    return promise;
  }

  /** Calls currently running. */
  get size(): number {
    return this.#inFlight.size;
  }

  /** Resolves when every call running now has settled. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.#inFlight.values()]);
  }
}
