import type { Page } from "@wallet-auth/core";

/** Follows `nextCursor` until the end; returns the pages' items in order. */
export async function collectPages<T>(fetch: (cursor: string | undefined) => Promise<Page<T>>): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let cursor: string | undefined;
  let pages = 0;
  for (;;) {
    const page = await fetch(cursor);
    items.push(...page.items);
    pages++;
    if (page.nextCursor === null) return { items, pages };
    if (pages > 1000) throw new Error("paging never ended");
    cursor = page.nextCursor;
  }
}
