/**
 * Overwrites each buffer with zeros. Used on data keys, derived keys and decrypted payloads
 * once they are no longer needed, so they do not linger in the heap until garbage collection.
 */
export function zeroize(...buffers: ReadonlyArray<Uint8Array | undefined>): void {
  for (const buffer of buffers) buffer?.fill(0);
}
