import type { Clock } from "../ports/Clock.js";
import { systemClock } from "../ports/Clock.js";
import { type RandomSource, cryptoRandom } from "../ports/RandomSource.js";
import { AEAD_KEY_BYTES } from "./aead.js";
import { assertKeyId } from "./keyRingConfig.js";

/** Options for {@link generateKey}. */
export interface GenerateKeyOptions {
  /** The key id; defaults to `k<YYYYMMDD>-<8 hex>` from the clock and randomness. */
  id?: string;
  /** Defaults to node:crypto's CSPRNG. */
  random?: RandomSource;
  /** Used for the default id only. Defaults to the system clock. */
  clock?: Clock;
}

/** A new key-ring key. `key`, `base64` and `env` are secret: print them only to a secret store. */
export interface GenerateKeyResult {
  id: string;
  /** 32 random bytes. */
  key: Uint8Array;
  /** `key` in standard base64. */
  base64: string;
  /** The `WALLET_AUTH_KEYS` entry for this key: `"id:base64"`. */
  env: string;
}

/**
 * Creates a fresh 256-bit key-ring key.
 *
 * @param options - Optional id (validated like every key id), randomness and clock.
 * @returns The id, the key bytes, and the key in base64 and as a `WALLET_AUTH_KEYS` entry.
 * @throws {WalletAuthError} `KEY_RING_INVALID` (`details.problem: "invalid-key-id"`) for an id
 * outside `A-Z a-z 0-9 . _ -` or longer than 64 characters.
 * @example
 * ```ts
 * import { generateKey } from "@wallet-auth/core/crypto";
 * const { env } = generateKey({ id: "2025-06" });
 * // append `env` to WALLET_AUTH_KEYS (comma-separated) in your secret manager
 * ```
 */
export function generateKey(options: GenerateKeyOptions = {}): GenerateKeyResult {
  const random = options.random ?? cryptoRandom;
  const id = options.id ?? defaultId(random, options.clock ?? systemClock);
  assertKeyId(id);
  const drawn = random.bytes(AEAD_KEY_BYTES);
  const key = new Uint8Array(drawn);
  drawn.fill(0);
  const base64 = Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString("base64");
  return { id, key, base64, env: `${id}:${base64}` };
}

function defaultId(random: RandomSource, clock: Clock): string {
  const day = clock.now().toISOString().slice(0, 10).replaceAll("-", "");
  return `k${day}-${Buffer.from(random.bytes(4)).toString("hex")}`;
}
