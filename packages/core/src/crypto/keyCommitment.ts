import * as nodeCrypto from "node:crypto";
import { createHash, timingSafeEqual } from "node:crypto";
import { WalletAuthError } from "../errors/index.js";

/** Length of a key commitment in the sealed format (256 bits, as in the AWS Encryption SDK). */
export const COMMITMENT_BYTES = 32;

/** Domain-separation labels, one per layer, so the two derivations never share an output. */
export const DATA_KEY_LABEL = "wallet-auth/v1 data key";
export const WRAPPING_KEY_LABEL = "wallet-auth/v1 wrapping key";

/** An encryption key and the commitment that names its source key. */
export interface CommittedKey {
  /** The AES-256-GCM key actually used for this layer (32 bytes). Zero after use. */
  encryptionKey: Buffer;
  /** The value stored beside the ciphertext and checked before decrypting (32 bytes). */
  commitment: Buffer;
}

const COUNTER_ONE = Buffer.of(0, 0, 0, 1);
const KEY_BYTES = 32;
const inputs = new Map<string, Buffer>();

/** `0x00000001 || <32-byte slot> || label`, one reusable buffer per label. */
function kdfInput(label: string): Buffer {
  let input = inputs.get(label);
  if (input === undefined) {
    const info = Buffer.from(label, "utf8");
    input = Buffer.alloc(COUNTER_ONE.byteLength + KEY_BYTES + info.byteLength);
    COUNTER_ONE.copy(input, 0);
    info.copy(input, COUNTER_ONE.byteLength + KEY_BYTES);
    inputs.set(label, input);
  }
  return input;
}

type OneShotHash = (algorithm: string, data: Uint8Array, encoding: "buffer") => Buffer;

// One-shot `crypto.hash` (Node >= 20.12) skips building a Hash object, which is most of the
// cost of hashing 60 bytes. Used only if it returns a Buffer here; otherwise `createHash`.
const oneShot: OneShotHash | undefined = (() => {
  const candidate = (nodeCrypto as { hash?: OneShotHash }).hash;
  try {
    const probe = candidate?.("sha512", new Uint8Array(1), "buffer");
    return Buffer.isBuffer(probe) && probe.byteLength === 64 ? candidate : undefined;
  } catch {
    return undefined;
  }
})();

/**
 * Derives a layer's encryption key and its key commitment from a source key.
 *
 * Construction: the one-step key derivation of NIST SP 800-56C Rev. 2 (§4.1, option 1) with
 * H = SHA-512 and a single block: `okm = SHA-512(0x00000001 || sourceKey || label)`; bytes
 * 0..31 of `okm` are the layer's AES-256-GCM key, bytes 32..63 its commitment. `label` separates
 * the two layers (`DATA_KEY_LABEL`, `WRAPPING_KEY_LABEL`). Every source key is 32 uniformly
 * random bytes (a fresh CSPRNG data key, or a key-ring key), so no extraction step is needed.
 *
 * Why it commits: AES-GCM alone is not key-committing: a ciphertext can be crafted to open
 * under two different keys ("invisible salamanders", Len-Grubbs-Ristenpart 2021). The
 * commitment is stored beside the ciphertext and compared in constant time before any
 * decryption, so a second key opens the record only if it yields the same 256-bit commitment,
 * which needs a collision on that half of SHA-512 (~2^128 work). Encrypting with a derived key
 * rather than the source key keeps the AES key independent of the published commitment. This is
 * the shape of the AWS Encryption SDK's committing suites (derive an encryption key and a
 * 256-bit commitment from the data key, store the commitment, check it first), with a
 * one-step hash KDF instead of HKDF and without their per-message salt, which exists there to
 * allow data-key caching; every wallet-auth data key protects exactly one record.
 *
 * Cost: one SHA-512 call (~1.5 µs), where node's `hkdfSync` costs ~14 µs and an HMAC ~3 µs;
 * it runs once per seal and open (the wrapping layer's values are computed once per key).
 */
export function deriveCommittedKey(sourceKey: Uint8Array, label: string): CommittedKey {
  const okm = deriveKeyMaterial(sourceKey, label);
  return { encryptionKey: okm.subarray(0, 32), commitment: okm.subarray(32, 64) };
}

/**
 * {@link deriveCommittedKey}'s output as one 64-byte buffer: bytes 0..31 the encryption key,
 * 32..63 the commitment. For the open path, which takes views of it and zeroes it in one call.
 *
 * @throws {WalletAuthError} `INTERNAL` (reason `source-key-length`) for a source key that is
 * not 32 bytes.
 */
export function deriveKeyMaterial(sourceKey: Uint8Array, label: string): Buffer {
  if (sourceKey.byteLength !== KEY_BYTES) throw new WalletAuthError("INTERNAL", { reason: "source-key-length" });
  const input = kdfInput(label);
  // Synchronous, so the shared input buffer is never seen by two derivations at once; the key
  // slot is zeroed before returning either way.
  try {
    input.set(sourceKey, COUNTER_ONE.byteLength);
    return oneShot === undefined ? createHash("sha512").update(input).digest() : oneShot("sha512", input, "buffer");
  } finally {
    input.fill(0, COUNTER_ONE.byteLength, COUNTER_ONE.byteLength + KEY_BYTES);
  }
}

/** Constant-time comparison of two commitments (length is public). */
export function commitmentMatches(expected: Uint8Array, actual: Uint8Array): boolean {
  return expected.byteLength === actual.byteLength && timingSafeEqual(expected, actual);
}

/**
 * Constant-time check that `COMMITMENT_BYTES` bytes of `expected` from `expectedIndex` equal
 * those of `record` from `recordIndex`, comparing in place (no views, no native call: this runs
 * twice per open). Every byte is read and the differences are OR-ed together with no branch on
 * their values, so the time depends only on the fixed length, as with `timingSafeEqual`.
 * Returns `false` when either range runs past its array.
 */
export function commitmentMatchesAt(expected: Uint8Array, expectedIndex: number, record: Uint8Array, recordIndex: number): boolean {
  if (expectedIndex < 0 || recordIndex < 0) return false;
  if (expectedIndex + COMMITMENT_BYTES > expected.byteLength || recordIndex + COMMITMENT_BYTES > record.byteLength) return false;
  let difference = 0;
  for (let i = 0; i < COMMITMENT_BYTES; i += 1) {
    difference |= (expected[expectedIndex + i] as number) ^ (record[recordIndex + i] as number);
  }
  return difference === 0;
}
