import { WalletAuthError } from "../errors/index.js";
import { AEAD_KEY_BYTES, AEAD_NONCE_BYTES, AEAD_TAG_BYTES } from "./aead.js";
import { COMMITMENT_BYTES } from "./keyCommitment.js";

/** The sealed-format version this code writes. */
export const SEALED_FORMAT_VERSION = 1;

/** Key ids are short ASCII names so they fit one length byte and never need escaping. */
export const KEY_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/** 1 for each byte allowed in a key id (`A-Z a-z 0-9 . _ -`), mirroring {@link KEY_ID_PATTERN}. */
const KEY_ID_BYTE = new Uint8Array(256);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") KEY_ID_BYTE[c.charCodeAt(0)] = 1;

/** Bytes after the key id, excluding the payload ciphertext. */
export const FIXED_TAIL =
  AEAD_NONCE_BYTES + COMMITMENT_BYTES + AEAD_KEY_BYTES + AEAD_TAG_BYTES + AEAD_NONCE_BYTES + COMMITMENT_BYTES + AEAD_TAG_BYTES;

/**
 * Offsets of the fixed-size fields, counted from the end of the header (`2 + n`), for code
 * that reads a blob in place instead of through {@link parseSealed}.
 */
export const FIELD_OFFSET = Object.freeze({
  wrapNonce: 0,
  wrapCommitment: AEAD_NONCE_BYTES,
  wrappedKey: AEAD_NONCE_BYTES + COMMITMENT_BYTES,
  wrapTag: AEAD_NONCE_BYTES + COMMITMENT_BYTES + AEAD_KEY_BYTES,
  payloadNonce: AEAD_NONCE_BYTES + COMMITMENT_BYTES + AEAD_KEY_BYTES + AEAD_TAG_BYTES,
  dataKeyCommitment: 2 * AEAD_NONCE_BYTES + COMMITMENT_BYTES + AEAD_KEY_BYTES + AEAD_TAG_BYTES,
  ciphertext: 2 * AEAD_NONCE_BYTES + 2 * COMMITMENT_BYTES + AEAD_KEY_BYTES + AEAD_TAG_BYTES,
});

/**
 * The parts of a version-1 sealed record. Every `Uint8Array` is a view into the decoded blob.
 *
 * Byte layout (all lengths in bytes; the whole blob is base64url-encoded without padding):
 *
 * | offset         | length | field                                                        |
 * |----------------|--------|--------------------------------------------------------------|
 * | 0              | 1      | format version (`0x01`)                                      |
 * | 1              | 1      | key-id length `n` (1..64)                                    |
 * | 2              | n      | key id (ASCII `A-Z a-z 0-9 . _ -`)                           |
 * | 2+n            | 12     | wrap nonce                                                   |
 * | 14+n           | 32     | wrapping-key commitment                                      |
 * | 46+n           | 32     | wrapped data key (AES-256-GCM ciphertext)                    |
 * | 78+n           | 16     | wrap tag                                                     |
 * | 94+n           | 12     | payload nonce                                                |
 * | 106+n          | 32     | data-key commitment                                          |
 * | 138+n          | m      | payload ciphertext (`m` = plaintext length)                  |
 * | 138+n+m        | 16     | payload tag                                                  |
 *
 * Bytes `0 .. 2+n` are the header. Total length is `154 + n + m`.
 */
export interface SealedParts {
  version: number;
  keyId: string;
  /** Bytes 0 .. 2+n: version, key-id length, key id. Part of the wrap-layer AAD. */
  header: Uint8Array;
  wrapNonce: Uint8Array;
  wrapCommitment: Uint8Array;
  wrappedKey: Uint8Array;
  wrapTag: Uint8Array;
  /** Offset of the payload section (payload nonce, data-key commitment, ciphertext, tag): what a rewrap copies unchanged. */
  payloadOffset: number;
  payloadNonce: Uint8Array;
  dataKeyCommitment: Uint8Array;
  ciphertext: Uint8Array;
  payloadTag: Uint8Array;
}

const malformed = (reason: string) => new WalletAuthError("DECRYPTION_FAILED", { reason });

/** Version-1 header bytes for a key id (which the caller has validated). */
export function encodeHeader(keyId: string): Buffer {
  const header = Buffer.allocUnsafe(2 + keyId.length);
  header[0] = SEALED_FORMAT_VERSION;
  header[1] = keyId.length;
  header.write(keyId, 2, "latin1");
  return header;
}

/** The value of each base64url character (`A-Z a-z 0-9 - _`), -1 for every other ASCII code. */
const BASE64URL_VALUE = new Int8Array(128).fill(-1);
"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".split("").forEach((c, value) => {
  BASE64URL_VALUE[c.charCodeAt(0)] = value;
});
/** Bits of the last character that carry no data, by `length % 4` (1 is never valid). */
const UNUSED_BITS_MASK = [0, -1, 0x0f, 0x03] as const;

