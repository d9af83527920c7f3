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
 * @throws {WalletAuthError} `INVALID_INPUT` for an empty, malformed or over-long field.
 */
export function encodeContext(context: EnvelopeContext): Buffer {
  const u = checkField(context?.userId, "userId");
  const r = checkField(context.recordId, "recordId");
  const p = checkField(context.purpose, "purpose");
  const out = Buffer.allocUnsafe(6 + u + r + p);
  let at = 0;
  at = out.writeUInt16BE(u, at);
  at += out.write(context.userId, at, "utf8");
  at = out.writeUInt16BE(r, at);
  at += out.write(context.recordId, at, "utf8");
  at = out.writeUInt16BE(p, at);
  out.write(context.purpose, at, "utf8");
  return out;
}

/**
 * AAD of the wrapping layer: `0x57 || header || context`, where `header` is the sealed
 * record's version byte, key-id length and key id. Binding the key id means a wrapped data key
 * cannot be relabelled as belonging to another key.
 */
export function wrapAad(header: Uint8Array, context: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(1 + header.byteLength + context.byteLength);
  out[0] = WRAP_LAYER;
  out.set(header, 1);
  out.set(context, 1 + header.byteLength);
  return out;
}

/**
 * AAD of the payload layer: `0x50 || version || context`. The key id is deliberately left out
 * so a rewrap can move the data key to another wrapping key without re-encrypting the payload;
 * the payload is still tied to the key id through the data key, whose wrapping binds it.
 */
export function payloadAad(version: number, context: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(2 + context.byteLength);
  out[0] = PAYLOAD_LAYER;
  out[1] = version;
  out.set(context, 2);
  return out;
}
