import type { RandomSource } from "../ports/RandomSource.js";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/** 22 base-62 characters carry ~131 bits, above EIP-4361's 96-bit floor. */
const LENGTH = 22;

/**
 * A fresh EIP-4361 nonce: alphanumeric, 22 characters drawn without modulo bias from `random`.
 *
 * @param random - A cryptographically secure source outside tests.
 * @returns The nonce (~131 bits of entropy).
 */
export function generateSiweNonce(random: RandomSource): string {
  let out = "";
  while (out.length < LENGTH) {
    for (const byte of random.bytes(32)) {
      // 248 = 4 * 62: bytes above it would favour the first characters.
      if (byte < 248 && out.length < LENGTH) out += ALPHABET[byte % 62];
    }
  }
  return out;
}