/**
 * Decodes a base64url sealed string into bytes, strictly: any character outside the alphabet,
 * padding, or non-canonical trailing bits are refused, so each record has exactly one string.
 *
 * Done without re-encoding the result to compare it (that costs a second full pass). Node's
 * decoder is lenient in three ways, each closed here before or after one decoding pass:
 * - it reads each UTF-16 code unit modulo 256 (so U+012B decodes like "+"): only ASCII strings
 *   pass, checked natively as "UTF-8 length equals string length";
 * - it accepts the standard alphabet's "+" and "/" as 62 and 63: refused by a search;
 * - it skips any other character, and stops at "=": either way it then yields fewer than
 *   `floor(3 * length / 4)` bytes, so the byte count it reports must be exactly that.
 * A length of 1 mod 4 cannot come from any byte string, and the last character's unused low
 * bits must be zero (otherwise two strings would decode to the same bytes).
 * recordDecoding.test.ts tries every UTF-16 code unit at several positions to pin this down.
 *
 * @throws {WalletAuthError} `DECRYPTION_FAILED` (reason `malformed-encoding`).
 */
export function decodeSealedString(sealed: string): Buffer {
  const expected = decodedLength(sealed);
  const bytes = Buffer.allocUnsafe(expected);
  if (bytes.write(sealed, 0, expected, "base64url") !== expected) throw malformed("malformed-encoding");
  return bytes;
}

/** Every check but the decoder's byte count (see {@link decodeSealedString}); returns that count. */
function decodedLength(sealed: string): number {
  if (typeof sealed !== "string") throw malformed("malformed-encoding");
  const length = sealed.length;
  const unusedBits = UNUSED_BITS_MASK[length & 3] as number;
  if (length === 0 || unusedBits < 0) throw malformed("malformed-encoding");
  if (Buffer.byteLength(sealed, "utf8") !== length || sealed.includes("+") || sealed.includes("/")) {
    throw malformed("malformed-encoding");
  }
  const last = BASE64URL_VALUE[sealed.charCodeAt(length - 1)] as number;
  if (last < 0 || (last & unusedBits) !== 0) throw malformed("malformed-encoding");
  return Math.floor((length * 3) / 4);
}

/**
 * Reads only the version and key id.
 *
 * @throws {WalletAuthError} `UNSUPPORTED_FORMAT` for an unknown version; `DECRYPTION_FAILED`
 * (reason `malformed-header`) for a header that cannot be read.
 */
export function readHeader(blob: Uint8Array): { version: number; keyId: string; headerLength: number } {
  if (blob.byteLength < 1) throw malformed("malformed-header");
  const version = blob[0] as number;
  if (version !== SEALED_FORMAT_VERSION) {
    throw new WalletAuthError("UNSUPPORTED_FORMAT", { reason: "unknown-format-version", details: { formatVersion: version } });
  }
  if (blob.byteLength < 2) throw malformed("malformed-header");
  const n = blob[1] as number;
  if (n === 0 || n > 64 || blob.byteLength < 2 + n) throw malformed("malformed-header");
  // A short loop beats a Buffer view + toString + regex here, and this runs on every open.
  let keyId = "";
  for (let i = 2; i < 2 + n; i += 1) {
    const c = blob[i] as number;
    if (KEY_ID_BYTE[c] !== 1) throw malformed("malformed-header");
    keyId += String.fromCharCode(c);
  }
  return { version, keyId, headerLength: 2 + n };
}

/**
 * Splits a version-1 blob into its parts (see {@link SealedParts} for the layout).
 *
 * @throws {WalletAuthError} as {@link readHeader}, and `DECRYPTION_FAILED` (reason
 * `malformed-length`) for a blob too short to hold every field.
 */
export function parseSealed(blob: Uint8Array): SealedParts {
  const { version, keyId, headerLength } = readHeader(blob);
  if (blob.byteLength < headerLength + FIXED_TAIL) throw malformed("malformed-length");
  let at = headerLength;
  // Plain Uint8Array views: cheaper to create than Buffer slices, and no copies.
  const { buffer, byteOffset } = blob;
  const take = (length: number): Uint8Array => {
    const part = new Uint8Array(buffer, byteOffset + at, length);
    at += length;
    return part;
  };
  const header = new Uint8Array(buffer, byteOffset, headerLength);
  const wrapNonce = take(AEAD_NONCE_BYTES);
  const wrapCommitment = take(COMMITMENT_BYTES);
  const wrappedKey = take(AEAD_KEY_BYTES);
  const wrapTag = take(AEAD_TAG_BYTES);
  const payloadOffset = at;
  const payloadNonce = take(AEAD_NONCE_BYTES);
  const dataKeyCommitment = take(COMMITMENT_BYTES);
  const ciphertext = take(blob.byteLength - at - AEAD_TAG_BYTES);
  const payloadTag = take(AEAD_TAG_BYTES);
  return {
    version,
    keyId,
    header,
    wrapNonce,
    wrapCommitment,
    wrappedKey,
    wrapTag,
    payloadOffset,
    payloadNonce,
    dataKeyCommitment,
    ciphertext,
    payloadTag,
  };
}

/** Concatenates the header, the wrap section and the payload section into the base64url string. */
export function encodeSealed(parts: {
  header: Uint8Array;
  wrapNonce: Uint8Array;
  wrapCommitment: Uint8Array;
  wrappedKey: Uint8Array;
  wrapTag: Uint8Array;
  payloadSection: readonly Uint8Array[];
}): string {
  return Buffer.concat([
    parts.header,
    parts.wrapNonce,
    parts.wrapCommitment,
    parts.wrappedKey,
    parts.wrapTag,
    ...parts.payloadSection,
  ]).toString("base64url");
}
