import type { Page, PageRequest } from "./common.js";

/** Where a balance comes from. */
export type BalanceSourceType = "exchange" | "wallet";

/**
 * One asset's balance at one instant, stored on every refresh for history. Amounts are
 * decimal strings (numeric in PostgreSQL), never floats.
 */
export interface BalanceSnapshotRecord {
  id: string;
  userId: string;
  sourceType: BalanceSourceType;
  /** Credential id for an exchange, wallet id for a wallet. */
  sourceId: string;
  asset: string;
  free: string;
  locked: string;
  total: string;
  usdValue: string | null;
  takenAt: Date;
}

/** Filter for snapshot history. */
export interface SnapshotQuery extends PageRequest {
  userId: string;
  sourceType?: BalanceSourceType | undefined;
  sourceId?: string | undefined;
  asset?: string | undefined;
  /** Inclusive lower bound. */
  from?: Date | undefined;
  /** Exclusive upper bound. */
  to?: Date | undefined;
}

/** Balance history. Append-only apart from user deletion. */
export interface BalanceSnapshotStore {
  /** Inserts all records in one statement: all land or none do. */
  insertMany(records: readonly BalanceSnapshotRecord[]): Promise<void>;
  /** Snapshots matching `query`, ordered by `takenAt` ascending then id. Scoped by user. */
  list(query: SnapshotQuery): Promise<Page<BalanceSnapshotRecord>>;
  /** Deletes a user's snapshots; returns how many. */
  deleteByUser(userId: string): Promise<number>;
  /** Deletes snapshots of one source (e.g. when a credential or wallet is removed). */
  deleteBySource(userId: string, sourceType: BalanceSourceType, sourceId: string): Promise<number>;
}
