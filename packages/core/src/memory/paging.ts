import { clampPageLimit as clampLimit, decodePageCursor as decodeCursor, encodePageCursor as encodeCursor } from "../ports/paging.js";
import type { Page, PageRequest } from "../ports/common.js";

export { DEFAULT_PAGE_LIMIT, clampPageLimit as clampLimit } from "../ports/paging.js";

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
