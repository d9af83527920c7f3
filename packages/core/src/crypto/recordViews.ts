import { AEAD_KEY_BYTES, AEAD_NONCE_BYTES, AEAD_TAG_BYTES } from "./aead.js";
import { FIELD_OFFSET } from "./sealedFormat.js";

/** Windows onto the fields of one sealed record that go to node:crypto, without copies. */
export interface RecordViews {
  readonly wrapNonce: Uint8Array;
  readonly wrappedKey: Uint8Array;
  readonly wrapTag: Uint8Array;
  readonly payloadNonce: Uint8Array;
  readonly ciphertext: Uint8Array;
  readonly payloadTag: Uint8Array;
}

/**
 * Views of the fields of the record in `blob[0 .. length]` whose header is `headerLength`
 * bytes (the caller has checked `length >= headerLength + FIXED_TAIL`).
 */
export function recordViews(blob: Uint8Array, headerLength: number, length: number): RecordViews {
  const { buffer } = blob;
  const base = blob.byteOffset + headerLength;
  const ciphertextLength = length - headerLength - FIELD_OFFSET.ciphertext - AEAD_TAG_BYTES;
  return {
    wrapNonce: new Uint8Array(buffer, base + FIELD_OFFSET.wrapNonce, AEAD_NONCE_BYTES),
    wrappedKey: new Uint8Array(buffer, base + FIELD_OFFSET.wrappedKey, AEAD_KEY_BYTES),
    wrapTag: new Uint8Array(buffer, base + FIELD_OFFSET.wrapTag, AEAD_TAG_BYTES),
    payloadNonce: new Uint8Array(buffer, base + FIELD_OFFSET.payloadNonce, AEAD_NONCE_BYTES),
    ciphertext: new Uint8Array(buffer, base + FIELD_OFFSET.ciphertext, ciphertextLength),
    payloadTag: new Uint8Array(buffer, base + FIELD_OFFSET.ciphertext + ciphertextLength, AEAD_TAG_BYTES),
  };
}
