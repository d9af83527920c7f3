import type { Page } from "../ports/common.js";

/** Reads every page of a cursor-paged listing, `pageSize` at a time. */
export async function collectPages<T>(fetchPage: (cursor: string | undefined, limit: number) => Promise<Page<T>>, pageSize = 500): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await fetchPage(cursor, pageSize);
    out.push(...page.items);
    if (page.nextCursor === null) return out;
    cursor = page.nextCursor;
  }
}
