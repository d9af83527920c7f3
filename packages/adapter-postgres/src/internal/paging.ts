import { WalletAuthError } from "@wallet-auth/core";

/** Default page size when a request gives none (same as the memory store). */
export const DEFAULT_PAGE_LIMIT = 100;

/** Clamps a requested page size to 1..1000. */
export function clampLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return DEFAULT_PAGE_LIMIT;
  return Math.min(1000, Math.max(1, Math.trunc(limit)));
}

/** Encodes a keyset position as an opaque cursor. */
export function encodeCursor(values: readonly (number | string)[]): string {
  return Buffer.from(JSON.stringify(values), "utf8").toString("base64url");
}

/**
 * Decodes a cursor; `undefined` for none.
 * @throws WalletAuthError `INVALID_INPUT` when it is not one of ours.
 */
export function decodeCursor(cursor: string | undefined, kinds: readonly ("number" | "string")[]): (number | string)[] | undefined {
  if (cursor === undefined || cursor === "") return undefined;
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (
      Array.isArray(values) &&
      values.length === kinds.length &&
      values.every((v, i) => typeof v === kinds[i] && (typeof v !== "number" || Number.isFinite(v)))
    ) {
      return values as (number | string)[];
    }
  } catch {
    // fall through to the coded error
  }
  throw new WalletAuthError("INVALID_INPUT", { reason: "invalid-cursor", details: { field: "cursor" } });
}
