import { WalletAuthError } from "../errors/index.js";
import type { JsonObject } from "../ports/common.js";

/** A trimmed label (null when empty), or `INVALID_INPUT`. */
export function normaliseLabel(label: string | null | undefined): string | null {
  if (label === undefined || label === null) return null;
  if (typeof label !== "string") throw new WalletAuthError("INVALID_INPUT", { reason: "label-invalid", details: { field: "label" } });
  const trimmed = label.trim();
  if (trimmed.length > 64 || /[\u0000-\u001f\u007f]/.test(trimmed)) {
    throw new WalletAuthError("INVALID_INPUT", { reason: "label-invalid", details: { field: "label" } });
  }
  return trimmed.length === 0 ? null : trimmed;
}

/** A JSON copy of wallet metadata (object, <= 4 KiB), or `INVALID_INPUT`. */
export function checkMetadata(metadata: JsonObject): JsonObject {
  let text: string;
  try {
    text = JSON.stringify(metadata);
  } catch (error) {
    throw new WalletAuthError("INVALID_INPUT", { reason: "metadata-invalid", cause: error, details: { field: "metadata" } });
  }
  if (typeof metadata !== "object" || metadata === null || Array.isArray(metadata) || text.length > 4096) {
    throw new WalletAuthError("INVALID_INPUT", { reason: "metadata-invalid", details: { field: "metadata" } });
  }
  return JSON.parse(text) as JsonObject;
}
