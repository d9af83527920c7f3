/**
 * Reusable memory for the short-lived, non-secret bytes of one `KeyRing.open`: the decoded
 * record and its associated data, plus cached windows (`Uint8Array` views) onto them. Taking
 * them from here instead of Buffer's pool saves the pool refills (a fresh 8 KiB ArrayBuffer
 * every few dozen opens) and about ten view objects per open (together some 5-10% of opening a
 * 64-byte secret, measured with envelope.bench.ts).
 *
 * Safe only because an open is synchronous and runs no code from outside this package between
 * filling the scratch and its last use: the caller reads the context's fields before it starts.
 * A path that calls out (the injected RandomSource in seal and rewrap) must not use it. Never
 * put secrets here: nothing zeroes it. Views into it never leave the package.
 */
export interface Scratch {
  /** Where a record is decoded, always from offset 0. */
  readonly record: Buffer;
  /** Where the two AADs are written: wrap AAD from offset 0, payload AAD right after it. */
  readonly aad: Buffer;
}

/** Room for a record of a few KiB (and for its AADs); anything larger is allocated as usual. */
export const SCRATCH_BYTES = 4096;

export const openScratch: Scratch = { record: Buffer.allocUnsafeSlow(SCRATCH_BYTES), aad: Buffer.allocUnsafeSlow(SCRATCH_BYTES) };

/**
 * Views cached by a small integer "shape" (the lengths that place them), so records and
 * contexts of a shape seen before reuse their windows. Cleared when it passes `limit` shapes.
 */
export class ViewCache<T> {
  readonly #views = new Map<number, T>();
  readonly #limit: number;

  constructor(limit = 64) {
    this.#limit = limit;
  }

  find(shape: number): T | undefined {
    return this.#views.get(shape);
  }

  keep(shape: number, views: T): T {
    if (this.#views.size >= this.#limit) this.#views.clear();
    this.#views.set(shape, views);
    return views;
  }
}
