/**
 * A FIFO async mutex: `run` calls wait their turn, so at most one holder runs at a time. The
 * memory store uses it to give transactions the isolation PostgreSQL's locks give.
 */
export class Mutex {
  #tail: Promise<void> = Promise.resolve();

  /** Runs `fn` once every earlier holder has finished; resolves or rejects with its result. */
  run<T>(fn: () => Promise<T> | T): Promise<T> {
    const result = this.#tail.then(fn);
    // A failed holder must not poison the queue.
    this.#tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}
