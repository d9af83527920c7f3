import { randomBytes, randomUUID } from "node:crypto";

/**
 * Randomness, injected so tests can be deterministic. Implementations used outside tests
 * must be cryptographically secure.
 */
export interface RandomSource {
  /** `length` fresh random bytes. */
  bytes(length: number): Uint8Array;
  /** A fresh random UUID (v4), used for record ids. */
  uuid(): string;
}

/** node:crypto's CSPRNG. */
export const cryptoRandom: RandomSource = {
  bytes: (length) => randomBytes(length),
  uuid: () => randomUUID(),
};
