import type { BalanceSourceType } from "./BalanceSnapshotStore.js";
import type { Page, PageRequest } from "./common.js";

/** Kind of a cached history entry. */
export type TransactionType = "trade" | "deposit" | "withdrawal" | "transfer";

/** A normalised history entry from an exchange or a chain, cached locally. */
export interface TransactionRecord {
  id: string;
  userId: string;
  sourceType: BalanceSourceType;
  sourceId: string;
  /** The upstream id (exchange id, or `txHash:logIndex`). Unique per source. */
  externalId: string;
  type: TransactionType;
  asset: string;
  /** Decimal string; signed for transfers (negative = out). */
  amount: string;
  fee: string | null;
  feeAsset: string | null;
  status: "pending" | "ok" | "failed" | "canceled";
  occurredAt: Date;
  txid: string | null;
  /** Trade side/symbol, counterparty etc. Never secret. */
  info: Record<string, string | number | boolean | null>;
}

/** Filter for cached history. */
export interface TransactionQuery extends PageRequest {
  userId: string;
  sourceType?: BalanceSourceType | undefined;
  sourceId?: string | undefined;
  type?: TransactionType | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

/** Cache of history entries. */
export interface TransactionStore {
  /**
   * Inserts or updates by `(sourceType, sourceId, externalId)`; idempotent, all-or-nothing.
   */
  upsertMany(records: readonly TransactionRecord[]): Promise<void>;
  /** Entries matching `query`, newest first (`occurredAt` desc, then id). Scoped by user. */
  list(query: TransactionQuery): Promise<Page<TransactionRecord>>;
  /** Deletes a user's entries; returns how many. */
  deleteByUser(userId: string): Promise<number>;
}
