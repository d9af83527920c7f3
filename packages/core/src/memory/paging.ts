import { WalletAuthError } from "../errors/index.js";
import type { Page, PageRequest } from "../ports/common.js";

/** Default page size when a request gives none. */
export const DEFAULT_PAGE_LIMIT = 100;

/** Clamps a requested page size to the ports' 1..1000 range. */
export function clampLimit(limit: number | undefined, fallback = DEFAULT_PAGE_LIMIT): number {
  if (limit === undefined || !Number.isFinite(limit)) return fallback;
  return Math.min(1000, Math.max(1, Math.trunc(limit)));
}

/** A sort key part: a value taken from a record, compared ascending (`1`) or descending (`-1`). */
export interface SortPart<T> {
  get: (record: T) => number | string;
  dir: 1 | -1;
}

function compareValues(a: number | string, b: number | string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareKeys<T>(parts: readonly SortPart<T>[], a: readonly (number | string)[], b: readonly (number | string)[]): number {
  for (let i = 0; i < parts.length; i++) {
    const c = compareValues(a[i] as number | string, b[i] as number | string) * (parts[i] as SortPart<T>).dir;
    if (c !== 0) return c;
  }
  return 0;
}

/** Encodes the sort key of the last item of a page as an opaque cursor. */
export function encodeCursor(values: readonly (number | string)[]): string {
  return Buffer.from(JSON.stringify(values), "utf8").toString("base64url");
}

/**
 * Decodes a cursor made by {@link encodeCursor}; `undefined` for no cursor.
 * @throws WalletAuthError `INVALID_INPUT` when the cursor is not one of ours.
 */
export function decodeCursor(cursor: string | undefined, arity: number): (number | string)[] | undefined {
  if (cursor === undefined || cursor === "") return undefined;
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (
      Array.isArray(values) &&
      values.length === arity &&
      values.every((v) => typeof v === "string" || (typeof v === "number" && Number.isFinite(v)))
    ) {
      return values as (number | string)[];
    }
  } catch {
    // fall through to the coded error
  }
  throw new WalletAuthError("INVALID_INPUT", { reason: "invalid-cursor", details: { field: "cursor" } });
}

/** Sorts `records` by `parts`, skips past `request.cursor` and returns one page. */
export function paginate<T>(records: readonly T[], parts: readonly SortPart<T>[], request: PageRequest): Page<T> {
  const keyOf = (r: T) => parts.map((p) => p.get(r));
  const limit = clampLimit(request.limit);
  const after = decodeCursor(request.cursor, parts.length);
  const sorted = [...records].sort((a, b) => compareKeys(parts, keyOf(a), keyOf(b)));
  const rest = after === undefined ? sorted : sorted.filter((r) => compareKeys(parts, keyOf(r), after) > 0);
  const items = rest.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rest.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null };
}

/** Sorts a copy of `records` by `parts`. */
export function sortBy<T>(records: readonly T[], parts: readonly SortPart<T>[]): T[] {
  const keyOf = (r: T) => parts.map((p) => p.get(r));
  return [...records].sort((a, b) => compareKeys(parts, keyOf(a), keyOf(b)));
}
