import type { AuditChainHead, AuditLog } from "../ports/AuditLog.js";
import type { Redacted } from "../secret/Redacted.js";
import type { AuditChainSelector } from "./verifyAuditChain.js";
import { Redacted as R } from "../secret/Redacted.js";
import { chainKeyFor } from "./auditHashing.js";

/** Options for {@link chainHead}. */
export type ChainHeadOptions = AuditChainSelector & { store: { audit: AuditLog } };

/**
 * The newest `{ seq, hash }` of a chain, or `null` when it is empty. An operator who stores
 * heads outside the database (a ticket, a WORM bucket, a signed log) can later pass one to
 * {@link verifyAuditChain} as `expectedHead` to detect truncation or a rewritten chain.
 *
 * @param options - The store and which chain.
 * @returns The head, or `null`.
 * @example
 * ```ts
 * const head = await chainHead({ store, userId: "user_1", hashKey });
 * ```
 */
export async function chainHead(options: ChainHeadOptions): Promise<AuditChainHead | null> {
  const chainKey = options.chainKey ?? chainKeyFor(R.unwrap(options.hashKey as Redacted<Uint8Array>), options.userId as string);
  let head: AuditChainHead | null = null;
  let afterSeq = 0;
  for (;;) {
    const page = await options.store.audit.listChain(chainKey, afterSeq, 1000);
    const last = page[page.length - 1];
    if (last) head = { seq: last.seq, hash: last.hash };
    if (page.length < 1000 || !last) return head;
    afterSeq = last.seq;
  }
}
