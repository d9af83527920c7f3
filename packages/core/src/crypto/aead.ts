import { type CipherGCM, type DecipherGCM, type KeyObject, createCipheriv, createDecipheriv } from "node:crypto";
import { WalletAuthError } from "../errors/index.js";
import type { RandomSource } from "../ports/RandomSource.js";

/** AES-256: the only key size the AEAD accepts. */
export const AEAD_KEY_BYTES = 32;
/** 96-bit nonces: the only nonce size the AEAD accepts (GCM's native size, no GHASH of the IV). */
export const AEAD_NONCE_BYTES = 12;
/** 128-bit tags: the only tag size the AEAD produces or accepts. */
export const AEAD_TAG_BYTES = 16;

const ALGORITHM = "aes-256-gcm";

/** A raw 32-byte key, or a node:crypto secret KeyObject holding one. */
export type AeadKey = Uint8Array | KeyObject;

/** Options for {@link aeadEncrypt}. */
export interface AeadEncryptOptions {
  key: AeadKey;
  plaintext: Uint8Array;
  aad: Uint8Array;
  /** Draws the nonce. */
  random: RandomSource;
}

/** Options for {@link aeadEncryptWithNonce}. */
export interface AeadEncryptWithNonceOptions {
  key: AeadKey;
  nonce: Uint8Array;
  plaintext: Uint8Array;
  aad: Uint8Array;
}

/** An AES-256-GCM ciphertext with its nonce and tag. */
export interface AeadEncryptResult {
  nonce: Uint8Array;
  ciphertext: Buffer;
  tag: Buffer;
}

/** Options for {@link aeadDecrypt}. */
export interface AeadDecryptOptions {
  key: AeadKey;
  nonce: Uint8Array;
  ciphertext: Uint8Array;
  tag: Uint8Array;
  aad: Uint8Array;
}

function keyLength(key: AeadKey): number | undefined {
  return key instanceof Uint8Array ? key.byteLength : key.symmetricKeySize;
}

/**
 * AES-256-GCM encryption under a fresh random 96-bit nonce.
 *
 * A random nonce per encryption is safe for up to 2^32 encryptions per key (NIST SP 800-38D
 * §8.3); wallet-auth uses each data key once and wraps each data key once, so the wrapping key
 * is the only key that approaches that bound, and only after billions of records.
 *
 * @returns The nonce, ciphertext (same length as the plaintext) and 16-byte tag.
 * @throws {WalletAuthError} `INVALID_INPUT` (reason `key-length`) for a key that is not 32 bytes.
 */
export function aeadEncrypt(options: AeadEncryptOptions): AeadEncryptResult {
  const nonce = drawNonce(options.random);
  return aeadEncryptWithNonce({ key: options.key, nonce, plaintext: options.plaintext, aad: options.aad });
}

/** A fresh random 96-bit nonce: the only way {@link aeadEncrypt} obtains one. */
export function drawNonce(random: RandomSource): Uint8Array {
  return random.bytes(AEAD_NONCE_BYTES);
}

/**
 * AES-256-GCM encryption under a caller-chosen nonce.
 *
 * Internal: reusing a nonce under one key breaks GCM completely, so the package never exports
 * this. It exists for known-answer tests (Wycheproof) and for {@link aeadEncrypt}.
 *
 * @throws {WalletAuthError} `INVALID_INPUT` (reason `key-length` / `nonce-length`) for sizes
 * other than a 32-byte key and a 12-byte nonce.
 */
export function aeadEncryptWithNonce(options: AeadEncryptWithNonceOptions): AeadEncryptResult {
  const { key, nonce } = options;
  if (keyLength(key) !== AEAD_KEY_BYTES) throw new WalletAuthError("INVALID_INPUT", { reason: "key-length" });
  if (nonce.byteLength !== AEAD_NONCE_BYTES) throw new WalletAuthError("INVALID_INPUT", { reason: "nonce-length" });
  const cipher: CipherGCM = createCipheriv(ALGORITHM, key, nonce, { authTagLength: AEAD_TAG_BYTES });
  cipher.setAAD(options.aad);
  const body = cipher.update(options.plaintext);
  const tail = cipher.final();
  const ciphertext = tail.byteLength === 0 ? body : Buffer.concat([body, tail]);
  return { nonce, ciphertext, tag: cipher.getAuthTag() };
}

/**
 * AES-256-GCM decryption. The tag must be exactly 16 bytes: Node 20 would otherwise accept a
 * truncated tag, which lowers forgery resistance to the truncated length.
 *
 * @returns The plaintext, in a fresh buffer the caller owns (and should zero after use).
 * @throws {WalletAuthError} `DECRYPTION_FAILED` for a wrong key, nonce, tag, AAD or
 * ciphertext, and for any key, nonce or tag of the wrong size (reason says which).
 */
export function aeadDecrypt(options: AeadDecryptOptions): Buffer {
  const { key, nonce, tag } = options;
  if (keyLength(key) !== AEAD_KEY_BYTES) throw new WalletAuthError("DECRYPTION_FAILED", { reason: "key-length" });
  return aeadOpen(key, nonce, options.ciphertext, tag, options.aad);
}

/** One options object for every decipher: node reads it, never keeps or changes it. */
const DECIPHER_OPTIONS = Object.freeze({ authTagLength: AEAD_TAG_BYTES });

/**
 * {@link aeadDecrypt} without the options object and without the key-size check, for callers
 * whose key is 32 bytes by construction (a ring key, a derived key). Nonce and tag sizes are
 * still enforced here, so no caller can get a truncated tag accepted.
 *
 * @throws {WalletAuthError} `DECRYPTION_FAILED` as {@link aeadDecrypt}.
 */
export function aeadOpen(key: AeadKey, nonce: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array, aad: Uint8Array): Buffer {
  if (nonce.byteLength !== AEAD_NONCE_BYTES) throw new WalletAuthError("DECRYPTION_FAILED", { reason: "nonce-length" });
  if (tag.byteLength !== AEAD_TAG_BYTES) throw new WalletAuthError("DECRYPTION_FAILED", { reason: "tag-length" });
  const decipher: DecipherGCM = createDecipheriv(ALGORITHM, key, nonce, DECIPHER_OPTIONS);
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  const body = decipher.update(ciphertext);
  let tail: Buffer;
  try {
    tail = decipher.final();
  } catch (cause) {
    // GCM releases plaintext before the tag is checked; it must never escape unauthenticated.
    body.fill(0);
    throw new WalletAuthError("DECRYPTION_FAILED", { reason: "tag-mismatch", cause });
  }
  if (tail.byteLength === 0) return body;
  const whole = Buffer.concat([body, tail]);
  zeroizeAll(body, tail);
  return whole;
}

function zeroizeAll(...buffers: Uint8Array[]): void {
  for (const buffer of buffers) buffer.fill(0);
}
