/**
 * A reusable region for the short-lived, non-secret bytes of one `KeyRing.open`: the decoded
 * record and its associated data. Taking them from here instead of Buffer's pool saves the
 * pool refills (a fresh 8 KiB ArrayBuffer every few dozen opens) and the garbage they leave.
 *
 * Safe only because an open is synchronous and runs no code from outside this package between
 * filling the region and its last use: the caller reads the context's fields before it starts.
 * A path that calls out (the injected RandomSource in seal and rewrap) must not use it. Never
 * put secrets here: nothing zeroes it.
 */
export interface Scratch {
  readonly buffer: Buffer;
  /** Bytes taken since the last {@link resetScratch}. */
  used: number;
}

/** Room for a record of a few KiB plus its associated data; anything larger is allocated. */
const SCRATCH_BYTES = 4096;

export const openScratch: Scratch = { buffer: Buffer.allocUnsafeSlow(SCRATCH_BYTES), used: 0 };

/** Starts a new operation: everything taken before is free again. */
export function resetScratch(scratch: Scratch): void {
  scratch.used = 0;
}

/** Takes `length` bytes: their offset in `scratch.buffer`, or -1 when they do not fit. */
export function takeScratch(scratch: Scratch, length: number): number {
  const at = scratch.used;
  if (at + length > scratch.buffer.byteLength) return -1;
  scratch.used = at + length;
  return at;
}
