import type { BalanceSourceType } from "./BalanceSnapshotStore.js";

/**
 * Where each upstream history read stopped, per source and stream (e.g. a chain's transfer logs:
 * the next block to read; an exchange's history: the newest entry time seen), so a sync reads
 * only what is new.
 */
export interface SyncCursorStore {
  /** The stored cursor, or `null` when the source was never synced. */
  get(userId: string, sourceType: BalanceSourceType, sourceId: string, stream: string): Promise<string | null>;
  /** Inserts or replaces the cursor (last write wins; a cursor only moves forward in practice). */
  set(userId: string, sourceType: BalanceSourceType, sourceId: string, stream: string, cursor: string, now: Date): Promise<void>;
  /** Deletes a user's cursors; returns how many. */
  deleteByUser(userId: string): Promise<number>;
}
