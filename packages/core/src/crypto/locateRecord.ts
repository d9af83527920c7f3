import { WalletAuthError } from "../errors/index.js";
import { type AssociatedData, associatedData } from "./associatedData.js";
import { type RecordViews, recordViews } from "./recordViews.js";
import { FIXED_TAIL, decodeSealedString, readHeader } from "./sealedFormat.js";
import type { EnvelopeContext } from "./types.js";

/** Where a record's fields are, and the ring entry and associated data to open it with. */
export interface Located<E> {
  readonly entry: E;
  /** The decoded record. */
  readonly blob: Uint8Array;
  readonly length: number;
  /** Index in `blob` of the first field after the header (the header's length). */
  readonly base: number;
  readonly aad: AssociatedData;
  readonly fields: RecordViews;
}

/**
 * Decodes a sealed string and finds its key among `entries`, checking (in this order, so each
 * failure keeps its code) the encoding, the format version and header, the length, the
 * context, and that the key is in the ring.
 *
 * The key is found by comparing the record's header bytes with each key's header: no key-id
 * string is built. A match implies version 1 and a valid key id, since only such headers are
 * in the ring; anything else goes through {@link readHeader} for the precise refusal.
 *
 * @throws {WalletAuthError} `DECRYPTION_FAILED` (malformed), `UNSUPPORTED_FORMAT`,
 * `INVALID_INPUT` (context), `UNKNOWN_KEY`.
 */
export function locateRecord<E extends { readonly header: Uint8Array }>(
  entries: readonly E[],
  sealed: string,
  context: EnvelopeContext,
): Located<E> {
  const blob: Uint8Array = decodeSealedString(sealed);
  const length = blob.byteLength;
  let entry: E | undefined;
  for (const candidate of entries) {
    if (headerMatches(candidate.header, blob, length)) {
      entry = candidate;
      break;
    }
  }
  const headerLength = entry === undefined ? readHeader(blob.subarray(0, length)).headerLength : entry.header.byteLength;
  if (length < headerLength + FIXED_TAIL) throw new WalletAuthError("DECRYPTION_FAILED", { reason: "malformed-length" });
  const aad = associatedData(context, entry === undefined ? blob.subarray(0, headerLength) : entry.header);
  if (entry === undefined) throw new WalletAuthError("UNKNOWN_KEY", { reason: "key-not-in-ring" });
  const fields = recordViews(blob, headerLength, length);
  return { entry, blob, length, base: headerLength, aad, fields };
}

/** `true` when `blob` starts with `header` (version, key-id length, key id). Key ids are public. */
function headerMatches(header: Uint8Array, blob: Uint8Array, blobLength: number): boolean {
  const length = header.byteLength;
  if (blobLength < length || blob[1] !== header[1]) return false;
  for (let i = 0; i < length; i += 1) if (blob[i] !== header[i]) return false;
  return true;
}
