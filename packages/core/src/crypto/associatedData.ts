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
  const u = checkField(context?.userId, "userId");
  const r = checkField(context.recordId, "recordId");
  const p = checkField(context.purpose, "purpose");
  const out = Buffer.allocUnsafe(reserve + 6 + u + r + p);
  let at = reserve;
  at = out.writeUInt16BE(u, at);
  at += out.write(context.userId, at, "utf8");
  at = out.writeUInt16BE(r, at);
  at += out.write(context.recordId, at, "utf8");
  at = out.writeUInt16BE(p, at);
  out.write(context.purpose, at, "utf8");
  return out;
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
 *
 * @throws {WalletAuthError} `INVALID_INPUT` as {@link encodeContext}.
 */
export function associatedData(context: EnvelopeContext, header: Uint8Array): { wrap: Buffer; payload: Buffer } {
  const wrap = encodeContext(context, 1 + header.byteLength);
  wrap[0] = WRAP_LAYER;
  wrap.set(header, 1);
  const contextBytes = wrap.byteLength - 1 - header.byteLength;
  const payload = Buffer.allocUnsafe(2 + contextBytes);
  payload[0] = PAYLOAD_LAYER;
  payload[1] = header[0] as number;
  wrap.copy(payload, 2, 1 + header.byteLength);
  return { wrap, payload };
}

/** Only the wrap layer's AAD (for a rewrap under another header), see {@link associatedData}. */
export function wrapAad(header: Uint8Array, context: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(1 + header.byteLength + context.byteLength);
  out[0] = WRAP_LAYER;
  out.set(header, 1);
  out.set(context, 1 + header.byteLength);
  return out;
}
