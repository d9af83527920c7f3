import { WalletAuthError } from "../errors/index.js";

/**
 * Keyset paging shared by every store (the memory store and the PostgreSQL adapter use these,
 * so a cursor and a page size mean the same on both): a cursor is the sort key of the last
 * item of a page, JSON in base64url, opaque to callers.
 */

/** Default page size when a request gives none. */
export const DEFAULT_PAGE_LIMIT = 100;

/**
 * Clamps a requested page size to the ports' 1..1000 range.
 *
 * @param limit - requested size (`undefined` or non-finite gives `fallback`).
 * @param fallback - default `DEFAULT_PAGE_LIMIT`.
 */
export function clampPageLimit(limit: number | undefined, fallback = DEFAULT_PAGE_LIMIT): number {
  if (limit === undefined || !Number.isFinite(limit)) return fallback;
  return Math.min(1000, Math.max(1, Math.trunc(limit)));
}

/** Encodes the sort key of the last item of a page as an opaque cursor. */
export function encodePageCursor(values: readonly (number | string)[]): string {
  return Buffer.from(JSON.stringify(values), "utf8").toString("base64url");
}

/**
 * Decodes a cursor made by {@link encodePageCursor}; `undefined` for no cursor.
 *
 * @param cursor - the caller's cursor.
 * @param shape - the key's arity (each part a string or finite number), or each part's type.
 * @throws WalletAuthError `INVALID_INPUT` (`details.fields: ["cursor"]`) when it is not one of ours.
 */
export function decodePageCursor(cursor: string | undefined, shape: number | readonly ("number" | "string")[]): (number | string)[] | undefined {
  if (cursor === undefined || cursor === "") return undefined;
  const arity = typeof shape === "number" ? shape : shape.length;
  try {
    if (typeof cursor !== "string" || cursor.length > 1024) throw new Error("bad");
    const values: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (
      Array.isArray(values) &&
      values.length === arity &&
      values.every(
        (v, i) =>
          (typeof v === "string" && !v.includes("\u0000") && (typeof shape === "number" || shape[i] === "string")) ||
          (typeof v === "number" && Number.isFinite(v) && (typeof shape === "number" || shape[i] === "number")),
      )
    ) {
      return values as (number | string)[];
    }
  } catch {
    // fall through to the coded error
  }
  throw new WalletAuthError("INVALID_INPUT", { reason: "invalid-cursor", details: { fields: ["cursor"] } });
}
