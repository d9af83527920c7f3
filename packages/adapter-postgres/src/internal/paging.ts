// Paging is written once, in core (the memory store uses the same functions), so a cursor and a
// page size mean the same on every store.
export {
  DEFAULT_PAGE_LIMIT,
  clampPageLimit as clampLimit,
  decodePageCursor as decodeCursor,
  encodePageCursor as encodeCursor,
} from "@wallet-auth/core";
