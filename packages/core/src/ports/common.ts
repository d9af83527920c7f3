/** JSON-safe metadata stored alongside a record (jsonb in PostgreSQL). */
export type JsonObject = { [key: string]: JsonValue };
/** Any JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;

/** A page of results and the cursor for the next one (`null` at the end). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * Paging input. `cursor` is opaque and comes from a previous {@link Page}; `limit` is
 * clamped by the store to 1..1000.
 */
export interface PageRequest {
  cursor?: string | undefined;
  limit?: number | undefined;
}
