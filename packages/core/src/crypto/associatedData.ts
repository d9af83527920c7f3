import { WalletAuthError } from "../errors/index.js";
import type { EnvelopeContext } from "./types.js";

const MAX_FIELD_BYTES = 0xffff;

/** Layer tags, so wrap-layer AAD can never equal payload-layer AAD. */
const WRAP_LAYER = 0x57; // "W"
const PAYLOAD_LAYER = 0x50; // "P"

function checkField(value: unknown, field: string): number {
  if (typeof value !== "string" || value.length === 0) {
    throw new WalletAuthError("INVALID_INPUT", { reason: "context-field-empty", details: { field } });
  }
  // Lone surrogates would all encode to U+FFFD, letting two different contexts share AAD.
  if (!(value as unknown as { isWellFormed(): boolean }).isWellFormed()) {
    throw new WalletAuthError("INVALID_INPUT", { reason: "context-field-malformed", details: { field } });
  }
  const length = Buffer.byteLength(value, "utf8");
  if (length > MAX_FIELD_BYTES) {
    throw new WalletAuthError("INVALID_INPUT", { reason: "context-field-too-long", details: { field } });
  }
  return length;
}

/**
 * The canonical, injective encoding of a context: each of `userId`, `recordId`, `purpose` as a
 * big-endian u16 byte length followed by its UTF-8 bytes. Length prefixes make the encoding
 * unambiguous (`"ab" + "c"` never equals `"a" + "bc"`).
 *
 * @param reserve - Bytes left free at the start of the buffer for an AAD prefix.
 * @throws {WalletAuthError} `INVALID_INPUT` for an empty, malformed or over-long field.
 */
export function encodeContext(context: EnvelopeContext, reserve = 0): Buffer {
  const { userId, recordId, purpose } = context ?? ({} as EnvelopeContext);
  const u = checkField(userId, "userId");
  const r = checkField(recordId, "recordId");
  const p = checkField(purpose, "purpose");
  const out = Buffer.allocUnsafe(reserve + 6 + u + r + p);
  let at = reserve;
  at = out.writeUInt16BE(u, at);
  at += out.write(userId, at, "utf8");
  at = out.writeUInt16BE(r, at);
  at += out.write(recordId, at, "utf8");
  at = out.writeUInt16BE(p, at);
  out.write(purpose, at, "utf8");
  return out;
}

/** Fields up to this many UTF-16 units are copied byte by byte when ASCII; longer ones go native. */
const FAST_FIELD_CHARS = 256;

/**
 * Writes `value` at `at` as ASCII, one byte per character; returns -1 (having written garbage
 * the caller discards) as soon as a character is outside ASCII. For the short ids and purposes
 * a context holds, this loop costs less than one native UTF-8 write, and an all-ASCII string is
 * already well-formed UTF-16 and its own UTF-8 encoding.
 */
function writeAscii(out: Uint8Array, at: number, value: string): number {
  const length = value.length;
  out[at] = length >>> 8;
  out[at + 1] = length & 0xff;
  let high = 0;
  for (let i = 0, to = at + 2; i < length; i += 1, to += 1) {
    const c = value.charCodeAt(i);
    high |= c;
    out[to] = c;
  }
  return high > 0x7f ? -1 : at + 2 + length;
}

function isShortString(value: unknown): value is string {
  return typeof value === "string" && value.length > 0 && value.length <= FAST_FIELD_CHARS;
}

/** The associated data of both layers of one record, views into one buffer. */
export interface AssociatedData {
  wrap: Uint8Array;
  payload: Uint8Array;
}

/**
 * Both layers' associated data for one record, built from one context encoding:
 *
 * - wrap layer: `0x57 || header || context`, where `header` is the sealed record's version
 *   byte, key-id length and key id. Binding the key id means a wrapped data key cannot be
 *   relabelled as belonging to another key.
 * - payload layer: `0x50 || version || context`. The key id is deliberately left out so a
 *   rewrap can move the data key to another wrapping key without re-encrypting the payload;
 *   the payload is still tied to the key id through its data key, whose wrapping binds it.
 *
 * The layer tags keep the two AADs distinct even where the bytes after them could coincide.
 * Each context field is read once, so a getter cannot change it between checks and writing.
 *
 * @throws {WalletAuthError} `INVALID_INPUT` as {@link encodeContext}.
 */
export function associatedData(context: EnvelopeContext, header: Uint8Array): AssociatedData {
  const userId: unknown = context?.userId;
  const recordId: unknown = context?.recordId;
  const purpose: unknown = context?.purpose;
  const h = header.byteLength;
  if (isShortString(userId) && isShortString(recordId) && isShortString(purpose)) {
    // Layout: [0x57 | header | context | 0x50 | version | context], context written once.
    const c = 6 + userId.length + recordId.length + purpose.length;
    const out = Buffer.allocUnsafe(1 + h + c + 2 + c);
    let at = writeAscii(out, 1 + h, userId);
    if (at >= 0) at = writeAscii(out, at, recordId);
    if (at >= 0) at = writeAscii(out, at, purpose);
    if (at >= 0) return layered(out, header, c);
  }
  const contextBytes = encodeContext({ userId, recordId, purpose } as EnvelopeContext);
  const c = contextBytes.byteLength;
  const out = Buffer.allocUnsafe(1 + h + c + 2 + c);
  out.set(contextBytes, 1 + h);
  return layered(out, header, c);
}

/** Fills in the prefixes around the context (`c` bytes) already at `1 + header.byteLength`. */
function layered(out: Buffer, header: Uint8Array, c: number): AssociatedData {
  const wrapLength = 1 + header.byteLength + c;
  out[0] = WRAP_LAYER;
  out.set(header, 1);
  out[wrapLength] = PAYLOAD_LAYER;
  out[wrapLength + 1] = header[0] as number;
  out.copyWithin(wrapLength + 2, 1 + header.byteLength, wrapLength);
  const { buffer, byteOffset } = out;
  return {
    wrap: new Uint8Array(buffer, byteOffset, wrapLength),
    payload: new Uint8Array(buffer, byteOffset + wrapLength, 2 + c),
  };
}

/** Only the wrap layer's AAD (for a rewrap under another header), see {@link associatedData}. */
export function wrapAad(header: Uint8Array, context: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(1 + header.byteLength + context.byteLength);
  out[0] = WRAP_LAYER;
  out.set(header, 1);
  out.set(context, 1 + header.byteLength);
  return out;
}
